"""The questionnaire as a procurement officer uses it: scripted input, nothing lost."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

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
    "regional_body": "1",
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
    "current_arrangement": "none",
    "extension_option": "nee",
    "change_scope": "minor",
    "other_care_forms": "geen",
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
    for skipped in ("accession", "results_measurable", "product_mix"):
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
    assert "Nu: Instrument:" in text and "waarom meer" in text
    assert "open_house_test.choice_is_public_contract" not in text


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
    assert "Dat antwoord past niet: '99' is geen van de keuzes; typ een nummer van 1 tot 24" in text
    assert "Dat antwoord past niet: ja of nee (1 = ja, 2 = nee)" in text
    assert "Traceback" not in text
    assert iv.answers["care_form"] == "dagbesteding"


def test_review_lets_the_user_change_an_answer(kb, tmp_path):
    # at the review, change question 14 (selection) to selecting: new questions follow
    script = {**SCRIPT, "review": ""}
    reader = Scripted(script, before={"review": ["15"], "selection": ["", "select"]})
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
    assert "'1.250 mln' is dubbelzinnig" in text and "1,250 mln" in text and "1250" in text
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
    lines = ["Vervoer Friesland", "vervoer", "", ""]  # a name, an out-of-scope service: one question, review, no report
    result = CliRunner().invoke(app, ["ask", "--save", str(path), "--as-of", "2026-06-01"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Buiten de kennis van de adviseur" in result.output
    assert "care_form: vervoer" in path.read_text(encoding="utf-8")
    assert "scenario: Vervoer Friesland" in path.read_text(encoding="utf-8")
    assert f"Antwoorden bewaard in {path}." in result.output


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


# --- nothing lost ---------------------------------------------------------------------
KEPT = """# Inkoop 2027 - concept, niet verspreiden
scenario: Dagbesteding 2027   # werktitel
description: |
  Twee regels
  beschrijving.
source: raadsvoorstel 2026-12
as_of: 2026-06-01
answers:
  care_form: dagbesteding   # gekozen in het MT
  selection: admit_all

# volgens de bron
expected:
  instrument: open_house
