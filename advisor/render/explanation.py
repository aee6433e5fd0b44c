"""The reasoning for trainers: the trace by stage, how each recommendation was derived,
why an option was not chosen, and what changes when answers change. One language-resolved
view, rendered as text (rich), Markdown, JSON or a Mermaid flowchart. Rule ids stay in the
view (for JSON and for `--why-not`); the text shows titles, names and options."""

from __future__ import annotations

import io
import json
from typing import Any, Callable

from rich.console import Console, Group
from rich.padding import Padding
from rich.tree import Tree

from advisor.advise import Advice
from advisor.decision import reason
from advisor.explain import Node, WhyNot, derivations, eligible_after
from advisor.i18n import Lang, msg, t
from advisor.knowledge import STAGES, KnowledgeBase
from advisor.render.phrasing import condition, conclusions, fact_name, value
from advisor.render.view import mark, source
from advisor.safe import json_text, markdown as md, markup as escape
from advisor.whatif import Comparison


def w(key: str, lang: Lang, **values) -> str:
    return msg(f"explain.{key}", lang, **values)


def _title(kb: KnowledgeBase, rule: str, lang: Lang) -> str:
    return t(kb.rule[rule].rule.title, lang)


# --- the view -----------------------------------------------------------------
def trace_view(kb: KnowledgeBase, advice: Advice, lang: Lang, eligible: bool = False) -> dict[str, Any]:
    stages = []
    for stage in STAGES:
        steps = [s for s in advice.trace.steps if s.stage == stage]
        if steps:
            stages.append({"stage": stage, "stage_name": msg(f"stage.{stage}", lang),
                           "steps": [_step(kb, advice, s, lang, eligible) for s in steps]})
    return {
        "scenario": advice.scenario,
        "file": advice.path,
        "as_of": advice.as_of.isoformat(),
        "language": lang,
        "status": advice.status,
        "stages": stages,
        "how": {dim: _node(kb, root, lang) if root else None for dim, root in derivations(kb, advice).items()},
    }


def _step(kb, advice, step, lang, eligible: bool) -> dict:
    if step.kind == "decision":
        dim, option = step.asserted[0]
        decision = advice.decision(dim)
        ranked = [o for o in decision.options if not o.excluded]
        tie = len(ranked) > 1 and ranked[0].score == ranked[1].score
        out = {"order": step.order, "kind": "decision", "dimension": dim, "option": option,
               "text": f"{t(kb.dimensions[dim].name, lang)}: {value(kb, dim, option, lang)}{mark(advice, dim, lang)}",
               "tally": [{"option": o.option, "name": value(kb, dim, o.option, lang), "score": o.score, "excluded": o.excluded}
                         for o in sorted(decision.options, key=lambda o: (o.excluded, -o.score))],
               "tie": msg("explain.tie_break", lang) if tie else ""}
    elif step.kind == "assumption":
        question, answer = step.asserted[0]
        out = {"order": step.order, "kind": "assumption", "question": question, "value": answer,
               "text": f"{t(kb.questions[question].text, lang)} {value(kb, question, answer, lang)}"}
    else:
        why = reason(kb, step.rule, advice.as_of)  # the text and the sources as they hold on the advice's date
        out = {
            "order": step.order,
            "kind": "rule",
            "rule": step.rule,
            "title": t(why.title, lang),
            "matched": [f"{fact_name(kb, n, lang)} = {value(kb, n, v, lang)}" for n, v in step.matched],
            "concluded": conclusions(kb, kb.rule[step.rule], lang),
            "because": t(why.text, lang),
            "sources": [source(s, kb, lang) for s in why.sources],
        }
    if eligible:
        out["eligible_next"] = [{"rule": r, "title": _title(kb, r, lang)} for r in eligible_after(kb, advice, step)]
    return out


