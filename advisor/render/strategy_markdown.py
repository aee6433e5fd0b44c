"""The strategy document in Markdown, with the Kraljic matrix as a Mermaid quadrantChart and
the planning as a Mermaid gantt chart. Reads only the view (advisor/render/strategy.py)."""

from __future__ import annotations

import re

from advisor.render.words import w

_MERMAID_UNSAFE = re.compile(r"[^\w .,()+/'-]", re.UNICODE)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _m(text: str) -> str:
    """Text safe inside a Mermaid label: letters, digits and simple punctuation only."""
    return re.sub(r"\s+", " ", _MERMAID_UNSAFE.sub(" ", text)).strip() or "-"


def render(v: dict, picture: str | None = None) -> str:
    lang = v["language"]
    out: list[str] = []
    add = out.append
    add(f"# {v['heading']}\n")
    add(f"*{w('region', lang)}: {v['region']} · {w('as_of', lang)} {v['as_of']} · {w('start', lang)} {v['start']} · "
        f"{w('reviewed', lang)} {v['reviewed']}*\n")
    add(f"> {v['draft']}\n")
    if v["description"]:
        add(v["description"] + "\n")
    if v["goals"]:
        add(f"**{w('goals', lang)}**\n")
        out += [f"- {g}" for g in v["goals"]] + [""]
    _summary(v, add, lang)
    _kraljic(v, add, lang, picture)
    _findings(v, add, lang)
    _planning(v, add, lang)
    _documents(v, add, lang)
    _once(v, add, lang)
    _comparison(v, add, lang)
    _details(v, add, lang)
    return "\n".join(out).rstrip() + "\n"


def _sources(sources: list[str], lang: str) -> str:
    return f"  *{w('sources', lang)}: {'; '.join(sources)}*" if sources else ""


def _summary(v: dict, add, lang: str) -> None:
    add(f"## {w('summary', lang)}\n")
    dims = [r["name"] for r in next((row["route"] for row in v["summary"] if row["route"]), [])]
    add("| " + " | ".join([w("segment", lang), *dims, w("cooperation", lang), w("why", lang), w("warnings", lang)]) + " |")
    add("|" + "---|" * (len(dims) + 4))
    for row in v["summary"]:
        cells = [o["option_name"] for o in row["route"]] or [w("out_of_scope", lang)] + [""] * (len(dims) - 1)
        warnings = "; ".join(f"{x['title']} ({x['severity_name']})" for x in row["warnings"]) or w("no_warnings", lang)
        add("| " + " | ".join(_cell(c) for c in [f"**{row['name']}**", *cells, row["cooperation"], row["why"], warnings]) + " |")
    add("")


def quadrant(v: dict) -> str:
    k = v["kraljic"]
    lab = k["labels"]
    lines = [
        "quadrantChart",
        f"    title {_m(lab['kraljic'])}",
        f"    x-axis {_m(lab['impact_low'])} --> {_m(lab['impact_high'])}",
        f"    y-axis {_m(lab['risk_low'])} --> {_m(lab['risk_high'])}",
    ]
    lines += [f"    quadrant-{i} {_m(name)}" for i, name in enumerate(k["quadrant_names"], 1)]
    lines += [f"    {_m(p['name'])}: [{p['x']:.3f}, {p['y']:.3f}]" for p in k["points"]]
    return "\n".join(lines) + "\n"


def _kraljic(v: dict, add, lang: str, picture: str | None) -> None:
    k = v["kraljic"]
    add(f"## {w('kraljic', lang)}\n")
    add(w("kraljic_intro", lang) + "\n")
    if picture:
        add(f"![{w('kraljic', lang)}]({picture})\n")
    add("```mermaid\n" + quadrant(v) + "```\n")
    add(f"| {w('segment', lang)} | {w('kraljic', lang)} | {w('financial_impact', lang)} | {w('supply_risk', lang)} | {w('spend', lang)} |")
    add("|---|---|---|---|---|")
    for p in k["points"]:
        add(f"| {_cell(p['name'])} | {p['segment_name']} | {p['x']:.2f} | {p['y']:.2f} | {p['spend_shown']} |")
    add("")
    if k["not_placed"]:
        add(f"*{w('not_placed', lang)}: {_cell('; '.join(k['not_placed']))}*\n")
    add(f"**{w('quadrant_strategy', lang)}**\n")
    out = [f"- **{q['name']}**: {q['strategy']}" for q in k["quadrants"]]
    add("\n".join(out) + "\n")


