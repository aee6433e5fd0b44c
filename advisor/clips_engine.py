"""A second, independent engine for the same compiled rules: CLIPS, through clipspy.

Used by the differential tests and the benchmarks (clipspy is a test/bench extra). Each
fact is `(fact (t NAME) (v TYPED-VALUE) (n NUMBER))`; a test becomes a pattern, a negated
test a `not` conditional element; the right-hand side records the firing and asserts the
rule's facts. CLIPS keeps no identical facts and withdraws activations that a later fact
blocks, so the input is asserted first and the agenda run afterwards."""

from __future__ import annotations

import itertools
import re

import clips

from advisor.conditions import Conjunction, Test
from advisor.engine import CompiledRule, Fact, Firing

_TEMPLATE = "(deftemplate fact (slot t (type STRING)) (slot v (type STRING)) (slot n (type NUMBER) (default 0)))"
_names = itertools.count(1)


def _encode(value) -> str:
    kind = "b" if isinstance(value, bool) else "n" if isinstance(value, (int, float)) else "s"
    return f"{kind}:{value}"


def _decode(text: str):
    kind, _, raw = text.partition(":")
    if kind == "b":
        return raw == "True"
    if kind == "n":
        number = float(raw)
        return int(number) if number == int(number) else number
    return raw


def _string(text: str) -> str:
    """A CLIPS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Ruleset:
    def __init__(self, label: str, rules: list[CompiledRule]):
        self._env = clips.Environment()
        self._env.build(_TEMPLATE)
        self._rules = {r.key: r for r in rules}
        self._fired: list[tuple[str, tuple]] = []
        self._env.define_function(self._record, "advisor-record")
        for rule in rules:
            for n, conj in enumerate(rule.alternatives):
                self._env.build(self._defrule(rule, n, conj))

    def _defrule(self, rule: CompiledRule, n: int, conj: Conjunction) -> str:
        name = f"r{next(_names)}-{re.sub(r'[^A-Za-z0-9_-]', '-', rule.key)}-{n}"
        patterns, bound = [], []
        for i, test in enumerate(conj):
            pattern = _pattern(test)
            if test.negated:
                patterns.append(f"(not {pattern})")
            else:
                patterns.append(f"?f{i} <- {pattern}")
                bound.append(f"?f{i}")
        asserts = " ".join(
            f"(assert (fact (t {_string(name_)}) (v {_string(_encode(v))}) (n {v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0})))"
            for name_, v in rule.asserts
        )
        return f"(defrule {name} {' '.join(patterns)} => (advisor-record {_string(rule.key)} {' '.join(bound)}) {asserts})"

    def _record(self, key, *facts) -> None:
        self._fired.append((str(key), tuple((str(f["t"]), _decode(str(f["v"]))) for f in facts)))

    def run(self, facts: list[Fact]) -> list[Firing]:
        self._env.reset()
        self._fired = []
        for name, value in dict.fromkeys(facts):
            number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
            self._env.assert_string(f"(fact (t {_string(name)}) (v {_string(_encode(value))}) (n {number}))")
        self._env.run()
        seen, firings = set(), []
        for key, matched in self._fired:
            if key not in seen:
                seen.add(key)
                firings.append(Firing(key, matched, self._rules[key].asserts))
        return firings


def _pattern(test: Test) -> str:
    name = f"(t {_string(test.fact)})"
    op, value = test.op, test.value
    if op in ("exists", "unanswered"):
        return f"(fact {name})"
    if op in ("gte", "lt"):
        return f"(fact {name} (v ?v&:(str-index \"n:\" ?v)) (n ?n&:({'>=' if op == 'gte' else '<'} ?n {value})))"
    values = [_string(_encode(v)) for v in test.values()]
    if op in ("eq", "in", "lacks", "lacks_any"):
        return f"(fact {name} (v {'|'.join(values)}))"
    return f"(fact {name} (v {'&'.join('~' + v for v in values)}))"  # ne, not_in
