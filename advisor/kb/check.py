"""`advisor kb check`: every mistake a domain expert can make in the knowledge, with file and line.

Errors stop the advisor (invalid YAML, unknown facts or options, duplicate ids, missing
translations or sources, a rule whose every source is a ruling from after its start,
citations outside their seed file, rules that can never fire).
Warnings ask for a look (questions no rule reads, a rule whose support another rule
always cancels by excluding the option).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

from advisor.conditions import Conjunction, Test
from advisor.errors import InputError, Problem
from advisor.knowledge import STAGES, KnowledgeBase, LoadedRule
from advisor.loader import load_knowledge

ABSENT = object()  # the value of an unanswered question
FOREVER = dt.date.max


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning
    problem: Problem

    def __str__(self) -> str:
        return f"{self.problem.file}{':' + str(self.problem.line) if self.problem.line else ''}: " + (
            f"{self.severity}: {self.problem.key + ': ' if self.problem.key else ''}{self.problem.message}"
        )


def check(root: str | Path | None = None, seeds: str | Path | None = None) -> list[Finding]:
    """All findings for the knowledge under `root`, errors first, each in file order."""
    try:
        kb = load_knowledge(root)
    except InputError as err:
        return [Finding("error", p) for p in err.problems]
    seeds = Path(seeds) if seeds else kb.root.parent / "shared"
    findings = citations(kb, seeds) + dated_citations(kb) + unreachable(kb) + unread_questions(kb) + contradictions(kb) + strategy_knowledge(kb, seeds)
    return sorted(findings, key=lambda f: (f.severity != "error", f.problem.file, f.problem.line or 0))


def strategy_knowledge(kb: KnowledgeBase, seeds: Path) -> list[Finding]:
    """The portfolio knowledge (strategy, planning, board) loads, names only what exists, and
    cites lines inside its seed files."""
    from advisor.strategy_knowledge import cited, load_strategy_knowledge

    try:
        sk = load_strategy_knowledge(kb)
    except InputError as err:
        return [Finding("error", p) for p in err.problems]
    files = {d.id: seeds / d.file for d in kb.sources.documents if d.file}
    out = []
    for file, ref in cited(sk):
        path = files.get(ref.ref)
        if ref.lines and path and path.exists():
            length = path.read_text(encoding="utf-8").count("\n") + 1
            if ref.lines[1] > length:
                out.append(Finding("error", Problem(file, f"cites {ref.ref} lines {ref.lines[0]}-{ref.lines[1]}, but the file has {length} lines")))
    return out


def citations(kb: KnowledgeBase, seeds: Path) -> list[Finding]:
    """Every cited line range lies inside its seed file."""
    docs = {d.id: d for d in kb.sources.documents}
    lengths: dict[str, int | None] = {}
    for doc in docs.values():
        if doc.file:
            path = seeds / doc.file
            lengths[doc.id] = path.read_text(encoding="utf-8").count("\n") + 1 if path.exists() else None
    out = []
    missing = [d for d, n in lengths.items() if n is None]
    for d in missing:
        out.append(Finding("warning", Problem("knowledge/sources.yaml", f"seed file {docs[d].file} not found under {seeds}", d)))
    for r in kb.rules:
        for s in r.rule.sources:
            length = lengths.get(s.ref)
            if s.lines and length and s.lines[1] > length:
                out.append(
                    Finding("error", Problem(r.file, f"cites {s.ref} lines {s.lines[0]}-{s.lines[1]}, but the file has {length} lines", r.id, r.line))
                )
    return out


def dated_citations(kb: KnowledgeBase) -> list[Finding]:
    """A ruling is cited only in advice for a date on or after it, so every rule needs a source
    that exists on the first day it holds."""
    message = "from {} every source it cites is a later ruling; cite one that holds then, or start the rule later"
    return [
        Finding("error", Problem(r.file, message.format(r.rule.valid_from), r.id, r.line))
        for r in kb.rules
        if not kb.cited_on(r.rule.sources, r.rule.valid_from)
    ]


def _period(r: LoadedRule) -> tuple[dt.date, dt.date]:
    return r.rule.valid_from, r.rule.valid_until or FOREVER


def _overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _Domains:
    """What values each fact can take, and whether it holds one value or several."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.decided = {d for dims in STAGES.values() for d in dims}

    def single(self, fact: str) -> bool:
        q = self.kb.questions.get(fact)
        return fact in self.decided or (q is not None and q.type != "multi")

    def values(self, fact: str) -> set | None:
        """The finite set of values, or None for numbers."""
        q = self.kb.questions.get(fact)
        if q is not None:
            if q.type in ("amount", "number"):
                return None
            return {True, False} if q.type == "yes_no" else set(self.kb.choices(q))
        if fact in self.decided:
            return {o.id for o in self.kb.dimensions[fact].options}
        return set(self.kb.derived_facts.get(fact, ()))


