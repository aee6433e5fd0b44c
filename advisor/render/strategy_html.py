"""The strategy document as one self-contained HTML page (Jinja2, autoescaped): the picture
is embedded, the planning is drawn with CSS bars, nothing is loaded from elsewhere."""

from __future__ import annotations

import base64
import datetime as dt
from functools import lru_cache
from pathlib import Path

from advisor.render.words import w

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(v: dict, svg: bytes | None = None) -> str:
    lang = v["language"]
    dims = [r["name"] for r in next((row["route"] for row in v["summary"] if row["route"]), [])]
    template = _environment().get_template("strategy.html.j2")
    return template.render(
        v=v,
        w=lambda key, **kw: w(key, lang, **kw),
        dims=dims,
        svg=base64.b64encode(svg).decode("ascii") if svg else None,
        gantt=_bars(v),
    )


def _bars(v: dict) -> list[dict]:
    """Each phase as a bar: its offset and width in per cent of the whole planning."""
    plans = v["planning"]
    if not plans:
        return []
    first = min(dt.date.fromisoformat(p["begin"]) for p in plans)
    last = max(dt.date.fromisoformat(p["start"]) for p in plans)
    span = max((last - first).days, 1)
    today = dt.date.fromisoformat(v["as_of"])
    out = []
    for plan in plans:
        bars = []
        for p in plan["phases"]:
            start, end = dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])
            bars.append({
                "name": p["name"], "start": p["start"], "end": p["end"], "late": start < today,
                "left": f"{100 * (start - first).days / span:.2f}", "width": f"{100 * (end - start).days / span:.2f}",
            })
        out.append({"segment": plan["segment"], "bars": bars})
    return out
