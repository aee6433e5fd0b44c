"""The batch for people: a table per scenario that fits the terminal (option names, columns
dropped by priority, the full data in --format csv), the overview per dimension, and the
comparison of the scenarios written beside the reports (summary.md and summary.html)."""

from __future__ import annotations

from typing import Any, Iterator

from rich.console import Console
from rich.table import Table

from advisor import batch
from advisor.i18n import Lang, money, msg, t
from advisor.knowledge import KnowledgeBase
from advisor.render import html
from advisor.safe import markdown as md, markup as escape

# (key, minimum width), in the order they are given up when the terminal is narrow: last first.
PRIORITY = (
    ("scenario", 14), ("instrument", 10), ("procedure", 12), ("match", 8), ("regime", 10), ("warnings", 8),
    ("funding_form", 10), ("contract_form", 10), ("kraljic_segment", 9), ("care_form", 10),
    ("provider_count", 10), ("contract_value", 11), ("contract_duration", 9),
)
ORDER = ("scenario", "care_form", "contract_value", "instrument", "regime", "procedure", "funding_form",
         "contract_form", "provider_count", "kraljic_segment", "contract_duration", "warnings", "match")
PADDING = 2


def show(results: list[batch.Result], kb: KnowledgeBase, lang: Lang, console: Console) -> None:
    rows = list(batch.rows(results))
    minimum = {key: max(width, len(header(kb, key, lang))) for key, width in PRIORITY}
    columns, hidden = fitting(rows, console.width, minimum)
    cells = [[cell(kb, row, key, lang) for key in columns] for row in rows]
    heads = [header(kb, key, lang) for key in columns]
    widths = shrink([max(len(x) for x in [h, *(c[i] for c in cells)]) for i, h in enumerate(heads)],
                    [minimum[k] for k in columns], console.width - PADDING * (len(columns) - 1))
    table = Table(box=None, header_style="bold", padding=(0, PADDING, 0, 0), pad_edge=False, collapse_padding=True)
    for key, head, width in zip(columns, heads, widths):
        table.add_column(head, width=width, no_wrap=True, overflow="ellipsis", justify="right" if key == "warnings" else "left")
    if "scenario" in columns:  # cut in the middle: names that start alike still differ at their end
        i = columns.index("scenario")
        for values in cells:
            values[i] = middle(values[i], widths[i])
    for row, values in zip(rows, cells):
        table.add_row(*map(escape, values), style=_style(row))
    console.print(table)
    if hidden:
        console.print(f"[dim]{escape(msg('batch.hidden', lang, columns=', '.join(header(kb, k, lang) for k in hidden)))}[/dim]")
    _overview(results, rows, kb, lang, console)


def middle(text: str, width: int) -> str:
    """`text` cut to `width` with an ellipsis in the middle, its start and end kept."""
    if len(text) <= width:
        return text
    head = width // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def fitting(rows: list[dict], width: int, minimum: dict[str, int]) -> tuple[list[str], list[str]]:
    """The columns that fit `width`, in display order, and those left out (by priority)."""
    wanted = [key for key, _ in PRIORITY if key != "match" or any(batch.matches(r) is not None for r in rows)]
    kept, used = [], 0
    for key in wanted:
        if used + minimum[key] + PADDING <= width or not kept:
            kept.append(key)
            used += minimum[key] + PADDING
    return [k for k in ORDER if k in kept], [k for k in ORDER if k in wanted and k not in kept]


def shrink(natural: list[int], minimum: list[int], room: int) -> list[int]:
    """Column widths that fit `room`: the widest column gives up a character until all fit."""
    widths = list(natural)
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda k: (widths[k] - minimum[k], widths[k]))
        if widths[i] <= min(minimum[i], natural[i]):
            break
        widths[i] -= 1
    return widths


def header(kb: KnowledgeBase, key: str, lang: Lang) -> str:
    if key in kb.dimensions:
        return t(kb.dimensions[key].name, lang)
    return msg({"scenario": "batch.column_scenario", "care_form": "batch.column_care_form", "contract_value": "batch.column_value",
                "warnings": "batch.column_warnings", "match": "batch.column_match"}[key], lang)


def cell(kb: KnowledgeBase, row: dict, key: str, lang: Lang) -> str:
    if key == "scenario":
        return row["id"]
    if row["status"] == "error":
        return msg("batch.error", lang) if key == "instrument" else ""
    if key == "care_form":
        return _care_form(kb, row.get("care_form"), lang)
    if key == "contract_value":
        value = row.get("contract_value")
        return money(value, lang) if isinstance(value, (int, float)) else "—"
    if key == "warnings":
        return str(row["warnings"])
    if key == "match":
        return _match(kb, row, lang)
    if row["status"] == "out_of_scope" and key == "instrument":
        return msg("batch.out_of_scope", lang)
    option = row.get(key)
    return option_name(kb, option, lang) if option else ("" if row["status"] == "out_of_scope" else "—")


