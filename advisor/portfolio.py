"""Portfolio files: a municipality's or region's whole Wmo and youth portfolio, split into
segments, each with its own answers in the scenario format.

Loading validates the envelope, merges the shared answers into each segment, fills in
what follows from the segment itself (its care forms, the months to the start date) and,
where a segment leaves a Kraljic question open, derives the answer from its spend and
clients relative to the portfolio (knowledge/strategy.yaml). Every derived answer is kept
with its reason, so the strategy can say which answers it filled in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from advisor.answers import AnswerError, parse_amount
from advisor.errors import InputError, Problem
from advisor.knowledge import KnowledgeBase
from advisor.models import Strict, Text, validate
from advisor.scenario import check_answers
from advisor.strategy_knowledge import Derivation, StrategyKnowledge
from advisor.yamlfile import YamlDoc, read_yaml

Id = str


class Segment(Strict):
    """One segment: its care forms, its figures where known, and its own answers."""

    name: str = Field(min_length=1, description="The segment's name, as the strategy calls it")
    id: str | None = Field(default=None, description="A short id (default: from the name)")
    care_forms: list[Id] = Field(min_length=1, description="Care forms in the segment; the first is the one advised on")
    spend: Any = Field(default=None, description="Yearly spend in euros, where known")
    clients: int | None = Field(default=None, ge=0, description="Number of clients a year, where known")
    providers: list[str] = Field(default=[], description="Current or intended providers, where known")
    goals: list[str] = Field(default=[], description="The segment's own goals, as the strategy states them")
    answers: dict[Id, Any] = Field(default={}, description="Answers for this segment, in the scenario format")
    expected: dict[Id, Id] | None = Field(default=None, description="What the source chose, per dimension")
    differences: dict[Id, str] = Field(default={}, description="Why the source chose otherwise, per dimension, with its source")
    source: str | None = None


class Portfolio(Strict):
    """A portfolio file: the strategy of one municipality or region."""

    portfolio: str = Field(min_length=1, description="A short name for the strategy")
    region: str = Field(min_length=1, description="The municipality or region")
    description: str | None = None
    source: str | None = None
    as_of: dt.date | None = Field(default=None, description="Date the advice applies to (default: today)")
    start: dt.date = Field(description="The date the new contracts start")
    contract_years: float | None = Field(default=None, gt=0, description="Term used to estimate a contract value from yearly spend")
    goals: list[str] = Field(default=[], description="Policy goals shared by all segments")
    answers: dict[Id, Any] = Field(default={}, description="Answers shared by all segments (municipalities, motives, ...)")
    segments: list[Segment] = Field(min_length=1)


@dataclass(frozen=True)
class Derived:
    """An answer the portfolio filled in for a segment, and why."""

    question: str
    value: Any
    because: Text | None  # a derivation from the strategy knowledge, or None for the plain cases below
    kind: str  # care_forms | months_to_start | contract_value | derivation


@dataclass
class LoadedSegment:
    segment: Segment
    id: str
    answers: dict[str, Any]
    spend: float | None
    derived: list[Derived] = field(default_factory=list)


@dataclass
class LoadedPortfolio:
    path: str
    portfolio: Portfolio
    segments: list[LoadedSegment]

    @property
    def as_of(self) -> dt.date:
        return self.portfolio.as_of or dt.date.today()


def is_portfolio(path: str | Path) -> bool:
    """Does this YAML file look like a portfolio (a top-level `portfolio:` key)? Cheap: reads the text."""
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(65536)
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^portfolio\s*:", head, re.MULTILINE) is not None


def load_portfolio(kb: KnowledgeBase, sk: StrategyKnowledge, path: str | Path, as_of: dt.date | None = None) -> LoadedPortfolio:
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        found = "nothing" if doc.data is None else type(doc.data).__name__
        raise InputError([Problem(doc.name, f"must be a mapping with 'portfolio', 'start' and 'segments'; found {found}")])
    portfolio = validate(Portfolio, doc)
    if as_of:
        portfolio = portfolio.model_copy(update={"as_of": as_of})
    on = portfolio.as_of or dt.date.today()
    problems: list[Problem] = []
    segments = []
    ids: dict[str, int] = {}
    for i, segment in enumerate(portfolio.segments):
        try:
            segments.append(_segment(kb, doc, portfolio, i, segment, on))
        except InputError as err:
            problems += err.problems
            continue
        sid = segments[-1].id
        if sid in ids:
            problems.append(Problem(doc.name, f"segment id '{sid}' is used twice (also segments[{ids[sid]}])", f"segments[{i}].id", doc.line(("segments", i))))
        ids[sid] = i
    if problems:
        raise InputError(problems)
    loaded = LoadedPortfolio(doc.name, portfolio, segments)
    derive_from_figures(kb, sk, loaded)
    return loaded


def _segment(kb: KnowledgeBase, doc: YamlDoc, portfolio: Portfolio, i: int, segment: Segment, on: dt.date) -> LoadedSegment:
    where = ("segments", i)
    problems = []
    forms = kb.choices(kb.questions["care_form"])
    for j, form in enumerate(segment.care_forms):
        if form not in forms:
            problems.append(Problem(doc.name, f"'{form}' is not a care form", f"segments[{i}].care_forms[{j}]", doc.line(where + ("care_forms", j))))
    spend = None
    if segment.spend is not None:
        try:
            spend = float(segment.spend) if isinstance(segment.spend, (int, float)) else parse_amount(str(segment.spend))
        except (AnswerError, ValueError) as err:
            problems.append(Problem(doc.name, f"not an amount: {err}", f"segments[{i}].spend", doc.line(where + ("spend",))))
    if problems:
        raise InputError(problems)
    given = {**portfolio.answers, **segment.answers}
    derived = []
    plain = {"care_form": segment.care_forms[0]}
    if len(segment.care_forms) > 1:
        plain["other_care_forms"] = list(segment.care_forms[1:])
    months = _months(on, portfolio.start)
    plain["months_to_start"] = months
    if spend is not None and portfolio.contract_years:
        plain["contract_value"] = round(spend * portfolio.contract_years)
    for question, value in plain.items():
        if question not in given:
            given[question] = value
            derived.append(Derived(question, value, None, question))
    answers = _checked(kb, doc, i, segment, portfolio, given)
    sid = segment.id or _slug(segment.name)
    return LoadedSegment(segment, sid, answers, spend, derived)


def _checked(kb, doc: YamlDoc, i: int, segment: Segment, portfolio: Portfolio, given: dict) -> dict:
    """Check the merged answers; a problem names the segment's own key or the shared one."""
    try:
        return check_answers(kb, given)
    except InputError as err:
        out = []
        for p in err.problems:
            qid = p.key.removeprefix("answers.")
            own = qid in segment.answers
            loc = ("segments", i, "answers", qid) if own else ("answers", qid)
            key = f"segments[{i}].answers.{qid}" if own else (f"answers.{qid}" if qid in portfolio.answers else f"segments[{i}]")
            out.append(Problem(doc.name, p.message, key, doc.line(loc)))
        raise InputError(out) from None


