"""The words of the strategy document and of `compare` (the `strategy` section of the message
catalogue), and the cleaning of user text before it reaches any output."""

from __future__ import annotations

import re
import unicodedata
from advisor.i18n import Lang, msg

_SPACE = re.compile(r"\s+")


def w(key: str, lang: Lang, **values) -> str:
    return msg(f"strategy.{key}", lang, **values)


def clean(text: object) -> str:
    """User text as one line: control characters (C0, C1, bidi overrides) dropped, whitespace collapsed."""
    kept = "".join(" " if ch in "\t\n\r" else ch for ch in str(text) if ch in "\t\n\r" or not _control(ch))
    return _SPACE.sub(" ", kept).strip()


def _control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")
