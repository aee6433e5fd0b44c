"""A procurement strategy for a whole portfolio: the advice per segment, the checks across
segments, the planning back from the start date, the documents per route and the process
advice given once. This module records; advisor/render/strategy.py renders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from advisor.advise import Advice, advise
from advisor.answers import index as index_facts, to_facts
from advisor.decision import Reason, reason
from advisor.knowledge import KnowledgeBase
from advisor.planning import Facts, Plan, checklist, plan_back, route_for
from advisor.portfolio import LoadedPortfolio, LoadedSegment, load_portfolio
from advisor.strategy_knowledge import Check, ChecklistItem, GoalConflict, StrategyAdvice, StrategyKnowledge

HIGH_IMPACT = {"hefboom", "strategisch"}
HIGH_RISK = {"knelpunt", "strategisch"}
SHARE = {"small": 0.15, "medium": 0.5, "large": 0.85}  # where a segment has a budget share but no spend


@dataclass(frozen=True)
class Comparison:
    """What the source chose for one dimension against what the advisor recommends."""

    dimension: str
    expected: str
    got: str | None
    note: str | None  # the portfolio's explanation of a difference

    @property
    def agrees(self) -> bool:
        return self.expected == self.got


@dataclass
class SegmentResult:
    loaded: LoadedSegment
    advice: Advice
    facts: Facts
    plan: Plan | None
    documents: list[ChecklistItem]
    comparisons: list[Comparison]
    position: tuple[float, float] | None = None

    @property
    def id(self) -> str:
        return self.loaded.id

    @property
    def name(self) -> str:
        return self.loaded.segment.name


@dataclass(frozen=True)
class Finding:
    """A check across segments that found something."""

    check: Check
    segments: tuple[str, ...]
    providers: tuple[str, ...] = ()
    regimes: tuple[tuple[str, str], ...] = ()  # (segment id, regime option)
    others: tuple[str, ...] = ()  # a second group of segments (the youth segments, say)
    total: float | None = None
    threshold: int | None = None
    conflict: GoalConflict | None = None


@dataclass
class Strategy:
    path: str
    loaded: LoadedPortfolio
    as_of: dt.date
    reviewed: dt.date
    segments: list[SegmentResult]
    findings: list[Finding] = field(default_factory=list)
    once: list[Reason] = field(default_factory=list)
    advice: list[StrategyAdvice] = field(default_factory=list)

    @property
    def portfolio(self):
        return self.loaded.portfolio

    def segment(self, sid: str) -> SegmentResult:
        return next(s for s in self.segments if s.id == sid)


def strategy_file(kb: KnowledgeBase, sk: StrategyKnowledge, path: str | Path, as_of: dt.date | None = None) -> Strategy:
    return build(kb, sk, load_portfolio(kb, sk, path, as_of))


def build(kb: KnowledgeBase, sk: StrategyKnowledge, loaded: LoadedPortfolio) -> Strategy:
    on = loaded.as_of
    results = [_segment(kb, sk, loaded, s, on) for s in loaded.segments]
    _place(results)
    strategy = Strategy(loaded.path, loaded, on, kb.sources.reviewed, results)
    strategy.findings = checks(kb, sk, strategy)
    strategy.once = _once(kb, sk, results, on)
    strategy.advice = [a for a in sk.strategy.advice if a.in_force(on)]
    return strategy


def _segment(kb, sk, loaded: LoadedPortfolio, s: LoadedSegment, on: dt.date) -> SegmentResult:
    name = f"{loaded.portfolio.portfolio} — {s.segment.name}"
    advice = advise(kb, s.answers, on, name=name, path=f"{loaded.path}#{s.id}")
    facts = facts_of(advice)
    plan = documents = None
    if advice.status == "advised":
        plan = plan_back(route_for(kb, sk, facts, on), loaded.portfolio.start, on)
        documents = checklist(kb, sk, facts, on)
    return SegmentResult(s, advice, facts, plan, documents or [], _compare(s, advice))


def facts_of(advice: Advice) -> Facts:
    """Answers, derived facts and decisions of an advice, as conditions read them."""
    facts = index_facts(to_facts(advice.answers))
    for step in advice.trace.steps:
        if step.kind == "rule":
            for name, value in step.asserted:
                facts.setdefault(name, []).append(value)
    for dim, option in advice.recommended().items():
        if option:
            facts.setdefault(dim, []).append(option)
    return facts


def _compare(s: LoadedSegment, advice: Advice) -> list[Comparison]:
    got = {**advice.recommended(), "status": advice.status}
    return [Comparison(d, e, got.get(d), s.segment.differences.get(d)) for d, e in (s.segment.expected or {}).items()]


def _place(results: list[SegmentResult]) -> None:
    """Each segment's point in the Kraljic matrix: the quadrant the advice decided, and within
    it the spend share (financial impact) and the number of supply risks (supply risk)."""
    spends = [r.loaded.spend for r in results if r.loaded.spend]
    top = max(spends) if spends else None
    seen: dict[str, int] = {}
    for r in results:
        segment = r.advice.recommended().get("kraljic_segment")
        if not segment:
            continue
        n = seen[segment] = seen.get(segment, -1) + 1
        x = _impact(r, top)
        y = _risk(r)
        nudge = 0.08 * (n % 3)
        r.position = (
            round((0.5 if segment in HIGH_IMPACT else 0.0) + 0.07 + 0.36 * x, 3),
            round((0.5 if segment in HIGH_RISK else 0.0) + min(0.07 + 0.32 * y + nudge, 0.46), 3),
        )


def _impact(r: SegmentResult, top: float | None) -> float:
    if r.loaded.spend and top:
        return r.loaded.spend / top
    return SHARE.get(r.advice.answers.get("budget_share"), 0.5)


def _risk(r: SegmentResult) -> float:
    risks = [v for v in r.advice.answers.get("supply_risks") or [] if v != "none"]
    market = {"few": 2, "some": 1, "many": 0}.get(r.advice.answers.get("provider_market"), 1)
    return (len(risks) + market) / 6


def _once(kb: KnowledgeBase, sk: StrategyKnowledge, results: list[SegmentResult], on: dt.date) -> list[Reason]:
    given = {r.rule for s in results for r in s.advice.advice}
    return [reason(kb, rule, on) for rule in sk.strategy.once if rule in given]


# --- checks across segments --------------------------------------------------------
def checks(kb: KnowledgeBase, sk: StrategyKnowledge, strategy: Strategy) -> list[Finding]:
    on = strategy.as_of
    advised = [s for s in strategy.segments if s.advice.status == "advised"]
    out: list[Finding] = []
    for kind, finder in FINDERS.items():
        check = sk.check(kind, on)
        if check is not None:
            out += finder(kb, sk, check, advised, strategy)
    return out


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _same_providers(kb, sk, check, segments, strategy) -> list[Finding]:
    where: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for s in strategy.segments:
        for p in s.loaded.segment.providers:
            names.setdefault(_key(p), p.strip())
            if s.id not in where.setdefault(_key(p), []):
                where[_key(p)].append(s.id)
    groups: dict[tuple, list[str]] = {}
    for key, ids in where.items():
        if len(ids) > 1:
            groups.setdefault(tuple(ids), []).append(names[key])
    return [Finding(check, ids, tuple(providers)) for ids, providers in groups.items()]


def _law(kb: KnowledgeBase, s: SegmentResult) -> str:
    forms = {c.id: c.law for c in kb.care_forms.care_forms}
    return forms.get(s.advice.answers.get("care_form"), "")


def _two_regimes(kb, sk, check, segments, strategy) -> list[Finding]:
    out = []
    for law in ("wmo", "jeugdwet"):
        group = [s for s in segments if _law(kb, s) == law and s.advice.recommended().get("regime")]
        if len({s.advice.recommended()["regime"] for s in group}) > 1:
            out.append(Finding(check, tuple(s.id for s in group), regimes=tuple((s.id, s.advice.recommended()["regime"]) for s in group)))
    return out


def _integral(kb, sk, check, segments, strategy) -> list[Finding]:
    wmo = tuple(s.id for s in segments if _law(kb, s) == "wmo")
    youth = tuple(s.id for s in segments if _law(kb, s) == "jeugdwet")
    return [Finding(check, wmo, others=youth)] if wmo and youth else []


def _regional(kb, sk, check, segments, strategy) -> list[Finding]:
    covered = tuple(s.id for s in segments if True in s.facts.get("regional_duty", []))
    return [Finding(check, covered)] if covered else []


def _value(s: SegmentResult) -> float | None:
    value = s.advice.answers.get("contract_value")
    return value if isinstance(value, (int, float)) else None


def _total(kb, sk, check, segments, strategy) -> list[Finding]:
    """Public contracts only: a subsidy, an Open House or in-house work has no threshold."""
    known = [s for s in segments if _value(s) is not None and s.advice.recommended().get("instrument") == "overheidsopdracht"]
    if not known:
        return []
    total = sum(_value(s) for s in known)
    threshold = kb.threshold("social_services", strategy.as_of)
    below = tuple(s.id for s in known if _value(s) < threshold)
    return [Finding(check, below, total=total, threshold=threshold)] if below and total >= threshold else []


def _unknown_value(kb, sk, check, segments, strategy) -> list[Finding]:
    missing = tuple(s.id for s in segments if _value(s) is None)
    return [Finding(check, missing)] if missing else []


def _motives(s: SegmentResult) -> set[str]:
    return set(s.advice.answers.get("motives") or [])


def _goal_conflicts(kb, sk, check, segments, strategy) -> list[Finding]:
    out = []
    for conflict in (c for c in sk.strategy.goal_conflicts if c.in_force(strategy.as_of)):
        a, b = conflict.motives
        left = tuple(s.id for s in segments if a in _motives(s) and b not in _motives(s))
        right = tuple(s.id for s in segments if b in _motives(s) and a not in _motives(s))
        if left and right:
            out.append(Finding(check, left, others=right, conflict=conflict))
    return out


FINDERS = {
    "same_providers": _same_providers,
    "two_regimes": _two_regimes,
    "integral_opportunity": _integral,
    "regional_duty": _regional,
    "total_value": _total,
    "value_unknown": _unknown_value,
    "goal_conflict": _goal_conflicts,
}


_LOADED: dict = {}


def advise_segment(kb: KnowledgeBase, path: str | Path, index: int, as_of: dt.date | None = None) -> Advice:
    """The advice for one segment of a portfolio (for batch runs): the portfolio is loaded once per file."""
    from advisor.strategy_knowledge import load_strategy_knowledge

    key = (id(kb), str(path), as_of)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load_portfolio(kb, load_strategy_knowledge(kb), path, as_of)
    loaded = _LOADED[key]
    s = loaded.segments[index]
    return advise(kb, s.answers, loaded.as_of, name=f"{loaded.portfolio.portfolio} — {s.segment.name}", path=f"{loaded.path}#{s.id}")
