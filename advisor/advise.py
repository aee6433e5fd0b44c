"""Advise on one scenario: run the stages, decide per dimension, collect warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from advisor import clock, conditions
from advisor.answers import UNKNOWN, index as index_facts, to_facts
from advisor.decision import DimensionDecision, Reason, decide, reason
from advisor.knowledge import STAGES, KnowledgeBase, LoadedRule
from advisor.models import Question
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


@dataclass(frozen=True)
class Assumption:
    """An answer the user did not give, taken as the most likely one on the evidence."""

    question: str
    value: Any
    reasons: tuple[Reason, ...]  # the rules that presume it
    band: tuple[float | None, float | None] | None = None  # amounts: the band assumed, [low, high)
    against: tuple[Reason, ...] = ()  # rules that point to another answer, outweighed
    grounds: tuple[str, ...] = ()  # the answered questions through which those rules hold


@dataclass(frozen=True)
class Branch:
    """The advice for one answer (or, for an amount, one band) of a missing question."""

    values: tuple[Any, ...]  # the answers that lead here; for amounts, representative amounts
    band: tuple[float | None, float | None] | None  # amounts: [low, high) of the band
    recommended: tuple[tuple[str, str | None], ...]  # dimension -> option, in stage order
    evidence: tuple[str, ...]  # the presuming rules that point here
    weight: int  # their total weight


@dataclass(frozen=True)
class Conditional:
    """Advice per answer of a question that is missing and changes the advice."""

    question: str
    branches: tuple[Branch, ...]
    likely: Any | None  # the answer the advice assumes, if the evidence points one way

    def mixed(self) -> bool:
        """Does the evidence point to more than one answer, with none ahead?"""
        return self.likely is None and sum(1 for b in self.branches if b.weight) > 1

    def differing(self) -> list[str]:
        """The dimensions whose recommendation depends on the answer."""
        options = [dict(b.recommended) for b in self.branches]
        return [d for d, _ in self.branches[0].recommended if len({o.get(d) for o in options}) > 1]


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
    assumptions: list[Assumption] = field(default_factory=list)
    conditional: list[Conditional] = field(default_factory=list)
    description: str = ""  # from the scenario file, for reports
    source: str = ""
    expected: dict[str, str] = field(default_factory=dict)  # what the source reports, per dimension

    @property
    def unknown(self) -> list[str]:
        return [q for q, v in self.answers.items() if v == UNKNOWN]

    def decision(self, dimension: str) -> DimensionDecision | None:
        return next((d for d in self.decisions if d.dimension == dimension), None)

    def recommended(self) -> dict[str, str | None]:
        return {d.dimension: d.recommended for d in self.decisions}

    def assumed(self) -> set[str]:
        """The dimensions whose recommendation rests on an answer the evidence points to."""
        return {dim for c in self.conditional if c.likely is not None for dim in c.differing()}

    def provisional(self) -> set[str]:
        """The dimensions whose recommendation is no advice yet: no answer of a missing question
        keeps it (it holds only while the question is open), or the evidence points to several
        answers that lead to different options."""
        now = self.recommended()
        return {
            dim
            for c in self.conditional
            if c.likely is None
            for dim, option in now.items()
            if option is not None
            and (all(dict(b.recommended).get(dim) != option for b in c.branches) or (c.mixed() and dim in c.differing()))
        }

    def differs_from_expected(self) -> list[str]:
        """The dimensions (or 'status') where the advice differs from what the source reports."""
        got = {**self.recommended(), "status": self.status}
        return [d for d, want in self.expected.items() if got.get(d) != want]


def advise_file(kb: KnowledgeBase, path: str | Path, as_of: dt.date | None = None) -> Advice:
    loaded = load_scenario(kb, path)
    return advise_scenario(kb, loaded, as_of)


def advise_scenario(kb: KnowledgeBase, loaded: LoadedScenario, as_of: dt.date | None = None) -> Advice:
    on = as_of or loaded.scenario.as_of
    advice = dated(advise(kb, loaded.answers, on or clock.today(), name=loaded.scenario.scenario, path=loaded.path), on)
    advice.description = (loaded.scenario.description or "").strip()
    advice.source = (loaded.scenario.source or "").strip()
    advice.expected = dict(loaded.scenario.expected or {})
    return advice


def dated(advice: Advice, given: dt.date | None) -> Advice:
    """Note the clock on advice for today's date, so the output can say which today it is."""
    if given is None:
        advice.clock = clock.ZONE
    return advice


LAW_START = clock.LAW_START
MAX_CONDITIONAL = 3  # questions whose answers the advice is worked out for
MAX_TRIED = 4  # missing questions tried for that, per pass


