"""Hostile user text: terminal escapes, rich markup, Markdown and spreadsheet formulas in
scenario names, answers, answer keys, file names and CSV cells are shown as written and
never obeyed, in every command and every output format."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from advisor import safe
from cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
ESC = "\x1b"
# Clears the screen, moves to the top and paints a fake recommendation; then a rich link.
NAME = r"\e[2J\e[1;1HInstrument: subsidie\e]8;;http://evil\e\\klik\e]8;;\e\\ [link=http://evil]hier[/link] \u009b31m"
MARKUP = ["[/]", "[bold red]x", "[link=http://evil]y[/link]", "x\\"]


def scenario(folder: Path, name: str, answers: str, file: str = "s.yaml") -> Path:
    path = folder / file
    path.write_text(f'scenario: "{name}"\nas_of: 2026-06-01\nanswers:\n{answers}', encoding="utf-8")
    return path


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def no_control(text: str) -> None:
    assert ESC not in text and "\x9b" not in text and "\x07" not in text, repr(text[:300])


def test_clean_writes_controls_out_and_markup_and_markdown_are_escaped():
    assert safe.clean("a\x1b[2Jb\nc\u202e") == "a\\x1b[2Jb\\x0ac\\u202e"
    assert safe.one_line("  a\n\tb \x1b[2J\u202e ") == "a b \\x1b[2J\\u202e"  # whitespace collapsed, the rest written out
    assert safe.markup("[link=http://x]y[/link]") == "\\[link=http://x]y\\[/link]"
    assert safe.markdown("[klik](http://x) *z* <b>|") == "\\[klik\\](http://x) \\*z\\* \\<b\\>\\|"
    assert json.loads(safe.json_text({"a": "\x1b\x9b\u202e"})) == {"a": "\x1b\x9b\u202e"}
    assert "\x9b" not in safe.json_text({"a": "\x9b"})



_TEXT = st.text(st.characters(codec="utf-8"))  # every character a file can hold, bidi and C1 included
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT | st.integers(0, 9), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(_JSON, st.sampled_from([{}, {"indent": 2}, {"separators": (",", ":")}]))
def test_json_is_the_standard_librarys_text_with_escapes_written_out(data, options):
    """Reports are written by a faster encoder where it gives the same bytes; they are the
    standard library's JSON in every case, tiny and huge numbers, numeric keys and bidi included."""
    want = json.dumps(data, ensure_ascii=False, **options)
    want = re.sub("[\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", lambda m: f"\\u{ord(m.group()):04x}", want)
    assert safe.json_text(data, **options) == want

def test_terminal_escapes_in_a_scenario_name_are_shown_not_obeyed(tmp_path):
    path = scenario(tmp_path, NAME, "  care_form: dagbesteding\n")
    for fmt in ("text", "json", "markdown"):
        result = invoke("advise", path, "--format", fmt)
        assert result.exit_code == 0, result.output
        no_control(result.output)
        assert "x1b" in result.output or "u001b" in result.output
    text = invoke("advise", path).output
    assert "[link=http://evil]hier[/link]" in text  # the markup is shown as typed
    report = tmp_path / "r.md"
    assert invoke("advise", path, "--format", "markdown", "--output", report).exit_code == 0
    markdown = report.read_text(encoding="utf-8")
    no_control(markdown)
    assert "\\[link=http://evil\\]hier\\[/link\\]" in markdown.splitlines()[0]
    for command in (["explain", path], ["explain", path, "--format", "markdown"], ["whatif", path, "--set", "selection=select"],
                    ["whatif", path, "--set", "selection=select", "--format", "markdown"]):
        result = invoke(*command)
        assert result.exit_code == 0, result.output
        no_control(result.output)