def option_name(kb: KnowledgeBase, option: str, lang: Lang) -> str:
    dim = kb.dimensions[kb.option_dimension[option]]
    return next(t(o.name, lang) for o in dim.options if o.id == option)


def _care_form(kb: KnowledgeBase, care_form: str | None, lang: Lang) -> str:
    return next((t(c.name, lang) for c in kb.care_forms.care_forms if c.id == care_form), care_form or "—")


def _match(kb: KnowledgeBase, row: dict, lang: Lang) -> str:
    match = batch.matches(row)
    if match is None:
        return ""
    if match:
        return msg("batch.match_yes", lang)
    names = [header(kb, d, lang) if d in kb.dimensions else d for d in row["differs_from_expected"]]
    return f"{msg('batch.match_no', lang)} ({', '.join(names)})"


def _style(row: dict) -> str:
    return {"error": "red", "out_of_scope": "yellow"}.get(row["status"], "")


def _overview(results: list[batch.Result], rows: list[dict], kb: KnowledgeBase, lang: Lang, console: Console) -> None:
    summary = batch.overview(results)
    console.print(msg("batch.overview", lang, scenarios=msg("batch.scenarios", lang, n=summary["scenarios"]),
                      advised=summary["advised"], out_of_scope=summary["out_of_scope"], failed=summary["failed"]))
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    for dim, counts in summary["options"].items():
        shown = ", ".join(f"{option_name(kb, o, lang) if o != '—' else '—'} {n}" for o, n in counts.items())
        grid.add_row(f"  {escape(t(kb.dimensions[dim].name, lang))}", escape(shown))
    if summary["with_warnings"]:
        grid.add_row(f"  {msg('batch.with_warnings', lang)}", escape(", ".join(summary["with_warnings"])))
    console.print(grid)
    expected = [m for m in map(batch.matches, rows) if m is not None]
    if expected:
        console.print(msg("batch.matches", lang, matched=sum(expected), expected=len(expected)))


# --- the comparison beside the reports ----------------------------------------------
COMPARED = ("instrument", "regime", "procedure", "funding_form", "contract_form", "kraljic_segment")


def comparison(results: list[batch.Result], kb: KnowledgeBase, lang: Lang) -> tuple[list[str], Iterator[list[str]]]:
    """A header, and one row per scenario as they are asked for: name, care form, the route,
    warnings, the match."""
    with_expected = any(batch.matches(r) is not None for r in batch.rows(results))
    keys = ["care_form", *COMPARED, "warnings"] + (["match"] if with_expected else [])
    head = [msg("batch.column_scenario", lang)] + [header(kb, k, lang) for k in keys]
    return head, ([row["scenario"]] + [cell(kb, row, k, lang) for k in keys] for row in batch.rows(results))


def summary_markdown(results: list[batch.Result], kb: KnowledgeBase, lang: Lang) -> Iterator[str]:
    """summary.md, a line at a time."""
    head, rows = comparison(results, kb, lang)
    yield f"# {msg('batch.summary_title', lang)}\n\n{_note(results, kb, lang)}\n\n"
    yield "| " + " | ".join(head) + " |\n"
    yield "|" + "---|" * len(head) + "\n"
    for row in rows:
        yield "| " + " | ".join(md(c) for c in row) + " |\n"


def summary_html(results: list[batch.Result], kb: KnowledgeBase, lang: Lang) -> Iterator[str]:
    """summary.html, piece by piece."""
    head, rows = comparison(results, kb, lang)
    return html.render_batch(head, rows, lang, msg("batch.summary_title", lang), _note(results, kb, lang))


def _note(results: list[batch.Result], kb: KnowledgeBase, lang: Lang) -> str:
    rows = batch.rows(results)
    expected = [m for m in map(batch.matches, rows) if m is not None]
    note = msg("batch.summary_generated", lang, reviewed=kb.sources.reviewed)
    overview: dict[str, Any] = batch.overview(results)
    note += " " + msg("batch.overview", lang, scenarios=msg("batch.scenarios", lang, n=overview["scenarios"]),
                      advised=overview["advised"], out_of_scope=overview["out_of_scope"], failed=overview["failed"]) + "."
    if expected:
        note += " " + msg("batch.matches", lang, matched=sum(expected), expected=len(expected)) + "."
    return note
