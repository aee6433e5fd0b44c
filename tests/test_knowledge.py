"""The shipped knowledge loads cleanly; a broken file fails loudly with file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.loader import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def test_every_rule_has_texts_sources_and_a_period(kb):
    assert len(kb.rules) > 100
    for r in kb.rules:
        assert r.rule.because.nl and r.rule.because.en and r.rule.sources and r.rule.valid_from


def test_report_citations_point_inside_the_seed_files(kb):
    seeds = ROOT.parent / "shared"
    docs = {d.id: d for d in kb.sources.documents}
    for r in kb.rules:
        for s in r.rule.sources:
            doc = docs[s.ref]
            if doc.file and s.lines and (seeds / doc.file).exists():
                length = (seeds / doc.file).read_text(encoding="utf-8").count("\n") + 1
                assert s.lines[1] <= length, f"{r.id}: {s.ref} lines {s.lines}"


@pytest.fixture
def broken(kb_copy):
    """Change one knowledge file; loading must then fail. Returns the messages."""

    def change(file: str, old: str, new: str) -> list[str]:
        with pytest.raises(InputError) as err:
            load_knowledge(kb_copy(file, old, new))
        return [str(p) for p in err.value.problems]

    return change


def test_unknown_option_in_a_conclusion(broken):
    [msg] = broken("rules/kraljic.yaml", "support: {kraljic_segment: strategisch}", "support: {kraljic_segment: strategic}")
    assert "rules/kraljic.yaml:" in msg and "kraljic.strategic" in msg
    assert "'strategic' is not an option of kraljic_segment; did you mean 'strategisch'?" in msg


def test_condition_on_an_unknown_fact(broken):
    [msg] = broken("rules/funding.yaml", "product_mix: true", "product_mixx: true")
    assert "reads 'product_mixx', which no question asks and no rule derives; did you mean 'product_mix'?" in msg


def test_condition_value_outside_the_question_options(broken):
    [msg] = broken("rules/market.yaml", "provider_market: few", "provider_market: fewer")
    assert "tests provider_market for 'fewer'" in msg and "did you mean 'few'?" in msg


def test_unknown_operator_names_its_line(broken):
    [msg] = broken("rules/scope.yaml", "contract_value: {at_least:", "contract_value: {at_leest:")
    assert msg.startswith(str(Path("rules/scope.yaml"))) or "scope.yaml:" in msg
    assert "'at_leest' is not an operator" in msg


def test_missing_translation(broken):
    msgs = broken("rules/kraljic.yaml", "      en: Low impact and low risk — routine segment\n", "")
    assert any("kraljic.yaml:" in m and "title.en: is required but missing" in m for m in msgs)


def test_duplicate_rule_id(broken):
    msgs = broken("rules/kraljic.yaml", "id: kraljic.routine", "id: kraljic.leverage")
    assert any("rule id is used twice" in m for m in msgs)


def test_unknown_source(broken):
    [msg] = broken("rules/kraljic.yaml", "ref: mlw_strategy, at: \"Kraljic matrix: routineproducten\"", "ref: mlw, at: \"x\"")
    assert "source 'mlw' is not in knowledge/sources.yaml" in msg


def test_reading_a_decision_before_it_is_made(broken):
    [msg] = broken("rules/instrument.yaml", "      arrangement: open_house\n", "      procedure: zeeuws_model\n")
    assert "reads the decision 'procedure', which is only made at the end of stage 'procedure'" in msg


def test_invalid_yaml_in_a_rule_file(broken):
    [msg] = broken("rules/contract.yaml", "topic:\n", "topic: [\n")
    assert "contract.yaml:" in msg and "is not valid YAML" in msg
