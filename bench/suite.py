"""Benchmarks for docs/benchmarks.md, each figure measured side by side in the same run.

    .venv/bin/python bench/suite.py [--scenarios 400]

- cold start of `advisor --help` and time to the first question of `advisor ask`, against
  the bare import of typer, rich, pydantic and yaml;
- per-scenario time split into parsing and validation, engine, decision building and rendering;
- the engine on the real knowledge: the durable-rules adapter, raw durable-rules on the same
  compiled rules, CLIPS (clipspy) and a plain Python forward chainer.
Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from national_batch import CARE_FORMS, scenario  # noqa: E402

BIN = Path(sys.executable).parent


def median_ms(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cold_start() -> dict[str, float]:
    run = lambda *args: subprocess.run(args, check=True, capture_output=True, stdin=subprocess.DEVNULL)  # noqa: E731
    bare = median_ms(lambda: run(sys.executable, "-c", "import typer, rich, pydantic, yaml"))
    help_ = median_ms(lambda: run(str(BIN / "advisor"), "--help"))

    def first_question():
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.Popen([str(BIN / "advisor"), "ask", "--name", "bench", "--save", f"{tmp}/a.yaml"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for line in proc.stdout:
                if "Vraag 1" in line:
                    break
            proc.kill()
            proc.wait()

    return {"bare_import": bare, "help": help_, "first_question": median_ms(first_question)}


def scenarios(n: int) -> list[dict[str, str]]:
    import random

    rng = random.Random(7)
    return [scenario(rng, i, CARE_FORMS[i % len(CARE_FORMS)]) for i in range(n)]


def per_scenario(rows) -> dict[str, float]:
    from advisor import render
    from advisor.batch import Job, _advise
    from advisor.decision import decide
    import advisor.advise as adv
    from advisor.loader import load_knowledge
    from advisor.scenario import check_answers

    kb = load_knowledge()
    jobs = [Job(i, f"bench:{i}", f"s{i}", "bench.csv", tuple(row), tuple(row.values()), line=i) for i, row in enumerate(rows)]
    for job in jobs[:20]:
        _advise(kb, job, None)  # warm the caches: compiled rulesets per date
    answers = []
    start = time.perf_counter()
    for row in rows:
        answers.append(check_answers(kb, {k: (v.split(";") if kb.questions.get(k) and kb.questions[k].type == "multi" else v)
                                          for k, v in row.items() if k in kb.questions and v}))
    parse = (time.perf_counter() - start) * 1000 / len(rows)
    engine_time = [0.0]
    decide_time = [0.0]
    original_run = {}

    def timed_ruleset(stage, on, engine="durable"):
        rs = kb_ruleset(stage, on, engine)
        if id(rs) not in original_run:
            original_run[id(rs)] = rs.run

            def run(facts, _run=rs.run):
                t0 = time.perf_counter()
                try:
                    return _run(facts)
                finally:
                    engine_time[0] += time.perf_counter() - t0

            rs.run = run
        return rs

    def timed_decide(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return decide(*args, **kwargs)
        finally:
            decide_time[0] += time.perf_counter() - t0

    kb_ruleset = kb.ruleset
    kb.ruleset = timed_ruleset
    adv.decide = timed_decide
    dates = [dt.date.fromisoformat(r["as_of"]) for r in rows]
    start = time.perf_counter()
    advices = [adv.advise(kb, a, on) for a, on in zip(answers, dates)]
    total_advise = (time.perf_counter() - start) * 1000 / len(rows)
    start = time.perf_counter()
    for a in advices:
        render.to_string(a, kb, "json", "nl", compact=True)
    render_ms = (time.perf_counter() - start) * 1000 / len(rows)
    engine_ms = engine_time[0] * 1000 / len(rows)
    decide_ms = decide_time[0] * 1000 / len(rows)
    return {
        "parse_validate": parse,
        "engine": engine_ms,
        "decisions": decide_ms,
        "rest_of_advise": total_advise - engine_ms - decide_ms,
        "render_json": render_ms,
        "end_to_end": parse + total_advise + render_ms,
    }


def engines(rows) -> dict[str, float]:
    """Milliseconds per scenario for the six stages' rule runs, per engine, on the same facts."""
    from advisor.advise import advise
    from advisor.knowledge import STAGES
    from advisor.loader import load_knowledge
    from advisor.scenario import check_answers

    kb = load_knowledge()
    cases = []
    for row in rows:
        answers = check_answers(kb, {k: (v.split(";") if kb.questions.get(k) and kb.questions[k].type == "multi" else v)
                                     for k, v in row.items() if k in kb.questions and v})
        on = dt.date.fromisoformat(row["as_of"])
        advice = advise(kb, answers, on)
        # the facts each stage saw, from the recorded trace
        per_stage, known = [], [(q, v) for q, val in answers.items() if val != "unknown" for v in (val if isinstance(val, list) else [val])]
        for stage in STAGES:
            per_stage.append((stage, list(known)))
            known += [f for s in advice.trace.steps if s.stage == stage for f in s.asserted]
        cases.append((on, per_stage))
    out = {}
    for engine in ("durable", "clips", "python"):
        for on, per_stage in cases[:10]:
            for stage, facts in per_stage:
                kb.ruleset(stage, on, engine).run(facts)
        options = {"remember": False} if engine == "durable" else {}  # the engine, not the remembered firings
        start = time.perf_counter()
        for on, per_stage in cases:
            for stage, facts in per_stage:
                kb.ruleset(stage, on, engine).run(facts, **options)
        out[engine] = (time.perf_counter() - start) * 1000 / len(cases)
    out["raw_durable"] = raw_durable(kb, cases)
    return out


def raw_durable(kb, cases) -> float:
    """durable-rules on the same compiled definitions with no-op actions and no bookkeeping."""
    import durable_rules_engine as native

    from advisor.engine import ANCHOR

    start = None
    for round_ in range(2):
        if round_ == 1:
            start = time.perf_counter()
        for on, per_stage in cases:
            for stage, facts in per_stage:
                rs = kb.ruleset(stage, on, "durable")
                durable = rs._durable
                if durable is None:
                    continue
                batch = [{"sid": "raw", "t": n, "v": v} for n, v in dict.fromkeys(facts) if rs._accepts((n, v))]
                batch.append({"sid": "raw", "t": ANCHOR, "v": True})
                handle = durable.assert_facts(batch)
                result = native.start_action_for_state(durable._handle, handle)
                while result:
                    json.loads(result[1])
                    following = native.complete_and_start_action(durable._handle, handle)
                    result = (None, following) if following else None
                durable.retract_facts(batch)
    return (time.perf_counter() - start) * 1000 / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=400)
    args = parser.parse_args()
    rows = scenarios(args.scenarios)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    start = cold_start()
    print(f"cold start (median of 7): bare import of typer+rich+pydantic+yaml {start['bare_import']:.0f} ms; "
          f"advisor --help {start['help']:.0f} ms ({start['help'] / start['bare_import']:.2f}x); "
          f"first question of advisor ask {start['first_question']:.0f} ms ({start['first_question'] / start['bare_import']:.2f}x)")
    split = per_scenario(rows)
    print("per scenario (ms, one core): " + ", ".join(f"{k} {v:.2f}" for k, v in split.items())
          + f"; {1000 / split['end_to_end']:.0f} scenarios/s end to end")
    eng = engines(rows)
    print("engine on the real knowledge (ms per scenario, all six stages): " + ", ".join(f"{k} {v:.2f}" for k, v in eng.items())
          + f"; adapter / raw durable = {eng['durable'] / eng['raw_durable']:.2f}x")


if __name__ == "__main__":
    main()