def advise(
    kb: KnowledgeBase,
    answers: dict[str, Any],
    on: dt.date,
    name: str = "",
    path: str = "",
    engine: str = "durable",
    explore: bool = True,
) -> Advice:
    """Typed answers (see scenario.check_answers) -> the advice that holds on `on`.

    Where a missing answer would change the advice, it is worked out per answer (at most
    MAX_CONDITIONAL such questions); where the evidence points to one answer, the advice follows that
    answer and says it assumes it. `explore=False` gives the advice on the answers alone."""
    base = reason_through(kb, answers, on, name, path, engine)
    if not explore or base.status == "out_of_scope" or not base.missing:
        return base
    return _explore(kb, base, on, engine)


def _explore(kb: KnowledgeBase, base: Advice, on: dt.date, engine: str) -> Advice:
    """First follow the evidence (assuming what it points to), then show the other missing
    answers that would change the route or decide what is still open, route first."""
    deciding, evidenced = _deciding_order(kb, base)
    current, assumed, reasons, conditional, latent = base, {}, [], [], []
    for question in [q for q in deciding if q in evidenced][:MAX_TRIED]:
        runs = _runs(kb, current, question, on, engine)
        branches = _branches(kb, question, current, runs, on)
        against: tuple = ()
        if len(branches) > 1:
            best = sorted(branches, key=lambda b: -b.weight)
            likely = best[0] if best[0].weight > best[1].weight else None
            conditional.append(Conditional(question, tuple(branches), likely and likely.values[0]))
            against = tuple(dict.fromkeys(r for b in best[1:] for r in b.evidence))
        else:  # no change now, but it may matter once another answer is given: assume it for those
            likely = _most_evidenced(kb, question, current, runs, on)
            latent += [question] if likely else []
        if likely is not None:
            assumed[question] = likely.values[0]
            reasons.append((tuple(reason(kb, r, on) for r in likely.evidence), likely.band, tuple(reason(kb, r, on) for r in against)))
            answers = {**current.answers, question: likely.values[0]}
            current = reason_through(kb, answers, on, base.scenario, base.path, engine, assumed)
    if assumed:  # show each question's answers on top of the assumptions about the others
        conditional = [_refork(kb, base, c, assumed, on, engine) if set(assumed) - {c.question} else c for c in conditional]
    others = []
    open_ = {d.dimension for d in current.decisions if d.recommended is None and d.dimension in CORE} | set(ROUTE)
    affects = {m.question: set(m.affects) for m in base.missing}
    candidates_ = [q for q in deciding if q not in evidenced and current.answers.get(q, UNKNOWN) == UNKNOWN and affects[q] & open_]
    for question in candidates_[:MAX_TRIED]:
        branches = _fork(kb, current, question, on, engine)
        if len(branches) > 1 and _decides_open(current, branches):
            others.append(Conditional(question, tuple(branches), None))
    others.sort(key=lambda c: not set(c.differing()) & set(ROUTE))  # stable: route changes first
    conditional += others[: max(MAX_CONDITIONAL - len(conditional), 0)]
    if latent:  # assumed for the answers of other questions: drop them if none of those needed them
        kept = {q: v for q, v in assumed.items() if q not in latent}
        plain = [_refork(kb, base, c, kept, on, engine) for c in conditional]
        if [_routes(c) for c in plain] == [_routes(c) for c in conditional]:
            reasons = [why for q, why in zip(assumed, reasons) if q not in latent]
            assumed, conditional = kept, plain
            current = reason_through(kb, {**base.answers, **assumed}, on, base.scenario, base.path, engine, assumed)
    if assumed:
        current.answers = dict(base.answers)
        current.assumptions = [
            Assumption(q, v, *why, grounds(kb, [r.rule for r in why[0]], base.answers, on)) for (q, v), why in zip(assumed.items(), reasons)
        ]
        gone = [m for m in base.missing if m.question in assumed]
        current.missing = gone + [m for m in current.missing if m.question not in assumed]
    current.conditional = conditional
    return current


def grounds(kb: KnowledgeBase, rule_ids: list[str], answers: dict[str, Any], on: dt.date) -> tuple[str, ...]:
    """The answered questions through which the rules hold: per rule, the answered questions
    tested by the first of its alternatives that holds on the answers."""
    facts = index_facts(to_facts(answers))
    found: list[str] = []
    for rule_id in rule_ids:
        for conj in kb.resolved(kb.rule[rule_id], on):
            asked = [t for t in conj if t.fact in kb.questions]
            if len(asked) == len(conj) and all(conditions.holds(t, facts) for t in asked):
                found += [t.fact for t in asked if t.fact in facts]
                break
    return tuple(dict.fromkeys(found))


