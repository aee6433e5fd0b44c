"""Validation against documented municipal decisions: run every case, compare the advice
with what the municipality decided, per dimension, and report agreement, confusion tables
and every disagreement with the rules that decided it and its analysis.

Portfolios take part too: each segment states what its source chose (`expected:`), the
strategy compares it with the advice (advisor/strategy.py), and the report gives the
agreement per dimension over the segments, apart from the cases, with the portfolio's own
explanation of each difference (`differences:`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, get_args

from pydantic import Field

from advisor.advise import LAW_START, Advice, advise
from advisor.errors import InputError, Problem
from advisor.knowledge import KnowledgeBase
from advisor.models import Strict, validate
from advisor.scenario import check_answers, scenario_files
from advisor.portfolio import is_portfolio
from advisor.safe import markdown as md
from advisor.yamlfile import read_yaml

if TYPE_CHECKING:
    from advisor.strategy import SegmentResult, Strategy

DIMENSIONS = ("instrument", "regime", "procedure", "funding_form", "contract_form", "provider_count", "cooperation", "lots", "renewal")
Kind = Literal["sources_open", "against_good_practice", "knowledge_gap", "law_overtaken"]  # the analyses of a difference
KINDS = get_args(Kind)


class CaseSource(Strict):
    title: str
    publisher: str
    date: dt.date
    address: str


class Analysis(Strict):
    kind: Kind
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
    note: str | None = None  # a portfolio's explanation of a difference (`differences:`)

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


@dataclass
class SegmentOutcomes:
    """One segment of a portfolio: what its source chose against what the advisor recommends."""

    id: str
    name: str
    status: str
    outcomes: list[Outcome]


@dataclass
class PortfolioResult:
    path: str
    strategy: Strategy | None = None
    segments: list[SegmentOutcomes] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for s in self.segments for o in s.outcomes]


def run_cases(kb: KnowledgeBase, folder: str | Path) -> list[CaseResult]:
    return [run_case(kb, path) for path in scenario_files([Path(folder)])]


def default_paths(root: Path) -> list[Path]:
    """The bundled validation set: the cases and the example portfolios (those that exist)."""
    found = [p for p in (Path(root) / "validation" / "cases", Path(root) / "examples" / "portfolios") if p.is_dir()]
    return found or [Path(root) / "validation" / "cases"]


def changes(paths: list[Path]) -> str:
    """How the cases changed the knowledge: `changes.md` beside the first folder given (for
    `validation/cases`, `validation/changes.md`), or nothing."""
    first = Path(paths[0])
    path = (first if first.is_dir() else first.parent).parent / "changes.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def run(kb: KnowledgeBase, paths: list[Path]) -> tuple[list[CaseResult], list[PortfolioResult]]:
    """Every YAML file under `paths`: a portfolio (a top-level `portfolio:` key) or a case."""
    files = scenario_files(paths)
    portfolios = [run_portfolio(kb, p) for p in files if is_portfolio(p)]
    return [run_case(kb, p) for p in files if not is_portfolio(p)], portfolios


def run_portfolio(kb: KnowledgeBase, path: Path) -> PortfolioResult:
    from advisor.strategy import strategy_file
    from advisor.strategy_knowledge import load_strategy_knowledge

    result = PortfolioResult(str(path))
    try:
        result.strategy = strategy_file(kb, load_strategy_knowledge(kb), path)
    except InputError as err:
        result.problems = err.problems
        return result
    result.segments = [_segment_outcomes(s) for s in result.strategy.segments]
    return result


def _segment_outcomes(s: SegmentResult) -> SegmentOutcomes:
    outcomes = [Outcome(c.dimension, c.expected, c.got, _deciding(s.advice, c.dimension, c.got), c.note) for c in s.comparisons]
    return SegmentOutcomes(s.id, s.name, s.advice.status, outcomes)


def _deciding(advice: Advice, dim: str, got: str | None) -> list[str]:
    """The rules that supported what the advisor recommended on a dimension."""
    decision = advice.decision(dim)  # None for 'status'
    return [r.rule for o in (decision.options if decision else []) if o.option == got for r in o.support]


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
        result.outcomes.append(Outcome(dim, case.decision[dim], got, _deciding(advice, dim, got)))
    return result


@dataclass
class Summary:
    agreement: dict[str, tuple[int, int]]  # dimension -> (agree, compared)
    confusion: dict[str, Counter]  # dimension -> Counter[(expected, got)]
    cases: int
    out_of_scope: int
    invalid: int


def agreement(outcomes: Iterable[Outcome], dimensions: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Dimension -> (agree, compared)."""
    outcomes = list(outcomes)
    return {d: (sum(o.agrees for o in outcomes if o.dimension == d), sum(o.dimension == d for o in outcomes)) for d in dimensions}


