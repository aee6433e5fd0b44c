"""The one place that picks a language.

Every text the advisor itself shows is in one message catalogue per language
(`advisor/messages/nl.yaml`, `en.yaml`), under the same keys; the knowledge carries its own
texts side by side (`{nl: ..., en: ...}`). A command sets the language of its run once with
`use` (or `using`); messages made deeper down (an answer that does not fit, a file that
cannot be read) are then in that language too. Outside a command, messages are in English."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

Lang = Literal["nl", "en"]
LANGS = ("nl", "en")
CATALOGUES = Path(__file__).parent / "messages"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: the help reads a catalogue
_current: ContextVar[str] = ContextVar("advisor_language", default="en")


def use(lang: Lang) -> None:
    """Set the language of this run."""
    _current.set(lang)


@contextmanager
def using(lang: Lang):
    """The language of what runs inside; the one before is restored afterwards."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> Lang:
    return _current.get()  # type: ignore[return-value]


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: Lang) -> dict[str, str]:
    """The catalogue of `lang`, its sections flattened to dotted keys (report.warnings)."""
    data = yaml.load((CATALOGUES / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    return dict(_flatten(data, ""))


def _flatten(data: dict, prefix: str):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", str(value)


def msg(key: str, lang: Lang | None = None, /, **values) -> str:
    """The message `key` in `lang` (default: the language of the run), with its values filled in.
    A key with `.one` and `.other` forms is a count: `n` picks the form."""
    texts = catalogue(lang or current())
    if "n" in values and f"{key}.one" in texts:
        key = f"{key}.one" if values["n"] == 1 else f"{key}.other"
    text = texts[key]
    return text.format(**values) if values else text


def message(key: str, lang: Lang, **values) -> str:
    """A message about the user's environment or session (see errors.UserError)."""
    return msg(f"environment.{key}", lang, **values)


def t(text, lang: Lang) -> str:
    """A text of the knowledge in `lang`: from a Text model or a {nl, en} dict."""
    if isinstance(text, dict):
        return text[lang]
    return getattr(text, lang)


def today(view: dict, lang: Lang) -> str:
    """' (today in Europe/Amsterdam)' when the advice is for today's date, else ''."""
    return f" ({msg('report.today_in', lang, zone=view['as_of_clock'])})" if view.get("as_of_clock") else ""


def money(amount: float, lang: Lang) -> str:
    """€ 750.000 (nl) / € 750,000 (en)."""
    whole = f"{amount:,.0f}"
    return "€ " + (whole.replace(",", ".") if lang == "nl" else whole)


def yes_no(value: bool, lang: Lang) -> str:
    return msg("report.yes" if value else "report.no", lang)


def has(key: str, lang: Lang | None = None) -> bool:
    return key in catalogue(lang or current())
