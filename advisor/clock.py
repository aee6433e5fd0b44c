"""The one clock: the date the advice applies to when no date is given is today in the
Netherlands (Europe/Amsterdam), whatever the time zone of the machine, so the same
scenario gives the same advice at the same moment everywhere."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE = "Europe/Amsterdam"
LAW_START = dt.date(2015, 1, 1)  # the Wmo 2015 and the Jeugdwet came into force; the knowledge starts here


def today() -> dt.date:
    """Today's date in Europe/Amsterdam (central European time if the zone database is missing)."""
    try:
        zone: dt.tzinfo = ZoneInfo(ZONE)
    except ZoneInfoNotFoundError:
        zone = dt.timezone(dt.timedelta(hours=1))
    return dt.datetime.now(zone).date()