def summarise(results: list[CaseResult]) -> Summary:
    confusion = {}
    for dim in DIMENSIONS:
        outcomes = [o for r in results if r.in_scope for o in r.outcomes if o.dimension == dim]
        confusion[dim] = Counter((o.expected, o.got or "—") for o in outcomes)
    return Summary(
        agreement((o for r in results if r.in_scope for o in r.outcomes), DIMENSIONS), confusion, len(results),
        sum(1 for r in results if r.advice is not None and not r.in_scope),
        sum(1 for r in results if r.problems),
    )


# The order of the dimensions in the portfolio part: the status first, then the route as the
# strategy shows it; a dimension not named here follows in the order the portfolios name it.
PORTFOLIO_ORDER = ("status", "kraljic_segment", *DIMENSIONS[:6], "contract_duration", *DIMENSIONS[6:])


def portfolio_agreement(portfolios: list[PortfolioResult]) -> dict[str, tuple[int, int]]:
    """Dimension -> (agree, compared) over the segments of every portfolio."""
    outcomes = [o for p in portfolios for o in p.outcomes]
    named = list(dict.fromkeys(o.dimension for o in outcomes))
    return agreement(outcomes, sorted(named, key=lambda d: (d not in PORTFOLIO_ORDER, PORTFOLIO_ORDER.index(d) if d in PORTFOLIO_ORDER else named.index(d))))


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


def markdown(results: list[CaseResult], introduction: str = INTRODUCTION, changes: str = "", portfolios: list[PortfolioResult] = ()) -> str:
    """The report; `changes` (Markdown) says how the cases changed the knowledge; the
    portfolios, if any, follow the cases in a part of their own (without cases, they are the report)."""
    lines = ["# Validation against documented municipal decisions", ""]
    if results or not portfolios:
        lines += ([introduction.strip(), ""] if introduction else []) + _case_part(results, changes, portfolios)
    if portfolios:
        lines += _portfolio_part(portfolios)
    return "\n".join(lines) + "\n"


def _case_part(results: list[CaseResult], changes: str, portfolios: list[PortfolioResult]) -> list[str]:
    s = summarise(results)
    lines = [
        f"{s.cases} cases; {s.cases - s.out_of_scope - s.invalid} advised, {s.out_of_scope} outside the advisor's "
        f"knowledge, {s.invalid} invalid. Generated by `advisor validate --format markdown`.",
        "",
    ]
    if portfolios:
        segments = sum(len(p.segments) for p in portfolios)
        lines += [f"{_count(len(portfolios), 'portfolio')} with {_count(segments, 'segment')} follow in "
                  "[a part of their own](#portfolios).", ""]
    lines += [AGREEMENT, ""] + _agreement_table(s.agreement) + [""] + _differences_table(results)
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
    return lines


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


AGREEMENT = "## Agreement per dimension"
SEGMENT_AGREEMENT = "### Agreement per dimension over the segments"

PORTFOLIOS = """
Each portfolio (`advisor strategy`, format in the README) states per segment what its source
chose (`expected:`), and explains each difference with a source (`differences:`). Each segment
is advised as in the strategy document, as of the portfolio's date, and compared per dimension;
`status` is whether the advisor advises at all. The portfolios that follow a seed strategy
(Friesland 2022, Midden-Limburg West 2020) come from documents the knowledge was built from, so
their agreement shows that the knowledge reproduces its own sources, not how it fares on
decisions it has never seen: that is what the cases are for. The two are counted apart.
"""