def _node(kb, node: Node, lang) -> dict:
    name, v = node.fact
    if node.kind == "rule":
        label = _title(kb, node.rule, lang)
    else:
        label = f"{w(node.kind, lang)}: {fact_name(kb, name, lang)} = {value(kb, name, v, lang)}"
        if node.shown_before:
            label += f" ({w('shown_before', lang)})"
    stage = kb.rule[node.rule].stage if node.rule else next((s for s, dims in STAGES.items() if name in dims), None)
    return {"kind": node.kind, "label": label, "rule": node.rule, "rule_title": _title(kb, node.rule, lang) if node.rule else None,
            "fact": [name, v], "stage": stage,
            "shown_before": node.shown_before, "children": [_node(kb, c, lang) for c in node.children]}


def _answer_shown(kb: KnowledgeBase, question: str, v: Any, lang: Lang) -> str:
    """An answer (or a list of them) by its option names; 'unanswered' for none."""
    if v is None:
        return w("unanswered", lang)
    return ", ".join(value(kb, question, x, lang) for x in v) if isinstance(v, list) else value(kb, question, v, lang)


def why_not_view(kb: KnowledgeBase, result: WhyNot, lang: Lang) -> dict[str, Any]:
    dim = result.dimension
    return {
        "dimension": dim,
        "dimension_name": t(kb.dimensions[dim].name, lang),
        "option": result.option,
        "option_name": value(kb, dim, result.option, lang),
        "recommended": result.recommended,
        "recommended_name": value(kb, dim, result.recommended, lang) if result.recommended else None,
        "score": result.score,
        "supporters": [_title(kb, r, lang) for r in result.supporters],
        "blocked": [
            {"rule": b.rule, "title": _title(kb, b.rule, lang), "failing": [condition(kb, test, lang) for test in b.failing]}
            for b in result.blocked
        ],
        "excluded_by": [_title(kb, r, lang) for r in result.excluded_by],
        "outweighed_by": [f"{value(kb, dim, o, lang)} ({w('score', lang)} {s})" for o, s in result.outweighed_by],
        "flip": dict(result.flip) if result.flip else None,
        "flip_text": [f"{fact_name(kb, q, lang)} = {_answer_shown(kb, q, v, lang)}" for q, v in (result.flip or {}).items()],
        "also_changes": [
            {"dimension": d, "before": before, "after": after,
             "text": f"{t(kb.dimensions[d].name, lang)}: {_option_or_none(kb, d, before, lang)} → {_option_or_none(kb, d, after, lang)}"}
            for d, before, after in result.also
        ],
        "searched": result.searched,
    }


def _option_or_none(kb: KnowledgeBase, dimension: str, option: str | None, lang: Lang) -> str:
    return value(kb, dimension, option, lang) if option else msg("report.no_advice_yet", lang)


def whatif_view(kb: KnowledgeBase, c: Comparison, requested: dict[str, Any], lang: Lang) -> dict[str, Any]:
    def shown(q, v):
        return _answer_shown(kb, q, v, lang)

    return {
        "scenario": c.before.scenario,
        "as_of": c.before.as_of.isoformat(),
        "language": lang,
        "unchanged": [w("is_already", lang, question=fact_name(kb, q, lang), value=shown(q, v))
                      for q, v in requested.items() if q not in c.changes],
        "changed_answers": [{"question": q, "name": fact_name(kb, q, lang), "before": shown(q, a), "after": shown(q, b)}
                            for q, (a, b) in c.changes.items()]
        + ([{"question": "as_of", "name": w("date", lang), "before": c.before.as_of.isoformat(), "after": c.after.as_of.isoformat()}]
           if c.after.as_of != c.before.as_of else []),
        "changed_decisions": [
            {"dimension": d, "name": t(kb.dimensions[d].name, lang),
             "before": value(kb, d, a, lang) if a else msg("report.no_advice_yet", lang),
             "after": value(kb, d, b, lang) if b else msg("report.no_advice_yet", lang),
             "before_id": a, "after_id": b}
            for d, a, b in c.decisions
        ],
        "only_before": [_title(kb, r, lang) for r in c.only_before],
        "only_after": [_title(kb, r, lang) for r in c.only_after],
        "warnings_added": [_title(kb, r, lang) for r in c.warnings_added],
        "warnings_removed": [_title(kb, r, lang) for r in c.warnings_removed],
    }


