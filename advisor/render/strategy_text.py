"""The strategy on the terminal (rich): the summary per segment, the Kraljic placing, the
checks across segments, the planning per route, the document checklists, the process advice
and the comparison with the source. Reads only the view (advisor/render/strategy.py); every
piece of text is escaped, so user text is shown as written, never as markup. Tables wrap to
the console's width; the full document (sources, picture, segments in detail) is the
Markdown or HTML one."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table

from advisor.render.batch import shrink
from advisor.render.text import SEVERITY_STYLE
from advisor.render.words import w
from advisor.safe import markup as escape

MARK = 2  # the width of the mark before each option in a summary cell, and its space

# The summary's columns after the segment: the route in three groups of dimensions.
GROUPS = (("instrument", "regime", "procedure"), ("funding_form", "contract_form"), ("provider_count", "contract_duration"))


def render(v: dict, console: Console) -> None:
    lang = v["language"]
    _heading(v, lang, console)
    _summary(v, lang, console)
    _kraljic(v, lang, console)
    _findings(v, lang, console)
    _planning(v, lang, console)
    _documents(v, lang, console)
    _once(v, lang, console)
    _comparison(v, lang, console)
    console.print(f"\n[dim]{escape(w('terminal_more', lang, file=v['file']))}[/dim]")


def _section(title: str, console: Console) -> None:
    console.print(f"\n[bold underline]{escape(title)}[/bold underline]")


def _bullets(items: list[str], console: Console, mark: str = "•", indent: int = 2) -> None:
    """Items (already escaped) under a mark, wrapped with a hanging indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row(mark, item)
    console.print(Padding(grid, (0, 0, 0, indent)))


def _severity(item: dict) -> str:
    style = SEVERITY_STYLE[item["severity"]]
    return f"[{style}]● {escape(item['severity_name'])}[/{style}]"


def _heading(v: dict, lang: str, console: Console) -> None:
    console.print(f"[bold]{escape(v['heading'])}[/bold]")
    facts = [f"{w('region', lang)}: {v['region']}", f"{w('as_of', lang)} {v['as_of']}", f"{w('start', lang)} {v['start']}",
             f"{w('reviewed', lang)} {v['reviewed']}"]
    console.print(f"[dim]{escape(' · '.join(facts))}[/dim]")
    console.print(f"[dim italic]{escape(v['draft'])}[/dim italic]")
    if v["goals"]:
        console.print(f"\n[bold]{escape(w('goals', lang))}[/bold]")
        _bullets([escape(g) for g in v["goals"]], console)


def _summary(v: dict, lang: str, console: Console) -> None:
    _section(w("summary", lang), console)
    names = {r["dimension"]: r["name"] for row in v["summary"] for r in row["route"]}
    heads = [w("segment", lang)] + [" · ".join(names.get(d, d) for d in group) for group in GROUPS]
    plain = [_summary_cells(row, lang) for row in v["summary"]]
    widths = _widths(heads, plain, console.width)
    table = _table(box.SIMPLE_HEAD, show_lines=True, padding=0)
    for head, width in zip(heads, widths):
        table.add_column(escape(head), overflow="fold", width=width)
    for row, cells in zip(v["summary"], plain):
        table.add_row(*_summary_row(row, cells))
    console.print(table)
    _segment_notes(v, lang, console)


def _widths(heads: list[str], rows: list[list[str]], width: int) -> list[int | None]:
    """Column widths that fit `width`, none narrower than its longest word, the widest
    giving way first (as the batch table does); None (rich decides) when even that is too wide."""
    columns = list(zip(heads, *rows))
    marks = [0] + [MARK] * (len(columns) - 1)  # the options behind their mark; the segment has none
    natural = [max(len(line) for cell in column for line in cell.splitlines() or [""]) + m for column, m in zip(columns, marks)]
    minimum = [max((len(word) for cell in column for word in cell.split()), default=1) + m for column, m in zip(columns, marks)]
    room = width - len(columns) + 1  # a divider between columns; the marks keep the options apart
    fitted = shrink(natural, minimum, room)
    return fitted if sum(fitted) <= room else [None] * len(columns)


def _table(style: box.Box = box.SIMPLE_HEAD, **options) -> Table:
    return Table(box=style, show_edge=False, header_style="bold", **options)


def _summary_cells(row: dict, lang: str) -> list[str]:
    """The summary row as plain text, one line per dimension."""
    if row["status"] == "out_of_scope":
        return [row["name"], w("out_of_scope", lang), "", ""]
    chosen = {r["dimension"]: r["option_name"] for r in row["route"]}
    return [row["name"]] + ["\n".join(chosen[d] for d in group if d in chosen) for group in GROUPS]


def _summary_row(row: dict, cells: list[str]) -> list:
    """The row with its styles: the segment in bold, 'no advice' dimmed, out of scope in yellow."""
    segment = f"[bold]{escape(cells[0])}[/bold]"
    if row["status"] == "out_of_scope":
        return [segment, f"[yellow]{escape(cells[1])}[/yellow]", "", ""]
    chosen = {r["dimension"]: r for r in row["route"]}
    return [segment] + [_options([chosen[d] for d in group if d in chosen]) for group in GROUPS]


def _options(route: list[dict]) -> Table:
    """The options of a cell one under the other, each behind a mark, so a wrapped one reads as one."""
    grid = Table.grid()
    grid.add_column(no_wrap=True, width=MARK)
    grid.add_column(overflow="fold")
    for r in route:
        grid.add_row("·", _option(r))
    return grid


