"""Reasoning behaviour a user notices: explanations, exclusions, close calls, missing answers, dates."""

from __future__ import annotations

import datetime as dt

from advisor import render
from advisor.advise import advise
from advisor.scenario import check_answers

ON = dt.date(2026, 6, 1)


def run(kb, on=ON, **answers):
    return advise(kb, check_answers(kb, answers), on)


def test_every_reason_names_its_rule_text_and_source(kb):
    advice = run(kb, care_form="huishoudelijke_hulp", selection="select", contract_value=2_000_000)
    decision = advice.decision("instrument")
    assert decision.recommended == "overheidsopdracht"
    chosen = decision.options[0]
    assert chosen.support, "a recommendation carries the rules that led there"
    for r in chosen.support:
        assert r.rule in kb.rule and r.text.nl and r.text.en and r.sources


def test_the_trace_records_matched_and_asserted_facts(kb):
    advice = run(kb, care_form="dagbesteding", selection="select")
    step = next(s for s in advice.trace.steps if s.rule == "open_house_test.choice_is_public_contract")
    assert step.matched == (("selection", "select"),)
    assert step.asserted == (("arrangement", "public_contract"),)
    decision = next(s for s in advice.trace.steps if s.kind == "decision" and s.rule == "instrument")
    assert decision.order > step.order


def test_choosing_providers_excludes_open_house_with_its_reason(kb):
    advice = run(kb, care_form="dagbesteding", selection="select")
    open_house = next(o for o in advice.decision("instrument").options if o.option == "open_house")
    assert [r.rule for r in open_house.excluded_by] == ["instrument.choice_rules_out_open_house"]


def test_meervoudig_onderhands_is_excluded_above_the_threshold(kb):
    advice = run(kb, care_form="dagbesteding", selection="select", contract_value=900_000)
    procedure = {o.option: o for o in advice.decision("procedure").options}
    assert procedure["meervoudig_onderhands"].excluded
    assert advice.decision("regime").recommended == "regime_sas"


def test_threshold_amount_is_filled_into_the_explanation(kb):
    advice = run(kb, care_form="dagbesteding", selection="select", contract_value=900_000)
    sas = advice.decision("regime").options[0].support[0]
    assert "€ 750.000" in sas.text.nl and "€ 750,000" in sas.text.en


def test_missing_answers_that_would_matter_are_named(kb):
    advice = run(kb, care_form="dagbesteding", selection="admit_all")
    missing = {m.question: m for m in advice.missing}
    assert "terms" in missing and "instrument" in missing["terms"].affects
    assert "client_choice" in missing


def test_dont_know_is_treated_as_unanswered_and_reported(kb):
    advice = run(kb, care_form="dagbesteding", selection="admit_all", client_choice="weet niet")
    assert advice.unknown == ["client_choice"]
    assert "client_choice" in {m.question for m in advice.missing}


def test_close_call_is_flagged(kb):
    advice = run(kb, care_form="dagbesteding", motives=["keuzevrijheid", "selecteren"])
    instrument = advice.decision("instrument")
    assert instrument.close_call
    assert "process.choice_versus_selection" in {w.reason.rule for w in advice.warnings}


def test_advice_follows_the_date_it_applies_to(kb):
    answers = dict(care_form="jeugd_residentieel", selection="select", contract_value=3_000_000)
    before, after = run(kb, dt.date(2019, 6, 1), **answers), run(kb, dt.date(2026, 6, 1), **answers)
    rules_before, rules_after = set(before.trace.rules()), set(after.trace.rules())
    assert "legal.emvi_duty_until_2022" in rules_before - rules_after
    assert {"legal.no_emvi_duty_since_2022", "legal.youth_regional_purchasing", "legal.reele_prijs_jeugd"} <= (
        rules_after - rules_before
    )


def test_runs_are_isolated(kb):
    first = run(kb, care_form="dagbesteding", selection="select")
    run(kb, care_form="huishoudelijke_hulp", selection="admit_all", terms="set_by_municipality", client_choice="client")
    again = run(kb, care_form="dagbesteding", selection="select")
    assert first.trace.steps == again.trace.steps


def test_a_missing_deciding_answer_is_assumed_from_the_evidence_and_said(kb):
    advice = run(kb, care_form="individuele_begeleiding", terms="set_by_municipality", accession="continuous")
    assert advice.recommended()["instrument"] == "open_house"
    [assumption] = advice.assumptions
    assert (assumption.question, assumption.value) == ("selection", "admit_all")
    assert [r.rule for r in assumption.reasons] == ["evidence.set_terms_and_open_accession"]
    assert "selection" not in advice.answers and advice.missing[0].question == "selection"
    [selection] = [c for c in advice.conditional if c.question == "selection"]
    routes = {b.values: dict(b.recommended)["instrument"] for b in selection.branches}
    assert routes == {("select",): "overheidsopdracht", ("admit_all",): "open_house"}
    assert advice.trace.steps[0].kind == "assumption"


def test_evidence_both_ways_assumes_nothing_and_shows_both_routes(kb):
    advice = run(kb, care_form="huishoudelijke_hulp", motives=["keuzevrijheid", "beheersbaar_aanbod"])
    assert advice.assumptions == []
    [selection] = [c for c in advice.conditional if c.question == "selection"]
    assert selection.likely is None and {b.weight for b in selection.branches} == {1}
    view = render.view.build(advice, kb, "nl")
    assert view["conditional"][0]["mixed_evidence"]


