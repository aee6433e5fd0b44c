"""The law as of the date the advice applies to: what changed since the 2018 report."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor.advise import advise
from advisor.errors import InputError
from advisor.loader import load_knowledge
from advisor.scenario import check_answers



def run(kb, on, **answers):
    return advise(kb, check_answers(kb, answers), on)


def changed_rules(kb, answers, before, after):
    rules_before = set(run(kb, before, **answers).trace.rules())
    rules_after = set(run(kb, after, **answers).trace.rules())
    return rules_before - rules_after, rules_after - rules_before


def test_2019_and_2026_differ_exactly_where_the_law_changed(kb):
    answers = dict(
        care_form="jeugd_residentieel", contract_value=3_000_000, selection="select", motives=["samenwerking_aanbieders"]
    )
    gone, new = changed_rules(kb, answers, dt.date(2019, 6, 1), dt.date(2026, 6, 1))
    assert gone == {"legal.emvi_duty_until_2022", "legal.reele_prijs_jeugd_2015"}
    assert new == {
        "legal.no_emvi_duty_since_2022",
        "procedure.dialogue_without_written_offers",
        "legal.reele_prijs_jeugd",
        "scope.youth_regional_duty",
        "cooperation.regional_duty",
        "legal.youth_regional_purchasing",
        "process.mandate",
    }


def test_every_dated_change_says_what_the_report_found(kb):
    advice = run(kb, dt.date(2026, 6, 1), care_form="jeugd_residentieel", selection="select")
    emvi = next(r for r in advice.advice if r.rule == "legal.no_emvi_duty_since_2022")
    assert "Rapport 2018" in emvi.since_report.nl and "1 July 2022" in emvi.since_report.en


def test_thresholds_follow_the_date(kb):
    transport = dict(care_form="vervoer")
    text_2019 = next(w for w in run(kb, dt.date(2019, 6, 1), **transport).warnings if w.reason.rule == "scope.ordinary_services_threshold")
    text_2026 = next(w for w in run(kb, dt.date(2026, 6, 1), **transport).warnings if w.reason.rule == "scope.ordinary_services_threshold")
    assert "€ 221.000" in text_2019.reason.text.nl and "€ 216.000" in text_2026.reason.text.nl
    assert "€ 750.000" in text_2026.reason.text.nl


def test_de_minimis_ceilings_follow_the_date(kb):
    subsidy = dict(care_form="beschermd_wonen", subsidy_terms="activity_grant", label_used="subsidie")
    gone, new = changed_rules(kb, subsidy, dt.date(2023, 6, 1), dt.date(2024, 6, 1))
    assert "legal.state_aid_de_minimis_2014" in gone and "legal.state_aid_de_minimis_2024" in new


def test_a_subsidy_that_is_materially_a_contract_gets_the_substance_test(kb):
    advice = run(kb, dt.date(2026, 6, 1), care_form="beschermd_wonen", label_used="subsidie", subsidy_terms="price_per_service")
    instrument = {o.option: o for o in advice.decision("instrument").options}
    assert [r.rule for r in instrument["subsidie"].excluded_by] == ["instrument.subsidy_substance_test"]
    assert "process.called_subsidy_is_contract" in {w.reason.rule for w in advice.warnings}


def test_child_protection_gets_the_subsidy_route_with_its_conditions(kb):
    advice = run(kb, dt.date(2026, 6, 1), care_form="jeugd_gedwongen_kader", subsidy_terms="activity_grant")
    assert advice.decision("instrument").recommended == "subsidie"
    advice_rules = {r.rule for r in advice.advice}
    assert {"process.gedwongen_kader_conditions", "legal.subsidy_basis", "legal.reele_prijs_jeugd"} <= advice_rules


def test_a_neighbourhood_team_foundation_gets_the_in_house_check(kb):
    advice = run(kb, dt.date(2026, 6, 1), care_form="individuele_begeleiding", own_organisation="independent_foundation")
    eigen_beheer = next(o for o in advice.decision("instrument").options if o.option == "eigen_beheer")
    assert [r.rule for r in eigen_beheer.excluded_by] == ["instrument.independent_foundation"]
    assert "instrument.independent_foundation" in {w.reason.rule for w in advice.warnings}


def test_cooperation_between_authorities_is_exempt(kb):
    advice = run(kb, dt.date(2026, 6, 1), care_form="individuele_begeleiding", own_organisation="public_partner",
                 entity_market_share="meets_tests")
    assert advice.decision("instrument").recommended == "eigen_beheer"


def test_unsettled_points_tell_the_user_to_check_with_a_lawyer(kb):
    advice = run(kb, dt.date(2026, 6, 1), care_form="dagbesteding", selection="admit_all", terms="set_by_municipality",
                 client_choice="team_allocates")
    grey = next(w for w in advice.warnings if w.reason.rule == "open_house_test.grey_zone_allocation")
    assert grey.reason.confidence == "low"


def test_overlapping_threshold_periods_are_refused(kb_copy):
    root = kb_copy("knowledge/thresholds.yaml", "valid_until: 2018-01-01", "valid_until: 2018-06-01")
    with pytest.raises(InputError, match="periods overlap at 2018-01-01"):
        load_knowledge(root)


def test_a_ruling_is_cited_only_in_advice_for_a_date_after_it(kb):
    answers = dict(care_form="sociaal_werk", provider_market="few", subsidy_terms="activity_grant", client_choice="single_provider")
    cited = {}
    for on in (dt.date(2019, 6, 1), dt.date(2026, 3, 1)):
        decision = run(kb, on, **answers).decision("procedure")
        [chosen] = [o for o in decision.options if o.option == "begrotingssubsidie"]
        cited[on.year] = {s.ref for r in chosen.support for s in r.sources}
    assert "rvs_2025_3399" not in cited[2019] and "awb_4_2" in cited[2019]  # Peel en Maas was given on 23 July 2025
    assert "rvs_2025_3399" in cited[2026]
