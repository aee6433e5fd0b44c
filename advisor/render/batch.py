"""The batch summary for the terminal: a row per scenario and the overview per dimension."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from advisor import batch
from advisor.i18n import Lang, money, t
from advisor.knowledge import KnowledgeBase
from advisor.safe import markup

COLUMNS = ("scenario", "care_form", "contract_value", "instrument", "procedure", "funding_form", "contract_form", "kraljic_segment", "warnings")


WIDE = 140  # below this a table of ids folds badly: one line per scenario instead


def show(results: list[batch.Result], kb: KnowledgeBase, lang: Lang, console: Console) -> None:
    if console.width >= WIDE:
        _table(results, lang, console)
    else:
        _lines(results, lang, console)
    _overview(results, kb, lang, console)


def _shown(row: dict) -> dict:
    """The row with every text escaped for the console (ids and names come from the inputs)."""
    return {k: markup(v) if isinstance(v, str) else v for k, v in row.items()}


def _value(row: dict, lang: Lang) -> str:
    value = row.get("contract_value")
    return money(value, lang) if isinstance(value, (int, float)) else "—"


def _lines(results: list[batch.Result], lang: Lang, console: Console) -> None:
    for row in map(_shown, batch.rows(results)):
        if row["status"] == "error":
            console.print(f"[bold]{row['id']}[/bold]: [red]error[/red]", soft_wrap=True)
        elif row["status"] == "out_of_scope":
            console.print(f"[bold]{row['id']}[/bold] ({row.get('care_form')}): [yellow]out of scope[/yellow]", soft_wrap=True)
        else:
            cells = " · ".join(row.get(c) or "—" for c in COLUMNS[3:8])
            console.print(f"[bold]{row['id']}[/bold] ({row.get('care_form')}, {_value(row, lang)}): {cells} · warnings: {row['warnings']}", soft_wrap=True)


def _table(results: list[batch.Result], lang: Lang, console: Console) -> None:
    table = Table(box=None, header_style="bold")
    for column in COLUMNS:
        table.add_column(column, overflow="fold", no_wrap=column == "scenario")
    for row in map(_shown, batch.rows(results)):
        if row["status"] == "error":
            table.add_row(row["id"], "[red]error[/red]", *[""] * (len(COLUMNS) - 2))
            continue
        cells = [row.get(c) or ("—" if row["status"] == "advised" else "") for c in COLUMNS[3:8]]
        if row["status"] == "out_of_scope":
            cells[0] = "[yellow]out of scope[/yellow]"
        table.add_row(row["id"], row.get("care_form") or "", _value(row, lang), *cells, str(row["warnings"]))
    console.print(table)


def _overview(results: list[batch.Result], kb: KnowledgeBase, lang: Lang, console: Console) -> None:
    summary = batch.overview(results)
    console.print(f"{summary['scenarios']} scenarios: {summary['advised']} advised, "
                  f"{summary['out_of_scope']} out of scope, {summary['failed']} failed")
    for dim, counts in summary["options"].items():
        label = t(kb.dimensions[dim].name, lang)
        console.print(f"  {label}: " + ", ".join(f"{option} {n}" for option, n in counts.items()), soft_wrap=True)
    if summary["with_warnings"]:
        console.print(f"  with warnings: {markup(', '.join(summary['with_warnings']))}", soft_wrap=True)
