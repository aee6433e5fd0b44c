"""A plain Python forward chainer over the same compiled rules: a reference for the
differential tests and a baseline for the benchmarks (it shows what the engine adapter costs)."""

from __future__ import annotations

from advisor.conditions import holds
from advisor.engine import CompiledRule, Fact, Firing


class Ruleset:
    def __init__(self, label: str, rules: list[CompiledRule]):
        self._rules = rules

    def run(self, facts: list[Fact]) -> list[Firing]:
        known: dict[str, list] = {}
        for name, value in facts:
            if value not in known.setdefault(name, []):
                known[name].append(value)
        firings: list[Firing] = []
        fired: set[str] = set()
        changed = True
        while changed:
            changed = False
            index = {k: tuple(v) for k, v in known.items()}
            for rule in self._rules:
                if rule.key in fired:
                    continue
                conj = next((c for c in rule.alternatives if all(holds(t, index) for t in c)), None)
                if conj is None:
                    continue
                fired.add(rule.key)
                matched = tuple((t.fact, next(v for v in index[t.fact] if holds(t, {t.fact: (v,)}))) for t in conj if not t.negated)
                firings.append(Firing(rule.key, matched, rule.asserts))
                for name, value in rule.asserts:
                    if value not in known.setdefault(name, []):
                        known[name].append(value)
                        changed = True
        return firings
