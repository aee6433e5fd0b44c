"""Where the advisor keeps what it can rebuild: the knowledge snapshot (advisor/snapshot.py)
and the message catalogues as JSON (advisor/i18n.py). Nothing in it is needed, and nothing in
it is believed unchecked: each reader checks what it reads against its sources and rebuilds
it from them when it does not match. ADVISOR_NO_CACHE=1 turns it off; ADVISOR_CACHE chooses
the folder (default: $XDG_CACHE_HOME/advisor or ~/.cache/advisor)."""

from __future__ import annotations

import os
from pathlib import Path


def folder() -> Path | None:
    if os.environ.get("ADVISOR_NO_CACHE"):
        return None
    if os.environ.get("ADVISOR_CACHE"):
        return Path(os.environ["ADVISOR_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "advisor"
