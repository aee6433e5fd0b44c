"""The validation set: real municipal decisions. A knowledge change that breaks agreement
below what docs/validation.md reports fails here."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from advisor.validation import DIMENSIONS, markdown, recorded_agreement, run_cases, summarise
from cli import app

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "validation" / "cases"
REPORT = ROOT / "docs" / "validation.md"


def test_there_are_enough_cases_and_all_are_valid(kb):
    results = run_cases(kb, CASES)
    assert len(results) >= 20
    assert [r.path for r in results if r.problems] == []
    for r in results:
        case = r.case
        assert case.source.address.startswith("http"), r.path
        missing = [d for d in case.decision if d not in case.evidence]
        assert missing == [], f"{r.path}: no evidence for {missing}"


def test_agreement_does_not_drop_below_the_report(kb):
    recorded = recorded_agreement(REPORT.read_text(encoding="utf-8"))
    current = summarise(run_cases(kb, CASES)).agreement
    assert set(recorded) == set(DIMENSIONS)
    for dim, (agree, n) in recorded.items():
        assert current[dim][0] >= agree, f"{dim}: {current[dim][0]}/{current[dim][1]}, report says {agree}/{n}"


def test_every_disagreement_is_analysed(kb):
    for r in run_cases(kb, CASES):
        if not r.in_scope:
            continue
        for outcome in r.outcomes:
            if not outcome.agrees:
                assert outcome.dimension in r.case.analysis, f"{r.path}: {outcome.dimension} not analysed"


def test_the_report_is_current(kb):
    changes = (ROOT / "validation" / "changes.md").read_text(encoding="utf-8")
    assert REPORT.read_text(encoding="utf-8") == markdown(run_cases(kb, CASES), changes=changes), (
        "docs/validation.md is stale: run `advisor validate --output docs/validation.md`"
    )


def test_the_validate_command(tmp_path):
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "Instrument:" in result.output and "wijkt af" in result.output and "differs" not in result.output
    result = CliRunner().invoke(app, ["validate", "--lang", "en"])
    assert "Funding form:" in result.output and "differs" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("case: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1 and "source: is required but missing" in result.output


def _case(kb, tmp_path, as_of, contracts_start=None):
    start = f"contracts_start: {contracts_start}\n" if contracts_start else ""
    (tmp_path / "c.yaml").write_text(
        "case: x\nsource: {title: t, publisher: p, date: 2014-09-01, address: https://example.org}\n"
        f"confidence: low\nas_of: {as_of}\n{start}answers: {{care_form: individuele_begeleiding, results_measurable: true}}\n"
        "evidence: {funding_form: x}\ndecision: {funding_form: resultaatbekostiging}\n",
        encoding="utf-8",
    )
    [result] = run_cases(kb, tmp_path)
    return result


def test_a_decision_before_the_new_laws_is_advised_as_of_their_start_only_when_taken_for_them(kb, tmp_path):
    for_new_law = _case(kb, tmp_path, "2014-09-25", "2015-01-01")
    assert for_new_law.in_scope and for_new_law.advice.as_of.isoformat() == "2015-01-01"
    assert for_new_law.outcomes[0].agrees
    under_old_law = _case(kb, tmp_path, "2012-12-12")
    assert not under_old_law.in_scope
    assert summarise([under_old_law]).out_of_scope == 1
