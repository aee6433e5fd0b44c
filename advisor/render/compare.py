"""`advisor compare` rendered: one language-resolved view, written as text (rich, user text
escaped), Markdown, self-contained HTML (Jinja2) or JSON."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from advisor.compare import Comparison
from advisor.decision import reason
from advisor.i18n import Lang, t
from advisor.knowledge import KnowledgeBase
from advisor.render.view import mark, source
from advisor.render.words import w
from advisor.safe import one_line
from advisor.strategy_knowledge import StrategyKnowledge


def build(c: Comparison, kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> dict:
    options = {o.id: t(o.name, lang) for d in kb.dimensions.values() for o in d.options}
    labels = {u.key: one_line(u.label) for v in c.variants for u in v.units}
    criteria = {x.id: x for x in sk.board.criteria}
    on = c.variants[0].units[0].advice.as_of
    return {
        "language": lang,
        "variants": [{"name": one_line(v.name), "file": v.path} for v in c.variants],
        "rows": [
            {
                "unit": labels[r.key] if r.key else "",
                "dimension": r.dimension,
                "name": t(kb.dimensions[r.dimension].name, lang),
                "options": [
                    options[o] + mark(v.unit(r.key).advice, r.dimension, lang) if o else w("no_advice", lang)
                    for o, v in zip(r.options, c.variants)
                ],
                "ids": list(r.options),
                "differs": r.differs,
            }
            for r in c.rows
        ],
        "criteria": [
            {
                "id": cid,
                "name": t(criteria[cid].name, lang),
                "question": t(criteria[cid].question, lang),
                "scores": [
                    {
                        "points": marks[k].points,
                        "items": [
                            {
                                "points": i.score.points,
                                "unit": one_line(i.unit),
                                "basis": _basis(i.score, kb, options, lang),
                                "because": t(i.score.because, lang),
                                "sources": [source(s, kb, lang) for s in i.score.sources],
                            }
                            for i in marks[k].items
                        ],
                    }
                    for marks in c.marks
                ],
            }
            for k, cid in enumerate(x.id for x in sk.board.criteria)
        ],
        "unique_warnings": [
            [{"rule": r, "title": t(reason(kb, r, on).title, lang)} for r in unique] for unique in c.unique
        ],
    }


def _basis(score, kb: KnowledgeBase, options: dict, lang: Lang) -> str:
    if score.rule:
        return t(kb.rule[score.rule].rule.title, lang)  # the rule by its title; ids stay out of what people read
    return "; ".join(f"{t(kb.dimensions[d].name, lang)} = {options[o]}" for d, o in score.option.items())


def _signed(points: float) -> str:
    return f"{points:+.1f}" if points else "0"


def as_json(v: dict) -> str:
    return json.dumps(v, ensure_ascii=False, indent=2) + "\n"


def markdown(v: dict) -> str:
    lang = v["language"]
    names = [x["name"] for x in v["variants"]]
    out = [f"# {w('compare', lang)}\n", f"## {w('recommended', lang)}\n"]
    out.append("| | " + " | ".join(_cell(n) for n in names) + " |")
    out.append("|---|" + "---|" * len(names))
    for r in v["rows"]:
        label = (f"{_cell(r['unit'])}: " if r["unit"] else "") + r["name"]
        cells = [f"**{o}**" if r["differs"] else o for o in r["options"]]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out += ["", f"*{w('differs_mark', lang)}*", ""]
    out += [f"## {w('scores', lang)}\n", w("scores_intro", lang) + "\n"]
    out.append(f"| {w('criterion', lang)} | " + " | ".join(_cell(n) for n in names) + " |")
    out.append("|---|" + "---|" * len(names))
    for c in v["criteria"]:
        out.append(f"| {c['name']} | " + " | ".join(_signed(s["points"]) for s in c["scores"]) + " |")
    out.append("")
    for c in v["criteria"]:
        out.append(f"### {c['name']}\n\n*{c['question']}*\n")
        for name, s in zip(names, c["scores"]):
            out.append(f"- **{_cell(name)}**: {_signed(s['points'])}")
            for i in s["items"]:
                unit = f"{i['unit']} — " if i["unit"] and i["unit"] != name else ""
                out.append(f"  - {i['points']:+d} {unit}{i['basis']}: {i['because']} *({'; '.join(i['sources'])})*")
        out.append("")
    out.append(f"## {w('unique_warnings', lang)}\n")
    for name, unique in zip(names, v["unique_warnings"]):
        out.append(f"- **{_cell(name)}**: " + ("; ".join(x["title"] for x in unique) or w("none", lang)))
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def text(v: dict, console: Console) -> None:
    lang = v["language"]
    names = [x["name"] for x in v["variants"]]
    console.print(f"[bold]{escape(w('compare', lang))}[/bold]")
    table = Table(title=w("recommended", lang), show_lines=False, header_style="bold")
    table.add_column("")
    for n in names:
        table.add_column(escape(n), overflow="fold")
    for r in v["rows"]:
        label = ("* " if r["differs"] else "  ") + (f"{r['unit']}: " if r["unit"] else "") + r["name"]
        style = "bold yellow" if r["differs"] else ""
        table.add_row(escape(label), *[f"[{style}]{escape(o)}[/{style}]" if style else escape(o) for o in r["options"]])
    console.print(table)
    console.print("* " + escape(w("differs_between", lang)), style="dim")
    scores = Table(title=w("scores", lang), header_style="bold")
    scores.add_column(w("criterion", lang))
    for n in names:
        scores.add_column(escape(n), justify="right")
    for c in v["criteria"]:
        scores.add_row(escape(c["name"]), *[_signed(s["points"]) for s in c["scores"]])
    console.print(scores)
    console.print(escape(w("scores_intro", lang)), style="dim")
    for c in v["criteria"]:
        for name, s in zip(names, c["scores"]):
            for i in s["items"]:
                console.print(f"  {escape(c['name'])} · {escape(name)}: {i['points']:+d} {escape(i['basis'])}", soft_wrap=True)
    console.print(f"[bold]{escape(w('unique_warnings', lang))}[/bold]")
    for name, unique in zip(names, v["unique_warnings"]):
        console.print(f"  {escape(name)}: " + escape("; ".join(x["title"] for x in unique) or w("none", lang)), soft_wrap=True)


def html(v: dict) -> str:
    from advisor.render.strategy_html import _environment

    lang = v["language"]
    return _environment().get_template("compare.html.j2").render(v=v, w=lambda key, **kw: w(key, lang, **kw), signed=_signed)
