"""Differential run: the same generated scenarios through durable-rules, CLIPS and a plain
Python forward chainer; every disagreement in fired rules or decisions is printed.

    .venv/bin/python bench/differential.py [--scenarios 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from national_batch import CARE_FORMS, scenario  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=10_000)
    args = parser.parse_args()
    from advisor.advise import advise
    from advisor.loader import load_knowledge
    from advisor.scenario import check_answers

    kb = load_knowledge()
    rng = random.Random(11)
    disagreements = 0
    start = time.perf_counter()
    for i in range(args.scenarios):
        row = scenario(rng, i, CARE_FORMS[i % len(CARE_FORMS)])
        for q in rng.sample(sorted(kb.questions), 4):  # drop some answers, vary the rest
            row.pop(q, None)
        answers = check_answers(kb, {k: (v.split(";") if kb.questions[k].type == "multi" else v)
                                     for k, v in row.items() if k in kb.questions and v})
        on = dt.date.fromisoformat(row["as_of"])
        results = {e: advise(kb, answers, on, engine=e, explore=False) for e in ("durable", "clips", "python")}
        fired = {e: sorted(a.trace.rules()) for e, a in results.items()}
        decided = {e: a.recommended() for e, a in results.items()}
        if not (fired["durable"] == fired["clips"] == fired["python"] and decided["durable"] == decided["clips"] == decided["python"]):
            disagreements += 1
            print(f"scenario {i}: {row}")
            for e in results:
                print(f"  {e}: {sorted(set(fired[e]) ^ set(fired['durable']))} {decided[e]}")
    seconds = time.perf_counter() - start
    print(f"{args.scenarios} scenarios, 3 engines, {disagreements} disagreements, {seconds:.0f} s")


if __name__ == "__main__":
    main()
