"""Batch runs: many scenarios (files, folders, globs, CSV rows) advised in one go.

Each input becomes a job; a bad one becomes a failed result with its reason, and the run
goes on. Jobs run in worker processes when asked; results come back in input order, so
the output does not depend on the number of processes. The main process keeps of each
result only what the summaries need, and writes the summaries a piece at a time, so a long
batch runs in about the memory of a short one.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import glob
import hashlib
import io
import itertools
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from advisor import clock, render, workers
from advisor.advise import Advice, advise, advise_scenario, dated
from advisor.errors import InputError, OutputError, Problem
from advisor.files import decode, make_folder, write_atomic
from advisor.i18n import msg
from advisor.knowledge import KnowledgeBase
from advisor.loader import load_knowledge
from advisor.portfolio import is_portfolio, segment_ids
from advisor.safe import cell, json_text
from advisor.scenario import check_answers, load_scenario, scenario_files
from advisor.strategy import advise_segment

SUMMARY_DIMENSIONS = (
    "instrument",
    "regime",
    "procedure",
    "funding_form",
    "contract_form",
    "provider_count",
    "kraljic_segment",
    "contract_duration",
)
CSV_RESERVED = {"scenario", "as_of", "description"}
CSV_LIST_SEPARATORS = re.compile(r"\s*[;|]\s*")
MAX_CSV_BYTES = 20_000_000
SUMMARY_KEYS = ("scenario", "status", "as_of", "care_form", "contract_value", *SUMMARY_DIMENSIONS,
                "close_calls", "warnings", "warning_rules", "expected", "differs_from_expected")  # of `summarise`, in its order


@dataclass(frozen=True, slots=True)
class Job:
    """One scenario to advise: a YAML file, or a row of a CSV file.

    A CSV row is kept as its cells beside the header its file's rows share, so that a batch
    of thousands of rows holds little more than the text of their cells."""

    index: int
    source: str  # file, or file:row
    name: str  # the base name of its report files, unique in the run (see _names)
    path: str | None = None
    columns: tuple[str, ...] = ()  # a CSV row: the header of its file
    cells: tuple[str, ...] = ()  # and the row's cells, in the header's order
    line: int | None = None
    segment: int | None = None  # a segment of a portfolio file

    @property
    def row(self) -> dict[str, str] | None:
        """A CSV row, column -> cell; None for a file."""
        return dict(zip(self.columns, self.cells)) if self.columns else None


@dataclass(frozen=True, slots=True)
class Result:
    """A job's outcome as the summaries need it: the values of its summary in the order of
    SUMMARY_KEYS (none when it failed), or the problems that stopped it. Kept compact, as a
    batch holds one per scenario until the end: strings shared, lists and dicts as tuples."""

    job: Job
    values: tuple = ()
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, job: Job, summary: dict[str, Any] | None, problems: list[Problem]) -> Result:
        return cls(job, tuple(_compact(summary[k]) for k in SUMMARY_KEYS) if summary else (), tuple(problems))

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def scenario(self) -> str:
        return self.values[0] if self.values else ""

    def get(self, key: str) -> Any:
        """One value of the summary; None when the job failed."""
        return self.values[SUMMARY_KEYS.index(key)] if self.values else None

    @property
    def summary(self) -> dict[str, Any]:
        """The summary as `summarise` gave it (lists as tuples); empty when the job failed."""
        if not self.values:
            return {}
        summary = dict(zip(SUMMARY_KEYS, self.values))
        summary["expected"] = dict(summary["expected"])
        return summary


def _compact(value: Any) -> Any:
    """`value` with its strings shared with equal ones and its lists and dicts as tuples (a
    dict as its pairs)."""
    if type(value) is str:
        return sys.intern(value)
    if isinstance(value, list):
        return tuple(map(_compact, value))
    if isinstance(value, dict):
        return tuple((_compact(k), _compact(v)) for k, v in value.items())
    return value


def collect(inputs: list[str], output: Path | None = None) -> tuple[list[Job], list[Problem]]:
    """Expand files, folders (recursively) and globs; read CSV rows. Unreadable inputs are problems.

    Inside folders, files that are not regular files (a FIFO, a socket) are skipped with a
    message, and so are the `output` folder and the summary.csv files the advisor wrote."""
    problems: list[Problem] = []
    found: list[tuple[Path, str]] = []  # each file, and its path relative to the input it came from
    for given in inputs:
        matches = sorted(glob.glob(given, recursive=True)) if glob.has_magic(given) else [given]
        if not matches:
            problems.append(Problem(given, msg("error.no_match")))
        for match in map(Path, matches):
            if not match.is_dir():
                found.append((match, str(match.with_suffix(""))))
                continue
            for path in _folder_files(match, output):
                if path.is_file():
                    found.append((path, str(path.relative_to(match).with_suffix(""))))
                else:
                    problems.append(Problem(str(path), "is not a regular file (a FIFO, socket or device); skipped"))
    items: list[tuple[str, str, dict]] = []  # short name, long name, the job's fields
    first: dict[Path, str] = {}
    for path, relative in found:
        first.setdefault(path, relative)
    for path, relative in first.items():
        if path.suffix.lower() != ".csv" and is_portfolio(path):
            for i, sid in enumerate(segment_ids(path) or ["portfolio"]):
                fields = {"source": f"{path}#{sid}", "path": str(path), "segment": i}
                items.append((f"{_slug(path.stem)}-{sid}", f"{_slug(relative)}-{sid}", fields))
            continue
        if path.suffix.lower() != ".csv":
            items.append((_slug(path.stem), _slug(relative), {"source": str(path), "path": str(path)}))
            continue
        columns, rows, bad = _csv_rows(path)
        problems += bad
        name = str(path)
        for line, cells in rows:
            row_id = _slug(cells[columns.index("scenario")] or str(line))
            fields = {"source": f"{name}:{line}", "path": name, "columns": columns, "cells": cells, "line": line}
            items.append((f"{_slug(path.stem)}-{row_id}", f"{_slug(relative)}-{row_id}", fields))
    names = _names([(short, long, fields["source"]) for short, long, fields in items])
    return [Job(i, name=name, **fields) for i, (name, (_, _, fields)) in enumerate(zip(names, items))], problems


def _folder_files(folder: Path, output: Path | None) -> list[Path]:
    """The scenario and CSV files under `folder`, without the output folder and the advisor's own summaries."""
    paths = scenario_files([folder]) + sorted(folder.rglob("*.csv"))
    if output is not None and output.resolve() != folder.resolve():
        skip = output.resolve()
        paths = [p for p in paths if skip not in p.resolve().parents]
    return [p for p in paths if not _written_by_advisor(p)]


