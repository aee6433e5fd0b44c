"""Markdown: a report a consultant can hand to a client. It opens with a management summary;
rule ids stay out of the running text and are listed in the appendix."""

from __future__ import annotations

from advisor.i18n import msg, today
from advisor.render.view import caveat, flag, undecided
from advisor.safe import markdown as md


def render(view: dict) -> str:
    lang = view["language"]
    out = [f"# {msg('report.advice_for', lang)}: {md(view['scenario'])}", ""]
    out += [f"*{msg('report.applies_on', lang)} {view['as_of']}{today(view, lang)} · {msg('report.reviewed', lang)} {view['knowledge_reviewed']}. {view['disclaimer']}*", ""]
    for key in ("description", "source"):
        if view[key]:
            out += [f"**{msg('summary.' + key, lang)}:** {md(view[key])}", ""]
    out += summary(view["summary"], lang)
    if view["decisions"]:
        out += [f"| | {msg('report.recommended', lang)} | {msg('summary.note', lang)} |", "|---|---|---|"]
        for d in view["decisions"]:
            out.append(f"| {d['name']} | {d['recommended_name'] or '—'} | {_flag(d, lang)} |")
        out.append("")
    for a in view["assumptions"]:
        because = "; ".join(r["title"] for r in a["reasons"])
        out += [f"**{msg('report.assumption', lang)}:** {a['text']} → **{a['shown']}**  ",
                f"*{msg('report.assumption_intro', lang)} ({msg('report.because_of', lang)}: {because}).{' ' + md(a['grounds']) if a['grounds'] else ''}{' ' + a['against'] if a['against'] else ''}*", ""]
    out += _reasons(msg("report.warnings", lang), view["warnings"], lang, severity=True)
    for d in view["decisions"]:
        out += _decision(d, lang)
    out += _reasons(msg("report.process_advice", lang), view["advice"], lang)
    if view["missing"]:
        out += [f"## {msg('report.missing', lang)}", ""]
        out += [f"- {m['text']}" + (f" ({msg('report.affects', lang)}: {', '.join(m['affects'])})" if m["affects"] else "") for m in view["missing"]]
        out.append("")
    if view["unknown"]:
        out += [f"## {msg('report.unknown', lang)}", ""] + [f"- {text}" for text in view["unknown"]] + [""]
    out += [f"## {msg('report.answers', lang)}", "", "| | |", "|---|---|"]
    out += [f"| {a['text']} | {md(a['shown'])} |" for a in view["answers"]]
    out.append("")
    if "trace" in view:
        out += [f"## {msg('summary.trace', lang)}", "", msg("summary.trace_intro", lang), ""]
        out += [f"{n}. {s['title']} — {s['stage_name']} (`{s['rule']}`)" for n, s in enumerate(fired(view), 1)]
        out.append("")
    return "\n".join(out)


def fired(view: dict) -> list[dict]:
    """The rule firings of the trace (numbered 1, 2, 3 ... by the renderers, without gaps)."""
    return [s for s in view.get("trace", []) if s["kind"] == "rule"]


def summary(s: dict, lang) -> list[str]:
    out = [f"## {msg('summary.title', lang)}", "", " ".join(x for x in (s["route"], s["other"], s["undecided"]) if x), ""]
    sections = (
        ("summary.reasons", [f"{r['dimension']}: {r['title']}" for r in s["reasons"]]),
        ("summary.warnings", [f"[{msg('report.severity.' + w['severity'], lang)}] {w['title']}" for w in s["warnings"]]),
        ("summary.assumptions", s["assumptions"]),
    )
    for key, items in sections:
        if items:
            out += [f"**{msg(key, lang)}**", ""] + [f"- {item}" for item in items] + [""]
    if s["open"]:
        out += [f"**{msg('summary.open', lang)}**", ""]
        for q in s["open"]:
            out.append(f"- {q['question']}")
            out += [f"  - {a}" for a in q["answers"]]
        out.append("")
    if s["other_missing"]:
        out += [msg("summary.other_missing", lang, n=s["other_missing"]), ""]
    return out


def _flag(d: dict, lang) -> str:
    key = flag(d)
    return msg(f"report.{key}", lang) if key else ""


def _decision(d: dict, lang) -> list[str]:
    mark = f" ({_flag(d, lang)})" if d["recommended"] is not None and _flag(d, lang) else ""
    out = [f"## {d['name']}: {d['recommended_name'] or msg('report.no_advice', lang)}{mark}", ""]
    out += [f"*{note}*", ""] if (note := caveat(d, lang)) else []
    out += [f"*{msg('report.definition', lang)}:* {d['definition']}", ""] if d["definition"] else []
    if d["recommended"] is None:
        head, questions, more = undecided(d, lang)
        out += [head, ""] + ([f"- {q}" for q in questions] + [""] if questions else []) + ([f"*{more}*", ""] if more else [])
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
        out += [f"- {', '.join(g['options'])}: {g['reason']['title']}" for g in d["excluded"]]
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
    out = [f"- {tag}**{r['title']}**: {r['text']}  "]
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
