"""One language-resolved view of a Strategy; Markdown and HTML are rendered from it, so the two
formats show the same content. User text is cleaned here, once."""

from __future__ import annotations

from typing import Any

from advisor.i18n import Lang, money, t
from advisor.knowledge import KnowledgeBase
from advisor.render.view import _reason, after_review, mark, source, shown
from advisor.render.words import w
from advisor.safe import one_line
from advisor.strategy import Finding, SegmentResult, Strategy
from advisor.strategy_knowledge import StrategyKnowledge

ROUTE = ("instrument", "regime", "procedure", "funding_form", "contract_form", "provider_count", "contract_duration")
QUADRANTS = ("strategisch", "knelpunt", "routine", "hefboom")  # Mermaid's quadrant-1 .. quadrant-4


def build(strategy: Strategy, kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang) -> dict[str, Any]:
    names = _Names(kb, lang)
    p = strategy.portfolio
    segments = strategy.segments
    return {
        "title": one_line(p.portfolio),
        "heading": _heading(one_line(p.portfolio), lang),
        "region": one_line(p.region),
        "description": one_line(p.description or ""),
        "source": one_line(p.source or ""),
        "file": strategy.path,
        "as_of": strategy.as_of.isoformat(),
        "start": p.start.isoformat(),
        "reviewed": strategy.reviewed.isoformat(),
        "draft": w("draft", lang) + after_review(strategy.as_of, strategy.reviewed, lang),
        "language": lang,
        "goals": [one_line(g) for g in p.goals],
        "summary": [_row(s, kb, names, lang) for s in segments],
        "kraljic": _kraljic(strategy, kb, names, lang),
        "findings": [_finding(f, strategy, kb, names, lang) for f in strategy.findings],
        "planning": [_plan(s, sk, kb, lang) for s in segments if s.plan],
        "documents": _documents(strategy, kb, lang),
        "once": [_reason(r, kb, lang) for r in strategy.once]
        + [{"rule": a.id, "title": t(a.title, lang), "text": t(a.text, lang), "sources": [source(s, kb, lang) for s in a.sources]} for a in strategy.advice],
        "comparison": [_comparison(s, names, lang) for s in segments],
        "segments": [_detail(s, strategy, kb, names, lang) for s in segments],
    }


def _heading(title: str, lang: Lang) -> str:
    word = w("strategy", lang)
    return title if title.lower().startswith(word.lower()) else f"{word}: {title}"


class _Names:
    def __init__(self, kb: KnowledgeBase, lang: Lang):
        self.options = {o.id: t(o.name, lang) for d in kb.dimensions.values() for o in d.options}
        self.dimensions = {d.id: t(d.name, lang) for d in kb.dimensions.values()}
        self.forms = {c.id: t(c.name, lang) for c in kb.care_forms.care_forms}

    def option(self, option: str | None, lang: Lang) -> str:
        return self.options[option] if option else w("no_advice", lang)


def _route(s: SegmentResult, names: _Names, lang: Lang) -> list[dict]:
    got = s.advice.recommended()
    return [{"dimension": d, "name": names.dimensions[d], "option": got.get(d), "option_name": names.option(got.get(d), lang) + mark(s.advice, d, lang)} for d in ROUTE]


def _cooperation(s: SegmentResult, names: _Names, lang: Lang) -> str:
    """The advised cooperation, with the number of municipalities where it is known."""
    advised = s.advice.recommended().get("cooperation")
    n = s.advice.answers.get("municipalities")
    count = (w("alone", lang) if n < 2 else w("together", lang, n=n)) if isinstance(n, int) else None
    if advised is None:
        return count or w("unknown", lang)
    return names.option(advised, lang) + mark(s.advice, "cooperation", lang) + (f" ({count})" if count and n >= 2 else "")


def _why(s: SegmentResult, kb: KnowledgeBase, lang: Lang) -> str:
    """The strongest reason behind the instrument, and behind the regime."""
    parts = []
    for dim in ("instrument", "regime"):
        d = s.advice.decision(dim)
        option = next((o for o in d.options if o.option == d.recommended), None) if d else None
        if option and option.support:
            best = max(option.support, key=lambda r: r.weight)
            parts.append(t(best.title, lang))
    return "; ".join(dict.fromkeys(parts))