def _written_by_advisor(path: Path) -> bool:
    """A summary.csv of an earlier run: its header is the summary's."""
    if path.name != "summary.csv" or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().strip() == ",".join(CSV_COLUMNS)
    except OSError:
        return False


def _csv_rows(path: Path) -> tuple[tuple[str, ...], list[tuple[int, tuple[str, ...]]], list[Problem]]:
    """The named columns of a CSV file; its rows, each as its line and the cells of those
    columns (a missing cell is empty; equal cells are one string); and a problem, with its
    line, for each row that cannot be read as written: nothing is dropped or split silently."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            return (), [], [Problem(name, msg("csv.too_big", limit=f"{MAX_CSV_BYTES:,}"))]
        text = decode(path.read_bytes(), name, "CSV")
    except InputError as err:
        return (), [], err.problems
    except OSError as err:
        return (), [], [Problem(name, msg("csv.unreadable", reason=err.strerror or err))]
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # the header says which separator; quotes stay "" as in Excel
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as err:
        return (), [], [Problem(name, _csv_error(err), line=1)]
    twice = sorted(h for h, n in Counter(header).items() if h and n > 1)
    if "scenario" not in header:
        return (), [], [Problem(name, msg("csv.no_header"), line=1)]
    if twice:
        return (), [], [Problem(name, msg("csv.duplicate_column", column=h), line=1) for h in twice]
    rows, problems = [], []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(name, _csv_error(err), line=line))
            break
        lost = [c for h, c in itertools.zip_longest(header, cells) if not h and c and c.strip()]
        if lost:
            problems.append(Problem(name, msg("csv.extra_cells", cells=len(cells), header=len(header), cell=_cut(lost[0])), line=line))
            continue
        row = tuple(sys.intern(c.strip()) for h, c in itertools.zip_longest(header, cells, fillvalue="") if h)
        if any(row):
            rows.append((line, row))
    return tuple(h for h in header if h), rows, problems


def _csv_error(err: csv.Error) -> str:
    text = str(err)
    if "end of data" in text:
        return msg("csv.open_quote")
    if "field limit" in text:
        return msg("csv.long_cell", limit=f"{csv.field_size_limit():,}")
    return msg("csv.other", problem=text)


def _cut(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[:size] + "..."


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "scenario"


RESERVED_NAMES = {"summary"}  # summary.csv and summary.json
MAX_NAME = 120  # characters (all ASCII): with a hash and a suffix well under the 255 bytes of a file name


def _names(items: list[tuple[str, str, str]]) -> list[str]:
    """A unique, stable report name per job, from (short name, name from the relative path, source).

    The short name (file stem, or CSV stem and row id) when no other job has it; else the
    relative path; when even that is taken, reserved or too long, it gets a hash of the
    job's source. The names depend only on the set of inputs, not on their order."""
    short = Counter(s.casefold() for s, _, _ in items)
    chosen = [s if short[s.casefold()] == 1 else long for s, long, _ in items]
    taken = Counter(n.casefold() for n in chosen)
    return [
        f"{n[:MAX_NAME]}-{hashlib.sha256(source.encode()).hexdigest()[:10]}"
        if taken[n.casefold()] > 1 or n.casefold() in RESERVED_NAMES or len(n) > MAX_NAME else n
        for n, (_, _, source) in zip(chosen, items)
    ]


