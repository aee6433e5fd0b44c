"""The reasoning trace: every rule firing and every decision, in the order they happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Fact = tuple[str, Any]


@dataclass(frozen=True)
class Step:
    """One step: a rule that fired (kind 'rule') or a decision taken at a stage's end."""

    order: int
    stage: str
    kind: str
    rule: str
    matched: tuple[Fact, ...]
    asserted: tuple[Fact, ...]


class Trace:
    """Collects steps as the engine reports them."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def fired(self, stage: str, rule: str, matched: tuple, asserted: tuple) -> None:
        self.steps.append(Step(len(self.steps) + 1, stage, "rule", rule, matched, asserted))

    def assumed(self, question: str, value: Any) -> None:
        self.steps.append(Step(len(self.steps) + 1, "context", "assumption", question, (), ((question, value),)))

    def decided(self, stage: str, dimension: str, option: str) -> None:
        self.steps.append(Step(len(self.steps) + 1, stage, "decision", dimension, (), ((dimension, option),)))

    def rules(self) -> list[str]:
        return [s.rule for s in self.steps if s.kind == "rule"]
