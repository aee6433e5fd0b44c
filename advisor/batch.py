"""Batch runs: many scenarios (files, folders, globs, CSV rows) advised in one go.

Each input becomes a job; a bad one becomes a failed result with its reason, and the run
goes on. Jobs run in worker processes when asked; results come back in input order, so
the output does not depend on the number of processes.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import json
import multiprocessing
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from advisor import render
from advisor.advise import Advice, advise, advise_scenario
from advisor.errors import InputError, Problem
from advisor.files import write_atomic
from advisor.i18n import msg
from advisor.knowledge import KnowledgeBase
from advisor.loader import load_knowledge
from advisor.scenario import check_answers, load_scenario, scenario_files

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


@dataclass(frozen=True)
class Job:
    """One scenario to advise: a YAML file, or a row of a CSV file."""

    index: int
    source: str  # file, or file:row
    name: str  # file stem, or csv stem + scenario id: the base name of its report files
    path: str | None = None
    row: dict[str, str] | None = None
    line: int | None = None


@dataclass
class Result:
    job: Job
    scenario: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def collect(inputs: list[str]) -> tuple[list[Job], list[Problem]]:
    """Expand files, folders (recursively) and globs; read CSV rows. Unreadable inputs are problems."""
    jobs: list[Job] = []
    problems: list[Problem] = []
    paths: list[Path] = []
    for given in inputs:
        matches = sorted(glob.glob(given, recursive=True)) if glob.has_magic(given) else [given]
        if not matches:
            problems.append(Problem(given, msg("error.no_match")))
        for match in matches:
            p = Path(match)
            paths += scenario_files([p]) + (sorted(p.rglob("*.csv")) if p.is_dir() else [])
    names: Counter = Counter()
    for path in dict.fromkeys(paths):
        if path.suffix.lower() == ".csv":
            rows, bad = _csv_rows(path)
            problems += bad
            for line, row in rows:
                name = _unique(names, f"{path.stem}-{_slug(row.get('scenario') or str(line))}")
                jobs.append(Job(len(jobs), f"{path}:{line}", name, row=row, line=line, path=str(path)))
        else:
            jobs.append(Job(len(jobs), str(path), _unique(names, _slug(path.stem)), path=str(path)))
    return jobs, problems


def _csv_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            return [], [Problem(str(path), f"file is larger than {MAX_CSV_BYTES:,} bytes")]
        raw = path.read_bytes()
        if b"\x00" in raw:
            return [], [Problem(str(path), "is a binary file, not CSV text")]
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return [], [Problem(str(path), f"is not UTF-8 text (byte {err.start})")]
    except OSError as err:
        return [], [Problem(str(path), f"cannot be read: {err.strerror or err}")]
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        pass
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames or "scenario" not in [f.strip() for f in reader.fieldnames]:
        return [], [Problem(str(path), "needs a header row with a 'scenario' column and a column per question id", line=1)]
    rows = []
    for row in reader:
        cleaned = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if any(cleaned.values()):
            rows.append((reader.line_num, cleaned))
    return rows, []


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "scenario"


def _unique(names: Counter, name: str) -> str:
    names[name] += 1
    return name if names[name] == 1 else f"{name}-{names[name]}"


# --- running -------------------------------------------------------------------
_KB: KnowledgeBase | None = None
_SETTINGS: dict[str, Any] = {}


def _init(root: str | None, settings: dict[str, Any]) -> None:
    global _KB
    if _KB is None or str(_KB.root) != str(root or _KB.root):
        _KB = load_knowledge(root)
    _SETTINGS.update(settings)


def _work(job: Job) -> Result:
    """Advise on one job in this process: validate, run, summarise and render its reports."""
    kb, settings = _KB, _SETTINGS
    result = Result(job)
    try:
        advice = _advise(kb, job, settings["as_of"])
    except InputError as err:
        result.problems = err.problems
        return result
    result.scenario = advice.scenario
    result.summary = summarise(advice)
    if settings["output"]:
        for fmt, text in render.reports(advice, kb, settings["lang"]).items():
            write_atomic(Path(settings["output"]) / f"{job.name}.{SUFFIX[fmt]}", text)
    return result


def _advise(kb: KnowledgeBase, job: Job, as_of: dt.date | None) -> Advice:
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
    return advise(kb, typed, on or dt.date.today(), name=job.row.get("scenario") or job.name, path=job.source)


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
    processes: int = 1,
    fail_fast: bool = False,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Advise on every job, in input order; with `fail_fast`, stop after the first failure.

    With `output`, each scenario's reports (JSON and Markdown) are written there by the
    process that advised it, as soon as it is done, each file atomically."""
    settings = {"as_of": as_of, "lang": lang, "output": str(output) if output else None}
    results = []
    for result in _results(jobs, root, settings, processes):
        results.append(result)
        if progress:
            progress(result)
        if fail_fast and result.failed:
            break
    return results


def _results(jobs: list[Job], root, settings, processes: int) -> Iterator[Result]:
    _init(root, settings)
    if processes <= 1 or len(jobs) < 2:
        yield from map(_work, jobs)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(processes, initializer=_init, initargs=(root, settings)) as pool:
        yield from pool.imap(_work, jobs, chunksize=max(1, min(64, len(jobs) // (processes * 8))))


# --- outputs -------------------------------------------------------------------
SUFFIX = {"json": "json", "markdown": "md", "html": "html"}
CSV_COLUMNS = ("id", "scenario", "source", "status", "as_of", "care_form", "contract_value", *SUMMARY_DIMENSIONS, "close_calls", "warnings", "matches_expected", "error")


def rows(results: list[Result]) -> list[dict[str, Any]]:
    """One flat row per scenario, failures included."""
    out = []
    for r in results:
        row = {"id": r.job.name, "scenario": r.scenario or r.job.name, "source": r.job.source, **r.summary}
        if r.failed:
            row["status"] = "error"
            row["error"] = " | ".join(str(p) for p in r.problems)
        out.append(row)
    return out


def overview(results: list[Result]) -> dict[str, Any]:
    """Per dimension how many scenarios got each option, and which scenarios carry warnings."""
    done = [r for r in results if not r.failed]
    counts = {
        d: dict(sorted(Counter(r.summary.get(d) or "—" for r in done if r.summary["status"] == "advised").items()))
        for d in SUMMARY_DIMENSIONS
    }
    return {
        "scenarios": len(results),
        "advised": sum(r.summary.get("status") == "advised" for r in done),
        "out_of_scope": sum(r.summary.get("status") == "out_of_scope" for r in done),
        "failed": sum(r.failed for r in results),
        "options": counts,
        "with_warnings": [r.job.name for r in done if r.summary["warnings"]],
    }


def matches(row: dict[str, Any]) -> bool | None:
    """Does the advice match the scenario's `expected:`? None when it states nothing (or failed)."""
    if row.get("status") == "error" or not row.get("expected"):
        return None
    return not row["differs_from_expected"]


def csv_text(results: list[Result]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows(results):
        writer.writerow({**row, "close_calls": ";".join(row.get("close_calls", [])), "matches_expected": matches(row)})
    return buffer.getvalue()


def jsonl_text(results: list[Result]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows(results))


def write_summary(folder: Path, results: list[Result]) -> None:
    """summary.csv and summary.json, each written atomically."""
    write_atomic(folder / "summary.csv", csv_text(results))
    summary = {"overview": overview(results), "scenarios": rows(results)}
    write_atomic(folder / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
