"""Advise on one scenario: run the stages, decide per dimension, collect warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from advisor import clock, conditions
from advisor.answers import UNKNOWN, index as index_facts, to_facts
from advisor.decision import DimensionDecision, Reason, decide, reason
from advisor.knowledge import STAGES, KnowledgeBase
from advisor.scenario import LoadedScenario, load_scenario
from advisor.trace import Trace


@dataclass(frozen=True)
class Flag:
    severity: str
    reason: Reason


@dataclass(frozen=True)
class Missing:
    question: str
    affects: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass
class Advice:
    scenario: str
    path: str
    as_of: dt.date
    reviewed: dt.date
    answers: dict[str, Any]
    status: str = "advised"
    clock: str | None = None  # the time zone of today's date, when no date was given
    decisions: list[DimensionDecision] = field(default_factory=list)
    warnings: list[Flag] = field(default_factory=list)
    advice: list[Reason] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    trace: Trace = field(default_factory=Trace)

    @property
    def unknown(self) -> list[str]:
        return [q for q, v in self.answers.items() if v == UNKNOWN]

    def decision(self, dimension: str) -> DimensionDecision | None:
        return next((d for d in self.decisions if d.dimension == dimension), None)

    def recommended(self) -> dict[str, str | None]:
        return {d.dimension: d.recommended for d in self.decisions}


def advise_file(kb: KnowledgeBase, path: str | Path, as_of: dt.date | None = None) -> Advice:
    loaded = load_scenario(kb, path)
    return advise_scenario(kb, loaded, as_of)


def advise_scenario(kb: KnowledgeBase, loaded: LoadedScenario, as_of: dt.date | None = None) -> Advice:
    on = as_of or loaded.scenario.as_of
    return dated(advise(kb, loaded.answers, on or clock.today(), name=loaded.scenario.scenario, path=loaded.path), on)


def dated(advice: Advice, given: dt.date | None) -> Advice:
    """Note the clock on advice for today's date, so the output can say which today it is."""
    if given is None:
        advice.clock = clock.ZONE
    return advice


def advise(
    kb: KnowledgeBase, answers: dict[str, Any], on: dt.date, name: str = "", path: str = "", engine: str = "durable"
) -> Advice:
    """Typed answers (see scenario.check_answers) -> the advice that holds on `on`."""
    result = Advice(name, path, on, kb.sources.reviewed, dict(answers))
    facts = to_facts(answers)
    index = index_facts(facts)
    fired: list[str] = []
    reached: list[str] = []

    def add(fact) -> None:
        facts.append(fact)
        index.setdefault(fact[0], []).append(fact[1])

    for stage, dimensions in STAGES.items():
        reached.append(stage)
        for firing in kb.ruleset(stage, on, engine).run(facts):
            result.trace.fired(stage, firing.rule, firing.matched, firing.asserted)
            for fact in firing.asserted:
                add(fact)
            fired.append(firing.rule)
            if kb.rule[firing.rule].rule.then.stop:
                result.status = "out_of_scope"
        if result.status == "out_of_scope":
            break
        for dim in dimensions:
            decision = decide(kb, dim, fired, index, on)
            result.decisions.append(decision)
            if decision.recommended:
                add((dim, decision.recommended))
                result.trace.decided(stage, dim, decision.recommended)
    for rule_id in fired:
        then = kb.rule[rule_id].rule.then
        if then.warning:
            result.warnings.append(Flag(then.warning, reason(kb, rule_id, on)))
        if then.advice:
            result.advice.append(reason(kb, rule_id, on))
    severity = ["high", "medium", "low", "info"]
    result.warnings.sort(key=lambda w: severity.index(w.severity))
    result.missing = missing_answers(kb, answers, index, fired, reached, on)
    return result


def missing_answers(kb, answers, facts, fired, stages, on) -> list[Missing]:
    """Unanswered questions that are the only thing keeping some rule from firing."""
    found: dict[str, tuple[set, list]] = {}
    unanswered = [q for q in kb.questions if answers.get(q, UNKNOWN) == UNKNOWN]
    candidates = {r.id for q in unanswered for r in kb.readers.get(q, ())}
    fired = set(fired)
    for r in kb.rules:
        if r.id not in candidates or r.stage not in stages or r.id in fired or not r.in_force(on):
            continue
        for conj in kb.resolved(r, on):
            gaps = {t.fact for t in conj if _open(kb, answers, t)}
            rest = [t for t in conj if t.fact not in gaps]
            if gaps and all(conditions.holds(t, facts) for t in rest):
                for q in gaps:
                    if kb.applies(kb.questions[q], facts, on):
                        dims, rules = found.setdefault(q, (set(), []))
                        dims.update(affects(kb, r.id))
                        rules.append(r.id)
    order = list(kb.questions)
    return [
        Missing(q, tuple(sorted(found[q][0])), tuple(dict.fromkeys(found[q][1])))
        for q in sorted(found, key=order.index)
    ]


def _open(kb, answers, test) -> bool:
    return test.fact in kb.questions and answers.get(test.fact, UNKNOWN) == UNKNOWN and not test.negated


@lru_cache(maxsize=4096)
def affects(kb: KnowledgeBase, rule_id: str, seen: frozenset = frozenset()) -> frozenset[str]:
    """The dimensions (or 'warnings') a rule can change, following derived facts."""
    then = kb.rule[rule_id].rule.then
    out = set(then.support) | set(then.oppose) | set(then.exclude)
    if then.warning or then.advice:
        out.add("warnings")
    for name in then.derive:
        for reader in kb.rules:
            if name in reader.reads() and reader.id not in seen:
                out |= affects(kb, reader.id, seen | {rule_id})
    return frozenset(out)
