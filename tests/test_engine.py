"""The durable-rules adapter absorbs the engine's traps; callers only see our own types."""

from __future__ import annotations

import pytest

from advisor.conditions import parse
from advisor.engine import CompiledRule, Firing, Ruleset
from advisor.errors import EngineError


def ruleset(*rules):
    return Ruleset("test", [CompiledRule(key, parse(when), tuple(asserts)) for key, when, asserts in rules])


def test_forward_chaining_runs_to_a_fixed_point():
    rs = ruleset(("t.first", {"a": 1}, [("b", True)]), ("t.second", {"b": True}, [("c", "x")]))
    assert [f.rule for f in rs.run([("a", 1)])] == ["t.first", "t.second"]


def test_negation_sees_every_input_fact_whatever_the_order():
    rs = ruleset(("t.neg", {"a": 1, "b": {"excludes": 2}}, []))
    assert rs.run([("a", 1), ("b", 2)]) == []
    assert rs.run([("b", 2), ("a", 1)]) == []
    assert [f.rule for f in rs.run([("a", 1), ("b", 3)])] == ["t.neg"]


def test_facts_no_rule_reads_and_duplicate_facts_are_harmless():
    rs = ruleset(("t.one", {"a": 1}, []))
    assert rs.run([("a", 1), ("a", 1), ("zzz", 5), ("a", 99)]) == [Firing("t.one", (("a", 1),), ())]


def test_an_error_inside_an_action_is_raised_not_swallowed():
    rs = Ruleset("test", [CompiledRule("t.bad", parse({"a": 1}), 5)])  # asserts is not iterable
    with pytest.raises(EngineError, match="rule action failed"):
        rs.run([("a", 1)])


def test_runs_do_not_see_each_others_facts():
    rs = ruleset(("t.both", {"a": 1, "b": 2}, []))
    assert rs.run([("a", 1)]) == []
    assert rs.run([("b", 2)]) == []  # 'a' from the previous run is gone
    assert len(rs.run([("a", 1), ("b", 2)])) == 1


def test_rules_with_only_negations_fire_on_the_anchor():
    rs = ruleset(("t.unanswered", {"a": {"answered": False}}, []))
    assert [f.rule for f in rs.run([])] == ["t.unanswered"]
    assert rs.run([("a", 1)]) == []


def test_an_alternative_of_a_rule_fires_the_rule_once():
    rs = ruleset(("t.any", {"any": [{"a": 1}, {"b": 1}]}, []))
    assert len(rs.run([("a", 1), ("b", 1)])) == 1


def test_two_rulesets_with_the_same_label_coexist():
    one, two = ruleset(("t.one", {"a": 1}, [])), ruleset(("t.one", {"a": 2}, []))
    assert len(one.run([("a", 1)])) == 1 and two.run([("a", 1)]) == []