# --- renderers ------------------------------------------------------------------
def to_string(view: dict, fmt: str) -> str:
    """An explanation view as text (plain, 100 columns), markdown, json or mermaid."""
    lang = view["language"]
    if fmt == "json":
        return as_json(view)
    if fmt == "mermaid":
        return mermaid(view)
    if fmt == "markdown":
        text = ""
        if "why_not" in view:
            text += f"# {w('why_not', lang)}: {view['why_not']['option_name']}\n\n"
            text += "\n".join(line if line.startswith("  - ") else f"- {line}" for line in why_not_lines(view["why_not"], lang)) + "\n\n"
        return text + trace_markdown(view)
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None)
    if "why_not" in view:
        why_not_text(view, console)
    else:
        trace_text(view, console)
    return buffer.getvalue()


def as_json(view: dict) -> str:
    return json_text(view, indent=2) + "\n"


def trace_text(view: dict, console: Console) -> None:
    head(view, console)
    for stage in view["stages"]:
        console.rule(f"{w('stage', view['language'])}: {stage['stage_name']}", align="left")
        for step in stage["steps"]:
            step_text(step, view["language"], console)
    how_text(view, console)


def head(view: dict, console: Console) -> None:
    lang = view["language"]
    console.print(f"[bold]{w('trace', lang)}: {escape(view['scenario'])}[/bold] [dim]({view['as_of']})[/dim]")
    if view["status"] == "out_of_scope":
        console.print(w("out_of_scope", lang))


def how_text(view: dict, console: Console) -> None:
    if any(view["how"].values()):
        console.print()
        console.rule(w("how", view["language"]), align="left")
    for tree in view["how"].values():
        if tree:
            console.print(_rich_tree(tree, f"[bold]{escape(tree['label'])}[/bold]"))


def step_through(view: dict, console: Console, read: Callable[[str], "str | None"]) -> None:
    """Step by step for a class: after each step a prompt; Enter goes on, `c` runs to the end
    of the stage, `q` stops. The how-trees follow at the end."""
    lang = view["language"]
    head(view, console)
    for stage in view["stages"]:
        console.rule(f"{w('stage', lang)}: {stage['stage_name']}", align="left")
        running = False
        for step in stage["steps"]:
            step_text(step, lang, console)
            if running:
                continue
            answer = read(f"[dim]{w('step_prompt', lang)}[/dim] > ")
            if answer is None or answer.strip().lower() in ("q", "quit", "stop", "stoppen"):
                return
            running = answer.strip().lower() == "c"
    how_text(view, console)


def step_text(step: dict, lang: Lang, console: Console) -> None:
    if step["kind"] == "decision":
        console.print(f"[bold green]{step['order']:>3}. {w('decided', lang)}: {escape(step['text'])}[/bold green]")
        console.print(f"     [green]{w('tally', lang)}: {escape(_tally(step, lang))}[/green]")
        if step["tie"]:
            console.print(f"     [green]{escape(step['tie'])}[/green]")
    elif step["kind"] == "assumption":
        console.print(f"[bold yellow]{step['order']:>3}. {w('assumed', lang)}: {escape(step['text'])}[/bold yellow]")
    else:
        console.print(f"[bold]{step['order']:>3}. {escape(step['title'])}[/bold]")
        body = [f"{w('matched', lang)}: {escape('; '.join(step['matched']) or '—')}"]
        if step["concluded"]:
            body.append(f"{w('concluded', lang)}: {escape('; '.join(step['concluded']))}")
        body += [f"[italic]{escape(step['because'])}[/italic]", f"[dim]{escape('; '.join(step['sources']))}[/dim]"]
        console.print(Padding(Group(*body), (0, 0, 0, 5)))
    if "eligible_next" in step:
        following = [escape(r["title"]) for r in step["eligible_next"]] or [w("none", lang)]
        lines = [f"[cyan]{w('eligible', lang)}:[/cyan]"] + [f"[cyan]– {title}[/cyan]" for title in following]
        console.print(Padding(Group(*lines), (0, 0, 0, 5)))


