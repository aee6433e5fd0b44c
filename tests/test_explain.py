"""Reasoning for trainers: the trace in order, how, why not, what if, and the exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.advise import advise_file
from advisor.explain import derivation, eligible_after, resolve_option, why_not
from advisor.knowledge import STAGES
from advisor.whatif import compare, parse_settings
from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "scenarios").glob("*.yaml"))
MERMAID = ROOT / "tests" / "mermaid"
runner = CliRunner()


def example(name: str) -> Path:
    return ROOT / "examples" / "scenarios" / f"{name}.yaml"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_trace_is_in_a_valid_order(kb, path):
    """Stages in order; a rule fires only after the facts it matched were asserted."""
    advice = advise_file(kb, path)
    order = list(STAGES)
    steps = advice.trace.steps
    assert [s.order for s in steps] == list(range(1, len(steps) + 1))
    assert [order.index(s.stage) for s in steps] == sorted(order.index(s.stage) for s in steps)
    asserted_at = {}
    for s in steps:
        for fact in s.matched:
            if fact[0] not in advice.answers:
                assert fact in asserted_at, f"{s.rule} matched {fact} before it was asserted"
        for fact in s.asserted:
            asserted_at.setdefault(fact, s.order)


def test_the_trace_names_the_expected_rules(kb):
    rules = advise_file(kb, example("friesland_route1_ouderen_huishoudelijke_hulp")).trace.rules()
    for expected in ("open_house_test.choice_is_public_contract", "instrument.material_public_contract",
                     "regime.sas_above_threshold", "funding.population_for_area", "contract.fixed_budget_for_population"):
        assert expected in rules
    assert rules.index("open_house_test.choice_is_public_contract") < rules.index("instrument.material_public_contract")


def test_eligible_rules_after_a_step(kb):
    advice = advise_file(kb, example("mlw_ambulant"))
    first = advice.trace.steps[0]
    following = [s.rule for s in advice.trace.steps if s.stage == first.stage and s.kind == "rule"][1:]
    assert eligible_after(kb, advice, first) == following


def test_how_goes_back_to_the_answers(kb):
    tree = derivation(kb, advise_file(kb, example("mlw_ambulant")), "kraljic_segment")
    [rule] = tree.children
    assert rule.rule == "kraljic.leverage"
    leaves = {child.children[0].fact for child in rule.children}
    assert leaves == {("budget_share", "large"), ("provider_market", "many")}


def test_why_not_finds_the_flip_where_one_exists(kb):
    result = why_not(kb, advise_file(kb, example("mlw_ambulant")), "open_house")
    assert result.excluded_by == ["instrument.choice_rules_out_open_house"]
    assert result.flip and result.flip["selection"] == "admit_all" and len(result.flip) <= 2
    flipped = advise_file(kb, example("kortdurend_verblijf_onder_drempel"))
    assert why_not(kb, flipped, "regime_sas").flip == {"contract_value": 750000}


def test_why_not_says_when_the_change_takes_another_route(kb):
    """Core partners in an Open House for dyslexia care come only with own management: the
    reader is told that the instrument and the regime change too, not only the answers."""
    advice = advise_file(kb, example("dyslexie_open_house_routine"))
    result = why_not(kb, advice, "kernpartners")
    also = {d: (before, after) for d, before, after in result.also}
    assert also["instrument"] == ("open_house", "eigen_beheer") and "provider_count" not in also
    assert also["contract_form"][1] == "vast_budget"  # and what follows from it, later stages included
    shown = runner.invoke(app, ["explain", str(example("dyslexie_open_house_routine")), "--why-not", "kernpartners", "--lang", "en"]).output
    assert "That also changes: Instrument: Open House → Eigen beheer (own management)" in " ".join(shown.split())
    same_route = why_not(kb, advise_file(kb, example("kortdurend_verblijf_onder_drempel")), "regime_sas")
    assert same_route.flip == {"contract_value": 750000}
    assert "instrument" not in {d for d, _, _ in same_route.also}  # a higher value: the same instrument


def test_the_change_found_carries_no_answer_it_works_without(kb):
    """The beam extends the most promising change; a third answer it carried along, which the
    option does not need, is dropped (area-based and own staff are enough for a fixed budget)."""
    result = why_not(kb, advise_file(kb, example("jeugd_ggz_dialoog_gemengd")), "vast_budget")
    assert result.flip == {"area_based": True, "own_organisation": "own_staff"}


def test_why_not_says_so_where_none_exists(kb):
    result = why_not(kb, advise_file(kb, example("friesland_route3_vervoer")), "open_house")
    assert result.flip is None and result.searched == 3


@pytest.mark.parametrize("name, option", [
    ("mlw_ambulant", "open_house"), ("friesland_route3_vervoer", "open_house"),
    ("jeugd_ggz_dialoog_gemengd", "das"), ("mlw_verblijf_met_behandeling", "kort"),
])
def test_the_search_finds_the_same_with_every_trial_run(kb, monkeypatch, name, option):
    """Trials that differ only in answers no rule bearing on the option tests share a margin;
    run each one instead, and the search finds the same change."""
    import advisor.explain
    from advisor.engine import Ruleset

    advice = advise_file(kb, example(name))
    shared = why_not(kb, advice, option)
    monkeypatch.setattr(advisor.explain, "_bearing", lambda *args: set(kb.questions))
    monkeypatch.setattr(Ruleset, "tests", lambda self, fact: True)
    alone = why_not(kb, advice, option)
    assert (shared.flip, shared.searched) == (alone.flip, alone.searched)


def test_why_not_lists_the_failing_conditions(kb):
    result = why_not(kb, advise_file(kb, example("mlw_ambulant")), "prestatie_inkoop")
    blocked = {b.rule: b for b in result.blocked}
    assert {t.fact for t in blocked["procedure.best_value_main_contractor"].failing} == {"area_based"}


def test_options_by_name_and_synonym(kb):
    assert resolve_option(kb, "Open House") == ("instrument", "open_house")
    assert resolve_option(kb, "bestuurlijk aanbesteden") == ("procedure", "dialooggericht")
    assert resolve_option(kb, "inbesteding") == ("procedure", "inbesteding")  # an id beats a synonym
    assert resolve_option(kb, "quasi-inbesteding") == ("instrument", "eigen_beheer")


def test_whatif_reports_exactly_the_decisions_that_changed(kb):
    before = advise_file(kb, example("kortdurend_verblijf_onder_drempel"))
    result = compare(kb, before, parse_settings(kb, ["contract_value=2 mln"]))
    assert result.decisions == [
        ("regime", "regime_onderhands", "regime_sas"), ("procedure", "meervoudig_onderhands", "klassieke_aanbesteding")
    ]
    assert "regime.sas_above_threshold" in result.only_after
    assert "procedure.below_threshold_private" in result.only_before
    assert result.changes == {"contract_value": (420000, 2000000)}


def test_whatif_with_no_change_says_so(kb):
    before = advise_file(kb, example("mlw_ambulant"))
    result = compare(kb, before, parse_settings(kb, ["months_to_start=36"]))
    assert result.decisions == [] and result.only_after == []


def test_cli_explain_text_markdown_json(tmp_path):
    text = runner.invoke(app, ["explain", str(example("mlw_ambulant")), "--lang", "en"])
    assert text.exit_code == 0, text.output
    assert "Stage: Context" in text.output and "Stage: Funding" in text.output and "How the advice was derived" in text.output
    md = runner.invoke(app, ["explain", str(example("mlw_ambulant")), "--format", "markdown"]).output
    assert md.startswith("# Redenering:") and "## Fase: Bekostiging" in md and "arrangement" not in md
    data = json.loads(runner.invoke(app, ["explain", str(example("mlw_ambulant")), "--format", "json"]).output)
    assert data["stages"][0]["stage"] == "context" and "instrument" in data["how"]


def test_cli_explain_step_by_step_pauses_and_shows_the_agenda():
    result = runner.invoke(app, ["explain", str(example("mlw_crisis")), "--step", "--lang", "en"], input="\n" * 200)
    assert result.exit_code == 0, result.output
    assert result.output.count("Eligible next:") >= 10
    assert result.output.count("Enter = next step · c = rest of the stage · q = quit") >= 10
    assert "– Weinig aanbieders" not in result.output and "– Few providers" in result.output  # titles in the language asked for
    assert "tally: Overheidsopdracht (public contract) " in result.output


def test_step_c_runs_to_the_end_of_the_stage_and_q_quits():
    everything = runner.invoke(app, ["explain", str(example("mlw_crisis")), "--step"], input="\n" * 200).output
    prompts = everything.count("Enter = volgende stap")
    staged = runner.invoke(app, ["explain", str(example("mlw_crisis")), "--step"], input="c\n" * 20).output
    assert staged.count("Enter = volgende stap") < prompts and "Hoe het advies tot stand kwam" in staged
    stopped = runner.invoke(app, ["explain", str(example("mlw_crisis")), "--step"], input="\nq\n").output
    assert stopped.count("Enter = volgende stap") == 2 and "Hoe het advies" not in stopped


def test_why_not_answers_first_and_alone():
    result = runner.invoke(app, ["explain", str(example("mlw_ambulant")), "--lang", "en", "--why-not", "open_house"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Why not: Open House") and lines[1].startswith("Instrument: recommended is")
    assert result.output.index("Smallest change found") < result.output.index("Rules that would argue for it")
    assert "Stage:" not in result.output
    assert "The whole reasoning: advisor explain" in result.output and len(lines) < 40


def test_the_how_tree_shows_a_shared_subtree_once():
    result = runner.invoke(app, ["explain", str(example("mlw_crisis"))]).output
    how = result.split("Hoe het advies tot stand kwam")[1]
    assert how.count("besluit: Instrument = Overheidsopdracht") >= 3 and "(zie hierboven)" in how
    assert how.count("Wie kiest tussen aanbieders en betaalt") == 1


def test_whatif_markdown_is_a_table_and_mermaid_a_chart():
    args = ["whatif", str(example("kortdurend_verblijf_onder_drempel")), "--set", "contract_value=2000000"]
    md = runner.invoke(app, [*args, "--format", "markdown"]).output
    assert "| | Voor | Na |" in md and "| Regime | Onder de drempel: eigen inkoopbeleid | SAS-regime (sociale en andere specifieke diensten) |" in md
    chart = runner.invoke(app, [*args, "--format", "mermaid"]).output
    assert chart.startswith("flowchart LR") and "answers --> decisions" in chart and "Regime: Onder de drempel" in chart


def test_whatif_with_an_unchanged_answer_says_so():
    result = runner.invoke(app, ["whatif", str(example("mlw_ambulant")), "--set", "selection=select"]).output
    assert "Gewijzigde antwoorden" not in result
    assert "Geen antwoord gewijzigd: selectie is al Ja" in result and "Geen keuze verandert." in result


def test_cli_why_not_an_unknown_option():
    result = runner.invoke(app, ["explain", str(example("mlw_ambulant")), "--why-not", "open_hose"])
    assert result.exit_code == 2 and "bedoelt u 'open_house'?" in result.output


def test_cli_whatif(tmp_path):
    result = runner.invoke(app, ["whatif", str(example("kortdurend_verblijf_onder_drempel")), "--set", "contract_value=2000000", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Regime: Below the threshold: own procurement policy" in result.output and "→ SAS regime" in result.output
    bad = runner.invoke(app, ["whatif", str(example("mlw_ambulant")), "--set", "selection=maybe"])
    assert bad.exit_code == 2 and "'maybe' is geen optie" in bad.output


def _mermaid_ready() -> bool:
    return shutil.which("node") is not None and (MERMAID / "node_modules" / "mermaid").exists()


@pytest.mark.skipif(not _mermaid_ready() and not os.environ.get("CI"),
                    reason="Mermaid's parser is not installed here (npm ci --prefix tests/mermaid)")
@pytest.mark.parametrize("name", ["mlw_ambulant", "friesland_route1_ouderen_huishoudelijke_hulp", "gedwongen_kader_subsidie", "friesland_route3_vervoer"])
def test_the_mermaid_flowchart_parses(name):
    assert _mermaid_ready(), "CI must install tests/mermaid (npm ci --prefix tests/mermaid)"
    chart = runner.invoke(app, ["explain", str(example(name)), "--format", "mermaid"]).output
    assert chart.startswith("flowchart LR")
    parsed = subprocess.run(["node", str(MERMAID / "parse.mjs")], input=chart, capture_output=True, text=True, timeout=120)
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout.strip() == "flowchart-v2"


def test_explain_marks_a_close_call_and_says_how_a_tie_is_broken_and_marks_an_assumption():
    text = runner.invoke(app, ["explain", str(example("mlw_ambulant")), "--format", "markdown"], env={"COLUMNS": "200"}).output
    [procedure] = [line for line in text.splitlines() if "**Besluit: Procedure:" in line]
    assert procedure.rstrip().endswith("(nipte keuze)**")
    assert "Bij een gelijke stand gaat de keuze naar de optie met meer steunende regels" in text
    early = runner.invoke(app, ["explain", str(example("dagbesteding_vroeg_in_het_traject"))], env={"COLUMNS": "200"}).output
    assert "Besluit: Instrument: Open House (aangenomen)" in early


def test_explain_cites_no_ruling_given_after_the_date_of_the_advice(kb):
    from advisor.render.explanation import trace_view

    view = trace_view(kb, advise_file(kb, example("begeleiding_2015_2b_regime")), "nl")
    cited = " ".join(s for stage in view["stages"] for step in stage["steps"] for s in step.get("sources", []))
    assert "Falk Pharma" not in cited and "Hoge Raad" not in cited  # 2016 and 2021; the advice is for 2015


def test_whatif_then_shows_the_same_answers_under_the_law_of_another_date():
    result = runner.invoke(app, ["whatif", str(example("begeleiding_2015_2b_regime")), "--then", "2026-06-01"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "datum van het advies: 2015-06-01 → 2026-06-01" in result.output
    assert "Regime: 2B-dienstenregime (tot 1 juli 2016) → SAS-regime" in result.output
    view = json.loads(runner.invoke(app, ["whatif", str(example("begeleiding_2015_2b_regime")), "--then", "2026-06-01",
                                          "--set", "contract_value=500000", "--format", "json"]).output)
    assert [c["question"] for c in view["changed_answers"]] == ["contract_value", "as_of"]
    nothing = runner.invoke(app, ["whatif", str(example("begeleiding_2015_2b_regime"))])
    assert nothing.exit_code == 2 and "--then" in nothing.output
    bad = runner.invoke(app, ["whatif", str(example("begeleiding_2015_2b_regime")), "--then", "01-06-2026"])
    assert bad.exit_code == 2 and "--then: '01-06-2026'" in bad.output
