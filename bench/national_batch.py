"""Benchmark: a national batch, 380 municipalities x 12 care forms = 4,560 scenarios.

Generates the scenarios as one CSV file with varied answers (seeded, so every run gets the
same batch), then runs `advisor batch` with per-scenario reports for --jobs 1 and 2 and
reports scenarios per second and peak memory. Run from the repository root:

    .venv/bin/python bench/national_batch.py [--municipalities 380] [--jobs 1 2] [--reports json,markdown]

The figures are reported, not asserted: see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CARE_FORMS = [
    "huishoudelijke_hulp", "individuele_begeleiding", "dagbesteding", "kortdurend_verblijf", "beschermd_wonen",
    "jeugd_dyslexie", "jeugd_ggz", "jeugd_ambulant_overig", "jeugd_daghulp", "jeugd_pleegzorg",
    "jeugd_residentieel", "jeugd_gedwongen_kader",
]
MOTIVES = ["keuzevrijheid", "selecteren", "beheersbaar_aanbod", "sturing", "kostenbeheersing", "administratieve_lasten",
           "innovatie", "samenwerking_aanbieders", "niet_aanbesteden", "continuiteit", "vaste_tarieven", "kwaliteit"]


def scenario(rng: random.Random, municipality: int, care_form: str) -> dict[str, str]:
    select = rng.random() < 0.3
    row = {
        "scenario": f"gemeente-{municipality:03d}-{care_form}",
        "as_of": rng.choice(["2019-06-01", "2023-01-01", "2026-06-01"]),
        "care_form": care_form,
        "contract_value": str(rng.choice([300_000, 600_000, 900_000, 2_500_000, 12_000_000])),
        "municipalities": str(rng.choice([1, 1, 3, 7, 12])),
        "label_used": rng.choice(["aanbesteding", "open_house", "nog_niet"]),
        "own_organisation": rng.choice(["none"] * 8 + ["own_staff", "independent_foundation"]),
        "motives": ";".join(sorted(rng.sample(MOTIVES, rng.randint(1, 3)))),
        "provider_market": rng.choice(["many", "some", "few"]),
        "supply_risks": rng.choice(["none", "scarce", "provider_power;complex"]),
        "budget_share": rng.choice(["small", "medium", "large", "unknown"]),
        "cost_per_client": rng.choice(["low", "medium", "high"]),
        "volume": rng.choice(["low", "medium", "high"]),
        "selection": "select" if select else "admit_all",
        "area_based": "ja" if select and rng.random() < 0.3 else "nee",
        "results_measurable": rng.choice(["ja", "nee"]),
    }
    if not select:
        row.update(
            terms=rng.choice(["set_by_municipality", "developed_in_dialogue"]),
            client_choice=rng.choice(["client", "client", "team_allocates"]),
            accession=rng.choice(["continuous", "fixed_moments"]),
        )
    if care_form == "jeugd_gedwongen_kader":
        row["subsidy_terms"] = rng.choice(["activity_grant", "price_per_service"])
    return row


def generate(path: Path, municipalities: int) -> int:
    rng = random.Random(2018)
    rows = [scenario(rng, m, c) for m in range(1, municipalities + 1) for c in CARE_FORMS]
    columns = sorted({k for r in rows for k in r}, key=lambda k: (k != "scenario", k))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def run(csv_path: Path, jobs: int, out: Path, reports: str) -> tuple[float, float]:
    advisor = Path(sys.executable).with_name("advisor")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [str(advisor), "batch", str(csv_path), "--output", str(out), "--format", "csv", "--jobs", str(jobs), "--reports", reports],
        check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=380)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--reports", default="json,markdown", help="the reports per scenario (advisor batch --reports)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    try:
        csv_path = work / "national.csv"
        n = generate(csv_path, args.municipalities)
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"batch: {n} scenarios ({args.municipalities} municipalities x {len(CARE_FORMS)} care forms), "
              f"per-scenario reports ({args.reports}) plus the summaries")
        for jobs in args.jobs:
            out = work / f"out-{jobs}"
            seconds, peak_mb = run(csv_path, jobs, out, args.reports)
            files = sum(1 for _ in out.iterdir())
            print(f"--jobs {jobs}: {seconds:6.1f} s, {n / seconds:7.0f} scenarios/s, peak RSS of one process {peak_mb:6.0f} MB, {files} files")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