def _rich_tree(node: dict, title: str) -> Tree:
    tree = Tree(title)

    def add(parent: Tree, n: dict) -> None:
        style = {"decision": "bold green", "rule": "bold", "answer": "cyan", "assumption": "yellow", "derived": "magenta"}[n["kind"]]
        branch = parent.add(f"[{style}]{escape(n['label'])}[/{style}]")
        for child in n["children"]:
            add(branch, child)

    for child in node["children"]:
        add(tree, child)
    return tree


def _tally(step: dict, lang: Lang) -> str:
    """The scores of a decision, its excluded options last."""
    scores = [f"{o['name']} {o['score']}" for o in step["tally"] if not o["excluded"]]
    excluded = [o["name"] for o in step["tally"] if o["excluded"]]
    return " · ".join(scores) + (f" · {w('excluded_short', lang)}: {', '.join(excluded)}" if excluded else "")


def trace_markdown(view: dict) -> str:
    lang = view["language"]
    out = [f"# {w('trace', lang)}: {md(view['scenario'])}", "", f"*{view['as_of']}*", ""]
    if view["status"] == "out_of_scope":
        out += [w("out_of_scope", lang), ""]
    for stage in view["stages"]:
        out += [f"## {w('stage', lang)}: {stage['stage_name']}", ""]
        for step in stage["steps"]:
            if step["kind"] in ("decision", "assumption"):
                word = "decided" if step["kind"] == "decision" else "assumed"
                out += [f"{step['order']}. **{w(word, lang)}: {step['text']}**" + ("  " if step["kind"] == "decision" else "")]
                if step["kind"] == "decision":
                    out.append(f"   {w('tally', lang)}: {_tally(step, lang)}" + (f"  \n   {step['tie']}" if step["tie"] else ""))
                continue
            out += [f"{step['order']}. **{step['title']}**  ",
                    f"   {w('matched', lang)}: {'; '.join(step['matched']) or '—'}  "]
            if step["concluded"]:
                out.append(f"   {w('concluded', lang)}: {'; '.join(step['concluded'])}  ")
            out += [f"   *{step['because']}*  ", f"   {'; '.join(step['sources'])}"]
        out.append("")
    out += [f"## {w('how', lang)}", ""]
    for tree in view["how"].values():
        if tree:
            out += _md_tree(tree, 0) + [""]
    return "\n".join(out)


def _md_tree(node: dict, depth: int) -> list[str]:
    lines = ["  " * depth + f"- {node['label']}"]
    for child in node["children"]:
        lines += _md_tree(child, depth + 1)
    return lines


def why_not_text(view: dict, console: Console) -> None:
    """The answer to --why-not, first and alone; the whole trace is `explain` without it."""
    lang, result = view["language"], view["why_not"]
    console.rule(f"{w('why_not', lang)}: {result['option_name']}", align="left")
    for line in why_not_lines(result, lang):
        console.print(escape(line))
    console.print(f"[dim]{escape(w('full_trace', lang, file=view['file']))}[/dim]")


