"""Renderers: read an Advice, write text, JSON, Markdown or HTML. They never decide anything."""

from __future__ import annotations

import io
from typing import Literal

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


def reports(advice: Advice, kb: KnowledgeBase, lang: Lang) -> dict[str, str]:
    """The JSON (compact), Markdown and HTML reports of one advice, from one view."""
    from advisor.render import html

    v = view.build(advice, kb, lang)
    return {"json": json.render(v, compact=True), "markdown": markdown.render(v), "html": html.render(v)}