def _routes(c: Conditional) -> list:
    return [b.recommended for b in c.branches]


def _refork(kb: KnowledgeBase, base: Advice, c: Conditional, assumed: dict, on: dt.date, engine: str) -> Conditional:
    """The advice per answer of `c.question`, given what is assumed about the other questions."""
    others = {q: v for q, v in assumed.items() if q != c.question}
    context = reason_through(kb, {**base.answers, **others}, on, engine=engine, branch=True, until=_branch_end(kb))  # read for its answers and presumptions
    branches = _fork(kb, context, c.question, on, engine)
    return Conditional(c.question, tuple(branches), c.likely) if len(branches) > 1 else c


def _fork(kb: KnowledgeBase, advice: Advice, question: str, on: dt.date, engine: str) -> list[Branch]:
    """The advice per answer of `question`, answers with the same advice merged."""
    return _branches(kb, question, advice, _runs(kb, advice, question, on, engine), on)


def _runs(kb: KnowledgeBase, advice: Advice, question: str, on: dt.date, engine: str) -> list:
    until = _branch_end(kb)
    return [
        (v, reason_through(kb, {**advice.answers, question: v}, on, engine=engine, branch=True, until=until))
        for v in candidates(kb, kb.questions[question], on)
    ]


@lru_cache(maxsize=8)
def _branch_end(kb: KnowledgeBase) -> str:
    """The last stage a branch needs: the last that decides a dimension or holds a rule that ends
    the advice, derives a fact or presumes an answer. The stages after it (the checks) only warn
    and advise, which a branch does not show."""
    order = list(STAGES)
    needed = {s for s, dims in STAGES.items() if dims} | {
        r.stage for r in kb.rules if r.rule.then.stop or r.rule.then.derive or r.rule.then.presume
    }
    return max(needed, key=order.index)


def _most_evidenced(kb: KnowledgeBase, question: str, base: Advice, runs: list, on: dt.date) -> Branch | None:
    """The answer the evidence points to most, where the answers do not yet change the advice."""
    single = [_branches(kb, question, base, [run], on)[0] for run in runs]
    best = max((b.weight for b in single), default=0)
    members = [b.values[0] for b in single if b.weight == best]
    if not best or (len(members) > 1 and kb.questions[question].type not in ("amount", "number")):
        return None
    top = next(b for b in single if b.weight == best)
    band = _band([v for v, _ in runs], members) if top.band is not None else None
    return replace(top, values=tuple(members), band=band)


ROUTE = ("instrument", "regime")  # a missing answer that changes these is always worked out
CORE = ("instrument", "regime", "procedure", "provider_count", "funding_form", "contract_form")  # open ones are worked out


def _decides_open(advice: Advice, branches: list[Branch]) -> bool:
    """Does some answer decide a dimension that is open now, or change the route itself?"""
    open_ = {d.dimension for d in advice.decisions if d.recommended is None and d.dimension in CORE}
    routes = {tuple(o for d, o in b.recommended if d in ROUTE) for b in branches}
    return len(routes) > 1 or any(option is not None and dim in open_ for b in branches for dim, option in b.recommended)


def reading_rules(kb: KnowledgeBase, question: Question) -> list[LoadedRule]:
    return [r for r in kb.rules if question.id in r.reads()]


def candidates(kb: KnowledgeBase, question: Question, on: dt.date) -> list[Any]:
    """Representative answers: every option, yes and no, or numbers on each side of each boundary."""
    if question.type == "yes_no":
        return [True, False]
    if question.type == "choice":
        return kb.choices(question)
    if question.type == "multi":
        return [[c] for c in kb.choices(question)]
    bounds = sorted(
        {
            t.value
            for r in reading_rules(kb, question)
            if r.in_force(on)
            for conj in conditions.resolve(r.alternatives, kb.threshold, on)
            for t in conj
            if t.fact == question.id and isinstance(t.value, (int, float))
        }
    )
    return sorted({max(b - 1, 0) for b in bounds} | set(bounds))


def _deciding_order(kb: KnowledgeBase, base: Advice) -> tuple[list[str], set[str]]:
    """Missing questions that change a recommendation, the most upstream dimension first,
    and those of them that the evidence speaks to."""
    order = [d for dims in STAGES.values() for d in dims]
    questions = list(kb.questions)
    evidenced = {q for r in _presumers(kb, base) for name in kb.rule[r].rule.then.presume for q in _asked_for(kb, name)}
    deciding = [m for m in base.missing if any(d in order for d in m.affects) and kb.questions[m.question].type != "multi"]
    deciding.sort(key=lambda m: (min(order.index(d) for d in m.affects if d in order), questions.index(m.question)))
    return [m.question for m in deciding], evidenced


