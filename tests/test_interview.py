"""The questionnaire as a procurement officer uses it: scripted input, nothing lost."""

from __future__ import annotations

import datetime as dt
import json

from rich.console import Console
from typer.testing import CliRunner

from advisor import render
from advisor.advise import advise_file
from advisor.interview import Interview
from advisor.scenario import load_scenario
from cli import app

ON = dt.date(2026, 6, 1)
# An Open House for day activities, answered per question.
SCRIPT = {
    "care_form": "3",
    "other_care_forms": "geen",
    "contract_value": "1,2 mln",
    "municipalities": "2",
    "label_used": "aanbesteding",
    "own_organisation": "1",
    "motives": "1,6",
    "provider_market": "many",
    "supply_risks": "geen",
    "budget_share": "medium",
    "cost_per_client": "low",
    "volume": "high",
    "demand_predictable": "ja",
    "selection": "admit_all",
    "terms": "1",
    "client_choice": "1",
    "accession": "continuous",
    "capacity_limits": "nee",
    "area_based": "nee",
    "results_measurable": "ja",
    "product_mix": "nee",
    "service_specifiable": "fully",
    "urgent_continuity": "nee",
    "policy_procedure": "meervoudig",
    "months_to_start": "30",
    "review": "",
    "report": "",
}


class Scripted:
    """Answers each question from a script; extra lines (commands) are played first."""

    def __init__(self, script=SCRIPT, before=None, stop_after=None):
        self.script, self.before, self.stop_after = dict(script), dict(before or {}), stop_after
        self.asked: list[str] = []
        self.interview = None

    def __call__(self, prompt: str):
        current = self.interview.current
        if self.before.get(current):
            return self.before[current].pop(0)
        if current not in ("review", "report"):
            if self.stop_after is not None and len(self.asked) >= self.stop_after:
                return None  # the terminal closes
            self.asked.append(current)
        return self.script[current]


def interview(kb, tmp_path, reader, answers=None, name="test") -> tuple[Interview, Console]:
    console = Console(record=True, width=120, color_system=None)
    iv = Interview(kb, console, reader, tmp_path / "answers.yaml", name, "nl", ON, answers, ON)
    reader.interview = iv
    return iv, console


def test_a_full_session_ends_with_the_same_advice_as_advise(kb, tmp_path):
    reader = Scripted()
    iv, console = interview(kb, tmp_path, reader)
    advice = iv.run()
    assert advice.recommended()["instrument"] == "open_house"
    assert advice.recommended()["procedure"] == "zeeuws_model"
    saved = advise_file(kb, tmp_path / "answers.yaml")
    assert render.to_string(saved, kb, "json", "nl") == render.to_string(advice, kb, "json", "nl")
    assert "Advies voor: test" in console.export_text()


def test_questions_that_cannot_matter_are_skipped(kb, tmp_path):
    reader = Scripted()
    interview(kb, tmp_path, reader)[0].run()
    assert "care_form" == reader.asked[0]
    assert "demand_predictable" not in reader.asked  # a high volume already settles the impact
    assert "cross_border_interest" not in reader.asked  # above the threshold
    assert "entity_market_share" not in reader.asked and "subsidy_terms" not in reader.asked


def test_out_of_scope_stops_after_the_first_question(kb, tmp_path):
    reader = Scripted({**SCRIPT, "care_form": "vervoer"})
    advice = interview(kb, tmp_path, reader)[0].run()
    assert reader.asked == ["care_form"] and advice.status == "out_of_scope"


def test_in_house_skips_the_contract_and_funding_questions(kb, tmp_path):
    reader = Scripted({**SCRIPT, "own_organisation": "own_staff"})
    interview(kb, tmp_path, reader)[0].run()
    for skipped in ("accession", "results_measurable", "product_mix", "label_used"):
        assert skipped not in reader.asked


def test_back_returns_to_the_previous_question_and_keeps_its_answer(kb, tmp_path):
    reader = Scripted(before={"municipalities": ["terug"], "contract_value": [""]})
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "huidig antwoord: € 1.200.000" in text  # the amount is shown back as an amount
    assert iv.answers["contract_value"] == 1_200_000


def test_why_shows_what_each_answer_would_change(kb, tmp_path):
    reader = Scripted(before={"selection": ["waarom"]})
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "Waarom deze vraag" in text
    assert "iedere aanbieder die aan de eisen voldoet komt erin" in text
    assert "(open_house_test.choice_is_public_contract)" in text