# --- running -------------------------------------------------------------------
_KB: KnowledgeBase | None = None
_SETTINGS: dict[str, Any] = {}


def _init(root: str | None, settings: dict[str, Any]) -> None:
    global _KB
    if _KB is None or str(_KB.root) != str(root or _KB.root):
        _KB = load_knowledge(root)
        gc.freeze()  # the knowledge lives as long as the process: the collector need not walk it again and again
    _SETTINGS.update(settings)


def _work(job: Job) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Advise on one job in this process: validate, run, summarise, and render the reports
    asked for. Its summary, or the problems that stopped it."""
    kb, settings = _KB, _SETTINGS
    try:
        advice = _advise(kb, job, settings["as_of"])
    except InputError as err:
        return None, err.problems
    if settings["output"]:
        folder = settings["output"]
        for fmt, text in render.reports(advice, kb, settings["lang"], settings["reports"]).items():
            write_atomic(folder / f"{job.name}.{SUFFIX[fmt]}", text, folder_made=True)
    return summarise(advice), []


def _advise(kb: KnowledgeBase, job: Job, as_of: dt.date | None) -> Advice:
    if job.segment is not None:
        return advise_segment(kb, job.path, job.segment, as_of)
    if job.row is None:
        return advise_scenario(kb, load_scenario(kb, job.path), as_of)
    answers, on, problems = {}, as_of, []
    for column, cell in job.row.items():
        if column in CSV_RESERVED or not cell:
            continue
        question = kb.questions.get(column)
        answers[column] = CSV_LIST_SEPARATORS.split(cell) if question and question.type == "multi" else cell
    if not as_of and job.row.get("as_of"):
        try:
            on = dt.date.fromisoformat(job.row["as_of"])
        except ValueError:
            problems.append(Problem(job.path, f"'{job.row['as_of']}' is not a date (YYYY-MM-DD)", "as_of", job.line))
    try:
        typed = check_answers(kb, answers)
    except InputError as err:
        problems += [Problem(job.path, p.message, p.key.removeprefix("answers."), job.line) for p in err.problems]
    if problems:
        raise InputError(problems)
    return dated(advise(kb, typed, on or clock.today(), name=job.row.get("scenario") or job.name, path=job.source), on)


def summarise(advice: Advice) -> dict[str, Any]:
    recommended = advice.recommended()
    return {
        "scenario": advice.scenario,
        "status": advice.status,
        "as_of": advice.as_of.isoformat(),
        "care_form": advice.answers.get("care_form"),
        "contract_value": advice.answers.get("contract_value"),
        **{d: recommended.get(d) for d in SUMMARY_DIMENSIONS},
        "close_calls": [d.dimension for d in advice.decisions if d.close_call],
        "warnings": len(advice.warnings),
        "warning_rules": [w.reason.rule for w in advice.warnings],
        "expected": dict(advice.expected),
        "differs_from_expected": advice.differs_from_expected(),
    }


def run(
    jobs: list[Job],
    *,
    root: str | None = None,
    as_of: dt.date | None = None,
    lang: str = "nl",
    output: Path | None = None,
    reports: Iterable[str] = render.REPORTS,
    processes: int = 1,
    fail_fast: bool = False,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Advise on every job, in input order; with `fail_fast`, stop after the first failure.

    With `output`, each scenario's `reports` (of "json", "markdown" and "html"; all three by
    default, none with an empty list) are written there by the process that advised it, as
    soon as it is done, each file atomically; a report not asked for is not rendered either.
    Reports of an earlier run that are not asked for now are left alone. ValueError for an
    unknown report format."""
    settings = {"as_of": as_of, "lang": lang, "output": Path(output) if output else None,
                "reports": render.report_formats(reports)}
    if output:
        make_folder(Path(output) / "summary.csv")  # once for every report of the run
        remove_summary(output)  # an interrupted run must not leave an old summary beside new reports
    results = []
    with workers.interruptible(), contextlib.closing(_results(jobs, root, settings, processes)) as running:
        for result in running:
            results.append(result)
            if progress:
                progress(result)
            if fail_fast and result.failed:
                break
    return results