def _agreement_table(agreement: dict[str, tuple[int, int]]) -> list[str]:
    lines = ["| dimension | agree / compared | agreement |", "|---|---|---|"]
    return lines + [f"| {dim} | {agree} / {n} | {_pct(agree, n)} |" for dim, (agree, n) in agreement.items()]


def _differences_table(results: list[CaseResult]) -> list[str]:
    """Per dimension, the differences counted by the kind of their analysis."""
    counts: dict[str, Counter] = {}
    for r in results:
        for o in (o for o in r.outcomes if r.in_scope and not o.agrees):
            analysis = r.case.analysis.get(o.dimension)
            counts.setdefault(o.dimension, Counter())[analysis.kind if analysis else "not analysed"] += 1
    kinds = [k for k in (*KINDS, "not analysed") if any(c[k] for c in counts.values())]
    lines = ["Differences by their analysis:", "", "| dimension | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    return lines + [f"| {dim} | " + " | ".join(str(counts[dim][k] or "") for k in kinds) + " |" for dim in DIMENSIONS if dim in counts]


def _portfolio_part(portfolios: list[PortfolioResult]) -> list[str]:
    segments = [s for p in portfolios for s in p.segments]
    compared = [s for s in segments if s.outcomes]
    invalid = sum(1 for p in portfolios if p.problems)
    lines = ["## Portfolios", "", PORTFOLIOS.strip(), ""]
    lines += [f"{_count(len(portfolios), 'portfolio')}, {invalid} invalid; {_count(len(segments), 'segment')}, {len(compared)} of "
              "them with what their source chose.", "", SEGMENT_AGREEMENT, ""]
    lines += _agreement_table(portfolio_agreement(portfolios)) + [""]
    for p in portfolios:
        lines += _portfolio_lines(p)
    return lines


def _portfolio_lines(p: PortfolioResult) -> list[str]:
    name = Path(p.path).name
    if p.problems:
        return [f"### {name}: invalid", ""] + [f"- {md(x)}" for x in p.problems] + [""]
    portfolio = p.strategy.portfolio
    meta = [f"`{name}`", md(portfolio.region), f"as of {p.strategy.as_of}", f"start {portfolio.start}"]
    lines = [f"### {md(portfolio.portfolio)}", "", " · ".join(meta), ""]
    if not any(s.outcomes for s in p.segments):
        return lines + ["No segment states what a source chose (`expected:`): nothing to compare.", ""]
    for s in p.segments:
        lines.append(f"- **{md(s.name)}** (`{s.id}`)" + ("" if s.outcomes else ": no choice of the source stated"))
        for o in s.outcomes:
            mark = "agrees" if o.agrees else "**differs**"
            lines.append(f"  - {o.dimension}: source chose `{o.expected}`; advisor `{o.got or '—'}` — {mark}")
            if not o.agrees:
                if o.deciding:
                    lines.append(f"    - decided by: {', '.join(f'`{x}`' for x in o.deciding)}")
                lines.append(f"    - explanation: {md(' '.join(o.note.split()))}" if o.note else "    - explanation: *not yet written*")
    return lines + [""]


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


def recorded_agreement(markdown_text: str, heading: str = AGREEMENT) -> dict[str, tuple[int, int]]:
    """The agreement table under `heading` in a report, read back (for the regression test):
    the cases' by default, SEGMENT_AGREEMENT for the portfolios'."""
    out = {}
    lines = markdown_text.splitlines()
    start = lines.index(heading) + 1 if heading in lines else len(lines)
    for line in lines[start:]:
        if line.startswith("#"):
            break
        parts = [p.strip() for p in line.strip("|").split("|")]
        if len(parts) == 3 and re.fullmatch(r"\d+ / \d+", parts[1]):
            agree, n = (int(x) for x in parts[1].split("/"))
            out[parts[0]] = (agree, n)
    return out