@lru_cache(maxsize=256)
def _asked_for(kb: KnowledgeBase, name: str) -> frozenset[str]:
    """The questions a fact comes from: itself if asked, else what the rules deriving it read."""
    if name in kb.questions:
        return frozenset({name})
    return frozenset(q for r in kb.rules if name in r.rule.then.derive for q in r.reads() if q in kb.questions)


def _branches(kb: KnowledgeBase, question: str, base: Advice, runs: list, on: dt.date) -> list[Branch]:
    """Runs with the same recommendations merged into one branch; evidence from the base run."""
    amount = kb.questions[question].type in ("amount", "number")
    values = [v for v, _ in runs]
    merged: dict[tuple, list] = {}
    for value, advice in runs:
        recommended = tuple((d.dimension, d.recommended) for d in advice.decisions)
        merged.setdefault(recommended, []).append((value, advice))
    branches = []
    presumers = _presumers(kb, base)
    for recommended, members in merged.items():
        facts = [_facts(a) for _, a in members]
        evidence = tuple(
            r
            for r in presumers
            if any(want in f.get(name, ()) for name, want in kb.rule[r].rule.then.presume.items() for f in facts)
        )
        band = _band(values, [v for v, _ in members]) if amount else None
        weight = sum(kb.rule[r].rule.then.weight for r in evidence)
        branches.append(Branch(tuple(v for v, _ in members), band, recommended, evidence, weight))
    return branches


def _band(values: list, members: list) -> tuple[float | None, float | None]:
    """The amounts a branch stands for: from its lowest member to the next value not in it."""
    ordered = sorted(values)
    low, high = min(members), max(members)
    above = [v for v in ordered if v > high]
    return (None if low == ordered[0] else low, above[0] if above else None)


def _presumers(kb: KnowledgeBase, advice: Advice) -> list[str]:
    return [r for r in advice.trace.rules() if kb.rule[r].rule.then.presume]


def _facts(advice: Advice) -> dict[str, list]:
    facts = index_facts(to_facts(advice.answers))
    for step in advice.trace.steps:
        for name, value in step.asserted:
            facts.setdefault(name, []).append(value)
    return facts


def reason_through(
    kb: KnowledgeBase,
    answers: dict[str, Any],
    on: dt.date,
    name: str = "",
    path: str = "",
    engine: str = "durable",
    assumed: dict[str, Any] | None = None,
    branch: bool = False,
    until: str | None = None,
    traced: bool = True,
) -> Advice:
    """One run of the stages on these answers: firings, decisions, warnings, missing answers
    (a `branch` run, one answer of a missing question tried, skips the warnings, the advice
    and the missing answers; a run `until` a stage ends after it, see last_stage; a run not
    `traced` records no trace, for a search that reads only the decisions)."""
    result = Advice(name, path, on, kb.sources.reviewed, dict(answers))
    for question, value in (assumed or {}).items():
        result.trace.assumed(question, value)
    facts = to_facts(answers)
    index = index_facts(facts)
    fired: list[str] = []
    speaking: dict[str, list[str]] = {}  # per dimension, the fired rules that speak to it
    reached: list[str] = []

    def add(fact) -> None:
        facts.append(fact)
        index.setdefault(fact[0], []).append(fact[1])

    for stage, dimensions in STAGES.items():
        reached.append(stage)
        for firing in kb.ruleset(stage, on, engine).run(facts):
            if traced:
                result.trace.fired(stage, firing.rule, firing.matched, firing.asserted)
            for fact in firing.asserted:
                add(fact)
            fired.append(firing.rule)
            for dim in kb.speaks_to[firing.rule]:
                speaking.setdefault(dim, []).append(firing.rule)
            if kb.rule[firing.rule].rule.then.stop:
                result.status = "out_of_scope"
        if result.status == "out_of_scope":
            # Outside the knowledge: decide only what the rules that did fire speak to (the regime
            # of an ordinary service, say), and nothing by default.
            for dim in (d for dims in STAGES.values() for d in dims if d in speaking):
                result.decisions.append(decide(kb, dim, speaking[dim], index, on))
            break
        for dim in dimensions:
            decision = decide(kb, dim, speaking.get(dim, ()), index, on)
            result.decisions.append(decision)
            if decision.recommended:
                add((dim, decision.recommended))
                if traced:
                    result.trace.decided(stage, dim, decision.recommended)
        if stage == until:
            break
    if branch:
        return result
    for rule_id in fired:
        then = kb.rule[rule_id].rule.then
        if then.warning:
            result.warnings.append(Flag(then.warning, reason(kb, rule_id, on)))
        if then.advice:
            result.advice.append(reason(kb, rule_id, on))
    severity = ["high", "medium", "low", "info"]
    result.warnings.sort(key=lambda w: severity.index(w.severity))
    if result.status != "out_of_scope":  # outside the knowledge, no answer would bring advice
        result.missing = missing_answers(kb, answers, index, fired, reached, on)
    return result


