"""The knowledge a strategy over a whole portfolio needs beyond the rules, validated on load:
how segment figures become answers, the cross-segment checks, the planning per route, the
document checklists and the board criteria that `compare` scores on.

Three files in `knowledge/`: `strategy.yaml`, `planning.yaml` and `board.yaml`. Each is read
with line numbers, validated by the models below and cross-checked against the knowledge base
(every source, rule, question, dimension and option they name must exist); a mistake stops
the tool with file, line and key, like the rest of the knowledge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from advisor import conditions
from advisor.errors import InputError, Problem
from advisor.knowledge import KnowledgeBase, suggest
from advisor.models import SourceRef, Strict, Text, validate
from advisor.yamlfile import YamlDoc, key_path, read_yaml

Confidence = Literal["high", "medium", "low"]


class Dated(Strict):
    valid_from: dt.date = dt.date(2015, 1, 1)
    valid_until: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)


# --- strategy.yaml -----------------------------------------------------------------
class Band(Strict):
    below: float | None = None  # the band holds measures below this; the last band has none
    value: str


class Derivation(Strict):
    """An answer a segment leaves open, derived from its figures relative to the portfolio."""

    question: str
    measure: Literal["spend_share", "client_share", "cost_ratio"]
    bands: list[Band] = Field(min_length=2)
    because: Text
    sources: list[SourceRef] = Field(min_length=1)
    confidence: Confidence = "low"


class Check(Dated):
    """A check across segments; `kind` names what the code looks for, the texts are knowledge."""

    id: str
    kind: Literal[
        "same_providers", "two_regimes", "integral_opportunity", "regional_duty", "total_value", "goal_conflict",
        "value_unknown",
    ]
    severity: Literal["info", "low", "medium", "high"]
    title: Text
    text: Text  # may name {segments}, {providers}, {total}, {threshold}, {detail}
    sources: list[SourceRef] = Field(min_length=1)
    confidence: Confidence = "high"


class GoalConflict(Dated):
    motives: tuple[str, str]
    text: Text
    sources: list[SourceRef] = Field(min_length=1)


class StrategyAdvice(Dated):
    """Process advice that belongs to the strategy as a whole, not to one segment."""

    id: str
    title: Text
    text: Text
    sources: list[SourceRef] = Field(min_length=1)


class StrategyFile(Strict):
    derivations: list[Derivation]
    checks: list[Check]
    goal_conflicts: list[GoalConflict] = []
    once: list[str]  # rule ids whose process advice is shown once for the whole strategy
    advice: list[StrategyAdvice] = []


# --- planning.yaml -----------------------------------------------------------------
class Phase(Strict):
    id: str
    name: Text


class Step(Dated):
    phase: str
    weeks: int = Field(ge=0)
    basis: Literal["source", "legal_minimum", "own_estimate"]
    note: Text | None = None
    sources: list[SourceRef] = Field(min_length=1)
    confidence: Confidence = "medium"


class Route(Strict):
    """A kind of route, recognised from the advice by `when`, with its phases in order."""

    id: str
    name: Text
    when: dict[str, Any]
    steps: list[Step] = Field(min_length=1)


class ChecklistItem(Dated):
    id: str
    name: Text
    purpose: Text
    when: dict[str, Any]
    sources: list[SourceRef] = Field(min_length=1)
    confidence: Confidence = "high"


class PlanningFile(Strict):
    phases: list[Phase]
    routes: list[Route]
    checklist: list[ChecklistItem]


# --- board.yaml --------------------------------------------------------------------
class Score(Strict):
    """Points on a criterion when a variant recommends an option, or when a rule fires."""

    option: dict[str, str] | None = None  # {dimension: option}
    rule: str | None = None
    points: int = Field(ge=-2, le=2)
    because: Text
    sources: list[SourceRef] = Field(min_length=1)


class Criterion(Strict):
    id: str
    name: Text
    question: Text  # what a board asks
    scores: list[Score] = Field(min_length=1)


class BoardFile(Strict):
    criteria: list[Criterion]


@dataclass(frozen=True)
class LoadedRoute:
    route: Route
    alternatives: tuple[conditions.Conjunction, ...]


@dataclass(frozen=True)
class LoadedItem:
    item: ChecklistItem
    alternatives: tuple[conditions.Conjunction, ...]


@dataclass(eq=False)
class StrategyKnowledge:
    strategy: StrategyFile
    planning: PlanningFile
    board: BoardFile
    routes: list[LoadedRoute]
    checklist: list[LoadedItem]

    @property
    def phases(self) -> dict[str, Phase]:
        return {p.id: p for p in self.planning.phases}

    def check(self, kind: str, on: dt.date) -> Check | None:
        return next((c for c in self.strategy.checks if c.kind == kind and c.in_force(on)), None)


@lru_cache(maxsize=4)
def load_strategy_knowledge(kb: KnowledgeBase) -> StrategyKnowledge:
    """Read, validate and cross-check the three files; InputError listing every problem."""
    problems: list[Problem] = []
    docs = {}
    parsed = {}
    for name, model in (("strategy.yaml", StrategyFile), ("planning.yaml", PlanningFile), ("board.yaml", BoardFile)):
        try:
            docs[name] = read_yaml(Path(kb.root) / "knowledge" / name, f"knowledge/{name}")
            parsed[name] = validate(model, docs[name])
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    routes = _conditioned(docs["planning.yaml"], "routes", parsed["planning.yaml"].routes, LoadedRoute, problems)
    items = _conditioned(docs["planning.yaml"], "checklist", parsed["planning.yaml"].checklist, LoadedItem, problems)
    sk = StrategyKnowledge(parsed["strategy.yaml"], parsed["planning.yaml"], parsed["board.yaml"], routes, items)
    problems += _Cross(kb, sk, docs).run()
    if problems:
        raise InputError(problems)
    return sk


def _conditioned(doc: YamlDoc, key: str, entries: list, wrap, problems: list[Problem]) -> list:
    out = []
    for i, entry in enumerate(entries):
        try:
            out.append(wrap(entry, conditions.parse(entry.when)))
        except conditions.ConditionError as err:
            loc = (key, i, "when") + err.key
            problems.append(Problem(doc.name, str(err), key_path(loc), doc.line(loc)))
    return out


class _Cross:
    """Every name the three files use must exist in the knowledge base."""

    def __init__(self, kb: KnowledgeBase, sk: StrategyKnowledge, docs: dict[str, YamlDoc]):
        self.kb, self.sk, self.docs = kb, sk, docs
        self.problems: list[Problem] = []
        self.sources = {d.id for d in kb.sources.documents}
        self.facts = set(kb.questions) | set(kb.derived_facts) | set(kb.dimensions)

    def bad(self, file: str, loc: tuple, message: str) -> None:
        doc = self.docs[file]
        self.problems.append(Problem(doc.name, message, key_path(loc), doc.line(loc)))

    def run(self) -> list[Problem]:
        s, p, b = self.sk.strategy, self.sk.planning, self.sk.board
        for i, d in enumerate(s.derivations):
            self.question(("derivations", i, "question"), d.question, [band.value for band in d.bands])
            self.refs("strategy.yaml", ("derivations", i), d.sources)
        for i, c in enumerate(s.checks):
            self.refs("strategy.yaml", ("checks", i), c.sources)
        for i, g in enumerate(s.goal_conflicts):
            for motive in g.motives:
                self.choice(("goal_conflicts", i, "motives"), "motives", motive)
            self.refs("strategy.yaml", ("goal_conflicts", i), g.sources)
        for i, rule in enumerate(s.once):
            if rule not in self.kb.rule:
                self.bad("strategy.yaml", ("once", i), f"'{rule}' is not a rule{suggest(rule, self.kb.rule)}")
        for i, a in enumerate(s.advice):
            self.refs("strategy.yaml", ("advice", i), a.sources)
        phases = {ph.id for ph in p.phases}
        for i, route in enumerate(self.sk.routes):
            self.when("planning.yaml", ("routes", i, "when"), route.alternatives)
            for j, step in enumerate(route.route.steps):
                if step.phase not in phases:
                    self.bad("planning.yaml", ("routes", i, "steps", j, "phase"), f"'{step.phase}' is not a phase{suggest(step.phase, phases)}")
                self.refs("planning.yaml", ("routes", i, "steps", j), step.sources)
        for i, item in enumerate(self.sk.checklist):
            self.when("planning.yaml", ("checklist", i, "when"), item.alternatives)
            self.refs("planning.yaml", ("checklist", i), item.item.sources)
        for i, criterion in enumerate(b.criteria):
            for j, score in enumerate(criterion.scores):
                self.score(("criteria", i, "scores", j), score)
        return self.problems

    def refs(self, file: str, loc: tuple, sources: list[SourceRef]) -> None:
        for k, ref in enumerate(sources):
            if ref.ref not in self.sources:
                self.bad(file, loc + ("sources", k), f"source '{ref.ref}' is not in knowledge/sources.yaml{suggest(ref.ref, self.sources)}")

    def question(self, loc: tuple, qid: str, values: list[str]) -> None:
        if qid not in self.kb.questions:
            self.bad("strategy.yaml", loc, f"'{qid}' is not a question{suggest(qid, self.kb.questions)}")
            return
        for value in values:
            self.choice(loc, qid, value)

    def choice(self, loc: tuple, qid: str, value: str) -> None:
        allowed = self.kb.choices(self.kb.questions[qid])
        if value not in allowed:
            self.bad("strategy.yaml", loc, f"'{value}' is not an answer to {qid}{suggest(value, allowed)}")

    def when(self, file: str, loc: tuple, alternatives) -> None:
        for conj in alternatives:
            for test in conj:
                if test.fact not in self.facts:
                    self.bad(file, loc, f"'{test.fact}' is neither a question, a derived fact nor a dimension{suggest(test.fact, self.facts)}")
                elif test.fact in self.kb.dimensions and not test.negated and test.op in ("eq", "in", "ne", "not_in"):
                    for value in test.values():
                        self.option(file, loc, test.fact, value)

    def option(self, file: str, loc: tuple, dim: str, option: str) -> None:
        options = [o.id for o in self.kb.dimensions[dim].options]
        if option not in options:
            self.bad(file, loc, f"'{option}' is not an option of {dim}{suggest(option, options)}")

    def score(self, loc: tuple, score: Score) -> None:
        if (score.option is None) == (score.rule is None):
            self.bad("board.yaml", loc, "give exactly one of 'option' and 'rule'")
        for dim, option in (score.option or {}).items():
            if dim not in self.kb.dimensions:
                self.bad("board.yaml", loc + ("option",), f"'{dim}' is not a dimension{suggest(dim, self.kb.dimensions)}")
            else:
                self.option("board.yaml", loc + ("option",), dim, option)
        if score.rule is not None and score.rule not in self.kb.rule:
            self.bad("board.yaml", loc + ("rule",), f"'{score.rule}' is not a rule{suggest(score.rule, self.kb.rule)}")
        self.refs("board.yaml", loc, score.sources)


def cited(sk: StrategyKnowledge):
    """(file, source reference) for every citation in the three files."""
    for file, model in (("knowledge/strategy.yaml", sk.strategy), ("knowledge/planning.yaml", sk.planning), ("knowledge/board.yaml", sk.board)):
        for ref in _refs(model):
            yield file, ref


def _refs(value):
    if isinstance(value, SourceRef):
        yield value
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            yield from _refs(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _refs(item)
