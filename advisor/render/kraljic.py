"""The Kraljic matrix as a picture (SVG and PNG) with matplotlib, the optional extra `[plots]`.

The files are the same bytes on every run: a fixed font shipped with matplotlib (DejaVu
Sans), text drawn as paths, a fixed SVG hash salt, no dates or software names in the
metadata. Without matplotlib `available()` is False and the document shows the Mermaid
quadrantChart only.
"""

from __future__ import annotations

import io
import math

FONT = "DejaVu Sans"
QUADRANT_COLOURS = {"routine": "#e8f1fa", "hefboom": "#fdf1e1", "knelpunt": "#fbe6e6", "strategisch": "#e7f4e9"}
DOT = "#1f4e79"


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def pictures(view: dict) -> dict[str, bytes]:
    """{'svg': ..., 'png': ...} for the view's Kraljic matrix."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    settings = {
        "svg.hashsalt": "advisor-kraljic",
        "svg.fonttype": "path",
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "path.simplify": True,
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(settings):
        figure = _draw(plt, view["kraljic"])
        try:
            return {"svg": _save(figure, "svg", {"Date": None, "Creator": None}), "png": _save(figure, "png", {"Software": None})}
        finally:
            plt.close(figure)


def _save(figure, fmt: str, metadata: dict) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=150)
    return buffer.getvalue()


def _draw(plt, k: dict):
    figure, axes = plt.subplots(figsize=(8, 6.4))
    quadrants = {q["option"]: q["name"] for q in k["quadrants"]}
    corners = {"routine": (0, 0), "hefboom": (0.5, 0), "knelpunt": (0, 0.5), "strategisch": (0.5, 0.5)}
    for option, (x, y) in corners.items():
        axes.add_patch(plt.Rectangle((x, y), 0.5, 0.5, facecolor=QUADRANT_COLOURS[option], edgecolor="#9aa5b1", linewidth=0.8))
        axes.text(x + 0.25, y + 0.47, quadrants.get(option, option), ha="center", va="top", fontsize=11, fontweight="bold", color="#333333")
    spends = [p["spend"] for p in k["points"] if p["spend"]]
    top = max(spends) if spends else None
    for p in k["points"]:
        size = 90 + 900 * math.sqrt(p["spend"] / top) if p["spend"] and top else 90
        axes.scatter([p["x"]], [p["y"]], s=size, color=DOT, alpha=0.55 if p["spend"] else 0.9, edgecolors="white", linewidths=1.0, zorder=3)
        right = p["x"] < 0.75
        offset = (math.sqrt(size) / 2 + 4) * (1 if right else -1)
        axes.annotate(_short(p["name"]), (p["x"], p["y"]), xytext=(offset, 0), textcoords="offset points",
                      ha="left" if right else "right", va="center", fontsize=8, color="#111111", zorder=4)
    labels = k["labels"]
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xticks([0.25, 0.75], [labels["impact_low"], labels["impact_high"]])
    axes.set_yticks([0.25, 0.75], [labels["risk_low"], labels["risk_high"]], rotation=90, va="center")
    axes.set_xlabel(labels["financial_impact"])
    axes.set_ylabel(labels["supply_risk"])
    axes.set_title(labels["kraljic"])
    axes.tick_params(length=0)
    figure.tight_layout()
    return figure


def _short(name: str, width: int = 28) -> str:
    """Wrap a segment name on two lines at most."""
    if len(name) <= width:
        return name
    cut = name.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    rest = name[cut:].strip()
    return name[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "…")
