"""Which question to ask next, and why it matters.

A question is open while some rule that reads it can still fire given the answers so far:
every test on an answered question holds, and every derived fact it needs can still be
derived. Of the open questions, the next one asked is the first (in the order of the
groups) for which some answer would change a conclusion: a recommendation, a derived
fact (such as the supply risk), a warning or a piece of process advice. A required question is always asked. The
questionnaire ends when no open question passes that test, or the case is out of scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from advisor import conditions
from advisor.advise import Advice, advise, candidates
from advisor.answers import UNKNOWN, index, to_facts
from advisor.knowledge import STAGES, KnowledgeBase, LoadedRule
from advisor.models import Question

GROUPS = ("context", "organisation", "motives", "market", "contract")


def ordered(kb: KnowledgeBase) -> list[Question]:
    """Context first, then the organisation, motives, market and how to contract."""
    return sorted(kb.questions.values(), key=lambda q: GROUPS.index(q.group))


def applies(kb: KnowledgeBase, question: Question, answers: dict[str, Any], on: dt.date) -> bool:
    return kb.applies(question, index(to_facts(answers)), on)


class _Liveness:
    """Which rules can still fire, given the answers so far (derived facts followed back)."""

    def __init__(self, kb: KnowledgeBase, answers: dict[str, Any], on: dt.date):
        self.kb, self.on = kb, on
        self.answered = {q for q, v in answers.items() if v != UNKNOWN}
        self.facts = index(to_facts(answers))
        self.decided = {d for dims in STAGES.values() for d in dims}
        self._alive: dict[str, bool] = {}

    def alive(self, rule: LoadedRule) -> bool:
        if rule.id not in self._alive:
            self._alive[rule.id] = False  # guards against cycles while it is worked out
            self._alive[rule.id] = rule.in_force(self.on) and any(
                all(self._possible(t) for t in conj)
                for conj in conditions.resolve(rule.alternatives, self.kb.threshold, self.on)
            )
        return self._alive[rule.id]

    def _possible(self, test: conditions.Test) -> bool:
        if test.fact in self.answered:
            return conditions.holds(test, self.facts)
        if test.fact in self.kb.derived_facts and test.op in ("eq", "in"):
            return any(
                self.alive(r)
                for r in self.kb.rules
                if any(r.rule.then.derive.get(test.fact, object()) == v for v in test.values())
            )
        return True  # unanswered questions, decisions, and negations stay open


def relevant(kb: KnowledgeBase, question: Question, answers: dict[str, Any], on: dt.date, live=None) -> bool:
    """Could some answer to `question` still change the advice?"""
    live = live or _Liveness(kb, answers, on)
    return any(question.id in r.reads() and live.alive(r) for r in kb.rules)


def open_questions(kb: KnowledgeBase, answers: dict[str, Any], on: dt.date) -> list[Question]:
    """The questions still worth asking, in order."""
    live = _Liveness(kb, answers, on)
    return [
        q
        for q in ordered(kb)
        if q.id not in answers and applies(kb, q, answers, on) and relevant(kb, q, answers, on, live)
    ]


def next_question(kb: KnowledgeBase, answers: dict[str, Any], on: dt.date) -> Question | None:
    """The first open question for which some answer would change a conclusion."""
    base = advise(kb, answers, on, explore=False)
    if base.status == "out_of_scope":
        return None
    now = signature(base, kb)
    for q in open_questions(kb, answers, on):
        if q.required or any(
            signature(advise(kb, {**answers, q.id: v}, on, explore=False), kb) != now for v in candidates(kb, q, on)
        ):
            return q
    return None


@dataclass(frozen=True)
class Effect:
    """What one answer to a question would change in the advice."""

    value: Any
    decisions: tuple[tuple[str, str | None, str | None], ...]  # (dimension, now, then)
    rules: tuple[str, ...]  # rules that would fire only with this answer
    out_of_scope: bool = False  # this answer puts the case outside the advisor's knowledge


def why(kb: KnowledgeBase, question: Question, answers: dict[str, Any], on: dt.date) -> list[Effect]:
    """For each possible answer, the decisions it would change and the rules it would set off."""
    base = advise(kb, answers, on, explore=False)
    base_rules = set(base.trace.rules())
    effects = []
    for value in candidates(kb, question, on):
        other = advise(kb, {**answers, question.id: value}, on, explore=False)
        changed = tuple(
            (d.dimension, base.recommended().get(d.dimension), d.recommended)
            for d in other.decisions
            if d.recommended != base.recommended().get(d.dimension)
        )
        new = tuple(r for r in other.trace.rules() if r not in base_rules)
        effects.append(Effect(value, changed, new, other.status == "out_of_scope" and base.status != "out_of_scope"))
    return effects


def signature(advice: Advice, kb: KnowledgeBase) -> tuple:
    """The conclusions: recommendations, derived facts, warnings, process advice, and the
    evidence for an answer still open (which the advice follows when that answer stays open)."""
    return (
        advice.status,
        tuple(sorted(advice.recommended().items())),
        tuple(sorted({repr(f) for s in advice.trace.steps if s.kind == "rule" for f in s.asserted})),
        tuple(sorted(w.reason.rule for w in advice.warnings)),
        tuple(sorted(r.rule for r in advice.advice)),
        tuple(sorted(r for r in set(advice.trace.rules()) if kb.rule[r].rule.then.presume)),
    )
