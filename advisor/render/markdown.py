"""Markdown: a report a consultant can hand to a client."""

from __future__ import annotations

from advisor.i18n import msg


def render(view: dict) -> str:
    lang = view["language"]
    out = [f"# {msg('report.advice_for', lang)}: {view['scenario']}", ""]
    out += [f"*{msg('report.applies_on', lang)} {view['as_of']} · {msg('report.reviewed', lang)} {view['knowledge_reviewed']}. {view['disclaimer']}*", ""]
    if view["status"] == "out_of_scope":
        out += [f"**{msg('report.out_of_scope', lang)}**", ""]
    if view["decisions"]:
        out += [f"| | {msg('report.recommended', lang)} | |", "|---|---|---|"]
        for d in view["decisions"]:
            out.append(f"| {d['name']} | {d['recommended_name'] or '—'} | {_flag(d, lang)} |")
        out.append("")
    for a in view["assumptions"]:
        because = "; ".join(r["title"] for r in a["reasons"])
        out += [f"**{msg('report.assumption', lang)}:** {a['text']} → **{a['shown']}**  ",
                f"*{msg('report.assumption_intro', lang)} ({msg('report.because_of', lang)}: {because}).*", ""]
    for c in view["conditional"]:
        out += [f"**{msg('report.depends_on', lang)}:** {c['text']}", ""]
        if c["mixed_evidence"]:
            out += [f"*{msg('report.mixed_evidence', lang)}*", ""]
        for b in c["branches"]:
            route = " · ".join(f"{r['name']}: {r['option_name']}" for r in b["route"])
            mark = f" ({msg('report.assumed_mark', lang)})" if b["likely"] else ""
            out.append(f"- {b['answer']}{mark} → {route}")
        out.append("")
    out += _reasons(msg("report.warnings", lang), view["warnings"], lang, severity=True)
    for d in view["decisions"]:
        out += _decision(d, lang)
    out += _reasons(msg("report.process_advice", lang), view["advice"], lang)
    if view["missing"]:
        out += [f"## {msg('report.missing', lang)}", ""]
        out += [f"- {m['text']} (`{m['question']}`; {msg('report.affects', lang)}: {', '.join(m['affects'])})" for m in view["missing"]]
        out.append("")
    out += [f"## {msg('report.answers', lang)}", "", "| | |", "|---|---|"]
    out += [f"| {a['text']} | {a['shown']} |" for a in view["answers"]]
    out.append("")
    if "trace" in view:
        out += [f"## {msg('report.rules_fired', lang)}", ""]
        out += [f"{s['order']}. `{s['rule']}` {s['title']} ({s['stage']})" for s in view["trace"] if s["kind"] == "rule"]
        out.append("")
    return "\n".join(out)


def _flag(d: dict, lang) -> str:
    if d["recommended"] is None:
        return msg("report.no_advice", lang)
    if d["assumed"]:
        return msg("report.assumed_mark", lang)
    return msg("report.close_call", lang) if d["close_call"] else ""


def _decision(d: dict, lang) -> list[str]:
    out = [f"## {d['name']}: {d['recommended_name'] or msg('report.no_advice', lang)}", ""]
    if d["recommended"] is None:
        out += [msg('report.undecided', lang), ""] + [f"- {q}" for q in d["missing_text"]] + [""]
    chosen = next((o for o in d["options"] if o["option"] == d["recommended"]), None)
    if chosen:
        out += _list(msg("report.for", lang), chosen["for"], lang) + _list(msg("report.against", lang), chosen["against"], lang)
    others = [o for o in d["options"] if o is not chosen and not o["excluded"]]
    if others:
        out += [f"**{msg('report.alternatives', lang)}**", ""]
        for o in others:
            why = "; ".join(r["title"] for r in o["for"] + o["against"])
            out.append(f"- {o['name']} ({msg('report.score', lang)} {o['score']}): {why}")
        out.append("")
    if d["excluded"]:
        out += [f"**{msg('report.excluded', lang)}**", ""]
        out += [f"- {', '.join(g['options'])}: {g['reason']['title']} (`{g['reason']['rule']}`)" for g in d["excluded"]]
        out.append("")
    for f in d["context"]:
        out += [f"> {msg('report.context', lang)}: {f['text']} ({f['source']})", ""]
    return out


def _list(title: str, reasons: list[dict], lang) -> list[str]:
    if not reasons:
        return []
    out = [f"**{title}**", ""]
    for r in reasons:
        out += _item(r, lang)
        out += [f"  *{msg('report.context', lang)}: {f['text']}*" for f in r["figures"]]
    return out + [""]


def _item(r: dict, lang, tag: str = "") -> list[str]:
    out = [f"- {tag}**{r['title']}** (`{r['rule']}`): {r['text']}  "]
    if r["since_report"]:
        out.append(f"  {msg('report.since_report', lang)}: {r['since_report']}  ")
    if r["check_with_lawyer"]:
        out.append(f"  **{r['check_with_lawyer']}**  ")
    return out + [f"  *{msg('report.sources', lang)}: {'; '.join(r['sources'])}*"]


def _reasons(title: str, reasons: list[dict], lang, severity: bool = False) -> list[str]:
    if not reasons:
        return []
    out = [f"## {title}", ""]
    for r in reasons:
        out += _item(r, lang, f"[{msg('report.severity.' + r['severity'], lang)}] " if severity else "")
    return out + [""]
