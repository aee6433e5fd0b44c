"""One language-resolved view of an Advice. Every renderer reads this view, so the
formats show the same content and cannot drift apart; JSON is the view itself."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from advisor.advise import Advice
from advisor.answers import UNKNOWN
from advisor.decision import Reason
from advisor.i18n import Lang, money, t
from advisor.knowledge import KnowledgeBase
from advisor.models import Figure, SourceRef

YES_NO = {True: {"nl": "ja", "en": "yes"}, False: {"nl": "nee", "en": "no"}}
UNKNOWN_LABEL = {"nl": "weet niet", "en": "don't know"}


def build(advice: Advice, kb: KnowledgeBase, lang: Lang, trace: bool = True) -> dict[str, Any]:
    names = _Names(kb, lang)
    view = {
        "scenario": advice.scenario,
        "file": advice.path,
        "as_of": advice.as_of.isoformat(),
        "as_of_clock": advice.clock,
        "knowledge_reviewed": advice.reviewed.isoformat(),
        "language": lang,
        "status": advice.status,
        "disclaimer": t("disclaimer", lang),
        "answers": [_answer(kb, names, q, v, lang) for q, v in advice.answers.items()],
        "decisions": [_decision(d, names, kb, lang, advice.missing) for d in advice.decisions],
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
        ],
    }
    if trace:
        view["trace"] = [
            {
                "order": s.order,
                "stage": s.stage,
                "kind": s.kind,
                "rule": s.rule,
                "title": t(kb.rule[s.rule].rule.title, lang) if s.kind == "rule" else names.dimension(s.rule),
                "matched": [[n, v] for n, v in s.matched],
                "asserted": [[n, v] for n, v in s.asserted],
            }
            for s in advice.trace.steps
        ]
    return view


class _Names:
    def __init__(self, kb: KnowledgeBase, lang: Lang):
        self.kb, self.lang = kb, lang

    def dimension(self, dim: str) -> str:
        if dim == "warnings":
            return t("warnings", self.lang)
        return t(self.kb.dimensions[dim].name, self.lang)

    def option(self, dim: str, option: str) -> str:
        return _option_names(self.kb, self.lang)[option]


@lru_cache(maxsize=8)
def _option_names(kb: KnowledgeBase, lang: Lang) -> dict[str, str]:
    return {o.id: t(o.name, lang) for d in kb.dimensions.values() for o in d.options}


@lru_cache(maxsize=256)
def labels(kb: KnowledgeBase, qid: str, lang: Lang) -> dict[str, str]:
    """Option id -> its label, for one question."""
    q = kb.questions[qid]
    if q.options_from == "care_forms":
        return {c.id: t(c.name, lang) for c in kb.care_forms.care_forms}
    return {c.id: t(c.label, lang) for c in q.options}


def _answer(kb, names, qid, value, lang) -> dict:
    q = kb.questions[qid]
    labels_ = labels(kb, qid, lang)
    if value == UNKNOWN:
        shown = UNKNOWN_LABEL[lang]
    elif q.type == "multi":
        shown = "; ".join(labels_[v] for v in value)
    elif q.type == "choice":
        shown = labels_[value]
    elif q.type == "yes_no":
        shown = YES_NO[value][lang]
    elif q.type == "amount":
        shown = money(value, lang)
    else:
        shown = str(value)
    return {"question": qid, "text": t(q.text, lang), "value": value, "shown": shown}


def _decision(d, names, kb, lang, missing) -> dict:
    return {
        "dimension": d.dimension,
        "name": names.dimension(d.dimension),
        "recommended": d.recommended,
        "recommended_name": names.option(d.dimension, d.recommended) if d.recommended else None,
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
        "missing": [m.question for m in missing if d.dimension in m.affects],
        "missing_text": [t(kb.questions[m.question].text, lang) for m in missing if d.dimension in m.affects],
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
        "check_with_lawyer": t("check_with_lawyer", lang) if r.confidence == "low" else None,
    }


def _figure(f: Figure, kb: KnowledgeBase, lang: Lang) -> dict:
    return {"figure": f.id, "text": t(f.text, lang), "source": source(f.source, kb, lang)}


@lru_cache(maxsize=4096)
def source(s: SourceRef, kb: KnowledgeBase, lang: Lang) -> str:
    doc = next(d for d in kb.sources.documents if d.id == s.ref)
    where = f"{doc.short}, {s.at}"
    if s.lines:
        where += f" ({t('lines', lang)} {s.lines[0]}-{s.lines[1]})"
    return where