def test_help_explains_the_question_and_its_terms(kb, tmp_path):
    reader = Scripted(before={"terms": ["?"]})
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "Bij Open House zijn voorwaarden en tarieven voor iedereen gelijk" in text
    assert "Begrippen" in text


def test_dont_know_is_saved_and_shown_in_the_advice(kb, tmp_path):
    reader = Scripted({**SCRIPT, "cost_per_client": "weet niet", "budget_share": "weet niet"})
    iv, console = interview(kb, tmp_path, reader)
    advice = iv.run()
    assert iv.answers["cost_per_client"] == "unknown"
    assert "cost_per_client" in advice.unknown
    assert "cost_per_client: unknown" in (tmp_path / "answers.yaml").read_text(encoding="utf-8")


def test_invalid_input_is_asked_again_with_what_is_allowed(kb, tmp_path):
    reader = Scripted(before={"care_form": ["99", "thuiszorg"], "area_based": ["misschien"], "municipalities": ["twee"]})
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "Dat antwoord past niet: '99' is not an option; allowed: huishoudelijke_hulp" in text
    assert "Dat antwoord past niet: ja of nee" in text
    assert "Traceback" not in text
    assert iv.answers["care_form"] == "dagbesteding"


def test_review_lets_the_user_change_an_answer(kb, tmp_path):
    # at the review, change question 14 (selection) to selecting: new questions follow
    script = {**SCRIPT, "review": ""}
    reader = Scripted(script, before={"review": ["14"], "selection": ["", "select"]})
    iv, console = interview(kb, tmp_path, reader)
    advice = iv.run()
    assert iv.answers["selection"] == "select"
    assert advice.recommended()["instrument"] == "overheidsopdracht"
    text = console.export_text()
    assert "Controleer uw antwoorden" in text
    assert "geraamde waarde van de opdracht over de hele looptijd? € 1.200.000" in text  # the review shows the amount as an amount


def test_a_decimal_amount_is_read_as_typed_and_an_ambiguous_one_is_asked_again(kb, tmp_path):
    reader = Scripted(before={"contract_value": ["1.250 mln", "0.5 mln"]})
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "'1.250 mln' is ambiguous" in text and "1,250 mln" in text and "1250 mln" in text
    assert iv.answers["contract_value"] == 500_000


def test_an_interrupted_session_resumes_to_the_same_advice(kb, tmp_path):
    whole = interview(kb, tmp_path / "a", Scripted())[0].run()
    first, _ = interview(kb, tmp_path / "b", Scripted(stop_after=7))
    assert first.run() is None  # the input ended: stopped, answers saved
    saved = load_scenario(kb, tmp_path / "b" / "answers.yaml")
    assert len(saved.answers) == 7
    resumed, _ = interview(kb, tmp_path / "b", Scripted(), answers=saved.answers)
    advice = resumed.run()
    assert render.to_string(advice, kb, "json", "nl") == render.to_string(whole, kb, "json", "nl").replace(
        str(tmp_path / "a"), str(tmp_path / "b")
    )


def test_stop_keeps_every_answer(kb, tmp_path):
    reader = Scripted(before={"motives": ["stop"]})
    iv, console = interview(kb, tmp_path, reader)
    assert iv.run() is None
    saved = load_scenario(kb, tmp_path / "answers.yaml")
    assert "own_organisation" in saved.answers and "motives" not in saved.answers
    assert "advisor ask --resume" in console.export_text()


def test_the_ask_command_with_piped_input(tmp_path):
    path = tmp_path / "vragen.yaml"
    lines = ["vervoer", "", ""]  # an out-of-scope service: one question, review, no report
    result = CliRunner().invoke(app, ["ask", "--save", str(path), "--as-of", "2026-06-01"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Buiten de kennis van de adviseur" in result.output
    assert "care_form: vervoer" in path.read_text(encoding="utf-8")


def test_ask_with_answers_only_asks_what_is_missing(tmp_path, kb):
    start = tmp_path / "start.yaml"
    start.write_text("scenario: Start\nanswers:\n  care_form: vervoer\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(app, ["ask", "--answers", str(start), "--save", str(out)], input="\n\n")
    assert result.exit_code == 0, result.output
    assert "Vraag 1" not in result.output
    assert json.loads(CliRunner().invoke(app, ["advise", str(out), "--format", "json"]).output)["scenario"] == "Start"


def test_ask_resume_of_a_missing_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["ask", "--resume", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "kan niet worden gelezen" in result.output