def _results(jobs: list[Job], root, settings, processes: int) -> Iterator[Result]:
    """The workers send back the outcome alone; each result refers to the job of this process."""
    _init(root, settings)
    if processes <= 1 or len(jobs) < 2:
        outcomes = (_work(job) for job in jobs)
    else:
        outcomes = workers.imap(_work, jobs, processes, _init, (root, settings))
    with contextlib.closing(outcomes):
        for job, (summary, problems) in zip(jobs, outcomes):
            yield Result.of(job, summary, problems)


# --- outputs -------------------------------------------------------------------
SUFFIX = {"json": "json", "markdown": "md", "html": "html"}
CSV_COLUMNS = ("id", "scenario", "source", "status", "as_of", "care_form", "contract_value", *SUMMARY_DIMENSIONS, "close_calls", "warnings", "matches_expected", "error")


def rows(results: list[Result]) -> Iterator[dict[str, Any]]:
    """One flat row per scenario, failures included."""
    for r in results:
        row = {"id": r.job.name, "scenario": r.scenario or r.job.name, "source": r.job.source, **r.summary}
        if r.failed:
            row["status"] = "error"
            row["error"] = " | ".join(str(p) for p in r.problems)
        yield row


def overview(results: list[Result]) -> dict[str, Any]:
    """Per dimension how many scenarios got each option, and which scenarios carry warnings."""
    done = [r for r in results if not r.failed]
    counts = {
        d: dict(sorted(Counter(r.get(d) or "—" for r in done if r.get("status") == "advised").items()))
        for d in SUMMARY_DIMENSIONS
    }
    return {
        "scenarios": len(results),
        "advised": sum(r.get("status") == "advised" for r in done),
        "out_of_scope": sum(r.get("status") == "out_of_scope" for r in done),
        "failed": sum(r.failed for r in results),
        "options": counts,
        "with_warnings": [r.job.name for r in done if r.get("warnings")],
    }


def matches(row: dict[str, Any]) -> bool | None:
    """Does the advice match the scenario's `expected:`? None when it states nothing (or failed)."""
    if row.get("status") == "error" or not row.get("expected"):
        return None
    return not row["differs_from_expected"]


def csv_pieces(results: list[Result]) -> Iterator[str]:
    """summary.csv, some rows at a time."""
    return _in_pieces(_csv_lines(results))


def _csv_lines(results: list[Result]) -> Iterator[str]:
    line = io.StringIO()
    writer = csv.DictWriter(line, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    yield _taken(line)
    for row in rows(results):
        full = {**row, "close_calls": ";".join(row.get("close_calls", [])), "matches_expected": matches(row)}
        writer.writerow({k: cell(v) for k, v in full.items()})
        yield _taken(line)


def jsonl_pieces(results: list[Result]) -> Iterator[str]:
    """A JSON line per scenario, some lines at a time."""
    return _in_pieces(json_text(row) + "\n" for row in rows(results))


def json_pieces(results: list[Result]) -> Iterator[str]:
    """summary.json a row at a time: the text of json_text({"overview": ..., "scenarios": rows},
    indent=2) without holding it whole."""
    yield '{\n  "overview": ' + _nested(overview(results), 1) + ',\n  "scenarios": ['
    for i, row in enumerate(rows(results)):
        yield ("," if i else "") + "\n    " + _nested(row, 2)
    yield ("\n  ]" if results else "]") + "\n}\n"


def _nested(data: Any, depth: int) -> str:
    """json_text(data, indent=2) as it reads `depth` levels deep in a document indented so."""
    return json_text(data, indent=2).replace("\n", "\n" + "  " * depth)


def _in_pieces(lines: Iterable[str], size: int = 200) -> Iterator[str]:
    """The lines joined `size` at a time: pieces short enough to hold, few enough to write fast."""
    lines = iter(lines)
    while piece := "".join(itertools.islice(lines, size)):
        yield piece


def _taken(buffer: io.StringIO) -> str:
    """What `buffer` holds, leaving it empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def remove_summary(folder: Path) -> None:
    for name in ("summary.csv", "summary.json"):
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError as err:
            raise OutputError(folder / name, err.strerror or str(err)) from None


def write_summary(folder: Path, results: list[Result]) -> None:
    """summary.csv and summary.json, each written atomically."""
    write_atomic(folder / "summary.csv", csv_pieces(results))
    write_atomic(folder / "summary.json", json_pieces(results))