@pytest.mark.parametrize("value", MARKUP)
def test_markup_in_an_answer_is_a_clear_error_not_a_crash(tmp_path, value):
    path = scenario(tmp_path, "x", f"  care_form: '{value}'\n  '{value}': 1\n")
    result = invoke("advise", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert f"'{value}' is geen optie" in result.output or f"{value!r} is geen optie" in result.output
    assert f"answers.{value}: is geen vraag" in result.output


def test_a_batch_with_markup_and_escapes_prints_its_table(tmp_path):
    scenario(tmp_path, "[/]", "  care_form: '[/]'\n", "a.yaml")
    scenario(tmp_path, NAME, "  care_form: dagbesteding\n", "b.yaml")
    scenario(tmp_path, "ok", "  care_form: dagbesteding\n", "[bold]c\x1b.yaml")
    (tmp_path / "rows.csv").write_text("scenario,care_form\n[red]r\x1b[2J,dagbesteding\n", encoding="utf-8")
    for fmt in ("table", "csv", "jsonl"):
        result = invoke("batch", tmp_path, "--format", fmt, "--output", tmp_path / "out")
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        no_control(result.output)
    table = invoke("batch", tmp_path, "--lang", "en").output
    assert "4 scenarios: 3 advised, 0 outside the knowledge, 1 failed" in table
    assert "'[/]' is not an option" in table
    for report in (tmp_path / "out").iterdir():
        no_control(report.read_text(encoding="utf-8"))


def test_ask_shows_markup_and_escapes_as_typed(tmp_path):
    path = tmp_path / "a.yaml"
    lines = "[/]\n[link=x]y\nvervoer\n\n\n"  # two answers that do not fit, an out-of-scope service, review, no report
    result = invoke("ask", "--save", path, "--name", "[bold]x\x1b[2J", "--as-of", "2026-06-01", input=lines)
    assert result.exit_code == 0, result.output
    no_control(result.output)
    assert "'[/]' is geen van de keuzes" in result.output and "'[link=x]y' is geen van de keuzes" in result.output
    assert "Advies voor: [bold]x\\x1b[2J" in result.output
    assert re.search(r">\s?\[link=x\]y\n", result.output)  # a piped answer is echoed as typed, for the transcript


def test_piped_answers_with_escapes_are_echoed_written_out(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cli", "ask", "--save", str(tmp_path / "a.yaml"), "--as-of", "2026-06-01"],
                            cwd=ROOT, input="x\x1b[2J\nvervoer\n\n\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and re.search(r">\s?x\\x1b\[2J\n", result.stdout)


@pytest.mark.parametrize("value", MARKUP + ["\x1b[2J"])
def test_whatif_set_with_markup_is_a_clear_error(value):
    example = ROOT / "examples" / "scenarios" / "mlw_crisis.yaml"
    for setting in (f"care_form={value}", f"{value}=1", f"contract_value={value}"):
        result = invoke("whatif", example, "--set", setting)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        no_control(result.output)


def test_kb_test_and_coverage_with_markup_and_escapes(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        '- name: "[bold red]case \\e[2J"\n  answers: {care_form: "[/]"}\n  expect: {instrument: "[/]"}\n'
        '- name: "[/] second"\n  answers: {care_form: dagbesteding}\n  expect: {instrument: "[link=x]y"}\n',
        encoding="utf-8",
    )
    result = invoke("kb", "test", cases)
    assert result.exit_code == 1, result.output
    no_control(result.output)
    assert "[bold red]case" in result.output and "[/] second" in result.output and "'[link=x]y'" in result.output
    scenario(tmp_path, "[/]", "  care_form: '[/]'\n", "bad.yaml")
    result = invoke("kb", "coverage", tmp_path / "bad.yaml")
    assert result.exit_code == 2 and "'[/]' is not an option" in result.output  # the knowledge tools report in English


def test_spreadsheet_formulas_are_neutralised_in_csv_output(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        'scenario,care_form\n"=HYPERLINK(""http://evil"",""klik"")",dagbesteding\n+1+1,dagbesteding\n@SUM(A1),dagbesteding\n'
        "-2+3,dagbesteding\nnormaal,dagbesteding\n",
        encoding="utf-8",
    )
    result = invoke("batch", rows, "--format", "csv", "--output", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for text in (result.stdout, (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")):
        names = [row["scenario"] for row in csv.DictReader(io.StringIO(text))]
        assert names == ["'=HYPERLINK(\"http://evil\",\"klik\")", "'+1+1", "'@SUM(A1)", "'-2+3", "normaal"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenarios"][0]["scenario"].startswith("=HYPERLINK")  # JSON keeps the value as written


def test_escapes_never_reach_a_real_terminal_stream(tmp_path):
    """Through a real process: what a terminal would receive on stdout and stderr."""
    good = scenario(tmp_path, NAME, "  care_form: dagbesteding\n", "good.yaml")
    bad = scenario(tmp_path, NAME, "  care_form: '\\e[2J[/]'\n", "bad\x1b[2J.yaml")
    for args in (["advise", str(good)], ["advise", str(bad)], ["batch", str(tmp_path)], ["batch", str(tmp_path), "--format", "csv"]):
        result = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, timeout=120,
                                stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin", "TERM": "dumb", "HOME": str(tmp_path)})
        assert b"Traceback" not in result.stderr and result.returncode in (0, 1, 2), result.stderr
        for stream in (result.stdout, result.stderr):
            assert b"\x1b" not in stream and b"\xc2\x9b" not in stream, stream[:300]