"""


def test_ask_save_refuses_an_existing_file(tmp_path):
    path = tmp_path / "mijn.yaml"
    path.write_text(KEPT, encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--save", str(path)], input="stop\n")
    assert result.exit_code == 2
    assert f"{path} bestaat al; ga verder met 'advisor ask --resume {path}'" in result.output
    assert path.read_text(encoding="utf-8") == KEPT
    english = CliRunner().invoke(app, ["ask", "--save", str(path), "--lang", "en"], input="stop\n")
    assert english.exit_code == 2 and "already exists" in english.output


def test_resume_keeps_everything_it_does_not_own(tmp_path):
    path = tmp_path / "mijn.yaml"
    path.write_text(KEPT, encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--resume", str(path)], input="stop\n")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == KEPT.replace("   # gekozen in het MT", "")
    result = CliRunner().invoke(app, ["ask", "--resume", str(path)], input="geen\n1.200.000\nstop\n")
    text = path.read_text(encoding="utf-8")
    assert "  contract_value: 1200000\n" in text
    for kept in ("# Inkoop 2027", "# werktitel", "description: |\n  Twee regels", "source: raadsvoorstel", "# volgens de bron",
                 "expected:\n  instrument: open_house"):
        assert kept in text


def test_a_second_session_on_the_same_file_is_refused(tmp_path):
    import os
    import subprocess
    import sys
    import time

    path = tmp_path / "mijn.yaml"
    path.write_text(KEPT, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    first = subprocess.Popen([sys.executable, "-m", "cli", "ask", "--resume", str(path)], cwd=root, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = tmp_path / ".mijn.yaml.lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = CliRunner().invoke(app, ["ask", "--resume", str(path)], input="stop\n")
        assert second.exit_code == 2
        assert f"{path} is al open in een andere vragenlijst (proces {first.pid})" in second.output
    finally:
        first.communicate("stop\n", timeout=60)
    assert first.returncode == 0 and not lock.exists()
    assert CliRunner().invoke(app, ["ask", "--resume", str(path)], input="stop\n").exit_code == 0


def test_resume_of_an_invalid_file_exits_2(tmp_path):
    path = tmp_path / "mijn.yaml"
    path.write_text("scenario: x\nanswers:\n  care_form: zorg\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--resume", str(path)], input="stop\n")
    assert result.exit_code == 2 and "answers.care_form: 'zorg' is geen optie" in result.output
    assert path.read_text(encoding="utf-8") == "scenario: x\nanswers:\n  care_form: zorg\n"


def test_the_name_is_asked_first_and_the_report_gets_md(kb, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reader = Scripted({**SCRIPT, "name": "Dagbesteding 2027", "report": "rapport"})
    iv, console = interview(kb, tmp_path, reader, name=None)
    iv.run()
    assert "scenario: Dagbesteding 2027" in (tmp_path / "answers.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "rapport.md").read_text(encoding="utf-8").startswith("# Advies voor: Dagbesteding 2027")
    assert f"Antwoorden bewaard in {tmp_path / 'answers.yaml'}." in console.export_text()


def test_the_review_adds_a_skipped_question_and_refuses_what_is_not_listed(kb, tmp_path):
    reader = Scripted(before={"review": ["99", "abc"]})
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "'99' is geen nummer uit de lijst" in text and "'abc' is geen nummer uit de lijst" in text
    assert "Overgeslagen vragen" in text
    skipped = text.split("Overgeslagen vragen")[1].split("Nummer om")[0]
    assert "voorspelbaar" in skipped  # demand_predictable was skipped; it can be added here
    number = int(skipped.split("Is de vraag naar deze zorg goed voorspelbaar")[0].strip().split()[-1].rstrip("."))
    reader2 = Scripted({**SCRIPT, "demand_predictable": "nee"}, before={"review": [str(number)]})
    iv2, _ = interview(kb, tmp_path / "b", reader2)
    iv2.run()
    assert iv2.answers["demand_predictable"] is False
    assert list(iv2.answers) == [q for q in kb.questions if q in iv2.answers]  # the asking order is kept


def test_resume_continues_the_numbering_and_back_goes_into_earlier_answers(kb, tmp_path):
    first, _ = interview(kb, tmp_path, Scripted(stop_after=3))
    first.run()
    saved = load_scenario(kb, tmp_path / "answers.yaml").answers
    reader = Scripted(before={list(SCRIPT)[3]: ["terug"]})
    resumed, console = interview(kb, tmp_path, reader, answers=saved)
    resumed.run()
    text = console.export_text()
    assert "Vraag 1 ·" not in text and "Vraag 4 ·" in text
    assert "huidig antwoord: € 1.200.000" in text  # back into the third answer, from before the pause


def test_dont_know_is_offered_only_where_allowed_and_not_listed_as_missing(kb, tmp_path):
    from advisor.render import view

    reader = Scripted({**SCRIPT, "cost_per_client": "weet niet"})
    iv, console = interview(kb, tmp_path, reader)
    advice = iv.run()
    text = console.export_text()
    care_form = text.split("Welke zorgvorm")[1].split("Vraag 2")[0]
    assert "weet niet" not in care_form  # the care form must be answered
    shown = view.build(advice, kb, "nl")
    question = kb.questions["cost_per_client"].text.nl
    assert question in shown["unknown"] and question not in [m["text"] for m in shown["missing"]]
    assert "Beantwoord met 'weet niet'" in text


def test_answer_checks(kb, tmp_path):
    reader = Scripted({**SCRIPT, "supply_risks": "1"}, before={
        "supply_risks": ["scarce,geen", "schaars,none"], "demand_predictable": ["1"], "motives": ["keuzevrijhied"],
        "months_to_start": ["abc"]})
    reader.script["demand_predictable"] = "1"
    iv, console = interview(kb, tmp_path, reader)
    iv.run()
    text = console.export_text()
    assert "'none' gaat niet samen met andere antwoorden" in text
    assert "bedoelt u 'Keuzevrijheid" in text
    assert "'abc' is geen getal" in text and "bedrag" not in text.split("'abc'")[1].split("\n")[0]


def test_a_date_before_the_wmo_2015_says_so(kb, tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("scenario: oud\nas_of: 2010-01-01\nanswers:\n  care_form: dagbesteding\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["advise", str(path)])
    assert "Op 2010-01-01 golden de Wmo 2015 en de Jeugdwet nog niet" in result.output


def test_the_questionnaire_before_the_wmo_2015_ends_with_the_reason(tmp_path):
    result = CliRunner().invoke(app, ["ask", "--as-of", "2010-01-01", "--save", str(tmp_path / "a.yaml")],
                                input="Oud\n")
    assert result.exit_code == 0, result.output
    assert "Op 2010-01-01 golden de Wmo 2015 en de Jeugdwet nog niet" in " ".join(result.output.split())


def _session(kb, tmp_path, first=None, lazy=False, before=None):
    reader = Scripted(before={"care_form": ["?", "waarom"]} if before is None else before)
    console = Console(record=True, width=120, color_system=None)
    loads = []

    def load():
        loads.append(1)
        return kb

    iv = Interview(load if lazy else kb, console, reader, tmp_path / "answers.yaml", "test", "nl", ON, None, ON, first)
    reader.interview = iv
    advice = iv.run()
    same = lambda text: text.replace(str(tmp_path), "TMP")  # noqa: E731
    return same(console.export_text()), same(render.to_string(advice, kb, "json", "nl")), reader.asked, loads


def test_a_kept_first_question_is_shown_and_read_as_the_questionnaire_asks_it(kb, tmp_path, monkeypatch):
    from advisor import opening

    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    assert opening.read(kb.root, ON) is None
    plain = _session(kb, tmp_path / "a")  # works the first question out, and keeps it
    first = opening.read(kb.root, ON)
    assert first is not None and first.question == "care_form" and first.labels["en"][0].startswith("Household help")
    kept = _session(kb, tmp_path / "b", first, lazy=True)
    assert kept[:3] == plain[:3] and kept[3] == [1]  # the same session; the knowledge loaded once, at the first answer
    stopped = Interview(lambda: 1 / 0, Console(record=True, width=120), lambda prompt: None, tmp_path / "c.yaml", "x", "nl", ON,
                        None, ON, first)
    assert stopped.run() is None  # the input ended at the first question: the knowledge was never needed
    assert "Vraag 1 · nog ongeveer" in stopped.console.export_text()


def test_a_kept_first_question_that_is_no_longer_the_first_is_replaced_before_an_answer_counts(kb, tmp_path, monkeypatch):
    from dataclasses import replace

    from advisor import opening

    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    plain = _session(kb, tmp_path / "a", before={})
    stale = replace(opening.read(kb.root, ON), text={"nl": "Een oude vraag?", "en": "An old question?"}, labels={"nl": ["Oud"], "en": ["Old"]})
    text, advice, asked, _ = _session(kb, tmp_path / "b", stale, lazy=True, before={})
    assert text.startswith("\nVraag 1 · nog ongeveer") and "Een oude vraag?\n   1. Oud\n" in text
    assert text.split("Een oude vraag?\n   1. Oud\n", 1)[1].split("\n", 1)[1] == plain[0]  # then the session as it is without it
    assert advice == plain[1] and asked == ["care_form", *plain[2]]  # the answer given to the old question was not taken
    assert opening.read(kb.root, ON) != stale  # and the right one is kept


def test_a_first_question_is_kept_for_the_dates_between_two_dates_of_the_knowledge(kb, tmp_path, monkeypatch):
    from advisor import opening

    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    dates = opening.knowledge_dates(kb)
    first = opening.Opening("care_form", "choice", False, {"nl": "?", "en": "?"}, {"nl": [], "en": []}, 3)
    opening.write(kb.root, dates, ON, first)
    since, until = max(d for d in dates if d <= ON), min(d for d in dates if d > ON)
    assert opening.read(kb.root, since) == first and opening.read(kb.root, until - dt.timedelta(days=1)) == first
    assert opening.read(kb.root, since - dt.timedelta(days=1)) is None and opening.read(kb.root, until) is None
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    assert opening.read(kb.root, ON) is None


def test_a_question_that_only_gives_evidence_for_an_open_answer_is_asked(kb):
    """What the municipality calls the arrangement decides nothing by itself, but the advice
    follows it while selection is open, so the questionnaire asks it (and does not list it as
    missing afterwards without having asked)."""
    import datetime as dt

    from advisor.questionnaire import next_question
    from advisor.scenario import check_answers

    answers = check_answers(kb, {"care_form": "dagbesteding", "other_care_forms": ["none"], "municipalities": 3,
                                 "regional_body": "not_yet", "contract_value": 2_000_000})
    assert next_question(kb, answers, dt.date(2026, 6, 1)).id == "label_used"