def _findings(v: dict, add, lang: str) -> None:
    add(f"## {w('checks', lang)}\n")
    if not v["findings"]:
        add(w("no_findings", lang) + "\n")
    for f in v["findings"]:
        add(f"- **{f['title']}** ({f['severity_name']}): {f['text']}")
        add(_sources(f["sources"], lang))
        if f["check_with_lawyer"]:
            add(f"  *{f['check_with_lawyer']}*")
    add("")


def gantt(v: dict) -> str:
    lines = ["gantt", f"    title {_m(w('planning', v['language']))}", "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m"]
    for plan in v["planning"]:
        lines.append(f"    section {_m(plan['segment'])}")
        for i, p in enumerate(plan["phases"]):
            lines.append(f"    {_m(p['name'])} :{_m(plan['id']).replace(' ', '')}-{i}, {p['start']}, {p['end']}")
    return "\n".join(lines) + "\n"


def _planning(v: dict, add, lang: str) -> None:
    add(f"## {w('planning', lang)}\n")
    add(w("planning_intro", lang) + "\n")
    for plan in v["planning"]:
        add(f"### {plan['segment']} — {plan['route']}\n")
        add(("**" + plan["verdict"] + "**\n") if plan["short_weeks"] else plan["verdict"] + "\n")
        add(f"| {w('phase', lang)} | {w('from', lang)} | {w('to', lang)} | {w('weeks', lang)} | {w('basis', lang)} | {w('sources', lang)} |")
        add("|---|---|---|---|---|---|")
        for p in plan["phases"]:
            name = p["name"] + (f" ({p['note']})" if p["note"] else "")
            add(f"| {_cell(name)} | {p['start']} | {p['end']} | {p['weeks']} | {p['basis']} | {_cell('; '.join(p['sources']))} |")
        add("")
    if v["planning"]:
        add("```mermaid\n" + gantt(v) + "```\n")


def _documents(v: dict, add, lang: str) -> None:
    add(f"## {w('documents', lang)}\n")
    for route in v["documents"]:
        add(f"### {route['route']}\n")
        add(f"*{w('for_segments', lang)}: {_cell('; '.join(route['segments']))}*\n")
        for item in route["items"]:
            add(f"- [ ] **{item['name']}**: {item['purpose']}")
            add(_sources(item["sources"], lang))
        add("")


def _once(v: dict, add, lang: str) -> None:
    add(f"## {w('process', lang)}\n")
    for r in v["once"]:
        add(f"- **{r['title']}**: {r['text']}")
        add(_sources(r["sources"], lang))
    add("")


def _comparison(v: dict, add, lang: str) -> None:
    """Only where the portfolio states what its source chose; a made-up one has no such part."""
    compared = [seg for seg in v["comparison"] if seg["rows"]]
    if not compared:
        return
    add(f"## {w('source_check', lang)}\n")
    add(w("source_check_intro", lang) + "\n")
    rest = [seg["segment"] for seg in v["comparison"] if not seg["rows"]]
    if rest:
        add(w("no_expectation", lang, segments=", ".join(rest)) + "\n")
    for seg in compared:
        add(f"### {seg['segment']}\n")
        add(f"| {w('dimension', lang)} | {w('source_chose', lang)} | {w('advisor', lang)} | | {w('explanation', lang)} |")
        add("|---|---|---|---|---|")
        for r in seg["rows"]:
            mark = w("agrees", lang) if r["agrees"] else f"**{w('differs', lang)}**"
            add(f"| {r['name']} | {r['expected']} | {r['got']} | {mark} | {_cell(r['note'])} |")
        add("")


def _details(v: dict, add, lang: str) -> None:
    add(f"## {w('segments_detail', lang)}\n")
    for s in v["segments"]:
        add(f"### {s['name']}\n")
        if s["source"]:
            add(f"*{w('sources', lang)}: {s['source']}*\n")
        if s["goals"]:
            add("\n".join(f"- {g}" for g in s["goals"]) + "\n")
        add(f"| {w('answers', lang)} | |")
        add("|---|---|")
        for a in s["answers"]:
            note = f" *({w('derived', lang)}: {a['derived']})*" if a["derived"] else ""
            add(f"| {_cell(a['text'])} | {_cell(a['shown'])}{_cell(note)} |")
        add("")
        if s["warnings"]:
            add(f"**{w('warnings', lang)}**\n")
            for x in s["warnings"]:
                add(f"- **{x['title']}** ({x['severity_name']}): {x['text']}")
                add(_sources(x["sources"], lang))
            add("")
        if s["advice"]:
            add(f"**{w('segment_advice', lang)}**\n")
            for x in s["advice"]:
                add(f"- **{x['title']}**: {x['text']}")
            add("")
        if s["missing"]:
            add(f"**{w('missing', lang)}**\n")
            add("\n".join(f"- {m}" for m in s["missing"]) + "\n")