def why_not_lines(view: dict, lang: Lang) -> list[str]:
    if view["recommended"] == view["option"]:
        return [w("is_recommended", lang)]
    lines = [f"{view['dimension_name']}: {w('recommended', lang)} {view['recommended_name'] or msg('report.no_advice_yet', lang)}"
             + (f"; {view['option_name']} {w('score', lang)} {view['score']}" if view["score"] is not None else "")]
    if view["flip"]:
        lines.append(f"{w('flip', lang)}: " + "; ".join(view["flip_text"]))
        if view["also_changes"]:
            lines.append(f"{w('flip_also', lang)}: " + "; ".join(c["text"] for c in view["also_changes"]))
    else:
        lines.append(w("no_flip", lang, n=view["searched"]))
    for key, label in (("excluded_by", "excluded_by"), ("outweighed_by", "outweighed"), ("supporters", "supporters")):
        if view[key]:
            lines.append(f"{w(label, lang)}: " + "; ".join(view[key]))
    if view["blocked"]:
        lines.append(f"{w('blocked', lang)}:")
        lines += [f"  - {b['title']}: " + "; ".join(b["failing"]) for b in view["blocked"]]
    return lines


def whatif_text(view: dict, console: Console) -> None:
    lang = view["language"]
    console.print(f"[bold]{w('whatif', lang)}: {escape(view['scenario'])}[/bold] [dim]({view['as_of']})[/dim]")
    for line in whatif_lines(view, lang):
        console.print(escape(line))


def whatif_lines(view: dict, lang: Lang) -> list[str]:
    lines = []
    if view["changed_answers"]:
        lines.append(f"{w('changed_answers', lang)}:")
        lines += [f"  {c['name']}: {c['before']} → {c['after']}" for c in view["changed_answers"]]
    if view["unchanged"]:
        lines.append(w("no_answer_changed", lang, answers="; ".join(view["unchanged"])))
    if view["changed_decisions"]:
        lines.append(f"{w('changed_decisions', lang)}:")
        lines += [f"  {d['name']}: {d['before']} → {d['after']}" for d in view["changed_decisions"]]
    else:
        lines.append(w("no_change", lang))
    for key in ("only_before", "only_after", "warnings_added", "warnings_removed"):
        if view[key]:
            lines.append(f"{w(key, lang)}:")
            lines += [f"  - {r}" for r in view[key]]
    return lines


def whatif_markdown(view: dict) -> str:
    lang = view["language"]
    out = [f"# {w('whatif', lang)}: {md(view['scenario'])}", "", f"*{view['as_of']}*", ""]
    if view["unchanged"]:
        out += [w("no_answer_changed", lang, answers="; ".join(view["unchanged"])), ""]
    rows = [(f"{w('question', lang)}: {c['name']}", c["before"], c["after"]) for c in view["changed_answers"]]
    rows += [(d["name"], d["before"], d["after"]) for d in view["changed_decisions"]]
    if rows:
        out += [f"| | {w('before', lang)} | {w('after', lang)} |", "|---|---|---|"]
        out += [f"| {a} | {b} | {c} |" for a, b, c in (tuple(x.replace("|", "\\|") for x in row) for row in rows)] + [""]
    if not view["changed_decisions"]:
        out += [w("no_change", lang), ""]
    for key in ("only_before", "only_after", "warnings_added", "warnings_removed"):
        if view[key]:
            out += [f"**{w(key, lang)}**", ""] + [f"- {r}" for r in view[key]] + [""]
    return "\n".join(out)


def whatif_mermaid(view: dict) -> str:
    """The changed answers and the changed decisions, one group each, the first leading to the second."""
    lang = view["language"]
    lines = ["flowchart LR", "  classDef answer fill:#e8f4fd,stroke:#1f77b4", "  classDef decision fill:#e9f7ec,stroke:#2ca02c"]
    answers = [f"{c['name']}: {c['before']} → {c['after']}" for c in view["changed_answers"]] or view["unchanged"]
    decisions = [f"{d['name']}: {d['before']} → {d['after']}" for d in view["changed_decisions"]] or [w("no_change", lang)]
    lines.append(f'  subgraph answers["{_label(w("changed_answers", lang))}"]')
    lines += [f'    a{i}["{_label(text)}"]:::answer' for i, text in enumerate(answers, 1)]
    lines += ["  end", f'  subgraph decisions["{_label(w("changed_decisions", lang))}"]']
    lines += [f'    d{i}{{"{_label(text)}"}}:::decision' for i, text in enumerate(decisions, 1)]
    lines += ["  end", "  answers --> decisions"]
    return "\n".join(lines) + "\n"


