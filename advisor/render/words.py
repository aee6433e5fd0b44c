"""The words of the strategy document and of `compare`, per language, from one YAML file;
and the cleaning of user text before it reaches any output."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from advisor.i18n import Lang

LABELS = Path(__file__).with_name("strategy_labels.yaml")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


def w(key: str, lang: Lang, **values) -> str:
    text = labels()[key][lang]
    return text.format(**values) if values else text


def clean(text: object) -> str:
    """User text as one line: control characters (C0, C1, bidi overrides) dropped, whitespace collapsed."""
    kept = "".join(" " if ch in "\t\n\r" else ch for ch in str(text) if ch in "\t\n\r" or not _control(ch))
    return _SPACE.sub(" ", kept).strip()


def _control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")
