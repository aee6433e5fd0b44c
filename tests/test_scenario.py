"""Scenario files: one clear message per problem, with file, key, line, found and allowed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.answers import AnswerError, parse_amount
from advisor.errors import InputError
from advisor.scenario import load_scenario
from cli import app


def problems(kb, tmp_path, text: str) -> list[str]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(kb, path)
    return [str(p) for p in err.value.problems]


def test_unknown_question_suggests_the_nearest(kb, tmp_path):
    [msg] = problems(kb, tmp_path, "scenario: x\nanswers:\n  care_from: dagbesteding\n")
    assert msg.endswith("scenario.yaml:3 answers.care_from: is not a question; did you mean 'care_form'?")


def test_value_outside_the_options_lists_what_is_allowed(kb, tmp_path):
    [msg] = problems(kb, tmp_path, "scenario: x\nanswers:\n  care_form: dagbesteding\n  selection: selct\n")
    assert ":4 answers.selection:" in msg and "allowed: select, admit_all" in msg and "did you mean 'select'?" in msg


def test_every_problem_is_reported_at_once(kb, tmp_path):
    msgs = problems(kb, tmp_path, "scenario: x\nanswers:\n  area_based: misschien\n  municipalities: -2\n  motives: [x]\n")
    assert len(msgs) == 3
    assert "expected yes or no" in msgs[0] and "0 or more" in msgs[1] and "'x' is not an option" in msgs[2]


def test_missing_and_unknown_top_level_keys(kb, tmp_path):
    msgs = problems(kb, tmp_path, "scenario: x\nanwsers: {}\n")
    assert any("answers: is required but missing" in m for m in msgs)
    assert any(":2 anwsers: unknown key" in m for m in msgs)


def test_empty_and_non_mapping_files(kb, tmp_path):
    assert "found nothing" in problems(kb, tmp_path, "")[0]
    assert "found list" in problems(kb, tmp_path, "- a\n- b\n")[0]


def test_dont_know_only_where_allowed(kb, tmp_path):
    [msg] = problems(kb, tmp_path, "scenario: x\nanswers:\n  care_form: weet niet\n")
    assert "'don't know' is not allowed" in msg


@pytest.mark.parametrize(
    "text, amount",
    [("1.200.000", 1_200_000), ("1,2 mln", 1_200_000), ("€ 750.000", 750_000), ("2 miljoen", 2_000_000),
     ("850000", 850_000), ("1,200,000", 1_200_000), ("EUR 90k", 90_000),
     # a point or comma before a unit word is a decimal separator, never a thousands one
     ("1.2 mln", 1_200_000), ("0.5 mln", 500_000), ("2.5 miljoen", 2_500_000), ("1.5m", 1_500_000),
     ("0,75 mln", 750_000), ("12.5 k", 12_500), ("1.200.000,50", 1_200_000.5), ("1250,50", 1250.5)],
)
def test_amounts_as_people_write_them(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["veel geld", "1.200.000 k", "1.2.3", "1,2.3 mln"])
def test_amount_that_is_not_one(text):
    with pytest.raises(AnswerError, match="not an amount"):
        parse_amount(text)


def test_an_ambiguous_amount_is_refused_with_both_readings():
    with pytest.raises(AnswerError, match=r"ambiguous; for 1,250,000 euros write 1,250 mln, for 1,250,000,000 euros write 1250 mln"):
        parse_amount("1.250 mln")


def test_half_a_million_stays_below_the_social_services_threshold(kb, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenario: x\nas_of: 2026-06-01\nanswers:\n  care_form: huishoudelijke_hulp\n"
                    "  contract_value: 0.5 mln\n  selection: select\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["advise", str(path), "--format", "json"])
    view = json.loads(result.output)
    assert [a["shown"] for a in view["answers"] if a["question"] == "contract_value"] == ["€ 500.000"]
    regime = next(d for d in view["decisions"] if d["dimension"] == "regime")
    assert regime["recommended"] == "regime_onderhands"


def test_an_unquoted_dutch_amount_with_one_group_of_thousands_is_not_read_as_a_fraction(kb, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenario: x\nas_of: 2026-06-01\nanswers:\n  care_form: jeugd_ggz\n"
                    "  contract_value: 900.000\n  selection: select\n", encoding="utf-8")
    view = json.loads(CliRunner().invoke(app, ["advise", str(path), "--format", "json"]).output)
    assert [a["shown"] for a in view["answers"] if a["question"] == "contract_value"] == ["€ 900.000"]
    assert next(d for d in view["decisions"] if d["dimension"] == "regime")["recommended"] == "regime_sas"
    [msg] = problems(kb, tmp_path, "scenario: x\nanswers:\n  municipalities: 1.500\n")
    assert "answers.municipalities" in msg and "'1.500'" in msg  # a count is never read as 1.5


def test_a_synonym_names_the_option_to_use(kb, tmp_path):
    [msg] = problems(kb, tmp_path, "scenario: x\nanswers:\n  care_form: logeeropvang\n")
    assert msg.endswith("'logeeropvang' is a synonym of 'kortdurend_verblijf'")


def test_a_multiple_choice_over_care_forms_takes_care_forms_and_its_own_options(kb, tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text("scenario: x\nanswers:\n  care_form: huishoudelijke_hulp\n  other_care_forms: [jeugd_ggz, sociaal_werk]\n")
    assert load_scenario(kb, path).answers["other_care_forms"] == ["sociaal_werk", "jeugd_ggz"]  # in the order of the options
    path.write_text("scenario: x\nanswers:\n  care_form: huishoudelijke_hulp\n  other_care_forms: none\n")
    assert load_scenario(kb, path).answers["other_care_forms"] == ["none"]
    [msg] = problems(kb, tmp_path, "scenario: x\nanswers:\n  other_care_forms: [thuiszorg]\n")
    assert "'thuiszorg' is not an option" in msg and "begeleid_wonen_jeugd, none" in msg
    choices = kb.choices(kb.questions["other_care_forms"])
    assert choices[-1] == "none" and "clientondersteuning" in choices


# --- values that crashed instead of being refused -----------------------------------
HUGE = "9" * 400


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", HUGE, f"{HUGE}.5", "1.0e+400", "1.0e+16"])
@pytest.mark.parametrize("question", ["contract_value", "municipalities"])
def test_non_finite_and_huge_numbers_are_refused(tmp_path, value, question):
    path = tmp_path / "s.yaml"
    path.write_text(f"scenario: x\nanswers:\n  care_form: dagbesteding\n  {question}: {value}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["advise", str(path)])
    assert result.exit_code == 2, result.output
    assert f"s.yaml:4 answers.{question}: verwacht een getal van 0 of meer, ten hoogste 1,000,000,000,000,000" in result.output
    assert "internal error" not in result.output and HUGE not in result.output  # a 400-digit number is cut short


@pytest.mark.parametrize("value", ["nan", "inf", HUGE])
def test_non_finite_and_huge_numbers_in_a_csv_and_in_whatif(tmp_path, value):
    rows = tmp_path / "rows.csv"
    rows.write_text(f"scenario,care_form,contract_value\nbad,dagbesteding,{value}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(rows), "--format", "csv"])
    assert result.exit_code == 1 and "internal error" not in result.output and "rows.csv:2 contract_value:" in result.stderr
    example = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "mlw_crisis.yaml"
    result = CliRunner().invoke(app, ["whatif", str(example), "--set", f"municipalities={value}"])
    assert result.exit_code == 2 and "internal error" not in result.output


@pytest.mark.parametrize("date", ["2026-02-30", "0000-01-01", "2026-13-01"])
def test_impossible_dates_are_refused_with_file_and_line(tmp_path, date):
    path = tmp_path / "s.yaml"
    path.write_text(f"scenario: x\nas_of: {date}\nanswers:\n  care_form: dagbesteding\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["advise", str(path)])
    assert result.exit_code == 2, result.output
    assert f"s.yaml:2 as_of: " in result.output and "internal error" not in result.output


def test_a_batch_with_an_impossible_date_goes_on(tmp_path):
    (tmp_path / "bad.yaml").write_text("scenario: x\nas_of: 2026-02-30\nanswers:\n  care_form: dagbesteding\n", encoding="utf-8")
    (tmp_path / "nan.yaml").write_text("scenario: x\nanswers:\n  care_form: dagbesteding\n  contract_value: .nan\n", encoding="utf-8")
    example = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / "mlw_crisis.yaml"
    result = CliRunner().invoke(app, ["batch", str(tmp_path), str(example), "--lang", "en"])
    assert result.exit_code == 1 and "3 scenarios: 1 advised, 0 outside the knowledge, 2 failed" in result.output
    assert "bad.yaml:2 as_of: cannot read value: '2026-02-30': day is out of range for month" in result.stderr


def test_an_option_spelled_with_capitals_spaces_or_hyphens_is_read_as_its_id(kb, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenario: x\nanswers:\n  care_form: Jeugd-GGZ\n  motives: [beheersbaar aanbod]\n", encoding="utf-8")
    assert load_scenario(kb, path).answers == {"care_form": "jeugd_ggz", "motives": ["beheersbaar_aanbod"]}


def test_a_date_written_the_dutch_way_is_refused_in_the_catalogue_s_words(kb, tmp_path):
    [msg] = problems(kb, tmp_path, "scenario: x\nas_of: 01-01-2027\nanswers:\n  care_form: dagbesteding\n")
    assert msg.endswith("as_of: '01-01-2027' is not a date; write YYYY-MM-DD") and "Input should" not in msg