def mermaid(view: dict) -> str:
    """A flowchart for slides: answers, then the derived facts and decisions of each stage in
    a group of their own; each edge is labelled with the title of the rule that links them."""
    lang = view["language"]
    ids: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    edges: list[str] = []

    def node(n: dict) -> str:
        key = f"{n['kind']}:{n['fact'][0]}={n['fact'][1]}"
        if key not in ids:
            ids[key] = f"n{len(ids) + 1}"
            shape = {"answer": '["{}"]', "assumption": '["{}"]', "derived": '("{}")', "decision": '{{"{}"}}'}[n["kind"]]
            label = n["label"].removesuffix(f" ({w('shown_before', lang)})")
            group = "answers" if n["kind"] in ("answer", "assumption") else n["stage"] or "context"
            groups.setdefault(group, []).append(f"    {ids[key]}{shape.format(_label(label))}:::{n['kind']}")
        return ids[key]

    def walk(n: dict, parent: str | None, via: str | None) -> None:
        if n["kind"] == "rule":
            for child in n["children"]:
                walk(child, parent, n["label"])
            return
        me = node(n)
        if parent:
            edge = f"  {me} -->|{_label(_short(via or ''))}| {parent}"
            if edge not in edges:
                edges.append(edge)
        for child in n["children"]:
            walk(child, me, child["label"] if child["kind"] == "rule" else n["rule_title"])

    for tree in view["how"].values():
        if tree:
            walk(tree, None, None)
    out = ["flowchart LR", "  classDef answer fill:#e8f4fd,stroke:#1f77b4", "  classDef derived fill:#f9ecf7,stroke:#9467bd",
           "  classDef decision fill:#e9f7ec,stroke:#2ca02c", "  classDef assumption fill:#fff8e1,stroke:#ff9800",
           "  classDef note fill:#fdecea,stroke:#b3261e"]
    if view["status"] == "out_of_scope" or not ids:
        note = w("mermaid_out_of_scope" if view["status"] == "out_of_scope" else "mermaid_no_tree", lang)
        out.append(f'  nothing["{_label(note)}"]:::note')
    titles = {"answers": w("answers", lang), **{s: msg(f"stage.{s}", lang) for s in STAGES}}
    for group in ["answers", *STAGES]:
        if group in groups:
            out += [f'  subgraph stage_{group}["{_label(titles.get(group, group))}"]', *groups[group], "  end"]
    return "\n".join(out + edges) + "\n"


def _short(text: str, size: int = 48) -> str:
    """`text` in at most `size` characters, cut at the last space that leaves over half of it
    (a single long word is cut where it must), with an ellipsis."""
    if len(text) <= size:
        return text
    cut = text[: size - 1]
    space = cut.rfind(" ")
    words = (cut[:space] if space > size // 2 else cut).split(" ")
    while len(words) > 1 and (words[-1].lower() in _DANGLING or not words[-1].strip(",;:—–-")):
        words.pop()  # not ending on a dash or a word that leads into what was cut
    return " ".join(words).rstrip(",;:") + "…"


_DANGLING = {  # words that lead into what follows them, in both languages
    "a", "an", "the", "of", "to", "and", "or", "for", "by", "at", "as", "with", "without", "from", "in", "on",
    "de", "het", "een", "van", "en", "of", "voor", "door", "aan", "als", "met", "zonder", "uit", "in", "op", "bij",
}


def _label(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "/").replace("`", "").replace("\n", " ")
