"""Batch runs for consultants: mixed inputs, nothing lost, the same output whatever --jobs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor import batch
from advisor.files import write_atomic
from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "scenarios"
MATRIX = ROOT / "examples" / "batch" / "varianten.csv"
runner = CliRunner()


@pytest.fixture
def inputs(tmp_path):
    """Two good files, a bad file, a CSV with a good and a bad row, and a file that is not YAML."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for name in ("mlw_crisis.yaml", "dyslexie_open_house_routine.yaml"):
        (folder / "sub" / name).write_text((EXAMPLES / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.yaml").write_text("scenario: bad\nanswers:\n  care_form: dagbesteding\n  selectoin: select\n", encoding="utf-8")
    (folder / "broken.yaml").write_bytes(b"\x00\x01binary")
    (folder / "rows.csv").write_text(
        "scenario,care_form,selection,motives\nok-row,dagbesteding,select,selecteren;kwaliteit\nbad-row,dagbesteding,maybe,\n",
        encoding="utf-8",
    )
    return folder


def test_bad_inputs_are_reported_and_the_run_goes_on(inputs):
    result = runner.invoke(app, ["batch", str(inputs), "--format", "jsonl", "--as-of", "2026-06-01"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    status = {row["id"]: row["status"] for row in lines}
    assert status == {
        "bad": "error", "broken": "error", "rows-ok-row": "advised", "rows-bad-row": "error",
        "dyslexie_open_house_routine": "advised", "mlw_crisis": "advised",
    }
    errors = result.stderr
    assert f"{inputs / 'bad.yaml'}:4 answers.selectoin: is geen vraag; bedoelt u 'selection'?" in errors
    assert f"{inputs / 'rows.csv'}:3 selection: 'maybe' is geen optie" in errors
    assert f"{inputs / 'broken.yaml'}: is een binair bestand" in errors


def test_a_clean_batch_exits_0_and_shows_the_overview():
    result = runner.invoke(app, ["batch", str(EXAMPLES), "--lang", "en"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "14 scenarios: 13 advised, 1 outside the knowledge, 0 failed" in result.output
    assert "Eigen beheer (own management) 1, Open House 4, Overheidsopdracht (public contract) 6" in result.output
    assert "with warnings" in result.output and "As expected: 14 of 14 with an expected outcome" in result.output


def test_the_table_fits_80_columns_with_names_not_ids_in_the_users_language():
    result = runner.invoke(app, ["batch", str(EXAMPLES)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].split()[:3] == ["Scenario", "Instrument", "Regime"] and "Verwacht" in lines[0]
    assert "Overheidsop" in result.output and "overheidsopdracht" not in result.output and "regime_sas" not in result.output
    assert "Niet getoond wegens de breedte" in result.output and "--format csv" in result.output
    assert "14 scenario's: 13 geadviseerd" in result.output and "Zoals verwacht: 14 van 14" in result.output
    for english in ("advised", "warnings", "out of scope", "care_form", "funding_form"):
        assert english not in result.output


def test_a_wide_terminal_shows_more_columns():
    result = runner.invoke(app, ["batch", str(EXAMPLES)], env={"COLUMNS": "200"})
    header = result.output.splitlines()[0]
    assert "Zorgvorm" in header and "Bekostigingsvorm" in header and "Kraljic-segment" in header


def test_a_result_that_differs_from_expected_says_where(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "scenario: x\nas_of: 2026-06-01\nanswers:\n  care_form: huishoudelijke_hulp\n  selection: select\n"
        "expected:\n  instrument: open_house\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(tmp_path)], env={"COLUMNS": "200"})
    assert "nee (Instrument)" in result.output and "Zoals verwacht: 0 van 1" in result.output
    assert "1 scenario: 1 geadviseerd" in result.output


def test_an_empty_folder_says_so_and_exits_2(tmp_path):
    result = runner.invoke(app, ["batch", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip() == f"fout: Geen scenario's gevonden in {tmp_path}."


def test_output_also_writes_a_comparison_of_the_scenarios(tmp_path):
    result = runner.invoke(app, ["batch", str(EXAMPLES), "--output", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Comparison of the scenarios") and "| Expected |" in summary
    assert "| Midden-Limburg West — jeugd, segment ambulant |" in summary and "As expected: 14 of 14" in summary
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<style>" in page and "Midden-Limburg West" in page
    assert (tmp_path / "mlw_ambulant.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_fail_fast_stops_at_the_first_failure(inputs):
    result = runner.invoke(app, ["batch", str(inputs / "bad.yaml"), str(EXAMPLES / "mlw_crisis.yaml"), "--fail-fast", "--format", "csv"])
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["bad"]


def test_outputs_are_identical_for_any_number_of_jobs(tmp_path):
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = runner.invoke(app, ["batch", str(EXAMPLES), str(MATRIX), "--output", str(out), "--jobs", str(jobs), "--format", "csv"])
        assert result.exit_code == 0, result.output
        outs.append((out, result.stdout))
    (one, stdout_one), (two, stdout_two) = outs
    assert stdout_one == stdout_two
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert {"summary.csv", "summary.json", "mlw_crisis.json", "mlw_crisis.md", "varianten-hh-open-house.md"} <= set(names)
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_a_rerun_rewrites_identical_files(tmp_path):
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(MATRIX), "--output", str(out)])
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    runner.invoke(app, ["batch", str(MATRIX), "--output", str(out)])
    assert first == {p.name: p.read_bytes() for p in out.iterdir()}


def test_summary_files_hold_every_scenario_and_the_overview(tmp_path):
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(MATRIX), "--output", str(out)])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["overview"]["scenarios"] == 7
    by_id = {row["id"]: row for row in summary["scenarios"]}
    assert by_id["varianten-hh-open-house"]["instrument"] == "open_house"
    assert by_id["varianten-jeugd-residentieel-2026"]["as_of"] == "2026-06-01"
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert rows[1]["procedure"] == "prestatie_inkoop" and rows[1]["source"].endswith("varianten.csv:3")
    report = json.loads((out / "varianten-hh-open-house.json").read_text(encoding="utf-8"))
    assert report["decisions"][0]["recommended"] == "open_house"


def test_an_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    import advisor.files

    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(advisor.files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert target.read_text(encoding="utf-8") == "old"


def test_an_interrupted_run_leaves_only_whole_files(tmp_path):
    out = tmp_path / "out"
    jobs, _ = batch.collect([str(EXAMPLES)])
    seen = []

    def interrupt(result):
        seen.append(result)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run(jobs, output=out, progress=interrupt)
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 9 and not any(name.endswith(".tmp") for name in files)
    for path in out.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # each one whole


def test_globs_and_missing_inputs(tmp_path):
    jobs, problems = batch.collect([str(EXAMPLES / "mlw_*.yaml"), str(tmp_path / "nothing*.yaml")])
    assert [j.name for j in jobs] == ["mlw_ambulant", "mlw_crisis", "mlw_verblijf_met_behandeling"]
    assert [p.message for p in problems] == ["matches no file"]


def test_csv_without_a_scenario_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("care_form\ndagbesteding\n", encoding="utf-8")
    jobs, problems = batch.collect([str(path)])
    assert jobs == [] and "needs a header row with a 'scenario' column" in problems[0].message


def test_amounts_are_shown_back_as_amounts(tmp_path):
    (tmp_path / "rows.csv").write_text(
        "scenario,care_form,contract_value,selection\nhalf,huishoudelijke_hulp,0.5 mln,select\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(tmp_path / "rows.csv"), "--as-of", "2026-06-01"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "€ 500.000" in result.output
    csv_out = runner.invoke(app, ["batch", str(tmp_path / "rows.csv"), "--format", "csv", "--as-of", "2026-06-01"])
    [row] = csv.DictReader(io.StringIO(csv_out.stdout))
    assert row["contract_value"] == "500000" and row["regime"] == "regime_onderhands"
