"""Golden files for what users read: one per (example, format, language) and per error kind.

A change in wording or layout shows up here as a diff. After an intended change, refresh
them with `ADVISOR_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor import render
from advisor.advise import advise_file
from cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = sorted((ROOT / "examples" / "scenarios").glob("*.yaml"))
CASES = [(p, "markdown", "nl") for p in EXAMPLES] + [
    (ROOT / "examples" / "scenarios" / name, fmt, "en")
    for name in ("mlw_ambulant.yaml", "friesland_route2_begeleiding_gesloten_open_house.yaml")
    for fmt in ("text", "json")
] + [(ROOT / "examples" / "scenarios" / "mlw_ambulant.yaml", "html", "nl")]
SUFFIX = {"markdown": "md", "text": "txt", "json": "json", "html": "html"}


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ADVISOR_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with ADVISOR_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs; review, then update"


@pytest.mark.parametrize("path, fmt, lang", CASES, ids=lambda v: getattr(v, "stem", v))
def test_advice_matches_its_golden_file(kb, path, fmt, lang):
    text = render.to_string(advise_file(kb, path), kb, fmt, lang)
    check(f"{path.stem}.{lang}.{SUFFIX[fmt]}", text.replace(str(ROOT) + os.sep, ""))


ERRORS = {
    "unknown_question": "scenario: x\nanswers:\n  care_from: dagbesteding\n",
    "bad_option": "scenario: x\nanswers:\n  care_form: thuiszorg\n  selection: selct\n",
    "wrong_types": "scenario: x\nanswers:\n  care_form: dagbesteding\n  area_based: misschien\n  contract_value: veel\n",
    "not_yaml": "scenario: x\nanswers: [\n",
    "missing_answers": "scenario: x\n",
}


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_error_message_matches_its_golden_file(tmp_path, kind):
    path = tmp_path / f"{kind}.yaml"
    path.write_text(ERRORS[kind], encoding="utf-8")
    result = CliRunner().invoke(app, ["advise", str(path)])
    assert result.exit_code == 2
    check(f"error.{kind}.txt", result.output.replace(str(tmp_path) + os.sep, ""))


STRATEGIES = [("friesland_2022", "nl"), ("regio_voorbeeld_2026", "en")]


@pytest.mark.parametrize("name, lang", STRATEGIES)
def test_strategy_on_the_terminal_matches_its_golden_file(monkeypatch, name, lang):
    """The terminal view of `advisor strategy` at 80 columns, without colour.

    The path is given relative to the checkout, as a user types it, so that the wrapping
    of the closing hint does not depend on where the checkout lives."""
    monkeypatch.chdir(ROOT)
    path = Path("examples") / "portfolios" / f"{name}.yaml"
    result = CliRunner().invoke(app, ["strategy", str(path), "--lang", lang], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    check(f"strategy.{name}.{lang}.txt", result.output)
