"""User text made safe to show: the one place it is cleaned for a terminal, a Markdown
report, JSON and a spreadsheet.

Scenario names, answers, file names and CSV cells come from people and files we do not
control. Shown raw, a control character can clear a terminal and paint text of its own,
rich markup (`[link=...]`) becomes a styled or clickable link, and a spreadsheet runs a
cell that starts with `=` as a formula. Every piece of user text passes through one of
these functions before it is shown.
"""

from __future__ import annotations

import json
import re

import orjson
from rich.markup import escape

# Bidirectional overrides and isolates reorder what a reader sees ("Trojan Source").
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + "]")
_IN_JSON_ONLY = "".join(map(chr, range(0x7F, 0xA0))) + "\u2028\u2029" + _BIDI  # json.dumps escapes the rest
_IN_JSON = re.compile(f"[{_IN_JSON_ONLY}]")
_SPACE = re.compile(r"\s+")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object) -> str:
    """One line of text with every control, line-breaking and bidi character written out
    as an escape (`\\x1b`), so it is shown, never obeyed."""
    return _UNSAFE.sub(_visible, str(text))


def one_line(text: object) -> str:
    """`clean`, after collapsing whitespace (line breaks included) to single spaces: for titles,
    labels and table cells that must stay on one line."""
    return clean(_SPACE.sub(" ", str(text)).strip())


def needs_cleaning(text: str) -> bool:
    """Does `text` hold a character that `clean` writes out?"""
    return _UNSAFE.search(text) is not None


def markup(text: object) -> str:
    """Clean text for a rich console: also escape `[` so it is never read as markup."""
    return escape(clean(text))


def markdown(text: object) -> str:
    """Clean text for a Markdown report: also escape the characters Markdown acts on
    (links, emphasis, code, tables, HTML), so the text reads as it was written."""
    return _MARKDOWN.sub(r"\\\1", clean(text))


def cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ (or their full-width
    forms) gets a leading apostrophe, as OWASP advises against CSV injection; control
    characters are written out. Numbers are left as they are."""
    if not isinstance(value, str):
        return value
    value = clean(value)  # a leading tab or carriage return becomes the visible \x09 or \x0d
    return "'" + value if value.startswith(FORMULA_START) else value


def json_text(data: object, **options) -> str:
    """JSON with every control, C1 and bidi character written as a \\u escape: the same data
    back when parsed, nothing a terminal would obey when printed.

    The text is that of json.dumps(data, ensure_ascii=False, **options), made by orjson where it
    writes the same bytes: compact or indented by two, and no number below 1e-4 (orjson writes
    0.00001 where Python writes 1e-05). Non-finite numbers, which no answer can hold, would be
    null instead of NaN."""
    raw = _orjson(data, options)
    if raw is None:
        text = json.dumps(data, ensure_ascii=False, **options)
    else:
        text = raw.decode("utf-8")
        if not _escapes_needed(raw):  # a search for four bytes; the pattern would read it all
            return text
    return _IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_ORJSON_OPTIONS = {(("separators", (",", ":")),): 0, (("indent", 2),): orjson.OPT_INDENT_2}


def _orjson(data: object, options: dict) -> bytes | None:
    """orjson's JSON of `data`, or None where it would differ from the standard library's."""
    option = _ORJSON_OPTIONS.get(tuple(options.items()))
    if option is None:
        return None
    try:
        raw = orjson.dumps(data, option=option)
    except TypeError:  # a key that is not text, an integer beyond 64 bits, a lone surrogate
        return None
    return None if b"0.0000" in raw or _after_digit(raw, b"e-") else raw


def _after_digit(raw: bytes, part: bytes) -> bool:
    i = raw.find(part)
    while i != -1:
        if i and raw[i - 1] in b"0123456789":
            return True
        i = raw.find(part, i + len(part))
    return False


# What _IN_JSON matches, in UTF-8, by first byte: each has as many bytes as the others that share it.
_ENCODED: dict[int, set[bytes]] = {}
for _form in map(str.encode, _IN_JSON_ONLY):
    _ENCODED.setdefault(_form[0], set()).add(_form)


def _escapes_needed(raw: bytes) -> bool:
    for lead, forms in _ENCODED.items():
        size = len(next(iter(forms)))
        i = raw.find(lead)
        while i != -1:
            if raw[i : i + size] in forms:
                return True
            i = raw.find(lead, i + 1)
    return False