def satisfiable(domains: _Domains, tests: Conjunction) -> bool:
    """Can all these tests hold at once? (Thresholds count as unknown numbers.)"""
    by_fact: dict[str, list[Test]] = {}
    for t in tests:
        by_fact.setdefault(t.fact, []).append(t)
    return all(_fact_satisfiable(domains, fact, ts) for fact, ts in by_fact.items())


def _fact_satisfiable(domains: _Domains, fact: str, tests: list[Test]) -> bool:
    values = domains.values(fact)
    if values is None:
        numbers = [t for t in tests if isinstance(t.value, (int, float))]
        low = max((t.value for t in numbers if t.op == "gte"), default=float("-inf"))
        high = min((t.value for t in numbers if t.op == "lt"), default=float("inf"))
        return low < high and not (any(t.op == "unanswered" for t in tests) and any(not t.negated for t in tests))
    if domains.single(fact):
        allowed = values | {ABSENT}
        for t in tests:
            allowed &= _allowed(t, values)
        return bool(allowed)
    # several values: each positive test needs a value that no negative test forbids
    forbidden = set().union(*[set(t.values()) for t in tests if t.op in ("lacks", "lacks_any")])
    if any(t.op == "unanswered" for t in tests):
        return all(t.negated for t in tests)
    return all(set(t.values()) - forbidden for t in tests if t.op in ("eq", "in"))


def _allowed(t: Test, values: set) -> set:
    if t.op == "unanswered":
        return {ABSENT}
    if t.op == "exists":
        return set(values)
    if t.op in ("eq", "in"):
        return set(t.values())
    if t.op in ("ne", "not_in"):
        return values - set(t.values())
    return (values - set(t.values())) | {ABSENT}  # lacks, lacks_any


def unreachable(kb: KnowledgeBase) -> list[Finding]:
    """Rules that can never fire: an empty period, impossible conditions, or facts never derived in time."""
    domains = _Domains(kb)
    periods: dict[tuple[str, object], list] = {}
    for r in kb.rules:
        for name, value in r.rule.then.derive.items():
            periods.setdefault((name, value), []).append(_period(r))
    out = []
    for r in kb.rules:
        start, end = _period(r)
        reason = None
        if end <= start:
            reason = "its period is empty (valid_until is not after valid_from)"
        elif not any(satisfiable(domains, conj) for conj in r.alternatives):
            reason = "its conditions contradict each other"
        else:
            late = _not_derived_in_time(r, periods, kb)
            if late:
                reason = f"it reads {late}, which no rule derives while this rule is in force"
        if reason:
            out.append(Finding("error", Problem(r.file, f"can never fire: {reason}", r.id, r.line)))
    return out


def _not_derived_in_time(r: LoadedRule, periods, kb) -> str | None:
    """A derived fact one of the rule's alternatives needs that is never derived in its period."""
    missing = None
    for conj in r.alternatives:
        missing = next(
            (
                f"{t.fact}={'/'.join(map(str, t.values()))}"
                for t in conj
                if t.fact in kb.derived_facts and t.op in ("eq", "in")
                and not any(_overlap(_period(r), p) for v in t.values() for p in periods.get((t.fact, v), []))
            ),
            None,
        )
        if missing is None:
            return None
    return missing


def unread_questions(kb: KnowledgeBase) -> list[Finding]:
    read = {t.fact for r in kb.rules for conj in r.alternatives for t in conj}
    return [
        Finding("warning", Problem("knowledge/questions.yaml", "no rule reads this question", q))
        for q in kb.questions
        if q not in read
    ]


def contradictions(kb: KnowledgeBase) -> list[Finding]:
    """Pairs where one rule supports an option that another rule excludes whenever the first fires
    (its conditions include all of the other's): the support can never count."""
    domains = _Domains(kb)
    out = []
    for a, b in itertools.permutations(kb.rules, 2):
        clash = [
            (dim, o)
            for dim, options in a.rule.then.support.items()
            for o in ([options] if isinstance(options, str) else options)
            if o in _as_list(b.rule.then.exclude.get(dim))
        ]
        if not clash or not _overlap(_period(a), _period(b)):
            continue
        if any(set(y) <= set(x) and satisfiable(domains, x) for x in a.alternatives for y in b.alternatives):
            dim, option = clash[0]
            message = f"supports {dim}={option}, but whenever it fires {b.id} ({b.file}:{b.line}) fires too and excludes it"
            out.append(Finding("warning", Problem(a.file, message, a.id, a.line)))
    return out


def _as_list(value) -> list:
    return [] if value is None else [value] if isinstance(value, str) else list(value)
