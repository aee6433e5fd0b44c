"""The bundled examples: each gets the outcome its source reports, every time the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import render
from advisor.advise import advise_file
from advisor.scenario import load_scenario

EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "scenarios").glob("*.yaml"))


def test_there_are_enough_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_gets_the_outcome_its_source_reports(kb, path):
    expected = load_scenario(kb, path).scenario.expected
    advice = advise_file(kb, path)
    got = {"status": advice.status, **advice.recommended()}
    assert expected, "every example states the outcome its source reports"
    assert {k: got.get(k) for k in expected} == expected


def test_examples_reach_every_instrument_funding_form_and_segment(kb):
    seen: dict[str, set] = {"instrument": set(), "funding_form": set(), "kraljic_segment": set()}
    for path in EXAMPLES:
        for dim, option in advise_file(kb, path).recommended().items():
            if dim in seen and option:
                seen[dim].add(option)
    for dim, options in seen.items():
        assert options == {o.id for o in kb.dimensions[dim].options}, dim


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_output_is_byte_identical_between_runs(kb, fmt, lang):
    for path in EXAMPLES:
        first = render.to_string(advise_file(kb, path), kb, fmt, lang)
        second = render.to_string(advise_file(kb, path), kb, fmt, lang)
        assert first == second, path.name


def test_out_of_scope_service_gets_no_advice_but_says_why(kb):
    advice = advise_file(kb, Path(EXAMPLES[0]).parent / "friesland_route3_vervoer.yaml")
    assert advice.status == "out_of_scope"
    assert [d.dimension for d in advice.decisions] == ["regime"]  # transport: the full regime, nothing else
    assert [w.reason.rule for w in advice.warnings][:1] == ["scope.out_of_scope"]
    text = render.to_string(advice, kb, "text", "en")
    assert "Outside the advisor's knowledge" in text
