"""Validation against documented municipal decisions: run every case, compare the advice
with what the municipality decided, per dimension, and report agreement, confusion tables
and every disagreement with the rules that decided it and its analysis."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from advisor.advise import LAW_START, Advice, advise
from advisor.errors import InputError, Problem
from advisor.knowledge import KnowledgeBase
from advisor.models import Strict, validate
from advisor.scenario import check_answers, scenario_files
from advisor.yamlfile import read_yaml

DIMENSIONS = ("instrument", "regime", "procedure", "funding_form", "contract_form", "provider_count", "cooperation", "lots", "renewal")
KINDS = ("knowledge_gap", "against_good_practice", "sources_open", "law_overtaken")


class CaseSource(Strict):
    title: str
    publisher: str
    date: dt.date
    address: str


class Analysis(Strict):
    kind: Literal["knowledge_gap", "against_good_practice", "sources_open", "law_overtaken"]
    text: str = Field(min_length=1)


class Case(Strict):
    case: str
    source: CaseSource
    confidence: Literal["high", "medium", "low"]
    as_of: dt.date
    contracts_start: dt.date | None = None  # when the contracts decided on start, if the source says
    answers: dict[str, Any]
    evidence: dict[str, str]
    decision: dict[str, str]
    notes: str | None = None
    context: dict[str, Any] = {}  # what the source states that the advisor does not ask (yet)
    analysis: dict[str, Analysis] = {}


@dataclass
class Outcome:
    dimension: str
    expected: str
    got: str | None
    deciding: list[str]  # rules that supported what the advisor recommended

    @property
    def agrees(self) -> bool:
        return self.expected == self.got


@dataclass
class CaseResult:
    path: str
    case: Case | None = None
    advice: Advice | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return self.advice is not None and self.advice.status == "advised" and self.advice.as_of >= LAW_START


def advised_on(case: Case) -> dt.date:
    """The date the advice is computed for: the day of the decision; for a decision taken before the
    Wmo 2015 and the Jeugdwet came into force, on care under them, the day they did (as a user then
    would ask with --as-of). A decision under the old law lies outside the knowledge."""
    if case.as_of < LAW_START and case.contracts_start and case.contracts_start >= LAW_START:
        return LAW_START
    return case.as_of


def run_cases(kb: KnowledgeBase, folder: str | Path) -> list[CaseResult]:
    return [run_case(kb, path) for path in scenario_files([Path(folder)])]


def run_case(kb: KnowledgeBase, path: Path) -> CaseResult:
    result = CaseResult(str(path))
    try:
        doc = read_yaml(path)
        case = result.case = validate(Case, doc)
        unknown = [d for d in case.decision if d not in kb.dimensions]
        bad = [d for d, o in case.decision.items() if d in kb.dimensions and o not in kb.option_dimension]
        if unknown or bad:
            raise InputError([Problem(str(path), f"'{x}' is not a dimension or option", "decision") for x in unknown + bad])
        answers = check_answers(kb, case.answers, doc)
    except InputError as err:
        result.problems = err.problems
        return result
    advice = result.advice = advise(kb, answers, advised_on(case), name=case.case, path=str(path))
    provisional = advice.provisional()  # holds only while a question is open: no advice yet
    for dim in DIMENSIONS:
        if dim not in case.decision:
            continue
        decision = advice.decision(dim)
        got = decision.recommended if decision and dim not in provisional else None
        deciding = [r.rule for o in (decision.options if decision else []) if o.option == got for r in o.support]
        result.outcomes.append(Outcome(dim, case.decision[dim], got, deciding))
    return result


@dataclass
class Summary:
    agreement: dict[str, tuple[int, int]]  # dimension -> (agree, compared)
    confusion: dict[str, Counter]  # dimension -> Counter[(expected, got)]
    cases: int
    out_of_scope: int
    invalid: int


def summarise(results: list[CaseResult]) -> Summary:
    agreement, confusion = {}, {}
    for dim in DIMENSIONS:
        outcomes = [o for r in results if r.in_scope for o in r.outcomes if o.dimension == dim]
        agreement[dim] = (sum(o.agrees for o in outcomes), len(outcomes))
        confusion[dim] = Counter((o.expected, o.got or "—") for o in outcomes)
    return Summary(
        agreement, confusion, len(results),
        sum(1 for r in results if r.advice is not None and not r.in_scope),
        sum(1 for r in results if r.problems),
    )


INTRODUCTION = """
Each case is a decision a Dutch municipality or region actually took, documented in a public
source outside the advisor's own seed documents (`validation/cases/`, format in
`validation/README.md`). The advisor is run on the facts the source states, as of the date of
the decision, and its recommendation is compared with the decision per dimension. Every
disagreement is analysed as one of: **knowledge_gap** (the knowledge was wrong or missing; fixed,
with a source beyond the case), **against_good_practice** (the municipality chose against what
the sources advise; the advice stands), **sources_open** (the sources leave the choice open), or
**law_overtaken** (the law has since changed). The knowledge is never tuned to a single case.
Goals: at least 90% agreement on instrument and 80% on procedure and funding form.
"""


def markdown(results: list[CaseResult], introduction: str = INTRODUCTION, changes: str = "") -> str:
    """The report; `changes` (Markdown) says how the cases changed the knowledge."""
    s = summarise(results)
    lines = ["# Validation against documented municipal decisions", ""]
    if introduction:
        lines += [introduction.strip(), ""]
    lines += [
        f"{s.cases} cases; {s.cases - s.out_of_scope - s.invalid} advised, {s.out_of_scope} outside the advisor's "
        f"knowledge, {s.invalid} invalid. Generated by `advisor validate --format markdown`.",
        "",
        "## Agreement per dimension",
        "",
        "| dimension | agree / compared | agreement |",
        "|---|---|---|",
    ]
    for dim, (agree, n) in s.agreement.items():
        lines.append(f"| {dim} | {agree} / {n} | {_pct(agree, n)} |")
    lines += ["", "## Confusion tables", "", "Rows: what the municipality decided; columns: what the advisor recommends.", ""]
    for dim, counts in s.confusion.items():
        if not counts:
            continue
        expected = sorted({e for e, _ in counts})
        got = sorted({g for _, g in counts})
        lines += [f"### {dim}", "", "| decided \\ advised | " + " | ".join(got) + " |", "|---" * (len(got) + 1) + "|"]
        for e in expected:
            lines.append(f"| {e} | " + " | ".join(str(counts.get((e, g), "")) for g in got) + " |")
        lines.append("")
    if changes:
        lines += [changes.strip(), ""]
    lines += ["## Cases", ""]
    for r in results:
        lines += _case_lines(r)
    return "\n".join(lines) + "\n"


def _case_lines(r: CaseResult) -> list[str]:
    name = Path(r.path).name
    if r.problems:
        return [f"### {name}: invalid", ""] + [f"- {p}" for p in r.problems] + [""]
    c = r.case
    lines = [
        f"### {c.case}",
        "",
        f"`{name}` · source: [{c.source.title}]({c.source.address}), {c.source.publisher}, {c.source.date} · "
        f"confidence: {c.confidence} · decided: {c.as_of}",
        "",
    ]
    if not r.in_scope:
        lines += ["Outside the advisor's knowledge: it gives no advice here (as intended).", ""]
    for o in r.outcomes:
        if not r.in_scope:
            lines.append(f"- {o.dimension}: decided `{o.expected}` — not assessed")
            continue
        mark = "agrees" if o.agrees else "**disagrees**"
        where = c.evidence.get(o.dimension, "—")
        lines.append(f"- {o.dimension}: decided `{o.expected}` ({where}); advisor `{o.got or '—'}` — {mark}")
        if not o.agrees:
            if o.deciding:
                lines.append(f"  - decided by: {', '.join(f'`{x}`' for x in o.deciding)}")
            analysis = c.analysis.get(o.dimension)
            lines.append(f"  - analysis ({analysis.kind}): {analysis.text}" if analysis else "  - analysis: *not yet written*")
    if c.notes:
        lines += ["", f"Notes: {c.notes.strip()}"]
    return lines + [""]


def _pct(agree: int, n: int) -> str:
    return f"{100 * agree / n:.0f}%" if n else "—"


def recorded_agreement(markdown_text: str) -> dict[str, tuple[int, int]]:
    """The agreement table of a report, read back (for the regression test)."""
    out = {}
    for line in markdown_text.splitlines():
        parts = [p.strip() for p in line.strip("|").split("|")]
        if len(parts) == 3 and parts[0] in DIMENSIONS and "/" in parts[1]:
            agree, n = (int(x) for x in parts[1].split("/"))
            out[parts[0]] = (agree, n)
    return out
