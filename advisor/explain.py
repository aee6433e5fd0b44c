"""Explanations over a recorded trace: the steps with what each concluded, the rules
eligible after each step, how a recommendation was derived, and why an option was not
recommended (with the smallest change of answers that would make it so)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from advisor import conditions
from advisor.advise import Advice, candidates, last_stage, reason_through
from advisor.answers import index, to_facts
from advisor.errors import InputError, Problem
from advisor.i18n import msg
from advisor.knowledge import STAGES, KnowledgeBase, LoadedRule, suggest
from advisor.trace import Step

MAX_CHANGES = 3
BEAM = 3


# --- the trace, step by step ----------------------------------------------------
def facts_before(advice: Advice, step: Step) -> dict[str, list]:
    """The facts known just before `step`: the answers plus what earlier steps asserted."""
    asserted = [f for s in advice.trace.steps if s.order < step.order for f in s.asserted]
    return index(to_facts(advice.answers) + asserted)


def eligible_after(kb: KnowledgeBase, advice: Advice, step: Step) -> list[str]:
    """Rules of the current stage whose conditions hold after `step` and that have not fired yet:
    the agenda a class would see at this point of the forward chaining."""
    following = next((s for s in advice.trace.steps if s.order > step.order), None)
    known = facts_before(advice, following) if following else _all_facts(advice)
    fired = {s.rule for s in advice.trace.steps if s.kind == "rule" and s.order <= step.order}
    return [
        r.id
        for r in kb.rules
        if r.stage == step.stage and r.in_force(advice.as_of) and r.id not in fired
        and any(all(conditions.holds(t, known) for t in conj) for conj in kb.resolved(r, advice.as_of))
    ]


def _all_facts(advice: Advice) -> dict[str, list]:
    return index(to_facts(advice.answers) + [f for s in advice.trace.steps for f in s.asserted])


# --- how: the derivation tree ---------------------------------------------------
@dataclass
class Node:
    """A fact and how it came about: an answer (no rule), or the rule that asserted it."""

    fact: tuple[str, Any]
    kind: str  # answer | derived | decision
    rule: str | None = None
    children: list["Node"] = field(default_factory=list)
    shown_before: bool = False  # its subtree was already shown in an earlier tree: refer to it


def derivations(kb: KnowledgeBase, advice: Advice) -> dict[str, Node | None]:
    """The trees of every recommendation, in stage order; a subtree shared with an earlier
    tree (an earlier decision, a derived fact) is shown once and referred to afterwards."""
    expanded: set = set()
    return {d.dimension: derivation(kb, advice, d.dimension, expanded) for d in advice.decisions if d.recommended}


def derivation(kb: KnowledgeBase, advice: Advice, dimension: str, expanded: set | None = None) -> Node | None:
    """The tree behind a recommendation: its supporting rules, their facts, back to the answers.
    An earlier decision that a rule relied on is expanded once; later mentions are leaves."""
    decision = advice.decision(dimension)
    if decision is None or decision.recommended is None:
        return None
    expanded = set() if expanded is None else expanded
    expanded.add(dimension)
    root = Node((dimension, decision.recommended), "decision")
    steps = {s.rule: s for s in advice.trace.steps if s.kind == "rule"}
    chosen = next(o for o in decision.options if o.option == decision.recommended)
    for reason in chosen.support:
        root.children.append(_rule_node(kb, advice, steps, steps[reason.rule], set(), expanded))
    return root


def _rule_node(kb, advice, steps, step: Step, seen: set, expanded: set) -> Node:
    node = Node(step.asserted[0] if step.asserted else ("rule", step.rule), "rule", step.rule)
    for fact in step.matched:
        node.children.append(_fact_node(kb, advice, steps, fact, seen | {step.rule}, expanded))
    return node


def _fact_node(kb, advice, steps, fact, seen: set, expanded: set) -> Node:
    name, _value = fact
    if name in advice.answers:
        return Node(fact, "answer")
    if any(s.kind == "assumption" and fact in s.asserted for s in advice.trace.steps):
        return Node(fact, "assumption")
    if name in kb.dimensions:
        if name in expanded:
            return Node(fact, "decision", None, [], shown_before=True)
        sub = derivation(kb, advice, name, expanded)
        return Node(fact, "decision", None, sub.children if sub else [])
    source = next((s for s in advice.trace.steps if s.kind == "rule" and fact in s.asserted and s.rule not in seen), None)
    if source is None:
        return Node(fact, "derived")
    if fact in expanded:
        return Node(fact, "derived", source.rule, [], shown_before=True)
    expanded.add(fact)
    return Node(fact, "derived", source.rule, _rule_node(kb, advice, steps, source, seen, expanded).children)


# --- why not --------------------------------------------------------------------
@dataclass(frozen=True)
class Blocked:
    """A rule that would support the option, and the conditions that fail on this scenario."""

    rule: str
    failing: tuple[conditions.Test, ...]


@dataclass
class WhyNot:
    dimension: str
    option: str
    recommended: str | None
    score: int | None
    supporters: list[str]  # rules that fired in favour of it
    blocked: list[Blocked]  # rules that would support it but did not fire
    excluded_by: list[str]
    outweighed_by: list[tuple[str, int]]  # options with a higher score
    flip: dict[str, Any] | None  # a smallest change of answers found that makes it the recommendation
    searched: int  # how many changed answers the search went up to
    also: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # other decisions the flip changes: (dimension, before, after)


def resolve_option(kb: KnowledgeBase, text: str) -> tuple[str, str]:
    """An option by id, name or synonym -> (dimension, option id)."""
    wanted = text.strip().lower().replace(" ", "_")
    if wanted in kb.option_dimension:  # an id wins over a name or synonym of another option
        return kb.option_dimension[wanted], wanted
    for dim in kb.dimensions.values():
        for o in dim.options:
            names = {o.id, o.name.nl.lower(), o.name.en.lower(), *(s.lower() for s in o.synonyms)}
            if wanted in {n.replace(" ", "_") for n in names}:
                return dim.id, o.id
    allowed = [o.id for d in kb.dimensions.values() for o in d.options]
    raise InputError([Problem("--why-not", msg("error.not_an_option_any", text=text, hint=suggest(wanted, allowed)))])


def why_not(kb: KnowledgeBase, advice: Advice, option_text: str) -> WhyNot:
    dimension, option = resolve_option(kb, option_text)
    decision = advice.decision(dimension)
    assessed = {o.option: o for o in decision.options} if decision else {}
    mine = assessed.get(option)
    fired = set(advice.trace.rules())
    known = _all_facts(advice)
    supporters = [r.rule for r in mine.support] if mine else []
    blocked = []
    for rule_id, effects in kb.effects.items():
        rule = kb.rule[rule_id]
        if (dimension, "support", option) not in effects or rule_id in fired or not rule.in_force(advice.as_of):
            continue
        best = min(
            (tuple(t for t in conj if not conditions.holds(t, known)) for conj in kb.resolved(rule, advice.as_of)),
            key=len,
        )
        blocked.append(Blocked(rule_id, best))
    recommended = decision.recommended if decision else None
    outweighed = [
        (o.option, o.score)
        for o in (decision.options if decision else [])
        if o.option != option and not o.excluded and mine is not None and o.score >= mine.score
    ]
    flip, depth = (None, 0) if recommended == option else _search(kb, advice, dimension, option)
    return WhyNot(
        dimension, option, recommended, mine.score if mine else None, supporters, blocked,
        [r.rule for r in mine.excluded_by] if mine else [], outweighed, flip, depth,
        _also_changed(kb, advice, flip, dimension) if flip else [],
    )


def _also_changed(kb: KnowledgeBase, advice: Advice, flip: dict[str, Any], dimension: str) -> list[tuple[str, str | None, str | None]]:
    """The other decisions the changed answers change as well, in stage order: where the option
    is reached only by another instrument or regime, the reader sees it, and what follows from
    it. Both runs are on the answers given (the search does not assume answers either)."""
    before, after = (
        reason_through(kb, answers, advice.as_of, branch=True, traced=False).recommended()
        for answers in (advice.answers, {**advice.answers, **flip})
    )
    dimensions = [d for dims in STAGES.values() for d in dims if d != dimension]
    return [(d, before.get(d), after.get(d)) for d in dimensions if before.get(d) != after.get(d)]


def _search(kb: KnowledgeBase, advice: Advice, dimension: str, option: str) -> tuple[dict | None, int]:
    """A beam search over changed answers: every single change first (so one change, if it
    exists, is found), then the most promising few extended by one more, up to MAX_CHANGES.
    The care form (a required question) is the subject of the advice and is never changed."""
    on, base = advice.as_of, dict(advice.answers)
    until = last_stage(kb, dimension)
    order = list(STAGES)
    stages = order[: order.index(until) + 1] if until else order
    rulesets = [kb.ruleset(stage, on) for stage in stages]
    bearing = _bearing(kb, dimension, on, stages)
    tested: dict[tuple, bool] = {}  # fact -> does a rule that bears on the margin test it
    margins: dict[tuple, float | None] = {}

    def margin(answers) -> float | None:
        """The margin of `answers`, worked out once per sequence of the facts of answers that
        a rule bearing on it tests (see _bearing): trials that differ only in other answers
        share it."""
        facts = to_facts(answers)
        for fact in facts:
            if fact not in tested:
                tested[fact] = fact[0] in bearing and any(rs.tests(fact) for rs in rulesets)
        key = tuple(itertools.compress(facts, map(tested.get, facts)))
        if key not in margins:
            margins[key] = run_margin(answers)
        return margins[key]

    def run_margin(answers) -> float | None:
        """None when `option` is recommended; else how far it is from being so (higher is closer).
        The stages after the dimension's, and the missing answers, are not needed for that."""
        result = reason_through(kb, answers, on, branch=True, until=until, traced=False)
        decision = result.decision(dimension)
        if result.status != "advised" or decision is None:
            return float("-inf")
        if decision.recommended == option:
            return None
        mine = next((o for o in decision.options if o.option == option), None)
        if mine is None:
            return -50.0
        if mine.excluded:
            return -100.0 - len(mine.excluded_by)
        best = max((o.score for o in decision.options if not o.excluded and o.option != option), default=0)
        return float(mine.score - best)

    moves = [(q.id, v) for q in kb.questions.values() if not q.required for v in candidates(kb, q, on)]
    beam: list[tuple[float, dict]] = [(margin(base) or 0.0, {})]
    for size in range(1, MAX_CHANGES + 1):
        found = []
        for _, changes in beam:
            for q, v in moves:
                if q in changes or base.get(q) == v:
                    continue
                trial = {**changes, q: v}
                m = margin({**base, **trial})
                if m is None:
                    return _without_needless(trial, lambda t: margin({**base, **t}) is None), size
                found.append((m, trial))
        found.sort(key=lambda x: (-x[0], repr(sorted(x[1].items(), key=str))))
        beam = found[:BEAM]
    return None, MAX_CHANGES


