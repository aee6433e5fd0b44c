"""Variants side by side: two or more scenarios or portfolios, per dimension what each
recommends, how each scores on what a board weighs (knowledge/board.yaml, every point with the
option or rule behind it), and the warnings only one variant has. Records; rendering is in
advisor/render/compare.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from advisor.advise import Advice, advise_file
from advisor.errors import InputError, Problem
from advisor.knowledge import STAGES, KnowledgeBase
from advisor.portfolio import is_portfolio, load_portfolio
from advisor.strategy import build
from advisor.strategy_knowledge import Score, StrategyKnowledge

DIMENSIONS = tuple(d for dims in STAGES.values() for d in dims)


@dataclass(frozen=True)
class Unit:
    """One procurement within a variant: the scenario itself, or one segment of a portfolio."""

    key: str  # "" for a scenario; the segment id in a portfolio
    label: str
    advice: Advice


@dataclass(frozen=True)
class Variant:
    name: str
    path: str
    units: tuple[Unit, ...]

    def unit(self, key: str) -> Unit | None:
        return next((u for u in self.units if u.key == key), None)


@dataclass(frozen=True)
class Item:
    """One point on a criterion: the score entry that matched, in which unit."""

    score: Score
    unit: str


@dataclass(frozen=True)
class Mark:
    criterion: str
    points: float  # the mean over the variant's units
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Row:
    key: str
    dimension: str
    options: tuple[str | None, ...]  # per variant; None: no advice (or no such unit)

    @property
    def differs(self) -> bool:
        return len(set(self.options)) > 1


@dataclass(frozen=True)
class Comparison:
    variants: tuple[Variant, ...]
    rows: tuple[Row, ...]
    marks: tuple[tuple[Mark, ...], ...]  # per variant, per criterion
    unique: tuple[tuple[str, ...], ...]  # per variant: rule ids of warnings no other variant has


def load_variant(kb: KnowledgeBase, sk: StrategyKnowledge, path: str | Path, as_of: dt.date | None = None) -> Variant:
    if is_portfolio(path):
        strategy = build(kb, sk, load_portfolio(kb, sk, path, as_of))
        units = tuple(Unit(s.id, s.name, s.advice) for s in strategy.segments)
        return Variant(strategy.portfolio.portfolio, strategy.path, units)
    advice = advise_file(kb, path, as_of)
    return Variant(advice.scenario, advice.path, (Unit("", advice.scenario, advice),))


def compare_files(kb: KnowledgeBase, sk: StrategyKnowledge, paths: list[str | Path], as_of: dt.date | None = None) -> Comparison:
    if len(paths) < 2:
        raise InputError([Problem("compare", "needs two or more scenario or portfolio files")])
    problems: list[Problem] = []
    variants = []
    for path in paths:
        try:
            variants.append(load_variant(kb, sk, path, as_of))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return compare(sk, variants)


def compare(sk: StrategyKnowledge, variants: list[Variant]) -> Comparison:
    keys = list(dict.fromkeys(u.key for v in variants for u in v.units))
    rows = tuple(
        Row(key, dim, tuple(_option(v, key, dim) for v in variants))
        for key in keys
        for dim in DIMENSIONS
    )
    marks = tuple(tuple(_mark(sk, c, v) for c in sk.board.criteria) for v in variants)
    return Comparison(tuple(variants), rows, marks, _unique(variants))


def _option(variant: Variant, key: str, dim: str) -> str | None:
    unit = variant.unit(key)
    return unit.advice.recommended().get(dim) if unit else None


def _mark(sk: StrategyKnowledge, criterion, variant: Variant) -> Mark:
    items = []
    for unit in variant.units:
        recommended = unit.advice.recommended()
        fired = set(unit.advice.trace.rules())
        for score in criterion.scores:
            if score.rule in fired or (score.option and all(recommended.get(d) == o for d, o in score.option.items())):
                items.append(Item(score, unit.label))
    total = sum(i.score.points for i in items) / max(len(variant.units), 1)
    return Mark(criterion.id, round(total, 1), tuple(items))


def _unique(variants: list[Variant]) -> tuple[tuple[str, ...], ...]:
    rules = [list(dict.fromkeys(f.reason.rule for u in v.units for f in u.advice.warnings)) for v in variants]
    out = []
    for i, own in enumerate(rules):
        others = {r for j, rs in enumerate(rules) if j != i for r in rs}
        out.append(tuple(r for r in own if r not in others))
    return tuple(out)
