"""The knowledge base: what the loaded, validated and cross-checked YAML files hold, with
the look-ups the rest of the code needs. `advisor.loader.load_knowledge` builds it; after
that the rest of the code may assume the knowledge is consistent: every fact a rule reads
is asked or derived, every option exists.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from advisor import conditions
from advisor.engine import CompiledRule, Ruleset
from advisor.errors import InputError, Problem
from advisor.files import ROOT  # noqa: F401 - where the bundled knowledge is
from advisor.i18n import msg
from advisor.models import CareForms, Dimension, Figure, Figures, Glossary, Question, Rule, Sources, Thresholds

# The order of reasoning: each stage sees the answers, the facts derived before it,
# and the decisions of the stages before it.
STAGES: dict[str, tuple[str, ...]] = {
    "context": (),
    "instrument": ("instrument", "kraljic_segment"),
    "regime": ("regime", "cooperation"),
    "procedure": ("procedure", "provider_count", "lots"),
    "arrangement": ("funding_form",),
    "contract": ("contract_form", "contract_duration", "renewal"),
    "checks": (),
}


@dataclass(frozen=True)
class LoadedRule:
    """A rule with where it was written and what it reads."""

    rule: Rule
    stage: str
    file: str
    line: int | None
    alternatives: tuple[conditions.Conjunction, ...]

    @property
    def id(self) -> str:
        return self.rule.id

    def reads(self) -> set[str]:
        return {t.fact for c in self.alternatives for t in c}

    def in_force(self, on: dt.date) -> bool:
        return self.rule.valid_from <= on and (self.rule.valid_until is None or on < self.rule.valid_until)


@dataclass(eq=False)  # compared and hashed by identity, so it can key caches
class KnowledgeBase:
    root: Path
    sources: Sources
    dimensions: dict[str, Dimension]
    care_forms: CareForms
    glossary: Glossary
    figures: Figures
    thresholds: Thresholds
    questions: dict[str, Question]
    rules: list[LoadedRule]
    _rulesets: dict = field(default_factory=dict, repr=False)
    _resolved: dict = field(default_factory=dict, repr=False)
    _by_date: dict = field(default_factory=dict, repr=False)

    @cached_property
    def rule(self) -> dict[str, LoadedRule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def rulings(self) -> dict[str, dt.date]:
        """The date of each court decision among the sources."""
        return {d.id: d.date for d in self.sources.documents if d.ruling}

    def cited_on(self, refs, on: dt.date) -> tuple:
        """The citations that exist on `on`: a ruling given later is left out."""
        return tuple(s for s in refs if self.rulings.get(s.ref, on) <= on)

    @cached_property
    def effects(self) -> dict[str, tuple[tuple[str, str, str], ...]]:
        """Rule id -> its (dimension, support|oppose|exclude, option) conclusions."""
        out = {}
        for r in self.rules:
            then = r.rule.then
            out[r.id] = tuple(
                (dim, kind, option)
                for kind in ("support", "oppose", "exclude")
                for dim, options in getattr(then, kind).items()
                for option in ([options] if isinstance(options, str) else options)
            )
        return out

    @cached_property
    def speaks_to(self) -> dict[str, frozenset[str]]:
        """Rule id -> the dimensions its conclusions are about."""
        return {rule: frozenset(dim for dim, _, _ in effects) for rule, effects in self.effects.items()}

    @cached_property
    def readers(self) -> dict[str, list[LoadedRule]]:
        """Fact name -> the rules whose conditions read it."""
        out: dict[str, list[LoadedRule]] = {}
        for r in self.rules:
            for name in r.reads():
                out.setdefault(name, []).append(r)
        return out

    @cached_property
    def figure(self) -> dict[str, Figure]:
        return {f.id: f for f in self.figures.figures}

    @cached_property
    def option_dimension(self) -> dict[str, str]:
        return {o.id: d.id for d in self.dimensions.values() for o in d.options}

    @cached_property
    def derived_facts(self) -> dict[str, set]:
        out: dict[str, set] = {}
        for r in self.rules:
            for name, value in r.rule.then.derive.items():
                out.setdefault(name, set()).add(value)
        return out

    def choices(self, question: Question) -> list[str]:
        """The question's option ids: the care forms first if it takes its options from them, then its own."""
        forms = [c.id for c in self.care_forms.care_forms] if question.options_from == "care_forms" else []
        return forms + [c.id for c in question.options]

    def threshold(self, threshold_id: str, on: dt.date) -> int:
        for t in self.thresholds.thresholds:
            if t.id == threshold_id:
                for p in t.periods:
                    if p.valid_from <= on and (p.valid_until is None or on < p.valid_until):
                        return p.amount
        raise InputError([Problem("knowledge/thresholds.yaml", f"no amount for '{threshold_id}' on {on}")])

    def resolved(self, rule: LoadedRule, on: dt.date) -> tuple[conditions.Conjunction, ...]:
        """The rule's alternatives with thresholds replaced by the amounts in force on `on`."""
        key = (rule.id, on)
        if key not in self._resolved:
            self._resolved[key] = conditions.resolve(rule.alternatives, self.threshold, on)
        return self._resolved[key]

    def applies(self, question: Question, facts: dict, on: dt.date) -> bool:
        """Does `question` apply, given its `ask_if` and the facts (name -> values) on `on`?"""
        if not question.ask_if:
            return True
        key = (f"ask_if:{question.id}", on)
        if key not in self._resolved:
            try:
                self._resolved[key] = conditions.resolve(conditions.parse(question.ask_if), self.threshold, on)
            except InputError:  # a threshold with no amount on that date (before the law): cannot apply
                self._resolved[key] = ()
        return any(all(conditions.holds(t, facts) for t in conj) for conj in self._resolved[key])

    def ruleset(self, stage: str, on: dt.date, engine: str = "durable") -> Ruleset:
        """The compiled rules of `stage` in force on `on` (compiled once per distinct set).
        `engine`: durable (the engine), or clips / python (for differential tests and benchmarks)."""
        if (stage, on, engine) not in self._by_date:
            self._by_date[stage, on, engine] = self._compile(stage, on, engine)
        return self._by_date[stage, on, engine]

    def _compile(self, stage: str, on: dt.date, engine: str) -> Ruleset:
        active = [r for r in self.rules if r.stage == stage and r.in_force(on)]
        amounts = tuple(sorted((t, self.threshold(t, on)) for r in active for t in conditions.threshold_refs(r.alternatives)))
        key = (stage, tuple(r.id for r in active), amounts, engine)
        if key not in self._rulesets:
            compiled = [CompiledRule(r.id, self.resolved(r, on), tuple(r.rule.then.derive.items())) for r in active]
            self._rulesets[key] = _engine(engine)(stage, compiled)
        return self._rulesets[key]


def _engine(name: str):
    if name == "durable":
        return Ruleset
    if name == "clips":
        from advisor.clips_engine import Ruleset as ClipsRuleset  # an optional extra

        return ClipsRuleset
    if name == "python":
        from advisor.python_engine import Ruleset as PythonRuleset

        return PythonRuleset
    raise ValueError(f"unknown engine {name!r}")


def suggest(word: str, allowed) -> str:
    close = difflib.get_close_matches(str(word), [str(a) for a in allowed], n=1, cutoff=0.6)
    return msg("error.did_you_mean", word=close[0]) if close else ""
