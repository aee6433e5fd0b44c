"""One language-resolved view of an Advice. Every renderer reads this view, so the
formats show the same content and cannot drift apart; JSON is the view itself."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from advisor.advise import LAW_START, Advice, deciding
from advisor.answers import UNKNOWN
from advisor.decision import Reason
from advisor.i18n import Lang, money, msg, t, yes_no
from advisor.knowledge import KnowledgeBase
from advisor.models import Figure, SourceRef



def build(advice: Advice, kb: KnowledgeBase, lang: Lang, trace: bool = True) -> dict[str, Any]:
    names = _Names(kb, lang)
    assumed = advice.assumed()
    provisional = advice.provisional()
    view = {
        "scenario": advice.scenario,
        "file": advice.path,
        "as_of": advice.as_of.isoformat(),
        "as_of_clock": advice.clock,
        "knowledge_reviewed": advice.reviewed.isoformat(),
        "language": lang,
        "status": advice.status,
        "description": advice.description,
        "source": advice.source,
        "disclaimer": msg("report.disclaimer", lang) + after_review(advice.as_of, advice.reviewed, lang),
        "answers": [_answer(kb, names, q, v, lang) for q, v in advice.answers.items()],
        "decisions": [
            {**_decision(d, names, kb, lang, advice), "assumed": d.dimension in assumed, "provisional": d.dimension in provisional}
            for d in advice.decisions
        ],
        "assumptions": [_assumption(a, advice, kb, lang) for a in advice.assumptions],
        "conditional": [_conditional(c, kb, names, lang) for c in advice.conditional],
        "warnings": [{"severity": w.severity, **_reason(w.reason, kb, lang)} for w in advice.warnings],
        "advice": [_reason(r, kb, lang) for r in advice.advice],
        "missing": [
            {
                "question": m.question,
                "text": t(kb.questions[m.question].text, lang),
                "affects": [names.dimension(d) for d in m.affects],
                "rules": list(m.rules),
            }
            for m in advice.missing
            if m.question not in advice.unknown  # answered 'don't know': listed apart
        ],
        "unknown": [t(kb.questions[q].text, lang) for q in advice.unknown],
        "before_law": _before_law(kb, advice, lang),
    }
    view["summary"] = summary(view, lang)
    if trace:
        view["trace"] = [
            {
                "order": s.order,
                "stage": s.stage,
                "stage_name": msg(f"stage.{s.stage}", lang),
                "kind": s.kind,
                "rule": s.rule,
                "title": _step_title(kb, names, s, lang),
                "matched": [[n, v] for n, v in s.matched],
                "asserted": [[n, v] for n, v in s.asserted],
            }
            for s in advice.trace.steps
        ]
    return view


ROUTE = ("instrument", "regime", "procedure")  # the route a summary opens with: instrument, legal frame, design


def after_review(as_of, reviewed, lang: Lang) -> str:
    """Said when the advice is for a date after the knowledge was last brought up to date."""
    return " " + msg("report.after_review", lang) if as_of > reviewed else ""


def _before_law(kb: KnowledgeBase, advice: Advice, lang: Lang) -> str:
    """Said when the date lies before every rule: before the Wmo 2015 and the Jeugdwet."""
    if advice.as_of >= LAW_START:
        return ""
    return msg("ask.before_law", lang, date=advice.as_of.isoformat())


def summary(view: dict, lang: Lang) -> dict[str, Any]:
    """The management summary: the route in a sentence or two, the main reasons, the warnings
    that matter, the assumptions, and what each open question would change."""
    decisions = {d["dimension"]: d for d in view["decisions"]}
    known, open_ = [], []
    if view["before_law"]:
        route, other = view["before_law"], ""
    elif view["status"] == "out_of_scope":
        stop = next((w for w in view["warnings"] if w["severity"] == "high"), None)
        route = msg("summary.out_of_scope", lang) + (f" {stop['text']}" if stop else "")
        rest = [d for d in view["decisions"] if d["recommended"]]
        other = msg("summary.still", lang, decisions=_pairs(rest, lang)) if rest else ""
    else:
        known = [decisions[dim] for dim in ROUTE if dim in decisions and decisions[dim]["recommended"]]
        open_ = [decisions[dim]["name"] for dim in ROUTE if dim in decisions and not decisions[dim]["recommended"]]
        if len(known) == len(ROUTE):
            route = msg("summary.route", lang, **{d["dimension"]: _named(d, lang) for d in known})
        elif known:
            route = msg("summary.route_partial", lang, known=_pairs(known, lang), open=_listed(open_, lang))
        else:
            route = msg("summary.no_route", lang)
        rest = [d for d in view["decisions"] if d["dimension"] not in ROUTE and d["recommended"]]
        other = msg("summary.other", lang, decisions=_pairs(rest, lang)) if rest else ""
    said = set(open_) if known else set()  # named in the route sentence already
    open_dims = [d["name"] for d in view["decisions"] if not d["recommended"] and d["name"] not in said]
    return {
        "route": route,
        "other": other,
        "undecided": msg("summary.undecided", lang, dimensions=", ".join(open_dims)) if open_dims and view["status"] != "out_of_scope" and not view["before_law"] else "",
        "reasons": [
            {"dimension": decisions[dim]["name"], "title": best["title"]}
            for dim in ROUTE if dim in decisions
            for best in _main_reason(decisions[dim])
        ],
        "warnings": [{"severity": w["severity"], "title": w["title"]} for w in view["warnings"] if w["severity"] in ("high", "medium")],
        "assumptions": [f"{a['text']} → {a['shown']}" for a in view["assumptions"]],
        "open": [
            {"question": c["text"], "answers": [f"{b['answer']} → " + "; ".join(f"{r['name']}: {r['option_name']}" for r in b["route"]) for b in c["branches"]]}
            for c in view["conditional"]
        ],
        "other_missing": len([m for m in view["missing"] if m["question"] not in {c["question"] for c in view["conditional"]}]),
    }


def _pairs(decisions: list[dict], lang: Lang) -> str:
    return "; ".join(f"{d['name']}: {_named(d, lang)}" for d in decisions)


def flag(decision: dict, close_call: bool = True) -> str | None:
    """The message key the report's table puts beside a decision of the view: no advice,
    provisional, assumed or (with `close_call`) a close call; None for a plain recommendation."""
    if decision["recommended"] is None:
        return "no_advice"
    if decision["provisional"]:
        return "provisional_mark"
    if decision["assumed"]:
        return "assumed_mark"
    return "close_call" if close_call and decision["close_call"] else None


def caveat(decision: dict, lang: Lang) -> str:
    """The sentence under a decision that rests on an assumed or still open answer, else ''."""
    key = flag(decision, close_call=False)
    return msg(f"report.{key.removesuffix('_mark')}_note", lang) if key in ("assumed_mark", "provisional_mark") else ""


DECIDING_SHOWN = 2


def undecided(decision: dict, lang: Lang) -> tuple[str, list[str], str]:
    """For a dimension without advice: the sentence, the (at most two) questions that could
    decide it, strongest first, and a line counting the others that bear on it ('' if none)."""
    questions = decision["missing_text"]
    rest = len(questions) - DECIDING_SHOWN
    return (
        msg("report.undecided" if questions else "report.undecided_none", lang),
        questions[:DECIDING_SHOWN],
        msg("report.more_missing_one", lang) if rest == 1 else msg("report.more_missing", lang, n=rest) if rest > 1 else "",
    )


def mark(advice: Advice, dimension: str, lang: Lang) -> str:
    """' (provisional)', ' (assumed)' or ' (close call)' after an option, as the report's table says."""
    decision = advice.decision(dimension)
    if decision is None or decision.recommended is None:
        return ""
    key = flag({"recommended": decision.recommended, "provisional": dimension in advice.provisional(),
                "assumed": dimension in advice.assumed(), "close_call": decision.close_call})
    return f" ({msg(f'report.{key}', lang)})" if key else ""


