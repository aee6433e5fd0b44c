"""Text: a readable rendering for the terminal (rich), from the same view as the other formats."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table

from advisor.i18n import msg, today
from advisor.render.view import caveat, flag, undecided
from advisor.safe import markup as escape

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def render(view: dict, console: Console) -> None:
    lang = view["language"]
    console.print(f"[bold]{msg('report.advice_for', lang)}: {escape(view['scenario'])}[/bold]")
    console.print(f"[dim]{msg('report.applies_on', lang)} {view['as_of']}{today(view, lang)} · {msg('report.reviewed', lang)} {view['knowledge_reviewed']}. {view['disclaimer']}[/dim]")
    if view["status"] == "out_of_scope":
        console.print(f"\n[bold red]{msg('report.out_of_scope', lang)}[/bold red]")
    if view["before_law"]:
        console.print(f"\n[bold red]{escape(view['before_law'])}[/bold red]")
    if view["decisions"]:
        console.print(_summary(view, lang))
    for a in view["assumptions"]:
        because = "; ".join(r["title"] for r in a["reasons"])
        console.print(f"\n[bold yellow]{msg('report.assumption', lang)}:[/bold yellow] {escape(a['text'])} → [bold]{escape(a['shown'])}[/bold]")
        against = "".join(f" {escape(a[k])}" for k in ("grounds", "against") if a[k])
        console.print(f"  [dim]{msg('report.assumption_intro', lang)} ({msg('report.because_of', lang)}: {escape(because)}).{against}[/dim]")
    for c in view["conditional"]:
        console.print(f"\n[bold]{msg('report.depends_on', lang)}:[/bold] {escape(c['text'])}")
        if c["mixed_evidence"]:
            console.print(f"  [yellow]{msg('report.mixed_evidence', lang)}[/yellow]")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for b in c["branches"]:
            route = " · ".join(f"{r['name']}: {r['option_name']}" for r in b["route"])
            mark = f" [yellow]({msg('report.assumed_mark', lang)})[/yellow]" if b["likely"] else ""
            grid.add_row("  •", f"{escape(b['answer'])}{mark} → {escape(route)}")
        console.print(grid)
    if view["warnings"]:
        console.print(f"\n[bold]{msg('report.warnings', lang)}[/bold]")
        for w in view["warnings"]:
            style = SEVERITY_STYLE[w["severity"]]
            console.print(_reason(w, lang, f"[{style}]● {msg('report.severity.' + w['severity'], lang)}[/{style}] "))
    for d in view["decisions"]:
        console.print(_decision(d, lang))
    if view["advice"]:
        console.print(f"\n[bold]{msg('report.process_advice', lang)}[/bold]")
        for r in view["advice"]:
            console.print(_reason(r, lang, "• "))
    if view["unknown"]:
        console.print(f"\n[bold]{msg('report.unknown', lang)}[/bold]")
        for text in view["unknown"]:
            console.print(f"– {escape(text)}")
    if view["missing"]:
        console.print(f"\n[bold]{msg('report.missing', lang)}[/bold]")
        for m in view["missing"]:
            affects = f" [dim]({msg('report.affects', lang)}: {escape(', '.join(m['affects']))})[/dim]" if m["affects"] else ""
            console.print(f"? {escape(m['text'])}{affects}")


def _summary(view: dict, lang) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    for d in view["decisions"]:
        key = flag(d)
        style = "red" if key == "no_advice" else "yellow"
        note = f"[{style}]{msg(f'report.{key}', lang)}[/{style}]" if key else ""
        table.add_row(d["name"], f"[bold green]{escape(d['recommended_name'] or '—')}[/bold green]", note)
    return table


def _reason(r: dict, lang, mark: str = "") -> Group:
    body = [escape(r["text"])]
    if r["since_report"]:
        body.append(f"[magenta]{msg('report.since_report', lang)}: {escape(r['since_report'])}[/magenta]")
    if r["check_with_lawyer"]:
        body.append(f"[bold yellow]{escape(r['check_with_lawyer'])}[/bold yellow]")
    body.append(f"[dim]{msg('report.sources', lang)}: {escape('; '.join(r['sources']))}[/dim]")
    body += [f"[dim italic]{msg('report.context', lang)}: {escape(f['text'])}[/dim italic]" for f in r["figures"]]
    head = f"{mark}[bold]{escape(r['title'])}[/bold]"
    return Group(head, Padding(Group(*body), (0, 0, 0, 2)))


def _decision(d: dict, lang) -> Panel:
    parts = [f"[italic]{note}[/italic]"] if (note := caveat(d, lang)) else []
    chosen = next((o for o in d["options"] if o["option"] == d["recommended"]), None)
    if chosen is None:
        head, questions, more = undecided(d, lang)
        parts += [head] + [f"? {escape(q)}" for q in questions] + ([f"[dim]{more}[/dim]"] if more else [])
    else:
        for label, key in (("for", "for"), ("against", "against")):
            if chosen[key]:
                parts.append(f"[underline]{msg('report.' + label, lang)}[/underline]")
                parts += [_reason(r, lang, "+ " if key == "for" else "- ") for r in chosen[key]]
    others = [o for o in d["options"] if o is not chosen and not o["excluded"]]
    if others:
        parts.append(f"[underline]{msg('report.alternatives', lang)}[/underline]")
        for o in others:
            why = "; ".join(r["title"] for r in o["for"] + o["against"])
            parts.append(f"{escape(o['name'])} [dim]({msg('report.score', lang)} {o['score']})[/dim]: {escape(why)}")
    if d["excluded"]:
        parts.append(f"[underline]{msg('report.excluded', lang)}[/underline]")
        for group in d["excluded"]:
            reason = group["reason"]
            parts.append(f"[red]✗[/red] {escape(', '.join(group['options']))} — {escape(reason['title'])}")
    for f in d["context"]:
        parts.append(f"[dim italic]{msg('report.context', lang)}: {escape(f['text'])} ({escape(f['source'])})[/dim italic]")
    title = f"{d['name']}: [bold green]{escape(d['recommended_name'] or msg('report.no_advice', lang))}[/bold green]"
    if key := flag(d):
        title += f" [yellow]({msg('report.' + key, lang)})[/yellow]" if key != "no_advice" else ""
    return Panel(Group(*parts), title=title, title_align="left")
