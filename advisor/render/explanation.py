"""The reasoning for trainers: the trace by stage, how each recommendation was derived,
why an option was not chosen, and what changes when answers change. One language-resolved
view, rendered as text (rich), Markdown, JSON or a Mermaid flowchart."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from advisor.advise import Advice
from advisor.decision import fill
from advisor.explain import Node, WhyNot, derivation, eligible_after
from advisor.i18n import Lang, msg, t
from advisor.kb.docs import condition, conclusions, value
from advisor.knowledge import STAGES, KnowledgeBase
from advisor.render.view import source
from advisor.whatif import Comparison

def w(key: str, lang: Lang, **values) -> str:
    return msg(f"explain.{key}", lang, **values)


# --- the view -----------------------------------------------------------------
def trace_view(kb: KnowledgeBase, advice: Advice, lang: Lang, eligible: bool = False) -> dict[str, Any]:
    stages = []
    for stage in STAGES:
        steps = [s for s in advice.trace.steps if s.stage == stage]
        if not steps:
            continue
        stages.append({"stage": stage, "steps": [_step(kb, advice, s, lang, eligible) for s in steps]})
    return {
        "scenario": advice.scenario,
        "as_of": advice.as_of.isoformat(),
        "language": lang,
        "status": advice.status,
        "stages": stages,
        "how": {d.dimension: _tree(kb, advice, d.dimension, lang) for d in advice.decisions if d.recommended},
    }


def _step(kb, advice, step, lang, eligible: bool) -> dict:
    if step.kind == "decision":
        dim, option = step.asserted[0]
        out = {"order": step.order, "kind": "decision", "dimension": dim, "option": option,
               "text": f"{t(kb.dimensions[dim].name, lang)}: {value(kb, dim, option, lang)}"}
    elif step.kind == "assumption":
        question, answer = step.asserted[0]
        out = {"order": step.order, "kind": "assumption", "question": question, "value": answer,
               "text": f"{t(kb.questions[question].text, lang)} {value(kb, question, answer, lang)}"}
    else:
        rule = kb.rule[step.rule]
        out = {
            "order": step.order,
            "kind": "rule",
            "rule": step.rule,
            "title": t(rule.rule.title, lang),
            "matched": [f"{n} = {value(kb, n, v, lang)}" for n, v in step.matched],
            "concluded": conclusions(kb, rule, lang),
            "because": t(fill(kb, rule.rule.because, advice.as_of), lang),
            "sources": [source(s, kb, lang) for s in rule.rule.sources],
        }
    if eligible:
        out["eligible_next"] = eligible_after(kb, advice, step)
    return out


def _tree(kb, advice, dimension, lang) -> dict | None:
    root = derivation(kb, advice, dimension)
    return _node(kb, root, lang) if root else None


def _node(kb, node: Node, lang) -> dict:
    name, v = node.fact
    if node.kind == "rule":
        label = f"{t(kb.rule[node.rule].rule.title, lang)} ({node.rule})"
    else:
        label = f"{w(node.kind, lang)}: {name} = {value(kb, name, v, lang)}" + (f" ← {node.rule}" if node.rule else "")
    return {"kind": node.kind, "label": label, "rule": node.rule, "fact": [name, v],
            "children": [_node(kb, c, lang) for c in node.children]}


def why_not_view(kb: KnowledgeBase, result: WhyNot, lang: Lang) -> dict[str, Any]:
    dim = result.dimension
    return {
        "dimension": dim,
        "option": result.option,
        "option_name": value(kb, dim, result.option, lang),
        "recommended": result.recommended,
        "recommended_name": value(kb, dim, result.recommended, lang) if result.recommended else None,
        "score": result.score,
        "supporters": [f"{t(kb.rule[r].rule.title, lang)} ({r})" for r in result.supporters],
        "blocked": [
            {"rule": b.rule, "title": t(kb.rule[b.rule].rule.title, lang),
             "failing": [condition(kb, test, lang) for test in b.failing]}
            for b in result.blocked
        ],
        "excluded_by": [f"{t(kb.rule[r].rule.title, lang)} ({r})" for r in result.excluded_by],
        "outweighed_by": [f"{value(kb, dim, o, lang)} ({w('score', lang)} {s})" for o, s in result.outweighed_by],
        "flip": {q: v for q, v in result.flip.items()} if result.flip else None,
        "flip_text": [f"{q} = {value(kb, q, v, lang) if not isinstance(v, list) else ', '.join(value(kb, q, x, lang) for x in v)}"
                      for q, v in (result.flip or {}).items()],
        "searched": result.searched,
    }


def whatif_view(kb: KnowledgeBase, c: Comparison, lang: Lang) -> dict[str, Any]:
    def shown(q, v):
        if v is None:
            return w("unanswered", lang)
        return ", ".join(value(kb, q, x, lang) for x in v) if isinstance(v, list) else value(kb, q, v, lang)

    def title(r):
        return f"{t(kb.rule[r].rule.title, lang)} ({r})"

    return {
        "scenario": c.before.scenario,
        "as_of": c.before.as_of.isoformat(),
        "language": lang,
        "changed_answers": [{"question": q, "before": shown(q, a), "after": shown(q, b)} for q, (a, b) in c.changes.items()],
        "changed_decisions": [
            {"dimension": d, "name": t(kb.dimensions[d].name, lang),
             "before": value(kb, d, a, lang) if a else "—", "after": value(kb, d, b, lang) if b else "—",
             "before_id": a, "after_id": b}
            for d, a, b in c.decisions
        ],
        "only_before": [title(r) for r in c.only_before],
        "only_after": [title(r) for r in c.only_after],
        "warnings_added": [title(r) for r in c.warnings_added],
        "warnings_removed": [title(r) for r in c.warnings_removed],
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
        text = trace_markdown(view)
        if "why_not" in view:
            text += f"\n## {w('why_not', lang)}: {view['why_not']['option_name']}\n\n"
            text += "\n".join(why_not_lines(view["why_not"], lang)) + "\n"
        return text
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None)
    trace_text(view, console)
    if "why_not" in view:
        why_not_text(view["why_not"], lang, console)
    return buffer.getvalue()


def as_json(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False, indent=2) + "\n"


def trace_text(view: dict, console: Console) -> None:
    lang = view["language"]
    console.print(f"[bold]{w('trace', lang)}: {escape(view['scenario'])}[/bold] [dim]({view['as_of']})[/dim]")
    if view["status"] == "out_of_scope":
        console.print(w("out_of_scope", lang))
    for stage in view["stages"]:
        console.rule(f"{w('stage', lang)}: {stage['stage']}", align="left")
        for step in stage["steps"]:
            step_text(step, lang, console)
    if any(view["how"].values()):
        console.print()
        console.rule(w("how", lang), align="left")
    for tree in view["how"].values():
        if tree:
            console.print(_rich_tree(tree, f"[bold]{escape(tree['label'])}[/bold]"))


def step_text(step: dict, lang: Lang, console: Console) -> None:
    if step["kind"] == "decision":
        console.print(f"[bold green]{step['order']:>3}. {w('decided', lang)}: {escape(step['text'])}[/bold green]")
    elif step["kind"] == "assumption":
        console.print(f"[bold yellow]{step['order']:>3}. {w('assumed', lang)}: {escape(step['text'])}[/bold yellow]")
    else:
        console.print(f"[bold]{step['order']:>3}. {escape(step['title'])}[/bold] [dim]({step['rule']})[/dim]")
        console.print(f"     {w('matched', lang)}: {escape('; '.join(step['matched']) or '—')}")
        if step["concluded"]:
            console.print(f"     {w('concluded', lang)}: {escape('; '.join(step['concluded']))}")
        console.print(f"     [italic]{escape(step['because'])}[/italic]")
        console.print(f"     [dim]{escape('; '.join(step['sources']))}[/dim]")
    if "eligible_next" in step:
        following = ", ".join(step["eligible_next"]) or w("none", lang)
        console.print(f"     [cyan]{w('eligible', lang)}: {escape(following)}[/cyan]")


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


def trace_markdown(view: dict) -> str:
    lang = view["language"]
    out = [f"# {w('trace', lang)}: {view['scenario']}", "", f"*{view['as_of']}*", ""]
    if view["status"] == "out_of_scope":
        out += [w("out_of_scope", lang), ""]
    for stage in view["stages"]:
        out += [f"## {w('stage', lang)}: {stage['stage']}", ""]
        for step in stage["steps"]:
            if step["kind"] in ("decision", "assumption"):
                word = "decided" if step["kind"] == "decision" else "assumed"
                out += [f"{step['order']}. **{w(word, lang)}: {step['text']}**"]
                continue
            out += [f"{step['order']}. **{step['title']}** (`{step['rule']}`)  ",
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


def why_not_text(view: dict, lang: Lang, console: Console) -> None:
    console.print()
    console.rule(f"{w('why_not', lang)}: {view['option_name']}", align="left")
    for line in why_not_lines(view, lang):
        console.print(escape(line))


def why_not_lines(view: dict, lang: Lang) -> list[str]:
    if view["recommended"] == view["option"]:
        return [w("is_recommended", lang)]
    lines = [f"{view['dimension']}: {w('recommended', lang)} {view['recommended_name'] or '—'}"
             + (f"; {view['option_name']} {w('score', lang)} {view['score']}" if view["score"] is not None else "")]
    for key, label in (("excluded_by", "excluded_by"), ("outweighed_by", "outweighed"), ("supporters", "supporters")):
        if view[key]:
            lines.append(f"{w(label, lang)}: " + "; ".join(view[key]))
    if view["blocked"]:
        lines.append(f"{w('blocked', lang)}:")
        lines += [f"  - {b['title']} ({b['rule']}): " + "; ".join(b["failing"]) for b in view["blocked"]]
    if view["flip"]:
        lines.append(f"{w('flip', lang)}: " + "; ".join(view["flip_text"]))
    else:
        lines.append(w("no_flip", lang, n=view["searched"]))
    return lines


def whatif_text(view: dict, console: Console) -> None:
    lang = view["language"]
    console.print(f"[bold]{w('whatif', lang)}: {escape(view['scenario'])}[/bold] [dim]({view['as_of']})[/dim]")
    for line in whatif_lines(view, lang):
        console.print(escape(line))


def whatif_lines(view: dict, lang: Lang) -> list[str]:
    lines = [f"{w('changed_answers', lang)}:"]
    lines += [f"  {c['question']}: {c['before']} → {c['after']}" for c in view["changed_answers"]]
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
    lines = [f"# {w('whatif', lang)}: {view['scenario']}", "", f"*{view['as_of']}*", ""]
    return "\n".join(lines + whatif_lines(view, lang)) + "\n"


def mermaid(view: dict) -> str:
    """A flowchart: answers -> derived facts -> decisions, each edge labelled with its rule."""
    ids: dict[str, str] = {}
    nodes, edges = [], []

    def node(key: str, label: str, kind: str) -> str:
        if key not in ids:
            ids[key] = f"n{len(ids) + 1}"
            shape = {"answer": '["{}"]', "assumption": '["{}"]', "derived": '("{}")', "decision": '{{"{}"}}'}[kind]
            nodes.append(f"  {ids[key]}{shape.format(_label(label))}:::{kind}")
        return ids[key]

    def walk(n: dict, parent: str | None, via: str | None) -> None:
        if n["kind"] == "rule":
            for child in n["children"]:
                walk(child, parent, n["rule"])
            return
        key = f"{n['kind']}:{n['fact'][0]}={n['fact'][1]}"
        me = node(key, n["label"], n["kind"])
        if parent:
            edge = f"  {me} -->|{_label(via or '')}| {parent}"
            if edge not in edges:
                edges.append(edge)
        for child in n["children"]:
            walk(child, me, child.get("rule") if child["kind"] == "rule" else n.get("rule"))

    for tree in view["how"].values():
        if tree:
            walk(tree, None, None)
    header = ["flowchart LR", "  classDef answer fill:#e8f4fd,stroke:#1f77b4", "  classDef derived fill:#f9ecf7,stroke:#9467bd",
              "  classDef decision fill:#e9f7ec,stroke:#2ca02c", "  classDef assumption fill:#fff8e1,stroke:#ff9800"]
    return "\n".join(header + nodes + edges) + "\n"


def _label(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "/").replace("`", "").replace("\n", " ")
