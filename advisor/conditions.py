"""Declarative rule conditions: parsed from YAML into tests on facts.

A `when` block is a mapping from a fact name to a test, all of which must hold,
plus an optional `any:` list of such mappings of which one must hold:

    care_form: beschermd_wonen                  # the fact has this value
    care_form: [a, b]                           # ... one of these values
    contract_value: {at_least: threshold.sas}   # number >= (a threshold resolved by date)
    motives: {includes: keuzevrijheid}          # a multiple-choice answer includes it
    motives: {excludes: keuzevrijheid}          # ... does not include it (or is unanswered)
    selection: {not: admit_all}                 # answered, with another value
    own_organisation: {answered: false}         # not answered

Nothing here evaluates Python from YAML: conditions are data, compiled by the
engine adapter and evaluated by `holds` for explanations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

OPERATORS = {
    "is": "eq",
    "one_of": "in",
    "not": "ne",
    "none_of": "not_in",
    "at_least": "gte",
    "below": "lt",
    "includes": "eq",
    "includes_any": "in",
    "excludes": "lacks",
    "excludes_all": "lacks_any",
    "answered": "answered",
}
NEGATED = {"lacks", "lacks_any", "unanswered"}
NUMERIC = {"gte", "lt"}


@dataclass(frozen=True)
class Test:
    """One test on one fact; `value` is a threshold reference until resolved."""

    fact: str
    op: str
    value: Any = None

    @property
    def negated(self) -> bool:
        return self.op in NEGATED

    def values(self) -> tuple:
        return tuple(self.value) if isinstance(self.value, (list, tuple)) else (self.value,)


Conjunction = tuple[Test, ...]


class ConditionError(ValueError):
    def __init__(self, key: tuple, message: str):
        self.key = key
        super().__init__(message)


def parse(when: dict) -> tuple[Conjunction, ...]:
    """A `when` mapping -> its alternatives (disjunctive normal form)."""
    base = tuple(_parse_pair(k, v) for k, v in when.items() if k != "any")
    if "any" not in when:
        return (base,)
    options = when["any"]
    if not isinstance(options, list) or not options or not all(isinstance(o, dict) for o in options):
        raise ConditionError(("any",), "'any' takes a list of condition mappings")
    alternatives = []
    for i, option in enumerate(options):
        if "any" in option:
            raise ConditionError(("any", i), "'any' cannot be nested")
        alternatives.append(base + tuple(_parse_pair(k, v, ("any", i)) for k, v in option.items()))
    return tuple(alternatives)


def _parse_pair(fact: str, spec: Any, at: tuple = ()) -> Test:
    key = at + (fact,)
    if isinstance(spec, list):
        return Test(fact, "in", tuple(spec))
    if not isinstance(spec, dict):
        return Test(fact, "eq", spec)
    if len(spec) != 1:
        raise ConditionError(key, f"a test has exactly one operator; found {sorted(spec)}")
    name, value = next(iter(spec.items()))
    if name not in OPERATORS:
        raise ConditionError(key + (name,), f"'{name}' is not an operator; allowed: {', '.join(OPERATORS)}")
    op = OPERATORS[name]
    if op == "answered":
        if not isinstance(value, bool):
            raise ConditionError(key + (name,), "'answered' takes true or false")
        return Test(fact, "exists" if value else "unanswered")
    if op in ("in", "not_in", "lacks_any") and not isinstance(value, list):
        raise ConditionError(key + (name,), f"'{name}' takes a list")
    if op in NUMERIC and not (_is_number(value) or _is_threshold(value)):
        raise ConditionError(key + (name,), f"'{name}' takes a number or threshold.<id>; found {value!r}")
    return Test(fact, op, tuple(value) if isinstance(value, list) else value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_threshold(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("threshold.")


def threshold_refs(alternatives: tuple[Conjunction, ...]) -> set[str]:
    return {t.value.removeprefix("threshold.") for c in alternatives for t in c if _is_threshold(t.value)}


def resolve(
    alternatives: tuple[Conjunction, ...], amount: Callable[[str, dt.date], int], on: dt.date
) -> tuple[Conjunction, ...]:
    """Replace threshold references by the amount in force on `on`."""

    def one(t: Test) -> Test:
        return Test(t.fact, t.op, amount(t.value.removeprefix("threshold."), on)) if _is_threshold(t.value) else t

    return tuple(tuple(one(t) for t in c) for c in alternatives)


Facts = dict[str, tuple]


def holds(test: Test, facts: Facts) -> bool:
    """Does `test` hold on `facts` (name -> values)? Used to explain, never to decide."""
    present = facts.get(test.fact, ())
    if test.op == "unanswered":
        return not present
    if test.op == "exists":
        return bool(present)
    if test.op == "lacks":
        return test.value not in present
    if test.op == "lacks_any":
        return not any(v in present for v in test.value)
    return any(_match(test, v) for v in present)


def _match(test: Test, v: Any) -> bool:
    if test.op == "eq":
        return v == test.value
    if test.op == "in":
        return v in test.value
    if test.op == "ne":
        return v != test.value
    if test.op == "not_in":
        return v not in test.value
    if not _is_number(v):
        return False
    return v >= test.value if test.op == "gte" else v < test.value