def _row(s: SegmentResult, kb: KnowledgeBase, names: _Names, lang: Lang) -> dict:
    out_of_scope = s.advice.status == "out_of_scope"
    return {
        "id": s.id,
        "name": one_line(s.name),
        "care_forms": [names.forms[c] for c in s.loaded.segment.care_forms],
        "status": s.advice.status,
        "route": [] if out_of_scope else _route(s, names, lang),
        "cooperation": _cooperation(s, names, lang),
        "why": w("out_of_scope", lang) if out_of_scope else _why(s, kb, lang),
        "warnings": [{"severity": f.severity, "severity_name": w(f"severity.{f.severity}", lang), "title": t(f.reason.title, lang)} for f in s.advice.warnings],
    }


def _kraljic(strategy: Strategy, kb: KnowledgeBase, names: _Names, lang: Lang) -> dict:
    dim = kb.dimensions["kraljic_segment"]
    points = [
        {
            "id": s.id,
            "name": one_line(s.name),
            "x": s.position[0],
            "y": s.position[1],
            "spend": s.loaded.spend,
            "spend_shown": money(s.loaded.spend, lang) if s.loaded.spend else "",
            "segment": s.advice.recommended()["kraljic_segment"],
            "segment_name": names.option(s.advice.recommended()["kraljic_segment"], lang),
        }
        for s in strategy.segments
        if s.position
    ]
    return {
        "points": points,
        "quadrants": [{"option": o.id, "name": t(o.name, lang), "strategy": t(o.definition, lang)} for o in dim.options],
        "not_placed": [one_line(s.name) for s in strategy.segments if not s.position],
        "labels": {k: w(k, lang) for k in ("impact_low", "impact_high", "risk_low", "risk_high", "financial_impact", "supply_risk", "kraljic")},
        "quadrant_names": [names.option(o, lang) for o in QUADRANTS],
    }


def _join(items: list[str], lang: Lang) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {w('and', lang)} " + items[-1]


def _finding(f: Finding, strategy: Strategy, kb: KnowledgeBase, names: _Names, lang: Lang) -> dict:
    seg = lambda ids: _join([one_line(strategy.segment(i).name) for i in ids], lang)  # noqa: E731
    detail = ""
    if f.regimes:
        detail = "; ".join(f"{one_line(strategy.segment(i).name)}: {names.option(o, lang)}" for i, o in f.regimes)
    elif f.conflict:
        detail = f"{seg(f.others)} — {t(f.conflict.text, lang)}"
    elif f.others:
        detail = seg(f.others)
    values = {
        "segments": seg(f.segments),
        "providers": _join([one_line(p) for p in f.providers], lang),
        "detail": detail,
        "total": money(f.total, lang) if f.total is not None else "",
        "threshold": money(f.threshold, lang) if f.threshold is not None else "",
    }
    sources = [source(s, kb, lang) for s in f.check.sources] + ([source(s, kb, lang) for s in f.conflict.sources] if f.conflict else [])
    return {
        "check": f.check.id,
        "severity": f.check.severity,
        "severity_name": w(f"severity.{f.check.severity}", lang),
        "title": t(f.check.title, lang),
        "text": t(f.check.text, lang).format(**values),
        "sources": list(dict.fromkeys(sources)),
        "check_with_lawyer": w("check_with_lawyer", lang) if f.check.confidence == "low" else None,
    }


def _plan(s: SegmentResult, sk: StrategyKnowledge, kb: KnowledgeBase, lang: Lang) -> dict:
    plan = s.plan
    phases = sk.phases
    return {
        "id": s.id,
        "segment": one_line(s.name),
        "route": t(plan.route.name, lang),
        "route_id": plan.route.id,
        "begin": plan.begin.isoformat(),
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "short_weeks": plan.short_weeks,
        "verdict": w("too_late", lang, weeks=plan.short_weeks) if plan.short_weeks else w("in_time", lang, date=plan.begin.isoformat()),
        "phases": [
            {
                "phase": p.step.phase,
                "name": t(phases[p.step.phase].name, lang),
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "weeks": p.step.weeks,
                "basis": w(f"basis.{p.step.basis}", lang),
                "note": t(p.step.note, lang) if p.step.note else "",
                "sources": [source(x, kb, lang) for x in p.step.sources],
                "confidence": p.step.confidence,
            }
            for p in plan.phases
        ],
    }


