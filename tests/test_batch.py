"""Batch runs for consultants: mixed inputs, nothing lost, the same output whatever --jobs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor import batch
from advisor.files import write_atomic
from advisor.safe import json_text
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
    assert "28 scenarios: 27 advised, 1 outside the knowledge, 0 failed" in result.output
    assert "Eigen beheer (own management) 1, Open House 6, Overheidsopdracht (public contract) 17" in result.output
    assert "with warnings" in result.output and "As expected: 28 of 28 with an expected outcome" in result.output


def test_the_table_fits_80_columns_with_names_not_ids_in_the_users_language():
    result = runner.invoke(app, ["batch", str(EXAMPLES)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].split()[:3] == ["Scenario", "Instrument", "Regime"] and "Verwacht" in lines[0]
    assert "Overheidsop" in result.output and "overheidsopdracht" not in result.output and "regime_sas" not in result.output
    names = [line.split()[0] for line in lines[1:29]]
    assert len(set(names)) == 28 and "frieslan…vervoer" in names  # cut in the middle, so every row stays told apart
    assert "Niet getoond wegens de breedte" in result.output and "--format csv" in result.output
    assert "28 scenario's: 27 geadviseerd" in result.output and "Zoals verwacht: 28 van 28" in result.output
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
    assert "| Midden-Limburg West — jeugd, segment ambulant |" in summary and "As expected: 28 of 28" in summary
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


def test_summary_json_written_row_by_row_is_the_whole_document(inputs):
    results = batch.run(batch.collect([str(inputs)])[0], as_of=dt.date(2026, 6, 1))
    assert any(r.failed for r in results) and any(r.summary.get("expected") for r in results)
    for some in (results, results[:1], []):
        whole = {"overview": batch.overview(some), "scenarios": list(batch.rows(some))}
        assert "".join(batch.json_pieces(some)) == json_text(whole, indent=2) + "\n"


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


# --- CSV files as spreadsheets write them, and as they break -------------------
def csv_run(tmp_path, text: str, *args):
    rows = tmp_path / "rows.csv"
    rows.write_text(text, encoding="utf-8")
    return rows, runner.invoke(app, ["batch", str(rows), "--format", "jsonl", "--as-of", "2026-06-01", *args])


def test_excel_quoting_with_doubled_quotes_is_read(tmp_path):
    rows, result = csv_run(tmp_path, 'scenario;care_form;description\n"Gemeente ""Noord"", regio";dagbesteding;"a; b"\n')
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["scenario"] == 'Gemeente "Noord", regio' and row["status"] == "advised"


def test_an_unterminated_quote_is_reported_not_swallowing_later_rows(tmp_path):
    rows, result = csv_run(tmp_path, 'scenario,care_form\nok,dagbesteding\n"open,dagbesteding\nlater,dagbesteding\n')
    assert result.exit_code == 1
    assert f"{rows}:3: een aanhalingsteken dat in deze regel opent, sluit nooit" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["rows-ok"]


def test_extra_cells_are_reported_with_their_row(tmp_path):
    rows, result = csv_run(tmp_path, "scenario,care_form\nok,dagbesteding,,\nragged,dagbesteding,select\n")
    assert result.exit_code == 1
    assert f"{rows}:3: regel heeft 3 cellen en de kopregel 2: 'select' heeft geen kolom; regel overgeslagen" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["rows-ok"]


def test_a_duplicate_column_is_reported(tmp_path):
    rows, result = csv_run(tmp_path, "scenario,care_form,selection,selection\nx,dagbesteding,select,admit_all\n")
    assert result.exit_code == 2 and f"{rows}:1: kolom 'selection' staat meer dan eens in de kopregel" in result.stderr


def test_a_cell_over_the_csv_field_limit_is_a_clear_error(tmp_path):
    big = "x" * 200_000
    rows, result = csv_run(tmp_path, f"scenario,care_form,description\nok,dagbesteding,\nbig,dagbesteding,{big}\n")
    assert result.exit_code == 1 and "internal error" not in result.output
    assert f"{rows}:3: een cel is langer dan 131,072 tekens" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["rows-ok"]


def test_an_id_longer_than_a_file_name_gets_a_short_stable_name(tmp_path):
    long_id = "é" * 200 + "x" * 300
    out = tmp_path / "out"
    rows, result = csv_run(tmp_path, f"scenario,care_form\n{long_id},dagbesteding\n", "--output", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 7 and all(len(n.encode()) < 255 for n in names)  # three reports and four summaries
    rows, again = csv_run(tmp_path, f"scenario,care_form\n{long_id},dagbesteding\n", "--output", str(out))
    assert sorted(p.name for p in out.iterdir()) == names


# --- report names -----------------------------------------------------------------
def test_report_names_are_unique_and_stable(tmp_path):
    for path in ("d1/a.yaml", "d2/a.yaml", "d2/a-2.yaml", "d3/summary.yaml", "d3/b.yaml"):
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text((EXAMPLES / "mlw_crisis.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(tmp_path / "d1"), str(tmp_path / "d2"), str(tmp_path / "d3"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    ids = [row["id"] for row in json.loads((out / "summary.json").read_text(encoding="utf-8"))["scenarios"]]
    assert len(set(ids)) == 5 and "a-2" in ids and "b" in ids and "summary" not in ids
    assert len(list(out.glob("*.json"))) == 6  # five reports and the summary
    reversed_order = batch.collect([str(tmp_path / "d3"), str(tmp_path / "d2"), str(tmp_path / "d1")])[0]
    assert sorted(j.name for j in reversed_order) == sorted(ids)


def test_same_stems_in_subfolders_are_named_by_their_relative_path(tmp_path):
    for path in ("x/a.yaml", "y/a.yaml"):
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text("scenario: s\nanswers: {}\n", encoding="utf-8")
    jobs, _ = batch.collect([str(tmp_path)])
    assert [j.name for j in jobs] == ["x-a", "y-a"]


# --- what the batch reads ------------------------------------------------------------
def test_the_output_folder_inside_an_input_folder_is_not_read(tmp_path):
    (tmp_path / "s.yaml").write_text((EXAMPLES / "mlw_crisis.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):
        result = runner.invoke(app, ["batch", str(tmp_path), "--output", str(out), "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 1
    result = runner.invoke(app, ["batch", str(tmp_path), "--output", str(tmp_path), "--format", "csv"])
    result = runner.invoke(app, ["batch", str(tmp_path), "--output", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0 and len(list(csv.DictReader(io.StringIO(result.stdout)))) == 1


def test_a_fifo_in_a_folder_is_skipped_with_a_message(tmp_path):
    import os
    import subprocess
    import sys

    (tmp_path / "ok.yaml").write_text((EXAMPLES / "mlw_crisis.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "pipe.csv")
    result = subprocess.run([sys.executable, "-m", "cli", "batch", str(tmp_path), "--format", "csv"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert f"{tmp_path / 'pipe.yaml'}: is not a regular file" in result.stderr and "pipe.csv: is not a regular file" in result.stderr
    assert "mlw_crisis" in result.stdout or "ok," in result.stdout


# --- which reports --reports writes ---------------------------------------------------
SUMMARIES = {"summary.csv", "summary.json", "summary.md", "summary.html"}
MATRIX_IDS = {"varianten-hh-open-house", "varianten-jeugd-residentieel-2026"}  # two of its seven rows


def reports_in(folder: Path) -> dict[str, set[str]]:
    """The report files in `folder` beside the summaries, as report name -> the suffixes it has."""
    found: dict[str, set[str]] = {}
    for path in folder.iterdir():
        if path.name not in SUMMARIES:
            found.setdefault(path.stem, set()).add(path.suffix)
    return found


def batch_process(*args: str) -> "subprocess.CompletedProcess[str]":
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "cli", "batch", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_reports_json_writes_only_the_json_reports_and_the_summaries(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), "--reports", "json"])
    assert result.exit_code == 0, result.output
    reports = reports_in(out)
    assert len(reports) == 7 and MATRIX_IDS <= set(reports)
    assert all(suffixes == {".json"} for suffixes in reports.values()), reports
    assert SUMMARIES <= {p.name for p in out.iterdir()}
    report = json.loads((out / "varianten-hh-open-house.json").read_text(encoding="utf-8"))
    assert report["decisions"][0]["recommended"] == "open_house"
    assert "7 scenario's: 7 geadviseerd" in result.output  # the table as without --reports
    assert f"Geschreven in {out}: json per scenario, en summary.csv, .json, .md en .html" in " ".join(result.stderr.split())
    none = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), "--reports", "none", "--lang", "en", "--format", "csv"])
    assert f"Written to {out}: only summary.csv" in " ".join(none.stderr.split()) and "Written" not in none.stdout


def test_names_in_any_case_with_spaces_or_the_option_repeated_mean_the_same(tmp_path):
    written = []
    for args in (["--reports", " Markdown, HTML"], ["--reports", "markdown", "--reports", "html"], ["--reports", "html,markdown,html,"]):
        out = tmp_path / str(len(written))
        result = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), *args])
        assert result.exit_code == 0, result.output
        assert set(map(frozenset, reports_in(out).values())) == {frozenset({".md", ".html"})}, args
        written.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert written[0] == written[1] == written[2]


def test_reports_none_writes_the_summaries_only(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), "--reports", "NONE", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == SUMMARIES
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["overview"]["scenarios"] == 7 and MATRIX_IDS <= {row["id"] for row in summary["scenarios"]}
    assert "| Scenario |" in (out / "summary.md").read_text(encoding="utf-8")


def test_by_default_every_scenario_gets_all_three_reports_as_before(tmp_path):
    out, named = tmp_path / "default", tmp_path / "named"
    assert runner.invoke(app, ["batch", str(MATRIX), "--output", str(out)]).exit_code == 0
    assert runner.invoke(app, ["batch", str(MATRIX), "--output", str(named), "--reports", "json,markdown,html"]).exit_code == 0
    reports = reports_in(out)
    assert len(reports) == 7 and all(suffixes == {".json", ".md", ".html"} for suffixes in reports.values())
    assert (out / "varianten-hh-open-house.md").read_text(encoding="utf-8").startswith("# Advies voor")
    assert (out / "varianten-hh-open-house.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {p.name: p.read_bytes() for p in named.iterdir()}


def test_reports_of_an_earlier_run_that_are_not_asked_for_are_left_alone(tmp_path):
    out = tmp_path / "out"
    runner.invoke(app, ["batch", str(MATRIX), "--output", str(out)])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "varianten-hh-open-house.json").write_text("stale", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), "--reports", "json"])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the JSON rewritten, the rest untouched


@pytest.mark.parametrize("given, dutch, english", [
    ("pdf", "'pdf' past niet bij --reports; mogelijk: json, markdown, html, none",
     "'pdf' is not allowed for --reports; allowed: json, markdown, html, none"),
    ("json, Pdf", "'Pdf' past niet bij --reports; mogelijk: json, markdown, html, none",
     "'Pdf' is not allowed for --reports; allowed: json, markdown, html, none"),
    ("none,json", "'none' gaat niet samen met andere waarden van --reports",
     "'none' does not go with other values of --reports"),
    (" , ", "--reports heeft een waarde nodig", "--reports needs a value"),
])
def test_a_bad_reports_value_is_a_usage_error_in_the_users_language(tmp_path, given, dutch, english):
    out = tmp_path / "out"
    nl = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), "--reports", given])
    assert nl.exit_code == 2
    assert f"fout: {dutch}" in nl.stderr and "Gebruik: advisor batch" in nl.stderr and "Hulp: 'advisor batch -h'." in nl.stderr
    en = runner.invoke(app, ["batch", str(MATRIX), "--output", str(out), "--reports", given, "--lang", "en"])
    assert en.exit_code == 2 and f"error: {english}" in en.stderr and "Traceback" not in en.output
    assert nl.stdout == en.stdout == "" and not out.exists()  # nothing advised, nothing written


def test_reports_without_output_is_accepted_and_writes_nothing_like_strategy_format_with_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plain = runner.invoke(app, ["batch", str(MATRIX), "--format", "csv"])
    result = runner.invoke(app, ["batch", str(MATRIX), "--format", "csv", "--reports", "json"])
    assert result.exit_code == 0 and result.stdout == plain.stdout
    assert list(tmp_path.iterdir()) == []
    assert "--reports doet alleen iets met --output: er zijn geen rapporten geschreven" in result.stderr
    assert "--reports" not in plain.stderr
    assert runner.invoke(app, ["batch", str(MATRIX), "--reports", "pdf"]).exit_code == 2  # still checked


def test_the_help_of_reports_is_in_the_language_of_the_run():
    dutch = " ".join(runner.invoke(app, ["batch", "-h"], env={"COLUMNS": "200"}).output.replace("│", " ").split())
    assert "--reports" in dutch and "Met --output: welke rapporten per scenario worden geschreven" in dutch
    assert "[standaard: json, markdown, html]" in dutch and "none voor alleen de samenvattingen" in dutch
    english = " ".join(runner.invoke(app, ["batch", "-h", "--lang", "en"], env={"COLUMNS": "200"}).output.replace("│", " ").split())
    assert "With --output: the reports to write per scenario" in english and "[default: json, markdown, html]" in english


def test_a_real_process_writes_only_the_reports_asked_for_and_refuses_a_bad_name(tmp_path):
    out = tmp_path / "out"
    result = batch_process(str(EXAMPLES), str(MATRIX), "--output", str(out), "--reports", "markdown", "--format", "csv")
    assert result.returncode == 0, result.stderr
    reports = reports_in(out)
    assert len(reports) == 35 and all(suffixes == {".md"} for suffixes in reports.values())
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 35
    dutch = batch_process(str(EXAMPLES), "--output", str(tmp_path / "bad"), "--reports", "jsn")
    assert dutch.returncode == 2 and "fout: 'jsn' past niet bij --reports; mogelijk: json, markdown, html, none" in dutch.stderr
    english = batch_process(str(EXAMPLES), "--output", str(tmp_path / "bad"), "--reports", "jsn", "--lang", "en")
    assert english.returncode == 2 and "error: 'jsn' is not allowed for --reports; allowed: json, markdown, html, none" in english.stderr
    assert "Traceback" not in dutch.stderr + english.stderr and not (tmp_path / "bad").exists()


def test_workers_write_only_the_reports_asked_for_and_the_same_bytes(tmp_path):
    one, two, none = tmp_path / "one", tmp_path / "two", tmp_path / "none"
    assert batch_process(str(EXAMPLES), str(MATRIX), "--output", str(one), "--reports", "html,json").returncode == 0
    result = batch_process(str(EXAMPLES), str(MATRIX), "--output", str(two), "--reports", "html,json", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    reports = reports_in(two)
    assert len(reports) == 35 and all(suffixes == {".html", ".json"} for suffixes in reports.values())
    assert {p.name: p.read_bytes() for p in one.iterdir()} == {p.name: p.read_bytes() for p in two.iterdir()}
    assert batch_process(str(EXAMPLES), "--output", str(none), "--reports", "none", "--jobs", "2").returncode == 0
    assert {p.name for p in none.iterdir()} == SUMMARIES


def test_the_library_renders_only_the_reports_asked_for(tmp_path, monkeypatch, kb):
    import advisor.render.html
    import advisor.render.markdown
    import cli
    from advisor import render
    from advisor.advise import advise_file

    def not_asked(*args, **kwargs):
        raise AssertionError("rendered a report that was not asked for")

    monkeypatch.setattr(advisor.render.html, "render", not_asked)
    monkeypatch.setattr(advisor.render.markdown, "render", not_asked)
    advice = advise_file(kb, EXAMPLES / "mlw_crisis.yaml")
    assert list(render.reports(advice, kb, "en", formats=("json",))) == ["json"]
    assert render.reports(advice, kb, "en", formats=()) == {}
    jobs, _ = batch.collect([str(MATRIX)])
    results = batch.run(jobs, output=tmp_path, reports=["json"])
    assert not any(r.failed for r in results)
    assert {p.name for p in tmp_path.iterdir()} == {f"{j.name}.json" for j in jobs}  # the summaries are the CLI's
    with pytest.raises(ValueError, match="'pdf'"):
        batch.run(jobs, output=tmp_path / "bad", reports=["json", "pdf"])
    assert not (tmp_path / "bad").exists()
    monkeypatch.undo()
    assert list(render.reports(advice, kb, "en", formats=["html", "json", "markdown"])) == ["json", "markdown", "html"]
    assert cli.REPORTS == render.REPORTS  # the command line names them without importing the renderers


# --- interruptions ----------------------------------------------------------------------
def _many(folder: Path, n: int = 2000) -> None:
    folder.mkdir()
    text = (EXAMPLES / "mlw_crisis.yaml").read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"s{i:03}.yaml").write_text(text, encoding="utf-8")


def _workers_of(out: Path) -> list[str]:
    import os

    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if str(out).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_parallel_run_stops_its_workers_and_cleans_up(tmp_path, how):
    import os
    import signal
    import subprocess
    import sys
    import time

    _many(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").write_text("a summary of an earlier run", encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "cli", "batch", str(tmp_path / "in"), "--output", str(out), "--jobs", "2",
                            "--format", "csv"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.json"))) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(run.pid, getattr(signal, how))  # to the main process only
    code = run.wait(timeout=60)
    stderr = run.stderr.read()
    deadline = time.monotonic() + 10
    while _workers_of(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _workers_of(out) == []
    settled = sorted(p.name for p in out.iterdir())
    time.sleep(0.5)
    assert sorted(p.name for p in out.iterdir()) == settled  # nobody writes any more
    assert not [name for name in settled if name.endswith(".tmp")]
    assert "summary.csv" not in settled  # the stale summary is gone
    assert "Traceback" not in stderr
    if how != "SIGKILL":
        assert code == 130 and "onderbroken" in stderr