def _listed(items: list[str], lang: Lang) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {msg('report.and', lang)} {items[-1]}"


def _named(decision: dict, lang: Lang) -> str:
    """The recommended option, with 'assumed' or 'provisional' where it rests on an open question."""
    key = flag(decision, close_call=False)
    return decision["recommended_name"] + (f" ({msg(f'report.{key}', lang)})" if key else "")


def _main_reason(decision: dict) -> list[dict]:
    """The strongest reason for the recommended option (the first among equals)."""
    chosen = next((o for o in decision["options"] if o["option"] == decision["recommended"]), None)
    if not chosen or not chosen["for"]:
        return []
    return [max(chosen["for"], key=lambda r: r["weight"])]


def _step_title(kb: KnowledgeBase, names: "_Names", step, lang: Lang) -> str:
    if step.kind == "rule":
        return t(kb.rule[step.rule].rule.title, lang)
    if step.kind == "assumption":
        return t(kb.questions[step.rule].text, lang)
    return names.dimension(step.rule)


class _Names:
    def __init__(self, kb: KnowledgeBase, lang: Lang):
        self.kb, self.lang = kb, lang

    def dimension(self, dim: str) -> str:
        if dim == "warnings":
            return msg("report.warnings", self.lang)
        return t(self.kb.dimensions[dim].name, self.lang)

    def option(self, dim: str, option: str) -> str:
        return _option_names(self.kb, self.lang)[option]

    def definition(self, option: str) -> str:
        return _option_definitions(self.kb, self.lang)[option]


