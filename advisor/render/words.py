"""The words of the strategy document and of `compare` (the `strategy` section of the message
catalogue), and user text made one line before it reaches any output."""

from __future__ import annotations

import re

from advisor import safe
from advisor.i18n import Lang, msg

_SPACE = re.compile(r"\s+")


def w(key: str, lang: Lang, **values) -> str:
    return msg(f"strategy.{key}", lang, **values)


def clean(text: object) -> str:
    """User text as one line: whitespace (line breaks included) collapsed, and every other
    control or bidi character written out visibly (see advisor.safe)."""
    return safe.clean(_SPACE.sub(" ", str(text)).strip())