def _documents(strategy: Strategy, kb: KnowledgeBase, lang: Lang) -> list[dict]:
    """One checklist per route, with the segments that take it."""
    routes: dict[str, dict] = {}
    for s in strategy.segments:
        if not s.plan:
            continue
        entry = routes.setdefault(s.plan.route.id, {"route": t(s.plan.route.name, lang), "segments": [], "items": {}})
        entry["segments"].append(one_line(s.name))
        for item in s.documents:
            entry["items"].setdefault(item.id, {
                "id": item.id,
                "name": t(item.name, lang),
                "purpose": t(item.purpose, lang),
                "sources": [source(x, kb, lang) for x in item.sources],
                "check_with_lawyer": w("check_with_lawyer", lang) if item.confidence == "low" else None,
            })
    return [{**r, "items": list(r["items"].values())} for r in routes.values()]


def _comparison(s: SegmentResult, names: _Names, lang: Lang) -> dict:
    def label(dim: str, value: str | None) -> str:
        if dim == "status":
            return w("out_of_scope", lang) if value == "out_of_scope" else (value or "")
        return names.option(value, lang)

    return {
        "id": s.id,
        "segment": one_line(s.name),
        "rows": [
            {
                "dimension": c.dimension,
                "name": names.dimensions.get(c.dimension, c.dimension),
                "expected": label(c.dimension, c.expected),
                "got": label(c.dimension, c.got),
                "agrees": c.agrees,
                "note": one_line(c.note) if c.note else "",
            }
            for c in s.comparisons
        ],
    }


def _detail(s: SegmentResult, strategy: Strategy, kb: KnowledgeBase, names: _Names, lang: Lang) -> dict:
    derived = {d.question: d for d in s.loaded.derived}
    once = {r.rule for r in strategy.once}
    return {
        "id": s.id,
        "name": one_line(s.name),
        "source": one_line(s.loaded.segment.source or ""),
        "goals": [one_line(g) for g in s.loaded.segment.goals],
        "providers": [one_line(p) for p in s.loaded.segment.providers],
        "spend": money(s.loaded.spend, lang) if s.loaded.spend else "",
        "clients": s.loaded.segment.clients,
        "answers": [
            {
                "question": q,
                "text": t(kb.questions[q].text, lang),
                "shown": shown(kb, q, v, lang),
                "derived": _derived_note(derived[q], lang) if q in derived else "",
            }
            for q, v in s.advice.answers.items()
        ],
        "warnings": [{"severity": f.severity, "severity_name": w(f"severity.{f.severity}", lang), **_reason(f.reason, kb, lang)} for f in s.advice.warnings],
        "missing": [t(kb.questions[m.question].text, lang) for m in s.advice.missing],
        "advice": [_reason(r, kb, lang) for r in s.advice.advice if r.rule not in once],
    }


def _derived_note(d, lang: Lang) -> str:
    return t(d.because, lang) if d.because else w(f"derived.{d.kind}", lang)



def outputs(strategy: Strategy, kb: KnowledgeBase, sk: StrategyKnowledge, lang: Lang, stem: str, pictures: bool = True) -> dict[str, bytes]:
    """The files of a strategy, by name: Markdown, HTML and, with matplotlib, the Kraljic
    matrix as SVG and PNG. The same portfolio gives the same bytes every time."""
    from advisor.render import kraljic, strategy_html, strategy_markdown

    v = build(strategy, kb, sk, lang)
    files: dict[str, bytes] = {}
    images = kraljic.pictures(v) if pictures and kraljic.available() and v["kraljic"]["points"] else {}
    for fmt, data in images.items():
        files[f"{stem}-kraljic.{fmt}"] = data
    picture = f"{stem}-kraljic.svg" if images else None
    files[f"{stem}.md"] = strategy_markdown.render(v, picture).encode("utf-8")
    files[f"{stem}.html"] = strategy_html.render(v, images.get("svg")).encode("utf-8")
    return files
