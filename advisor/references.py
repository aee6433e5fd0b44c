"""Every reference between knowledge files, checked in one place after loading: rule ids,
sources, figures, dimensions and options, facts read before they are derived or decided,
low-confidence rules, threshold periods and questions. Returns problems with file and line."""

from __future__ import annotations

from advisor import conditions
from advisor.conditions import Test
from advisor.errors import Problem
from advisor.knowledge import STAGES, KnowledgeBase, LoadedRule, suggest

QUESTIONS = "knowledge/questions.yaml"


def cross_check(kb: KnowledgeBase) -> list[Problem]:
    return _Checker(kb).run()


class _Checker:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.problems: list[Problem] = []
        self.docs = {d.id for d in kb.sources.documents}
        self.figures = {f.id for f in kb.figures.figures}
        self.order = list(STAGES)
        self.decided_in = {dim: stage for stage, dims in STAGES.items() for dim in dims}
        self.derived_in: dict[str, set[str]] = {}
        for r in kb.rules:
            for name in r.rule.then.derive:
                self.derived_in.setdefault(name, set()).add(r.stage)

    def run(self) -> list[Problem]:
        for dim in self.decided_in:
            if dim not in self.kb.dimensions:
                self.problems.append(Problem("knowledge/vocabulary.yaml", f"dimension '{dim}' is missing"))
        seen: dict[str, LoadedRule] = {}
        for r in self.kb.rules:
            if r.id in seen:
                self.bad(r, f"rule id is used twice (also {seen[r.id].file}:{seen[r.id].line})")
            seen[r.id] = r
            self.references(r)
            self.conclusions(r)
            for conj in r.alternatives:
                for test in conj:
                    self.condition(r, test)
        self.thresholds()
        self.questions()
        return self.problems

    def bad(self, r: LoadedRule, message: str) -> None:
        self.problems.append(Problem(r.file, message, r.id, r.line))

    def references(self, r: LoadedRule) -> None:
        for s in r.rule.sources:
            if s.ref not in self.docs:
                self.bad(r, f"source '{s.ref}' is not in knowledge/sources.yaml{suggest(s.ref, self.docs)}")
        for f in r.rule.figures:
            if f not in self.figures:
                self.bad(r, f"figure '{f}' is not in knowledge/figures.yaml{suggest(f, self.figures)}")

    def conclusions(self, r: LoadedRule) -> None:
        then = r.rule.then
        for kind in ("support", "oppose", "exclude"):
            for dim, options in getattr(then, kind).items():
                if dim not in self.kb.dimensions:
                    self.bad(r, f"{kind}: '{dim}' is not a dimension{suggest(dim, self.kb.dimensions)}")
                    continue
                allowed = [o.id for o in self.kb.dimensions[dim].options]
                for o in [options] if isinstance(options, str) else options:
                    if o not in allowed:
                        self.bad(r, f"{kind}: '{o}' is not an option of {dim}{suggest(o, allowed)}")
                decided = self.decided_in.get(dim)
                if decided and self.order.index(decided) < self.order.index(r.stage):
                    self.bad(r, f"{kind}s {dim}, which is decided in stage '{decided}', before '{r.stage}'")
        if r.rule.confidence == "low" and (then.exclude or then.weight > 1):
            self.bad(r, "a low-confidence rule may not exclude an option or weigh more than 1")
        for name in then.derive:
            if name in self.kb.questions or name in self.kb.dimensions:
                self.bad(r, f"derives '{name}', which is a question or a dimension")
        for name, value in then.presume.items():
            self.presumption(r, name, value)

    def presumption(self, r: LoadedRule, name: str, value) -> None:
        """A rule may presume an answer to a choice or yes/no question, or a derived fact."""
        if name in self.kb.questions:
            q = self.kb.questions[name]
            allowed = [True, False] if q.type == "yes_no" else self.kb.choices(q) if q.type == "choice" else None
            if allowed is None:
                return self.bad(r, f"presumes '{name}', a {q.type} question; presume a fact derived from it instead")
        elif name in self.derived_in:
            allowed = sorted(self.kb.derived_facts[name], key=repr)
        else:
            known = list(self.kb.questions) + list(self.derived_in)
            return self.bad(r, f"presumes '{name}', which no question asks and no rule derives{suggest(name, known)}")
        if value not in allowed:
            hint = suggest(value, [str(a) for a in allowed]) if isinstance(value, str) else ""
            self.bad(r, f"presumes {name} = '{value}', which is not one of its values{hint}")
        return None

    def condition(self, r: LoadedRule, test: Test) -> None:
        kb, here, fact = self.kb, self.order.index(r.stage), test.fact
        if fact in kb.questions:
            q = kb.questions[fact]
            allowed = [True, False] if q.type == "yes_no" else kb.choices(q) if q.type in ("choice", "multi") else None
        elif fact in self.decided_in:
            if self.order.index(self.decided_in[fact]) >= here:
                return self.bad(r, f"reads the decision '{fact}', which is only made at the end of stage '{self.decided_in[fact]}'")
            allowed = [o.id for o in kb.dimensions[fact].options]
        elif fact in self.derived_in:
            first = min(self.order.index(s) for s in self.derived_in[fact])
            if first > here or (test.negated and first == here):
                return self.bad(r, f"reads '{fact}' before it is derived (stage '{self.order[first]}')")
            allowed = sorted(kb.derived_facts[fact], key=repr)
        else:
            known = list(kb.questions) + list(self.decided_in) + list(self.derived_in)
            return self.bad(r, f"reads '{fact}', which no question asks and no rule derives{suggest(fact, known)}")
        if allowed is None or test.op in ("gte", "lt", "exists", "unanswered"):
            return None
        for v in test.values():
            if v not in allowed:
                self.bad(r, f"tests {fact} for '{v}', which is not one of its values{suggest(v, allowed)}")
        return None

    def thresholds(self) -> None:
        for t in self.kb.thresholds.thresholds:
            periods = sorted(t.periods, key=lambda p: p.valid_from)
            for earlier, later in zip(periods, periods[1:]):
                if earlier.valid_until is None or earlier.valid_until > later.valid_from:
                    self.problems.append(Problem("knowledge/thresholds.yaml", f"periods overlap at {later.valid_from}", t.id))

    def questions(self) -> None:
        for q in self.kb.questions.values():
            if q.type in ("choice", "multi") and not self.kb.choices(q):
                self.problems.append(Problem(QUESTIONS, "a choice question needs options", q.id))
            if not q.ask_if:
                continue
            try:
                for conj in conditions.parse(q.ask_if):
                    for test in conj:
                        if test.fact not in self.kb.questions:
                            self.problems.append(Problem(QUESTIONS, f"ask_if reads '{test.fact}', which is not a question", q.id))
            except conditions.ConditionError as err:
                self.problems.append(Problem(QUESTIONS, f"ask_if: {err}", q.id))
