"""Planning back from the start date, and the documents a route needs.

The route of a segment is recognised from its advice (knowledge/planning.yaml, the first
route whose `when` holds); its phases are laid end to end so that the last one ends on the
start date. Where the first phase would have had to begin before the advice date, the plan
says by how many weeks it is short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advisor import conditions
from advisor.knowledge import KnowledgeBase
from advisor.strategy_knowledge import ChecklistItem, Route, Step, StrategyKnowledge

Facts = dict[str, list]


@dataclass(frozen=True)
class PlannedPhase:
    step: Step
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Plan:
    route: Route
    phases: tuple[PlannedPhase, ...]
    start: dt.date  # when the contracts start
    begin: dt.date  # when the first phase must begin
    short_weeks: int  # weeks missing between the advice date and `begin`; 0 if there is time

    @property
    def weeks(self) -> int:
        return sum(p.step.weeks for p in self.phases)


def holds(kb: KnowledgeBase, alternatives, facts: Facts, on: dt.date) -> bool:
    resolved = conditions.resolve(alternatives, kb.threshold, on)
    return any(all(conditions.holds(t, facts) for t in conj) for conj in resolved)


def route_for(kb: KnowledgeBase, sk: StrategyKnowledge, facts: Facts, on: dt.date) -> Route:
    """The first route whose condition holds; the last route in the file has none and always does."""
    return next(r.route for r in sk.routes if holds(kb, r.alternatives, facts, on))


def plan_back(route: Route, start: dt.date, on: dt.date) -> Plan:
    end = start
    phases = []
    for step in reversed([s for s in route.steps if s.in_force(on) and s.weeks]):
        begin = end - dt.timedelta(weeks=step.weeks)
        phases.append(PlannedPhase(step, begin, end))
        end = begin
    short = max(0, -(-(on - end).days // 7)) if end < on else 0
    return Plan(route, tuple(reversed(phases)), start, end, short)


def checklist(kb: KnowledgeBase, sk: StrategyKnowledge, facts: Facts, on: dt.date) -> list[ChecklistItem]:
    return [i.item for i in sk.checklist if i.item.in_force(on) and holds(kb, i.alternatives, facts, on)]
