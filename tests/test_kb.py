"""`advisor kb check | test | coverage | docs`: the expert's tools catch mistakes with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.kb.check import check
from cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared"
runner = CliRunner()


def findings(root, severity=None) -> list[str]:
    return [str(f) for f in check(root, SEEDS) if severity in (None, f.severity)]


def test_the_shipped_knowledge_has_no_findings():
    assert findings(None) == []


def test_a_rule_whose_conditions_contradict_can_never_fire(kb_copy):
    root = kb_copy("rules/kraljic.yaml", "      financial_impact: low\n      supply_risk: low\n",
                   "      financial_impact: low\n      supply_risk: low\n      care_form: [dagbesteding]\n      scope_check: x\n")
    # an unknown fact is an error at load, reported by check too
    assert any("rules/kraljic.yaml:" in f and "reads 'scope_check'" in f for f in findings(root, "error"))


def test_impossible_conditions_are_unreachable(kb_copy):
    root = kb_copy("rules/market.yaml", "      provider_market: few\n", "      provider_market: few\n      any:\n        - {provider_market: many}\n")
    [msg] = findings(root, "error")
    assert msg.startswith("rules/market.yaml:") and "market.high_risk_few_providers: can never fire: its conditions contradict" in msg


def test_an_empty_period_is_unreachable(kb_copy):
    root = kb_copy("rules/legal.yaml", "    valid_from: 2022-07-01\n", "    valid_from: 2022-07-01\n    valid_until: 2020-01-01\n")
    [msg] = findings(root, "error")
    assert "legal.no_emvi_duty_since_2022: can never fire: its period is empty" in msg


def test_a_fact_never_derived_while_the_rule_holds(kb_copy):
    root = kb_copy("rules/instrument.yaml", "    figures: [wmo_material_open_house_total]\n    valid_from: 2016-06-02\n",
                   "    figures: [wmo_material_open_house_total]\n    valid_from: 2015-01-01\n    valid_until: 2016-01-01\n")
    [msg] = findings(root, "error")
    assert "instrument.material_open_house: can never fire: it reads arrangement=open_house" in msg


def test_a_citation_beyond_its_seed_file(kb_copy):
    root = kb_copy("rules/kraljic.yaml", "lines: [320, 336]", "lines: [320, 99336]")
    [msg] = findings(root, "error")
    assert "kraljic.routine: cites mlw_strategy lines 320-99336, but the file has" in msg


def test_a_rule_that_cites_only_a_ruling_given_after_its_start(kb_copy):
    root = kb_copy("rules/procedure.yaml", '      - {ref: awb_4_2, at: "art. 4:23, derde lid, onder c"}\n      - {ref: rvs_2025_3399,',
                   '      - {ref: rvs_2025_3399,')
    [msg] = findings(root, "error")
    assert "procedure.budget_subsidy_one_named_institution: from 2015-01-01 every source it cites is a later ruling" in msg


def test_support_that_another_rule_always_cancels(kb_copy):
    root = kb_copy("rules/kraljic.yaml", "support: {kraljic_segment: routine}", "support: {kraljic_segment: routine}\n      exclude: {kraljic_segment: hefboom}")
    root = kb_copy("rules/kraljic.yaml", "      financial_impact: high\n      supply_risk: low\n", "      financial_impact: low\n      supply_risk: low\n")
    msgs = findings(root, "warning")
    assert any("kraljic.leverage: supports kraljic_segment=hefboom, but whenever it fires kraljic.routine" in m for m in msgs)


def test_a_question_no_rule_reads(kb_copy):
    for months in (24, 20, 17, 9, 12):  # every planning rule reads the question; take it out of all of them
        root = kb_copy("rules/process.yaml", f"      months_to_start: {{below: {months}}}\n", "      care_form: beschermd_wonen\n")
    root = kb_copy("rules/renewal.yaml", "      months_to_start: {below: 9}\n", "      care_form: beschermd_wonen\n")
    assert findings(root, "warning") == ["knowledge/questions.yaml: warning: months_to_start: no rule reads this question"]


def test_missing_translation_and_source_are_errors(kb_copy):
    root = kb_copy("rules/scope.yaml", "      en: Outside the advisor's knowledge\n", "")
    root = kb_copy("rules/scope.yaml", "      - {ref: report, at: \"§2.1, afbakening\", lines: [452, 480]}\n      - {ref: report, at: \"voetnoot 20\", lines: [1706, 1708]}\n", "")
    msgs = findings(root, "error")
    assert any("rules/scope.yaml:" in m and "title.en: is required but missing" in m for m in msgs)
    assert any("rules/scope.yaml:" in m and "sources: is empty; a value is required" in m for m in msgs)


def test_kb_check_command_exit_codes(kb_copy):
    ok = runner.invoke(app, ["kb", "check", "--seeds", str(SEEDS)])
    assert ok.exit_code == 0 and "0 errors, 0 warnings" in ok.output
    root = kb_copy("rules/kraljic.yaml", "lines: [320, 336]", "lines: [320, 99336]")
    bad = runner.invoke(app, ["kb", "check", "--knowledge", str(root), "--seeds", str(SEEDS)])
    assert bad.exit_code == 1 and "1 errors, 0 warnings" in bad.output


def test_kb_test_reports_failures_with_file_and_line(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- name: passes\n  answers: {care_form: dagbesteding, selection: select}\n  expect: {instrument: overheidsopdracht}\n"
        "- name: fails\n  answers: {care_form: dagbesteding, selection: select}\n  expect: {instrument: open_house}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "test", str(cases)])
    assert result.exit_code == 1
    assert f"FAIL {cases}:4 fails" in result.output
    assert "instrument: expected 'open_house', got 'overheidsopdracht'" in result.output
    assert result.output.rstrip().endswith("1 passed, 1 failed")


def test_kb_test_runs_the_shipped_cases():
    result = runner.invoke(app, ["kb", "test"])
    assert result.exit_code == 0 and " 0 failed" in result.output


def test_kb_coverage_lists_rules_that_never_fired():
    result = runner.invoke(app, ["kb", "coverage", str(ROOT / "examples" / "scenarios"), "--format", "json"])
    data = json.loads(result.output)
    assert data["scenarios"] >= 10
    scope = data["files"]["rules/scope.yaml"]
    assert scope["scope.out_of_scope"] == 1 and scope["scope.law_wmo"] >= 1
    # the evidence behind an assumed answer counts as fired (the example early in a procurement)
    assert data["files"]["rules/evidence.yaml"]["evidence.motives_for_admission"] >= 1
    text = runner.invoke(app, ["kb", "coverage", str(ROOT / "examples" / "scenarios")]).output
    assert "never fired: open_house_test.grey_zone_caps" in text


def test_kb_docs_describes_rules_in_words_with_a_timeline():
    text = runner.invoke(app, ["kb", "docs", "--lang", "en"]).output
    assert "## Timeline: what changed when" in text
    assert "- **2022-07-01** until: Award on best price-quality was mandatory (`legal.emvi_duty_until_2022`)" in text
    assert "`contract_value` is at least threshold for social and other specific services (sas)" in text
    assert "`motives` includes Client choice first (`keuzevrijheid`)" in text
    assert "## Glossary" in text and "bestuurlijk aanbesteden" in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_kb_docs_describes_the_strategy_planning_and_board_knowledge(kb, lang):
    from advisor.i18n import t
    from advisor.strategy_knowledge import load_strategy_knowledge

    sk = load_strategy_knowledge(kb)
    text = runner.invoke(app, ["kb", "docs", "--lang", lang]).output
    heads = {"en": ("## Strategy over a portfolio", "## Planning and documents per route", "## What a board weighs (advisor compare)"),
             "nl": ("## Strategie over een portefeuille", "## Planning en documenten per route", "## Wat een bestuur weegt (advisor compare)")}
    for head in heads[lang]:
        assert head in text, head
    for phase in sk.planning.phases:
        assert f"**{t(phase.name, lang)}** (`{phase.id}`)" in text
    for loaded in sk.routes:
        r = loaded.route
        assert f"### {t(r.name, lang)} (`{r.id}`)" in text
        weeks = {"en": f"{sum(s.weeks for s in r.steps)} weeks in all", "nl": f"{sum(s.weeks for s in r.steps)} weken in totaal"}
        assert weeks[lang] in text
    for item in sk.planning.checklist:
        assert f"(`{item.id}`)" in text and t(item.purpose, lang) in text
    for c in sk.strategy.checks + sk.strategy.advice:
        assert f"(`{c.id}`)" in text
    for criterion in sk.board.criteria:
        assert f"### {t(criterion.name, lang)} (`{criterion.id}`)" in text
    if lang == "en":
        assert "| Demand and supply analysis — MLW allows two years for a new contract; the extra time over Friesland is in the analysis | 20 | source |" in text
        assert "| Bids or applications — the open procedure has a minimum of 35 days" in text and "| legal minimum period | medium |" in text
        assert "- **Bands** below 5%: Small (under 5%) (`small`); below 20%: Medium (5 to 20%) (`medium`)" in text
        assert "- **+2** Instrument = Open House (`open_house`): in an Open House the client chooses" in text
        assert "- **When** `instrument` is Overheidsopdracht (public contract) ∧ `area_based` is yes **or** `instrument` is Overheidsopdracht" in text


def test_the_knowledge_reference_in_docs_is_current():
    expected = runner.invoke(app, ["kb", "docs", "--lang", "en"]).output
    assert (ROOT / "docs" / "knowledge.md").read_text(encoding="utf-8") == expected, (
        "docs/knowledge.md is stale: run `advisor kb docs --lang en --output docs/knowledge.md`"
    )


def test_an_impossible_date_in_a_rule_file_is_named_with_file_and_line(kb_copy):
    root = kb_copy("rules/kraljic.yaml", "valid_from: 2015-01-01", "valid_from: 2015-02-30")
    result = runner.invoke(app, ["kb", "check", "--knowledge", str(root), "--seeds", str(SEEDS)])
    assert result.exit_code == 1, result.output
    assert "rules/kraljic.yaml:" in result.output and "valid_from: cannot read value: '2015-02-30'" in result.output
    advise = runner.invoke(app, ["advise", str(ROOT / "examples" / "scenarios" / "mlw_crisis.yaml"), "--knowledge", str(root)])
    assert advise.exit_code == 2 and "rules/kraljic.yaml:" in advise.output and "internal error" not in advise.output


def test_the_examples_reach_every_regime_design_lot_and_renewal_option():
    result = CliRunner().invoke(app, ["kb", "coverage", str(ROOT / "examples" / "scenarios"), "--format", "json"])
    assert result.exit_code == 0, result.output
    options = json.loads(result.stdout)["options"]
    for dim in ("instrument", "regime", "procedure", "cooperation", "lots", "renewal"):
        never = [o for o, n in options[dim].items() if not n]
        assert never == [], f"{dim}: no example reaches {never}"
    text = CliRunner().invoke(app, ["kb", "coverage", str(ROOT / "examples" / "scenarios")]).output
    assert "procedure: 17/17 options recommended" in text
