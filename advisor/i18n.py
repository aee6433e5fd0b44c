"""The one place that picks a language.

Every text the advisor itself shows is in one message catalogue per language
(`advisor/messages/nl.yaml`, `en.yaml`), under the same keys; the knowledge carries its own
texts side by side (`{nl: ..., en: ...}`). A command sets the language of its run once with
`use` (or `using`); messages made deeper down (an answer that does not fit, a file that
cannot be read) are then in that language too. Outside a command, messages are in English."""

from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Literal

Lang = Literal["nl", "en"]
LANGS = ("nl", "en")
CATALOGUES = Path(__file__).parent / "messages"
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
    """The catalogue of `lang`, its sections flattened to dotted keys (report.warnings).
    Read from its JSON copy in the cache when that was made from the same YAML text: the help
    needs a catalogue, and the YAML parser and its import take longer than the rest of it."""
    source = (CATALOGUES / f"{lang}.yaml").read_text(encoding="utf-8")
    copy = _copy(lang, source)
    texts = _cached(copy, source)
    if texts is None:
        import yaml

        data = yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when available
        texts = dict(_flatten(data, ""))
        _keep(copy, source, texts)
    return texts


def _copy(lang: Lang, source: str) -> Path | None:
    """Where the JSON copy of a catalogue with this text is kept (advisor/cache.py)."""
    import zlib

    from advisor import cache

    try:
        folder = cache.folder()
    except (RuntimeError, KeyError):  # no home folder to find
        return None
    return None if folder is None else folder / "messages" / f"{lang}-{zlib.crc32(source.encode('utf-8')):08x}.json"


def _cached(copy: Path | None, source: str) -> dict[str, str] | None:
    """The texts of the copy, if it holds the same YAML text it was made from, and texts only."""
    if copy is None:
        return None
    try:
        data = json.loads(copy.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("source") != source or not isinstance(data.get("texts"), dict):
        return None
    texts = data["texts"]
    return texts if all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()) else None


def _keep(copy: Path | None, source: str, texts: dict[str, str]) -> None:
    """Save the copy, renamed into place whole (best effort: without it, the YAML is read).
    Not through files.write_atomic: its errors are messages, which need this catalogue."""
    if copy is None:
        return
    import os
    import tempfile

    tmp = None
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=copy.parent, prefix=f".{copy.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"source": source, "texts": texts}, handle, ensure_ascii=False)
        os.replace(tmp, copy)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


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