def _segment_notes(v: dict, lang: str, console: Console) -> None:
    """Per segment what the table leaves out: the cooperation, why, and the warnings."""
    for row in v["summary"]:
        console.print(f"\n[bold]{escape(row['name'])}[/bold]")
        rest = [f"{w('cooperation', lang)}: {row['cooperation']}"] + ([f"{w('why', lang)}: {row['why']}"] if row["why"] else [])
        lines = [escape(x) for x in rest]
        lines += [f"{_severity(x)} {escape(x['title'])}" for x in row["warnings"]]
        console.print(Padding(Group(*lines), (0, 0, 0, 2)))


def _option(route: dict) -> str:
    return escape(route["option_name"]) if route["option"] else f"[dim]{escape(route['option_name'])}[/dim]"


def _kraljic(v: dict, lang: str, console: Console) -> None:
    k = v["kraljic"]
    _section(w("kraljic", lang), console)
    if k["points"]:
        table = _table()
        table.add_column(escape(w("segment", lang)), overflow="fold")
        table.add_column(escape(w("kraljic", lang)), overflow="fold")
        table.add_column(escape(w("spend", lang)), justify="right", no_wrap=True)
        for p in k["points"]:
            table.add_row(escape(p["name"]), escape(p["segment_name"]), escape(p["spend_shown"]))
        console.print(table)
    if k["not_placed"]:
        console.print(f"[dim]{escape(w('not_placed', lang))}: {escape('; '.join(k['not_placed']))}[/dim]")
    console.print(f"[bold]{escape(w('quadrant_strategy', lang))}[/bold]")
    _bullets([f"[bold]{escape(q['name'])}[/bold]: {escape(q['strategy'])}" for q in k["quadrants"]], console)


def _findings(v: dict, lang: str, console: Console) -> None:
    _section(w("checks", lang), console)
    if not v["findings"]:
        console.print(escape(w("no_findings", lang)))
    for f in v["findings"]:
        console.print(f"{_severity(f)} [bold]{escape(f['title'])}[/bold]")
        body = [escape(f["text"])]
        if f["check_with_lawyer"]:
            body.append(f"[bold yellow]{escape(f['check_with_lawyer'])}[/bold yellow]")
        body.append(f"[dim]{escape(w('sources', lang))}: {escape('; '.join(f['sources']))}[/dim]")
        console.print(Padding(Group(*body), (0, 0, 1, 2)))


def _planning(v: dict, lang: str, console: Console) -> None:
    _section(w("planning", lang), console)
    console.print(f"[dim]{escape(w('planning_intro', lang))}[/dim]")
    for plan in v["planning"]:
        console.print(f"\n[bold]{escape(plan['segment'])}[/bold] — {escape(plan['route'])}")
        style = "bold red" if plan["short_weeks"] else "green"
        console.print(f"[{style}]{escape(plan['verdict'])}[/{style}]")
        table = _table()
        table.add_column(escape(w("phase", lang)), overflow="fold")
        for key in ("from", "to"):
            table.add_column(escape(w(key, lang)), no_wrap=True)
        table.add_column(escape(w("weeks", lang)), justify="right")
        table.add_column(escape(w("basis", lang)), overflow="fold")
        for p in plan["phases"]:
            name = escape(p["name"]) + (f"\n[dim]{escape(p['note'])}[/dim]" if p["note"] else "")
            table.add_row(name, p["start"], p["end"], str(p["weeks"]), escape(p["basis"]))
        console.print(table)


def _documents(v: dict, lang: str, console: Console) -> None:
    _section(w("documents", lang), console)
    for route in v["documents"]:
        console.print(f"\n[bold]{escape(route['route'])}[/bold]")
        console.print(f"[dim]{escape(w('for_segments', lang))}: {escape('; '.join(route['segments']))}[/dim]")
        items = []
        for item in route["items"]:
            lawyer = f" [yellow]{escape(item['check_with_lawyer'])}[/yellow]" if item["check_with_lawyer"] else ""
            items.append(f"[bold]{escape(item['name'])}[/bold]: {escape(item['purpose'])}{lawyer}")
        _bullets(items, console, mark="☐")


def _once(v: dict, lang: str, console: Console) -> None:
    _section(w("process", lang), console)
    _bullets([escape(r["title"]) for r in v["once"]], console)


def _comparison(v: dict, lang: str, console: Console) -> None:
    segments = [seg for seg in v["comparison"] if seg["rows"]]
    if not segments:
        return
    _section(w("source_check", lang), console)
    console.print(f"[dim]{escape(w('source_check_intro', lang))}[/dim]")
    for seg in segments:
        console.print(f"\n[bold]{escape(seg['segment'])}[/bold]")
        table = _table()
        for key in ("dimension", "source_chose", "advisor"):
            table.add_column(escape(w(key, lang)), overflow="fold")
        table.add_column("", no_wrap=True)
        for r in seg["rows"]:
            mark = f"[green]{escape(w('agrees', lang))}[/green]" if r["agrees"] else f"[bold yellow]{escape(w('differs', lang))}[/bold yellow]"
            table.add_row(escape(r["name"]), escape(r["expected"]), escape(r["got"]), mark)
        console.print(table)
        notes = [f"{escape(r['name'])}: {escape(r['note'])}" for r in seg["rows"] if not r["agrees"] and r["note"]]
        if notes:
            _bullets(notes, console)