def _months(on: dt.date, start: dt.date) -> int:
    return max((start.year - on.year) * 12 + start.month - on.month - (start.day < on.day), 0)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "segment"


def derive_from_figures(kb: KnowledgeBase, sk: StrategyKnowledge, loaded: LoadedPortfolio) -> None:
    """Fill the Kraljic questions a segment leaves open from its figures in the portfolio.
    Shares need the figure for every segment (else the total is not the portfolio's); the
    cost per client needs spend and clients for the segment and for some others."""
    figures = _Figures(loaded.segments)
    for s in loaded.segments:
        for d in sk.strategy.derivations:
            if d.question in s.answers:
                continue
            measure = figures.measure(d.measure, s)
            if measure is None:
                continue
            value = next(b.value for b in d.bands if b.below is None or measure < b.below)
            s.answers[d.question] = value
            s.derived.append(Derived(d.question, value, d.because, "derivation"))
        s.answers = {q: s.answers[q] for q in kb.questions if q in s.answers}


class _Figures:
    def __init__(self, segments: list[LoadedSegment]):
        spends = [s.spend for s in segments if s.spend is not None]
        clients = [s.segment.clients for s in segments if s.segment.clients]
        self.total_spend = sum(spends) if len(spends) == len(segments) else None
        self.total_clients = sum(clients) if len(clients) == len(segments) else None
        paired = [(s.spend, s.segment.clients) for s in segments if s.spend is not None and s.segment.clients]
        self.average = sum(p for p, _ in paired) / sum(c for _, c in paired) if len(paired) > 1 else None

    def measure(self, kind: str, s: LoadedSegment) -> float | None:
        if kind == "spend_share" and self.total_spend and s.spend is not None:
            return s.spend / self.total_spend
        if kind == "client_share" and self.total_clients and s.segment.clients:
            return s.segment.clients / self.total_clients
        if kind == "cost_ratio" and self.average and s.spend is not None and s.segment.clients:
            return s.spend / s.segment.clients / self.average
        return None


def segment_ids(path: str | Path) -> list[str]:
    """The segment ids of a portfolio file, read without the knowledge (for listing batch jobs);
    [] when the file cannot be read as a portfolio (loading it later reports why)."""
    try:
        doc = read_yaml(path)
        segments = doc.data.get("segments") if isinstance(doc.data, dict) else None
    except InputError:
        return []
    if not isinstance(segments, list):
        return []
    return [_slug(str(s.get("id") or s.get("name") or i)) if isinstance(s, dict) else str(i) for i, s in enumerate(segments)]