def test_a_missing_value_is_worked_out_per_band(kb):
    advice = run(kb, care_form="jeugd_ggz", selection="select", municipalities=7)
    assert advice.recommended()["regime"] == "regime_sas"
    [value] = [c for c in advice.conditional if c.question == "contract_value"]
    text = render.to_string(advice, kb, "text", "nl")
    assert "Aanname" in text and "onder € 750.000" in text and "€ 750.000 of meer" in text
    regimes = {b.band: dict(b.recommended)["regime"] for b in value.branches}
    assert regimes == {(None, 750000): "regime_onderhands", (750000, None): "regime_sas"}


def test_a_value_answered_with_dont_know_is_worked_out_per_band_like_a_missing_one(kb):
    answers = dict(care_form="individuele_begeleiding", municipalities=1, own_organisation="none", motives=["kostenbeheersing", "sturing"])
    for value in ("unknown", None):
        advice = run(kb, **answers, **({"contract_value": value} if value else {}))
        [c] = [c for c in advice.conditional if c.question == "contract_value"]
        regimes = {dict(b.recommended)["regime"] for b in c.branches}
        assert regimes == {"regime_onderhands", "regime_sas"}, value


def test_without_exploring_the_advice_rests_on_the_answers_alone(kb):
    advice = advise(kb, {"care_form": "individuele_begeleiding", "terms": "set_by_municipality"}, ON, explore=False)
    assert advice.assumptions == [] and advice.conditional == []
    assert advice.recommended()["instrument"] is None


def test_each_assumption_is_worked_out_on_top_of_the_others(kb):
    advice = run(kb, care_form="jeugd_ambulant_overig", motives=["beheersbaar_aanbod"], municipalities=7)
    assert [(a.question, a.value) for a in advice.assumptions] == [("selection", "select"), ("contract_value", 750000)]
    assert advice.recommended()["regime"] == "regime_sas"
    [selection] = [c for c in advice.conditional if c.question == "selection"]
    select = next(b for b in selection.branches if "select" in b.values)
    assert dict(select.recommended)["regime"] == "regime_sas"  # with the value assumed, not "no advice yet"


def test_a_recommendation_no_answer_keeps_is_provisional(kb):
    advice = run(kb, care_form="jeugd_gedwongen_kader", municipalities=20)
    assert advice.recommended()["instrument"] == "subsidie"
    [selection] = [c for c in advice.conditional if c.question == "selection"]
    assert "subsidie" not in {dict(b.recommended)["instrument"] for b in selection.branches}
    assert {"instrument", "regime", "procedure"} <= advice.provisional()
    text = render.to_string(advice, kb, "text", "nl")
    assert "voorlopig" in text
    assert "provisional" in render.to_string(advice, kb, "markdown", "en")


def test_a_welfare_subsidy_stays_a_subsidy_whether_or_not_the_municipality_selects(kb):
    advice = run(kb, care_form="sociaal_werk", label_used="subsidie", municipalities=1)
    assert [(a.question, a.value) for a in advice.assumptions] == [("subsidy_terms", "activity_grant")]
    assert advice.recommended()["instrument"] == "subsidie" and not advice.provisional()
    [terms] = [c for c in advice.conditional if c.question == "subsidy_terms"]
    assert {b.values[0]: dict(b.recommended)["instrument"] for b in terms.branches}["price_per_service"] == "overheidsopdracht"
    for selection in ("select", "admit_all"):  # choosing between applicants is a subsidy tender, not a purchase
        chosen = run(kb, care_form="sociaal_werk", label_used="subsidie", municipalities=1, selection=selection)
        assert chosen.recommended()["instrument"] == "subsidie", selection


def test_evidence_that_matters_only_after_another_answer_is_assumed_for_that_answer(kb):
    advice = run(kb, care_form="jeugd_gedwongen_kader", municipalities=20)
    [value] = advice.assumptions
    assert (value.question, value.band) == ("contract_value", (750000, None))
    [selection] = [c for c in advice.conditional if c.question == "selection"]
    select = next(b for b in selection.branches if "select" in b.values)
    assert dict(select.recommended)["regime"] == "regime_sas"  # not "no advice yet" for want of the value
    assert "€ 750.000 of meer" in render.to_string(advice, kb, "text", "nl")


def test_an_assumption_no_answer_needs_is_not_made(kb):
    advice = run(kb, care_form="sociaal_werk", municipalities=1, area_based=True, subsidy_terms="activity_grant")
    assert [a.question for a in advice.assumptions] == ["selection"]  # not the value: a subsidy has no threshold


def test_a_fixed_budget_in_a_tender_warns_that_its_risk_must_be_proportionate(kb):
    advice = run(kb, care_form="jeugd_ambulant_overig", selection="select", area_based=True, municipalities=2,
                 contract_value=80_000_000, motives=["kostenbeheersing", "integraal"])
    assert advice.recommended()["contract_form"] == "vast_budget"
    [flag] = [w for w in advice.warnings if w.reason.rule == "legal.fixed_budget_risk_proportionate"]
    assert flag.severity == "medium"
    assert "ECLI:NL:GHDHA:2017:260" in render.to_string(advice, kb, "markdown", "nl")


def test_evidence_both_ways_makes_the_recommendation_provisional(kb):
    advice = run(kb, care_form="huishoudelijke_hulp", motives=["keuzevrijheid", "kostenbeheersing"])
    [selection] = [c for c in advice.conditional if c.question == "selection"]
    assert selection.mixed() and advice.recommended()["instrument"] is not None
    assert "instrument" in advice.provisional()


def test_an_assumption_names_the_evidence_it_outweighs(kb):
    advice = run(kb, care_form="huishoudelijke_hulp", municipalities=1, area_based=True, motives=["keuzevrijheid"])
    [selection] = [a for a in advice.assumptions if a.question == "selection"]
    assert selection.value == "select" and [r.rule for r in selection.against] == ["evidence.motives_for_admission"]
    assert "weegt minder zwaar" in render.to_string(advice, kb, "text", "nl")
