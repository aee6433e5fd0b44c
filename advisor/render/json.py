"""JSON: the complete view, stable key order, for tools and archives."""

from __future__ import annotations

from advisor.safe import json_text


def render(view: dict, compact: bool = False) -> str:
    """Indented for people; compact (one line, several times faster) for batch reports."""
    if compact:
        return json_text(view, separators=(",", ":")) + "\n"
    return json_text(view, indent=2) + "\n"