@lru_cache(maxsize=8)
def _option_names(kb: KnowledgeBase, lang: Lang) -> dict[str, str]:
    return {o.id: t(o.name, lang) for d in kb.dimensions.values() for o in d.options}


@lru_cache(maxsize=8)
def _option_definitions(kb: KnowledgeBase, lang: Lang) -> dict[str, str]:
    return {o.id: t(o.definition, lang) for d in kb.dimensions.values() for o in d.options}


@lru_cache(maxsize=256)
def labels(kb: KnowledgeBase, qid: str, lang: Lang) -> dict[str, str]:
    """Option id -> its label, for one question."""
    q = kb.questions[qid]
    forms = {c.id: t(c.name, lang) for c in kb.care_forms.care_forms} if q.options_from == "care_forms" else {}
    return {**forms, **{c.id: t(c.label, lang) for c in q.options}}


def shown(kb: KnowledgeBase, qid: str, value: Any, lang: Lang) -> str:
    """An answer as the user reads it: option labels, ja/nee, amounts in euros."""
    q = kb.questions[qid]
    if value == UNKNOWN:
        return msg("report.dont_know", lang)
    if q.type == "multi":
        return "; ".join(labels(kb, qid, lang)[v] for v in value)
    if q.type == "choice":
        return labels(kb, qid, lang)[value]
    if q.type == "yes_no":
        return yes_no(value, lang)
    if q.type == "amount":
        return money(value, lang)
    return str(value)


def _answer(kb, names, qid, value, lang) -> dict:
    return {"question": qid, "text": t(kb.questions[qid].text, lang), "value": value, "shown": shown(kb, qid, value, lang)}


def _assumption(a, advice: Advice, kb: KnowledgeBase, lang: Lang) -> dict:
    """An answer assumed on the evidence: the rules that point to it, the answers they rest on,
    and what points the other way."""
    return {
        "question": a.question,
        "text": t(kb.questions[a.question].text, lang),
        "value": a.value,
        "shown": _band_label(kb, a.question, a.band, lang) if a.band else shown(kb, a.question, a.value, lang),
        "reasons": [_reason(r, kb, lang) for r in a.reasons],
        "grounds": msg("report.evidence_grounds", lang, answers="; ".join(
            f"{t(kb.questions[q].text, lang)} → {shown(kb, q, advice.answers[q], lang)}" for q in a.grounds
        )) if a.grounds else "",
        "against": msg("report.evidence_against", lang, rules="; ".join(t(r.title, lang) for r in a.against)) if a.against else "",
    }


