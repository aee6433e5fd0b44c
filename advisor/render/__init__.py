"""Renderers: read an Advice, write text, JSON, Markdown or HTML. They never decide anything."""

from __future__ import annotations

import io
from typing import Iterable, Literal

from rich.console import Console

from advisor.advise import Advice
from advisor.i18n import Lang
from advisor.knowledge import KnowledgeBase
from advisor.render import json, markdown, text, view

Format = Literal["text", "json", "markdown", "html"]
FORMATS = ("text", "json", "markdown", "html")


def show(advice: Advice, kb: KnowledgeBase, fmt: Format, lang: Lang, console: Console) -> None:
    """Render to a console: text with styles, the other formats as plain text."""
    v = view.build(advice, kb, lang)
    if fmt == "text":
        text.render(v, console)
    else:
        console.out(_render(v, fmt), end="", highlight=False)


def to_string(advice: Advice, kb: KnowledgeBase, fmt: Format, lang: Lang, width: int = 100, compact: bool = False) -> str:
    """Render to a string, the same bytes every time (text without colour, fixed width)."""
    return _render(view.build(advice, kb, lang), fmt, width, compact)


def _render(v: dict, fmt: Format, width: int = 100, compact: bool = False) -> str:
    if fmt == "json":
        return json.render(v, compact)
    if fmt == "markdown":
        return markdown.render(v)
    if fmt == "html":
        from advisor.render import html  # Jinja2: imported by the runs that write HTML

        return html.render(v)
    buffer = io.StringIO()
    text.render(v, Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False))
    return buffer.getvalue()


REPORTS = ("json", "markdown", "html")  # the reports of one advice, in the order they are written


def report_formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    """The report formats asked for, each once, in the order of REPORTS (a single name may be
    given as a string). ValueError for a name that is not in REPORTS."""
    asked = {formats} if isinstance(formats, str) else set(formats)
    unknown = sorted(asked - set(REPORTS), key=str)
    if unknown:
        raise ValueError(f"unknown report format {', '.join(map(repr, unknown))}; known: {', '.join(REPORTS)}")
    return tuple(f for f in REPORTS if f in asked)


def reports(advice: Advice, kb: KnowledgeBase, lang: Lang, formats: Iterable[str] | str = REPORTS) -> dict[str, str]:
    """The reports of one advice in `formats` (JSON compact, Markdown, HTML), from one view, in
    the order of REPORTS. Only the formats asked for are rendered: none builds no view, and
    without HTML Jinja2 is not even imported."""
    asked = report_formats(formats)
    if not asked:
        return {}
    v = view.build(advice, kb, lang)
    made = {}
    if "json" in asked:
        made["json"] = json.render(v, compact=True)
    if "markdown" in asked:
        made["markdown"] = markdown.render(v)
    if "html" in asked:
        from advisor.render import html  # Jinja2: imported by the runs that write HTML

        made["html"] = html.render(v)
    return made