def _without_needless(changes: dict[str, Any], works: Callable[[dict], bool]) -> dict[str, Any]:
    """`changes` without each changed answer that it still `works` without (the beam extends the
    most promising change, which may carry an answer another pair does not need)."""
    for question in list(changes):
        fewer = {q: v for q, v in changes.items() if q != question}
        if fewer and works(fewer):
            changes = fewer
    return changes


def _bearing(kb: KnowledgeBase, dimension: str, on: dt.date, stages: list[str]) -> set[str]:
    """The facts (by name) that the margin of an option of `dimension` can depend on: those
    read by the rules of `stages` in force on `on` that speak to the dimension or end the
    advice, by the rules that make what those read (derive it, or speak to the dimension of
    that name), and so on back. A rule fires on the facts it reads alone, so an answer that
    none of these reads leaves the decision and the status as they are."""
    rules = [r for r in kb.rules if r.stage in stages and r.in_force(on)]
    making: dict[str, list[LoadedRule]] = {}
    for r in rules:
        for name in {*r.rule.then.derive, *kb.speaks_to[r.id]}:
            making.setdefault(name, []).append(r)
    todo = [r for r in rules if dimension in kb.speaks_to[r.id] or r.rule.then.stop]
    seen, names = {r.id for r in todo}, set()
    while todo:
        for name in todo.pop().reads() - names:
            names.add(name)
            for r in making.get(name, ()):
                if r.id not in seen:
                    seen.add(r.id)
                    todo.append(r)
    return names
