"""`advisor compare`: whole variants side by side, scored on what a board weighs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.compare import compare_files
from advisor.errors import InputError
from advisor.render import compare as render
from advisor.strategy_knowledge import load_strategy_knowledge
from cli import app

ROOT = Path(__file__).resolve().parent.parent
AREA = ROOT / "examples" / "scenarios" / "friesland_route1_ouderen_huishoudelijke_hulp.yaml"
OPEN_HOUSE = ROOT / "examples" / "scenarios" / "huishoudelijke_hulp_resultaat_open_house.yaml"
FRIESLAND = ROOT / "examples" / "portfolios" / "friesland_2022.yaml"
MADE_UP = ROOT / "examples" / "portfolios" / "regio_voorbeeld_2026.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def sk(kb):
    return load_strategy_knowledge(kb)


def test_dimensions_side_by_side_with_the_differences_marked(kb, sk):
    c = compare_files(kb, sk, [AREA, OPEN_HOUSE])
    rows = {r.dimension: r for r in c.rows}
    assert rows["instrument"].options == ("overheidsopdracht", "open_house") and rows["instrument"].differs
    assert not rows["contract_duration"].differs or rows["contract_duration"].options[0] != rows["contract_duration"].options[1]


def test_every_score_rests_on_options_or_rules_of_the_variant(kb, sk):
    c = compare_files(kb, sk, [AREA, OPEN_HOUSE])
    criteria = [x.id for x in sk.board.criteria]
    for variant, marks in zip(c.variants, c.marks):
        advice = variant.units[0].advice
        fired = set(advice.trace.rules())
        for mark in marks:
            assert mark.points == sum(i.score.points for i in mark.items)
            for item in mark.items:
                assert item.score.rule in fired or all(advice.recommended().get(d) == o for d, o in item.score.option.items())
        assert [m.criterion for m in marks] == criteria
    choice = {m.criterion: m.points for m in c.marks[1]}["client_choice"]
    assert choice > {m.criterion: m.points for m in c.marks[0]}["client_choice"]  # the Open House lets clients choose


def test_unique_warnings(kb, sk):
    c = compare_files(kb, sk, [AREA, OPEN_HOUSE])
    assert "process.main_contractor_privacy" in c.unique[0]
    assert not set(c.unique[0]) & set(c.unique[1])


def test_portfolios_compare_per_segment(kb, sk):
    c = compare_files(kb, sk, [FRIESLAND, MADE_UP])
    keys = {r.key for r in c.rows}
    assert {"route1", "hh"} <= keys
    route1 = next(r for r in c.rows if r.key == "route1" and r.dimension == "instrument")
    assert route1.options == ("overheidsopdracht", None)


def test_compare_needs_two_variants(kb, sk):
    with pytest.raises(InputError):
        compare_files(kb, sk, [AREA])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_cli_compare_in_every_format(fmt):
    result = runner.invoke(app, ["compare", str(AREA), str(OPEN_HOUSE), "--format", fmt, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Keuzevrijheid" not in result.output
    if fmt == "json":
        data = json.loads(result.output)
        assert len(data["variants"]) == 2 and data["criteria"][0]["id"] == "client_choice"
    elif fmt == "html":
        assert result.output.startswith("<!DOCTYPE html>")
    else:
        assert "Client choice" in result.output


def test_cli_compare_output_is_deterministic(tmp_path):
    for n in (1, 2):
        result = runner.invoke(app, ["compare", str(FRIESLAND), str(MADE_UP), "-f", "markdown", "-o", str(tmp_path / f"{n}.md")])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "1.md").read_bytes() == (tmp_path / "2.md").read_bytes()


def test_an_option_that_rests_on_an_open_question_keeps_its_mark(kb, sk, tmp_path):
    (tmp_path / "a.yaml").write_text("scenario: a\nas_of: 2026-06-01\nanswers:\n  care_form: huishoudelijke_hulp\n"
                                     "  motives: [keuzevrijheid, kostenbeheersing]\n", encoding="utf-8")
    c = compare_files(kb, sk, [tmp_path / "a.yaml", OPEN_HOUSE])
    view = render.build(c, kb, sk, "nl")
    [instrument] = [r for r in view["rows"] if r["dimension"] == "instrument"]
    assert instrument["options"][0].endswith("(voorlopig)") and not instrument["options"][1].endswith(")")