def _conditional(c, kb: KnowledgeBase, names: "_Names", lang: Lang) -> dict:
    """Per answer of a missing question, what the advice would be where it differs."""
    differing = c.differing()
    return {
        "question": c.question,
        "text": t(kb.questions[c.question].text, lang),
        "likely": c.likely,
        "mixed_evidence": c.mixed(),
        "branches": [
            {
                "answer": _branch_label(kb, c.question, b, lang),
                "values": list(b.values),
                "likely": c.likely is not None and c.likely in b.values,
                "evidence": list(b.evidence),
                "route": [
                    {
                        "dimension": dim,
                        "name": names.dimension(dim),
                        "option": option,
                        "option_name": names.option(dim, option) if option else msg("report.no_advice_yet", lang),
                    }
                    for dim, option in b.recommended
                    if dim in differing
                ],
            }
            for b in c.branches
        ],
    }


def _branch_label(kb: KnowledgeBase, qid: str, branch, lang: Lang) -> str:
    if branch.band is None:
        return f" {msg('report.or', lang)} ".join(shown(kb, qid, v, lang) for v in branch.values)
    return _band_label(kb, qid, branch.band, lang)


def _band_label(kb: KnowledgeBase, qid: str, band: tuple, lang: Lang) -> str:
    low, high = band
    fmt = (lambda v: money(v, lang)) if kb.questions[qid].type == "amount" else str
    if low is None:
        return f"{msg('report.below', lang)} {fmt(high)}"
    if high is None:
        return f"{fmt(low)} {msg('report.or_more', lang)}"
    return f"{fmt(low)} {msg('report.to', lang)} {fmt(high)}"


def _decision(d, names, kb, lang, advice: Advice) -> dict:
    return {
        "dimension": d.dimension,
        "name": names.dimension(d.dimension),
        "recommended": d.recommended,
        "recommended_name": names.option(d.dimension, d.recommended) if d.recommended else None,
        "definition": names.definition(d.recommended) if d.recommended else None,
        "close_call": d.close_call,
        "options": [
            {
                "option": o.option,
                "name": names.option(d.dimension, o.option),
                "score": o.score,
                "excluded": o.excluded,
                "for": [_reason(r, kb, lang) for r in o.support],
                "against": [_reason(r, kb, lang) for r in o.against],
                "excluded_by": [_reason(r, kb, lang) for r in o.excluded_by],
            }
            for o in d.options
        ],
        "excluded": _excluded(d, names, kb, lang),
        "context": [_figure(f, kb, lang) for f in d.context],
        "missing": (bearing := deciding(advice, kb, d.dimension)),
        "missing_text": [t(kb.questions[q].text, lang) for q in bearing],
    }


def _excluded(d, names, kb, lang) -> list[dict]:
    """Excluded options grouped by the rule that excluded them, in the order of the options."""
    groups: dict[str, dict] = {}
    for o in d.options:
        for r in o.excluded_by:
            group = groups.setdefault(r.rule, {"reason": _reason(r, kb, lang), "options": []})
            group["options"].append(names.option(d.dimension, o.option))
    return list(groups.values())


@lru_cache(maxsize=16384)
def _reason(r: Reason, kb: KnowledgeBase, lang: Lang) -> dict:
    """A reason as shown (cached: the same rule on the same date reads the same; never mutate)."""
    return {
        "rule": r.rule,
        "title": t(r.title, lang),
        "text": t(r.text, lang),
        "weight": r.weight,
        "sources": [source(s, kb, lang) for s in r.sources],
        "figures": [_figure(f, kb, lang) for f in r.figures],
        "since_report": t(r.since_report, lang) if r.since_report else None,
        "confidence": r.confidence,
        "check_with_lawyer": msg("report.check_with_lawyer", lang) if r.confidence == "low" else None,
    }


def _figure(f: Figure, kb: KnowledgeBase, lang: Lang) -> dict:
    return {"figure": f.id, "text": t(f.text, lang), "source": source(f.source, kb, lang)}


@lru_cache(maxsize=4096)
def source(s: SourceRef, kb: KnowledgeBase, lang: Lang) -> str:
    doc = next(d for d in kb.sources.documents if d.id == s.ref)
    where = f"{doc.short}, {s.at}"
    if s.lines:
        where += f" ({msg('report.lines', lang)} {s.lines[0]}-{s.lines[1]})"
    return where
