"""JSON: the complete view, stable key order, for tools and archives."""

from __future__ import annotations

import json


def render(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False, indent=2) + "\n"
