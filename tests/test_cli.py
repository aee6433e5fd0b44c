"""The command line: what a user types and sees, exit codes included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "scenarios" / "friesland_route1_ouderen_huishoudelijke_hulp.yaml"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_advise_text_in_dutch_by_default():
    result = invoke("advise", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "Advies voor" in result.output and "Overheidsopdracht" in result.output
    assert "SAS-procedure" in result.output and "Wie kiest tussen aanbieders" in result.output
    assert "instrument.material_public_contract" not in result.output  # rule ids are for explain and the appendix


def test_advise_text_in_english():
    result = invoke("advise", EXAMPLE, "--lang", "en")
    assert result.exit_code == 0
    assert "Advice for" in result.output and "Sources:" in result.output


def test_advise_json_is_complete():
    result = invoke("advise", EXAMPLE, "--format", "json", "--lang", "en")
    data = json.loads(result.output)
    assert data["as_of"] == "2022-09-01" and data["language"] == "en"
    instrument = next(d for d in data["decisions"] if d["dimension"] == "instrument")
    assert instrument["recommended"] == "overheidsopdracht"
    assert instrument["options"][0]["for"][0]["sources"]
    assert any(s["rule"] == "scope.value_above_threshold" for s in data["trace"])


def test_advise_markdown_to_a_file(tmp_path):
    out = tmp_path / "reports" / "advies.md"
    result = invoke("advise", EXAMPLE, "--format", "markdown", "--output", out)
    assert result.exit_code == 0 and result.output == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Advies voor: Friese gemeenten") and "## Bijlage: afgevuurde regels" in text


def test_as_of_overrides_the_scenario_date():
    result = invoke("advise", EXAMPLE, "--format", "json", "--as-of", "2026-06-01")
    data = json.loads(result.output)
    assert data["as_of"] == "2026-06-01"
    rules = {s["rule"] for s in data["trace"]}
    assert "legal.no_emvi_duty_since_2022" in rules and "legal.emvi_duty_until_2022" not in rules


def test_bad_date_is_a_clear_error():
    result = invoke("advise", EXAMPLE, "--as-of", "1-6-2026")
    assert result.exit_code == 2 and "is geen datum" in result.output


def test_invalid_scenario_exits_2_with_file_key_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: x\nanswers:\n  care_form: thuiszorg\n", encoding="utf-8")
    result = invoke("advise", bad)
    assert result.exit_code == 2
    assert f"{bad}:3 answers.care_form: 'thuiszorg' is geen optie" in result.output
    assert "Traceback" not in result.output


def test_missing_file_exits_2():
    result = invoke("advise", "no/such/file.yaml")
    assert result.exit_code == 2 and "kan niet worden gelezen: het bestand bestaat niet" in result.output


def test_schema_lists_questions_and_options():
    schema = json.loads(invoke("schema").output)
    answers = schema["properties"]["answers"]["properties"]
    assert "huishoudelijke_hulp" in answers["care_form"]["enum"]
    assert answers["contract_value"]["anyOf"][0]["anyOf"][0]["type"] == "number"


def test_the_installed_command_runs_in_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "cli", "advise", str(EXAMPLE), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "advised"
    bad = subprocess.run(
        [sys.executable, "-m", "cli", "advise", "missing.yaml"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2 and "missing.yaml" in bad.stderr and "Traceback" not in bad.stderr


def test_help_lists_every_command():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("advise", "ask", "batch", "explain", "whatif", "validate", "kb", "schema"):
        assert command in result.output
    kb = invoke("kb", "--help")
    for command in ("check", "test", "coverage", "docs"):
        assert command in kb.output


def test_without_a_date_the_advice_is_for_today_in_amsterdam_whatever_the_time_zone(tmp_path):
    import datetime as dt
    import os
    from zoneinfo import ZoneInfo

    path = tmp_path / "undated.yaml"
    path.write_text("scenario: x\nanswers:\n  care_form: dagbesteding\n", encoding="utf-8")
    dates = set()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):  # UTC+14 and UTC-11: a day apart
        result = subprocess.run([sys.executable, "-m", "cli", "advise", str(path), "--format", "json"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, env={**os.environ, "TZ": zone})
        data = json.loads(result.stdout)
        dates.add(data["as_of"])
        assert data["as_of_clock"] == "Europe/Amsterdam"
    assert dates == {dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()}
    assert "(vandaag in Europe/Amsterdam)" in invoke("advise", path).output
    assert "(today in Europe/Amsterdam)" in invoke("advise", path, "--format", "markdown", "--lang", "en").output
    assert "(vandaag in Europe/Amsterdam)" in invoke("advise", path, "--format", "html").output
    assert "vandaag in" not in invoke("advise", EXAMPLE).output  # a dated scenario says nothing of the clock


def test_bare_pytest_collects_every_test_file():
    pytest = Path(sys.executable).with_name("pytest")
    command = [str(pytest)] if pytest.exists() else [sys.executable, "-c", "import pytest, sys; sys.exit(pytest.main())"]
    result = subprocess.run([*command, "--collect-only", "-q", "tests/test_properties.py", "tests/test_cli.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_help_with_h_version_and_completion():
    assert "Usage" in invoke("-h").output and "--install-completion" in invoke("-h").output
    assert "Scenario file" in invoke("advise", "-h", "--lang", "en").output
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("advisor ")


def test_format_help_lists_the_choices_accepted():
    whatif = " ".join(invoke("whatif", "-h", "--lang", "en").output.replace("│", " ").split())
    assert "json or mermaid (answers -> decisions)" in whatif
    coverage = invoke("kb", "coverage", "-h").output
    assert "<text|json>" in coverage and "markdown" not in coverage


def test_command_line_mistakes_in_the_users_language():
    dutch = invoke("advise", EXAMPLE, "--formt", "json")
    assert dutch.exit_code == 2
    assert "fout: onbekende optie: --formt; bedoelt u '--format'?" in dutch.output and "Hulp: 'advisor advise -h'." in dutch.output
    english = invoke("advise", EXAMPLE, "-f", "pdf", "--lang", "en")
    assert english.exit_code == 2
    assert "error: 'pdf' is not allowed for --format; allowed: text, json, markdown, html" in english.output
    bare = invoke("whatif", EXAMPLE, "--set", "selection")
    assert bare.exit_code == 2 and "--set selection: schrijf VRAAG=WAARDE, bijv. --set selection=select" in bare.output
    bare_en = invoke("whatif", EXAMPLE, "--set", "selection", "-l", "en")
    assert "write QUESTION=VALUE, e.g. --set selection=select" in bare_en.output


def test_a_real_terminal_session(tmp_path):
    """A few runs as a real process: the entry point, a mistake, and Ctrl-C in the questionnaire."""
    import os
    import signal
    import time

    command = [sys.executable, "-m", "cli"]
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("advisor ")
    mistake = subprocess.run([*command, "advise", str(EXAMPLE), "--lang", "en", "--formt"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert mistake.returncode == 2 and "error: no such option: --formt" in mistake.stderr and "Traceback" not in mistake.stderr
    ask = subprocess.Popen([*command, "ask", "--save", str(tmp_path / "a.yaml"), "--name", "x"], cwd=ROOT,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (tmp_path / "a.yaml").exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    ask.send_signal(signal.SIGINT)
    out, err = ask.communicate(timeout=60)
    assert ask.returncode == 130, err
    assert "onderbroken" in err and "interrupted" not in err and "Antwoorden bewaard in" in out
    assert os.path.exists(tmp_path / "a.yaml")


def test_help_is_in_the_language_of_the_run():
    dutch = runner.invoke(app, ["advise", "-h"], env={"COLUMNS": "120"}).output
    assert "Advies over één scenario" in dutch and "Scenariobestand (YAML)" in dutch and "Opties" in dutch
    assert "Write to this file" not in dutch and "Language of the run" not in dutch and "Toon deze hulp en stop." in dutch
    english = runner.invoke(app, ["advise", "-h", "--lang", "en"], env={"COLUMNS": "120"}).output
    assert "Advise on one scenario" in english and "Options" in english and "Opties" not in english
    root = runner.invoke(app, ["-h"], env={"COLUMNS": "120"}).output
    assert "Een inkoopstrategie voor een heel portfolio" in root and "Opdrachten" in root


def test_values_taken_as_they_are_are_what_typer_makes_of_them(tmp_path):
    """The values the command line takes without typer's conversion (cli._plain) are the
    values typer's conversion gives, for every parameter of every command."""
    import typer.main

    import cli

    group = typer.main.get_command(app)
    commands = [group, *group.commands.values(), *group.commands["kb"].commands.values()]
    (tmp_path / "there.yaml").write_text("x", encoding="utf-8")
    values = [None, "nl", "en", "EN", "json", "text", "x", "3", "", "-", str(tmp_path / "there.yaml"), str(tmp_path / "new.yaml"),
              str(tmp_path), "caf\u00e9", "\udcff", cli.Lang.en, ["a"], ()]
    checked = 0
    for command in commands:
        ctx = command.make_context(command.name, [], resilient_parsing=True)
        for param in command.params:
            if not hasattr(param, "type_descriptor"):
                continue
            for value in values:
                plain = cli._plain(param, value, ctx)
                if plain is cli._NOT_PLAIN:
                    continue
                typers = type(param).get_runtime_param(param) if hasattr(type(param), "get_runtime_param") else None
                if typers is not None:
                    assert typers.coerce(value, param=param, ctx=ctx) == plain, (command.name, param.name, value)
                    checked += 1
    assert checked > 100 or not hasattr(typer.core, "_TyperParameter")
