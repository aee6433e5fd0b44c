"""The speed goals as ratios, every row measured in the same run on the same machine.

    .venv/bin/python bench/ratios.py [--markdown] [--quick]

| row | measured | against |
|---|---|---|
| batch | one scenario of a batch with its JSON and Markdown report (in process); also with the HTML report | raw durable-rules on a synthetic 60-rule workload |
| help | `advisor --help` | the bare `import typer, rich, pydantic, yaml` |
| ask | `advisor ask` until its first question (a name typed at the name prompt) | the same bare import |
| why-not | the slowest `advisor explain --why-not` over the examples | `advisor advise` of the same file |
| memory | peak RSS of `advisor batch` on 8x the scenarios | the same on 1x |
| national | `advisor batch` of the 4,560 national scenarios, `--jobs 2`, `--reports json,markdown`; also with all three reports | the goal of 5 s |

Figures are reported, never asserted. `--markdown` prints the table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from national_batch import generate  # noqa: E402
from suite import BIN, median_ms  # noqa: E402

BARE_IMPORT = "import typer, rich, pydantic, yaml"
TWO_REPORTS = "json,markdown"  # the reports the goals were set for; the HTML report came later
SCENARIOS = ROOT / "examples" / "scenarios"


@dataclass(frozen=True)
class Row:
    what: str
    measured: str
    ratio: float
    goal: float
    unit: str = "x"

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal


# --- batch against raw durable-rules --------------------------------------------
def synthetic_workload():
    """A run of raw durable-rules: 30 answers, 30 rules that each test one answer and derive a
    fact, 30 rules chained on two of those facts; no-op actions. The derived facts are posted
    in a second round, and all facts are retracted at the end, as a session that is reused."""
    import durable_rules_engine as native
    from durable.engine import Ruleset

    definition, derives = {}, {}
    for i in range(30):
        definition[f"a{i}"] = {"all": [{"m": {"$and": [{"t": f"q{i}"}, {"v": "yes"}]}}], "run": _noop}
        derives[f"a{i}"] = f"d{i}"
    for i in range(30):
        definition[f"b{i}"] = {"all": [{"m0": {"t": f"d{i}"}}, {"m1": {"t": f"d{(i + 1) % 30}"}}], "run": _noop}
    durable = Ruleset("bench.synthetic", None, definition)
    answers = [{"sid": "s", "t": f"q{i}", "v": "yes"} for i in range(30)]

    def run() -> int:
        import json

        posted, batch, fired = [], answers, 0
        while batch:
            posted += batch
            handle = durable.assert_facts(batch)
            derived = []
            result = native.start_action_for_state(durable._handle, handle)
            while result:
                for name in json.loads(result[1]):
                    fired += 1
                    if name in derives:
                        derived.append({"sid": "s", "t": derives[name], "v": True})
                following = native.complete_and_start_action(durable._handle, handle)
                result = (None, following) if following else None
            batch = derived
        durable.retract_facts(posted)
        return fired

    assert run() == 60, "the synthetic workload should fire all 60 rules"
    return run


def _noop(_closure) -> None:  # pragma: no cover - the actions run from the loop above
    pass


def per_run_ms(fn, runs: int) -> float:
    """The best of five means over `runs` calls: the floor, not the noise."""
    means = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        means.append((time.perf_counter() - start) * 1000 / runs)
    return min(means)


def batch_scenario_ms(csv_path: Path, count: int, reports: tuple[str, ...], warm: int = 24) -> float:
    """Per scenario, in process: `advisor batch` of `count` rows (after `warm` others), its
    `reports` written, summaries not."""
    from advisor import batch

    jobs, problems = batch.collect([str(csv_path)])
    assert not problems, problems
    out = Path(tempfile.mkdtemp(prefix="advisor-ratios-"))
    try:
        batch.run(jobs[:warm], output=out / "warm", reports=reports)
        start = time.perf_counter()
        results = batch.run(jobs[warm : warm + count], output=out / "run", reports=reports)
        elapsed = (time.perf_counter() - start) * 1000 / count
        assert not any(r.failed for r in results)
        return elapsed
    finally:
        shutil.rmtree(out, ignore_errors=True)


# --- cold start ----------------------------------------------------------------
def bare_import_ms(repeat: int) -> float:
    return median_ms(lambda: _quiet(sys.executable, "-c", BARE_IMPORT), repeat)


def help_ms(repeat: int) -> float:
    return median_ms(lambda: _quiet(str(BIN / "advisor"), "--help"), repeat)


def first_question_ms(repeat: int) -> float:
    """`advisor ask` from its start until the first question is on screen; the name it asks
    first is typed in at once."""

    def first_question() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.Popen([str(BIN / "advisor"), "ask", "--save", f"{tmp}/a.yaml"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env())
            proc.stdin.write("bench\n")
            proc.stdin.flush()
            for line in proc.stdout:
                if "Vraag 1" in line:
                    break
            else:
                raise RuntimeError("advisor ask showed no first question")
            proc.kill()
            proc.wait()

    return median_ms(first_question, repeat)


def _quiet(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, stdin=subprocess.DEVNULL, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "100", "TERM": "dumb"}


# --- why-not -------------------------------------------------------------------
def slowest_why_not(files: list[Path]) -> tuple[Path, str, float]:
    """In process, each file with the options its advice does not recommend (one per dimension,
    the last listed, whose search is the longest), each with fresh engine memory; the slowest."""
    from advisor.advise import advise_file
    from advisor.explain import why_not
    from advisor.loader import load_knowledge

    kb = load_knowledge()
    worst = (files[0], "", 0.0)
    for path in files:
        advice = advise_file(kb, path)
        for decision in advice.decisions:
            others = [o.option for o in decision.options if o.option != decision.recommended]
            if not others:
                continue
            for rs in kb._rulesets.values():
                rs._memo.clear()
            start = time.perf_counter()
            why_not(kb, advice, others[-1])
            elapsed = time.perf_counter() - start
            if elapsed > worst[2]:
                worst = (path, others[-1], elapsed)
    return worst


def why_not_ratio(path: Path, option: str, repeat: int) -> tuple[float, float]:
    advise = median_ms(lambda: _quiet(str(BIN / "advisor"), "advise", str(path)), repeat)
    explain = median_ms(lambda: _quiet(str(BIN / "advisor"), "explain", str(path), "--why-not", option), repeat)
    return explain, advise


# --- memory and the national batch ---------------------------------------------
# Started from a small launcher: a process forked from this one would count this one's memory
# in its peak until it runs the advisor.
LAUNCHER = """import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def batch_process(csv_path: Path, out: Path, jobs: int, reports: str = TWO_REPORTS) -> tuple[float, float, float]:
    """Wall seconds, the peak RSS (MB) of the largest process and the CPU seconds of all its
    processes, of one `advisor batch` writing `reports` per scenario."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(BIN / "advisor"), "batch", str(csv_path), "--output", str(out),
                           "--format", "csv", "--jobs", str(jobs), "--reports", reports], capture_output=True, text=True, env=_env())
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"advisor batch failed with {done.returncode}: {done.stderr[-500:]}")
    peak, cpu = done.stdout.split()
    return seconds, int(peak) / 1024, float(cpu)


def file_floor_ms(count: int = 600, size: int = 30_000) -> float:
    """Milliseconds to create, write and rename one report file on this machine's file system,
    the floor under the three files a batch writes per scenario."""
    data = b"x" * size
    folder = Path(tempfile.mkdtemp(prefix="advisor-ratios-"))
    try:
        start = time.perf_counter()
        for i in range(count):
            tmp = folder / f".{i}.tmp"
            with open(tmp, "xb") as handle:
                handle.write(data)
            os.replace(tmp, folder / f"{i}.json")
        return (time.perf_counter() - start) * 1000 / count
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the table -----------------------------------------------------------------
def measure(quick: bool) -> list[Row]:
    repeat = 3 if quick else 7
    work = Path(tempfile.mkdtemp(prefix="advisor-ratios-"))
    rows = []
    try:
        national = work / "national.csv"
        n = generate(national, 380)
        one = work / "one.csv"
        small = generate(one, 380 // 8)

        raw = per_run_ms(synthetic_workload(), 200)
        count = 240 if quick else 960
        for reports, said in ((("json", "markdown"), "its JSON and Markdown report"), (("json", "markdown", "html"), "its three reports")):
            scenario = batch_scenario_ms(national, count, reports)
            rows.append(Row(f"batch, one scenario with {said}, against raw durable-rules (synthetic 60-rule workload)",
                            f"{scenario:.2f} ms against {raw:.2f} ms", scenario / raw, 1.5))

        bare = bare_import_ms(repeat)
        help_ = help_ms(repeat)
        rows.append(Row("`advisor --help` against the bare `import typer, rich, pydantic, yaml`",
                        f"{help_:.0f} ms against {bare:.0f} ms", help_ / bare, 1.15))
        first = first_question_ms(repeat)
        rows.append(Row("first question of `advisor ask` against that bare import",
                        f"{first:.0f} ms against {bare:.0f} ms", first / bare, 1.5))

        files = sorted(SCENARIOS.glob("*.yaml"))
        path, option, _ = slowest_why_not(files[:4] if quick else files)
        explain, advise = why_not_ratio(path, option, 3)
        rows.append(Row(f"worst `explain --why-not` against `advisor advise` of the same file ({path.name}, {option})",
                        f"{explain:.0f} ms against {advise:.0f} ms", explain / advise, 1.5))

        _, peak_one, _ = batch_process(one, work / "out-one", 2)
        seconds, peak_all, cpu = batch_process(national, work / "out-all", 2)
        rows.append(Row(f"peak memory of a batch of 8x the scenarios ({n:,}) against 1x ({small:,}), `--jobs 2`",
                        f"{peak_all:.0f} MB against {peak_one:.0f} MB", peak_all / peak_one, 1.1))
        rows.append(Row(f"national batch ({n:,} scenarios, JSON and Markdown report each, 2 cores), against 5 s",
                        f"{seconds:.1f} s ({n / seconds:.0f} scenarios/s; {cpu:.1f} s of CPU)", seconds / 5, 1.0))
        seconds, _, cpu = batch_process(national, work / "out-three", 2, "json,markdown,html")
        rows.append(Row(f"national batch ({n:,} scenarios, all three reports each, 2 cores), against 5 s",
                        f"{seconds:.1f} s ({n / seconds:.0f} scenarios/s; {cpu:.1f} s of CPU)", seconds / 5, 1.0))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def markdown(rows: list[Row]) -> str:
    lines = ["| what | measured | ratio | goal | met? |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.what} | {r.measured} | {r.ratio:.2f}x | at most {r.goal:.2f}x | {'yes' if r.met else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and files, for a first look")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    rows = measure(args.quick)
    if args.markdown:
        print(markdown(rows))
    else:
        for r in rows:
            print(f"{r.ratio:5.2f}x (goal {r.goal:.2f}x, {'met' if r.met else 'not met'})  {r.measured:<36}  {r.what}")
    print(f"floor: one report file created, written and renamed takes {file_floor_ms():.2f} ms on this machine "
          f"(a batch writes three per scenario)")


if __name__ == "__main__":
    main()