def deciding(advice: Advice, kb: KnowledgeBase, dimension: str) -> list[str]:
    """The open questions that bear on `dimension`, those that could decide it first: a question
    whose worked-out answers give it advice, then one that alone keeps a rule supporting one of
    its options from firing, the heaviest such rule first. Where the dimension has no advice, an
    assumed answer is already in and is left out."""
    proven = {c.question for c in advice.conditional if any(dict(b.recommended).get(dimension) for b in c.branches)}
    decision = advice.decision(dimension)
    assumed = {a.question for a in advice.assumptions} if decision is None or decision.recommended is None else set()

    def strength(m: Missing) -> tuple[bool, int]:
        weights = [kb.rule[r].rule.then.weight for r in m.rules if dimension in kb.rule[r].rule.then.support]
        return m.question in proven, max(weights, default=-1)

    bearing = [m for m in advice.missing if m.question not in assumed and (dimension in m.affects or m.question in proven)]
    return [m.question for m in sorted(bearing, key=strength, reverse=True)]


def last_stage(kb: KnowledgeBase, dimension: str) -> str | None:
    """The last stage a run needs for the decision on `dimension` and the status: the
    dimension's own stage, or a later one that holds a rule ending the advice (None: all)."""
    order = list(STAGES)
    own = next((s for s, dims in STAGES.items() if dimension in dims), None)
    if own is None:
        return None
    return order[max(order.index(s) for s in {own} | {r.stage for r in kb.rules if r.rule.then.stop})]


def missing_answers(kb, answers, facts, fired, stages, on) -> list[Missing]:
    """Unanswered questions that are the only thing keeping some rule from firing."""
    found: dict[str, tuple[set, list]] = {}
    unanswered = {q for q in kb.questions if answers.get(q, UNKNOWN) == UNKNOWN}
    fired, stages = set(fired), set(stages)
    for rule_id, stage, alternatives in _asking(kb, on):
        if stage not in stages or rule_id in fired:
            continue
        for conj, asked in alternatives:
            gaps = asked & unanswered
            if gaps and all(conditions.holds(t, facts) for t in conj if t.fact not in gaps):
                for q in gaps:
                    if kb.applies(kb.questions[q], facts, on):
                        dims, rules = found.setdefault(q, (set(), []))
                        dims.update(affects(kb, rule_id))
                        rules.append(rule_id)
    order = list(kb.questions)
    return [
        Missing(q, tuple(sorted(found[q][0])), tuple(dict.fromkeys(found[q][1])))
        for q in sorted(found, key=order.index)
    ]


@lru_cache(maxsize=64)
def _asking(kb: KnowledgeBase, on: dt.date) -> tuple[tuple[str, str, tuple], ...]:
    """The rules in force on `on` that ask a question, in the knowledge's order: id, stage, and
    the alternatives that ask one, each beside the questions its tests ask without negation
    (an unanswered one is a gap the answer could fill)."""
    found = []
    for r in kb.rules:
        if r.in_force(on):
            asking = [(conj, frozenset(t.fact for t in conj if t.fact in kb.questions and not t.negated)) for conj in kb.resolved(r, on)]
            asking = tuple((conj, asked) for conj, asked in asking if asked)
            if asking:
                found.append((r.id, r.stage, asking))
    return tuple(found)


@lru_cache(maxsize=4096)
def affects(kb: KnowledgeBase, rule_id: str, seen: frozenset = frozenset()) -> frozenset[str]:
    """The dimensions (or 'warnings') a rule can change, following derived facts."""
    then = kb.rule[rule_id].rule.then
    out = set(then.support) | set(then.oppose) | set(then.exclude)
    if then.warning or then.advice:
        out.add("warnings")
    for name in then.derive:
        for reader in kb.readers.get(name, ()):
            if reader.id not in seen:
                out |= affects(kb, reader.id, seen | {rule_id})
    return frozenset(out)
