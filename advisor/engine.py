"""The one adapter to durable-rules: compiles rules into a ruleset and runs facts to a fixed point.

durable-rules has traps that must not reach callers, and this module absorbs them:
- ruleset names are global to the C engine: every ruleset gets a unique name;
- an exception inside an action is stored in the session state, not raised, and the
  Python action loop serialises the whole state after every action: actions are run
  here, straight from the native engine's queue, record any error, and `run` raises
  `EngineError` after the round;
- a posted fact that no rule pattern accepts raises, and leaves the rest of its batch
  stored without running actions: facts are filtered to those some pattern accepts;
- an identical fact posted twice raises: facts are de-duplicated per run;
- `delete_state` corrupts memory when a rule is partly matched: a session is
  cleared by retracting its facts instead;
- activations are not withdrawn when a fact that a negated pattern forbids arrives
  later in a batch: every rule waits for an anchor fact that is posted last, so
  negation sees all of a stage's input;
- the `Host` class starts background threads that run actions: it is not used.

Runs reuse one session per ruleset: durable keeps every session it has seen, so a
session per run leaks memory. Each run retracts its facts at the end and checks that
the session is empty, so runs are isolated.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as _native
import orjson
from durable.engine import Ruleset as _DurableRuleset

from advisor.conditions import Conjunction, Test, _match
from advisor.errors import EngineError

Fact = tuple[str, Any]
ANCHOR = "$go"
MAX_ROUNDS = 100

SESSION = "s"  # one session per ruleset, emptied after each run (a new session costs ~4 MB)
_names = itertools.count(1)


@dataclass(frozen=True)
class CompiledRule:
    """What the engine needs of a rule: its alternatives and the facts it asserts."""

    key: str
    alternatives: tuple[Conjunction, ...]
    asserts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Firing:
    """One rule firing, recorded by the action as it runs."""

    rule: str
    matched: tuple[Fact, ...]
    asserted: tuple[Fact, ...]


MEMO_SIZE = 256  # remembered fact sequences per ruleset; cleared when full, so memory stays flat over a batch
# (the runs of one advice meet the same inputs again; more entries bought no speed on the national batch)
MESSAGES_SIZE = 4096  # facts serialised per ruleset: a knowledge base's answers and derived facts fit


class Ruleset:
    """A compiled set of rules that runs one session of facts at a time."""

    def __init__(self, label: str, rules: list[CompiledRule]):
        self._rules = {r.key: r for r in rules}
        self._tests: dict[str, list[Test]] = {}
        for rule in rules:
            for conj in rule.alternatives:
                for test in conj:
                    self._tests.setdefault(test.fact, []).append(test)
        self._run: _Run | None = None
        self._accepted: dict[tuple, bool] = {}
        self._memo: dict[tuple, list[Firing]] = {}
        self._messages: dict[tuple, str] = {}
        definition, self._actions = {}, {}
        for rule in rules:
            for n, conj in enumerate(rule.alternatives):
                name = f"{rule.key}#{n}"
                self._actions[name] = self._action(rule.key, conj)
                definition[name] = {"all": _patterns(conj), "run": _unused}
        self._durable = _DurableRuleset(f"advisor.{label}.{next(_names)}", None, definition) if definition else None

    def run(self, facts: list[Fact], remember: bool = True) -> list[Firing]:
        """Post `facts`, then the anchor, and chain derived facts until nothing new is asserted.

        The firings depend only on the facts some rule of the set tests, in their order, so they
        are remembered per such sequence: advice per answer of a missing question, why-not and
        similar scenarios in a batch run the stages an answer does not touch only once."""
        if self._durable is None:
            return []
        known = list(map(self._accepted.get, facts))  # looked up without a call per fact: runs meet the same facts again
        accepted = tuple(itertools.compress(facts, known if None not in known else map(self._accepts, facts)))
        if not remember:  # the engine itself, as the benchmarks measure it
            return self._fire(accepted)
        remembered = self._memo.get(accepted)
        if remembered is not None:
            return list(remembered)
        firings = self._fire(accepted)
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[accepted] = firings
        return list(firings)

    def _fire(self, accepted: tuple[Fact, ...]) -> list[Firing]:
        run = self._run = _Run(SESSION)
        try:
            batch = [*accepted, (ANCHOR, True)]
            for _ in range(MAX_ROUNDS):
                batch = [f for f in batch if run.add(f)]
                if not batch:
                    return run.firings
                self._post(run, batch)
                batch = [f for f in run.take_new() if self._accepts(f)]
            raise EngineError(f"rules kept asserting new facts for {MAX_ROUNDS} rounds")
        finally:
            self._run = None
            self._clear(run)

    def _clear(self, run: _Run) -> None:
        """Retract the session's facts, in the message(s) they were posted in, joined into one.
        (durable's delete_state corrupts memory when a rule is partly matched, so it is never called.)"""
        if run.messages:  # a refusal leaves nothing behind either
            text = run.messages[0] if len(run.messages) == 1 else "[" + ",".join(m[1:-1] for m in run.messages) + "]"
            _native.retract_facts(self._durable._handle, text)
        left = _native.get_facts(self._durable._handle, run.sid)
        if left != "[]" and json.loads(left):
            raise EngineError("facts of a previous run were left in the engine")

    def tests(self, fact: Fact) -> bool:
        """Does some rule of the set test `fact`? A fact none tests cannot change a run."""
        return self._durable is not None and self._accepts(fact)

    def _accepts(self, fact: Fact) -> bool:
        accepted = self._accepted.get(fact)
        if accepted is None:
            name, value = fact
            tests = self._tests.get(name, ())
            accepted = self._accepted[fact] = any(t.op in ("exists", "unanswered") or _inner_match(t, value) for t in tests)
        return accepted

    def _json(self, facts: list[Fact]) -> str:
        """The facts as one JSON message for the native engine, each fact serialised once per
        ruleset (durable's own wrapper serialises every batch anew)."""
        return "[" + ",".join(map(self._message, facts)) + "]"

    def _message(self, fact: Fact) -> str:
        key = (fact, type(fact[1]))  # True and 1 are equal keys, but not the same JSON
        text = self._messages.get(key)
        if text is None:
            if len(self._messages) >= MESSAGES_SIZE:
                self._messages.clear()
            text = self._messages[key] = json.dumps({"sid": SESSION, "t": fact[0], "v": fact[1]}, ensure_ascii=False)
        return text

    def _post(self, run: _Run, batch: list[Fact]) -> None:
        text = self._json(batch)
        run.messages.append(text)
        engine = self._durable._handle
        posted = _native.assert_facts(engine, text)
        if posted[0] in _REFUSED:
            raise EngineError(f"the engine refused facts {batch}: {_REFUSED[posted[0]]}")
        handle = 0 if posted[0] == _NOTHING_TO_DO else posted[1]
        result = _native.start_action_for_state(engine, handle)
        while result:
            for name, match in orjson.loads(result[1]).items():
                self._actions[name](match)
            following = _native.complete_and_start_action(engine, handle)
            result = (None, following) if following else None
        if run.error:
            raise EngineError(f"a rule action failed: {run.error}")

    def _action(self, key: str, conj: Conjunction):
        named = [(t.fact, f"p{i}") for i, t in enumerate(t for t in conj if not t.negated)]  # as _patterns names them
        asserted = self._rules[key].asserts

        def action(match: dict) -> None:
            run = self._run
            try:
                if key in run.fired:
                    return  # another alternative of the same rule already fired
                run.fired.add(key)
                matched = tuple([(fact, match[name]["v"]) for fact, name in named])
                run.firings.append(Firing(key, matched, asserted))
                run.new.extend(asserted)
            except Exception as err:  # noqa: BLE001 - durable would swallow it
                run.error = run.error or err

        return action


_REFUSED = {1: "MessageNotHandledException", 2: "MessageObservedException"}  # durable's result codes
_NOTHING_TO_DO = 3


def _unused(_closure) -> None:  # pragma: no cover - durable needs an action; ours run in `_post`
    raise AssertionError("durable ran an action itself")


class _Run:
    def __init__(self, sid: str):
        self.sid = sid
        self.seen: set[tuple[str, str]] = set()
        self.fired: set[str] = set()
        self.firings: list[Firing] = []
        self.new: list[Fact] = []
        self.messages: list[str] = []  # the JSON of each batch posted, for the retraction
        self.error: Exception | None = None

    def add(self, fact: Fact) -> bool:
        key = (fact[0], repr(fact[1]))
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def take_new(self) -> list[Fact]:
        new, self.new = self.new, []
        return new


def _patterns(conj: Conjunction) -> list[dict]:
    """Positive patterns, then the anchor, then the negations: durable checks a negation
    when the pattern before it matches, so after the anchor all input is present."""
    positive = [{f"p{i}": _pattern(t)} for i, t in enumerate(t for t in conj if not t.negated)]
    negated = [{f"n{i}$not": _pattern(t)} for i, t in enumerate(t for t in conj if t.negated)]
    return positive + [{"anchor": {"t": ANCHOR}}] + negated


def _pattern(test: Test) -> dict:
    name = {"t": test.fact}
    value = _value_condition(test)
    return {"$and": [name, value]} if value else name


def _value_condition(test: Test) -> dict | None:
    op, v = test.op, test.value
    if op in ("exists", "unanswered"):
        return None
    if op in ("eq", "lacks"):
        return {"v": v}
    if op in ("in", "lacks_any"):
        return {"$or": [{"v": x} for x in v]} if len(v) > 1 else {"v": v[0]}
    if op == "ne":
        return {"$neq": {"v": v}}
    if op == "not_in":
        return {"$and": [{"$neq": {"v": x}} for x in v]}
    return {"$gte" if op == "gte" else "$lt": {"v": v}}


def _inner_match(test: Test, value: Any) -> bool:
    """Would the pattern of `test` (without its negation) accept this value?"""
    if test.op == "lacks":
        return value == test.value
    if test.op == "lacks_any":
        return value in test.value
    return _match(test, value)
