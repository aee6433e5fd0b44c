"""The words of the strategy document and of `compare` (the `strategy` section of the message
catalogue)."""

from __future__ import annotations

from advisor.i18n import Lang, msg


def w(key: str, lang: Lang, **values) -> str:
    return msg(f"strategy.{key}", lang, **values)
