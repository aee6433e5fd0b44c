"""JSON: the complete view, stable key order, for tools and archives."""

from __future__ import annotations

import json


def render(view: dict, compact: bool = False) -> str:
    """Indented for people; compact (one line, several times faster) for batch reports."""
    if compact:
        return json.dumps(view, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(view, ensure_ascii=False, indent=2) + "\n"
