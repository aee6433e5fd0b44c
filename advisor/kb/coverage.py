"""`advisor kb coverage`: which rules fired over a set of scenarios, and which never did;
which options were recommended, and which never were."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from advisor.advise import advise_file
from advisor.errors import InputError, Problem
from advisor.knowledge import KnowledgeBase
from advisor.portfolio import is_portfolio


@dataclass
class Coverage:
    scenarios: int = 0
    fired: Counter = field(default_factory=Counter)
    recommended: Counter = field(default_factory=Counter)  # (dimension, option) -> scenarios
    problems: list[Problem] = field(default_factory=list)

    def by_file(self, kb: KnowledgeBase) -> dict[str, list[tuple[str, int]]]:
        """Rule file -> [(rule id, times fired)] in file order."""
        out: dict[str, list[tuple[str, int]]] = {}
        for r in kb.rules:
            out.setdefault(r.file, []).append((r.id, self.fired[r.id]))
        return out

    def by_dimension(self, kb: KnowledgeBase) -> dict[str, list[tuple[str, int]]]:
        """Dimension -> [(option id, times recommended)] in vocabulary order."""
        return {dim: [(o.id, self.recommended[dim, o.id]) for o in d.options] for dim, d in kb.dimensions.items()}


def coverage(kb: KnowledgeBase, paths: list[Path], as_of: dt.date | None = None) -> Coverage:
    result = Coverage()
    for path in paths:
        try:
            advices = _portfolio(kb, path, as_of) if is_portfolio(path) else [advise_file(kb, path, as_of)]
        except InputError as err:
            result.problems += err.problems
            continue
        for advice in advices:
            result.scenarios += 1
            presumed = {r.rule for a in advice.assumptions for r in (*a.reasons, *a.against)}  # evidence behind an assumed answer
            result.fired.update(set(advice.trace.rules()) | presumed)
            result.recommended.update((dim, option) for dim, option in advice.recommended().items() if option)
    return result


def _portfolio(kb: KnowledgeBase, path: Path, as_of: dt.date | None) -> list:
    """A portfolio counts as one scenario per segment."""
    from advisor.strategy import strategy_file
    from advisor.strategy_knowledge import load_strategy_knowledge

    return [s.advice for s in strategy_file(kb, load_strategy_knowledge(kb), path, as_of).segments]
