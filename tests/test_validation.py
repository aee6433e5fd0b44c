"""The validation set: real municipal decisions. A knowledge change that breaks agreement
below what docs/validation.md reports fails here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from advisor import validation
from advisor.validation import DIMENSIONS, SEGMENT_AGREEMENT, markdown, recorded_agreement, run_cases, summarise
from cli import app

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "validation" / "cases"
PORTFOLIOS = ROOT / "examples" / "portfolios"
FRIESLAND = PORTFOLIOS / "friesland_2022.yaml"
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


def test_the_report_counts_every_difference_by_its_analysis(kb):
    results = run_cases(kb, CASES)
    text = markdown(results)
    table = text.split("Differences by their analysis:")[1].split("## Confusion tables")[0]
    rows = [line.strip("|").split("|") for line in table.strip().splitlines()[2:]]
    counted = {cells[0].strip(): sum(int(c) for c in cells[1:] if c.strip()) for cells in rows}
    agreement = summarise(results).agreement
    assert counted == {dim: n - agree for dim, (agree, n) in agreement.items() if n > agree}


def test_the_report_is_current(kb):
    changes = (ROOT / "validation" / "changes.md").read_text(encoding="utf-8")
    cases, portfolios = validation.run(kb, validation.default_paths(ROOT))
    assert REPORT.read_text(encoding="utf-8") == markdown(cases, changes=changes, portfolios=portfolios), (
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


# --- portfolios --------------------------------------------------------------------
def test_the_bundled_portfolios_are_part_of_the_validation_set(kb):
    assert validation.default_paths(ROOT) == [CASES, PORTFOLIOS]
    cases, portfolios = validation.run(kb, validation.default_paths(ROOT))
    assert len(cases) == len(run_cases(kb, CASES))
    assert sorted(Path(p.path).name for p in portfolios) == sorted(p.name for p in PORTFOLIOS.glob("*.yaml"))
    assert [p.path for p in portfolios if p.problems] == []
    compared = [o for p in portfolios for o in p.outcomes]
    assert len(compared) >= 15 and {"status", "instrument", "kraljic_segment"} <= {o.dimension for o in compared}


def test_each_segment_outcome_is_the_strategy_comparison(kb):
    """The validation reuses what `advisor strategy` compares; it does not compare on its own."""
    result = validation.run_portfolio(kb, FRIESLAND)
    for segment, s in zip(result.segments, result.strategy.segments):
        assert [(o.dimension, o.expected, o.got, o.note) for o in segment.outcomes] == [
            (c.dimension, c.expected, c.got, c.note) for c in s.comparisons
        ]


def test_portfolio_agreement_does_not_drop_below_the_report(kb):
    recorded = recorded_agreement(REPORT.read_text(encoding="utf-8"), SEGMENT_AGREEMENT)
    assert recorded, "the report has the portfolios' agreement table"
    current = validation.portfolio_agreement(validation.run(kb, [PORTFOLIOS])[1])
    assert set(recorded) == set(current)
    for dim, (agree, n) in recorded.items():
        assert current[dim][0] >= agree, f"{dim}: {current[dim][0]}/{current[dim][1]}, report says {agree}/{n}"


def test_every_portfolio_difference_is_explained(kb):
    for p in validation.run(kb, [PORTFOLIOS])[1]:
        for s in p.segments:
            for o in s.outcomes:
                assert o.agrees or o.note, f"{p.path} {s.id} {o.dimension}: source chose {o.expected}, advisor {o.got}, unexplained"


def _differing(tmp_path: Path) -> Path:
    """Friesland with one expectation the advisor does not share, and a hostile segment name."""
    text = FRIESLAND.read_text(encoding="utf-8").replace("      funding_form: productiebekostiging", "      funding_form: resultaatbekostiging")
    text = text.replace("  - name: Route 2 — samenhangend ondersteuningsaanbod jongeren en volwassenen",
                        '  - name: "Route 2 [bold]x[/bold] \\e[31m *rood* | y"')
    path = tmp_path / "portfolios" / "friesland_anders.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_takes_portfolios_and_shows_each_difference(tmp_path):
    path = _differing(tmp_path)
    nl = CliRunner().invoke(app, ["validate", str(path.parent)], env={"COLUMNS": "80"})
    assert nl.exit_code == 0, nl.output
    assert "1 portefeuille met 3 segmenten" in nl.output and "casus" not in nl.output
    assert "Bekostigingsvorm: 1/2 (50%)" in nl.output
    assert "bron koos resultaatbekostiging, geadviseerd productiebekostiging" in nl.output
    assert "niet toegelicht in de portefeuille" in nl.output
    assert "[bold]x[/bold]" in nl.output and "\\x1b[31m" in nl.output and "\x1b" not in nl.output
    en = CliRunner().invoke(app, ["validate", str(path), "--lang", "en"])
    assert "Funding form: 1/2 (50%)" in en.output and "source chose resultaatbekostiging" in en.output
    assert "not explained in the portfolio" in en.output and "bron koos" not in en.output


def test_validate_markdown_of_portfolios_only(tmp_path):
    path = _differing(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "markdown", "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "## Portfolios" in text and "## Cases" not in text and "## Confusion tables" not in text
    assert recorded_agreement(text, SEGMENT_AGREEMENT)["funding_form"] == (1, 2)
    assert "source chose `resultaatbekostiging`; advisor `productiebekostiging` — **differs**" in text
    assert "explanation: *not yet written*" in text
    assert "Route 2 \\[bold\\]x\\[/bold\\] \\\\x1b\\[31m \\*rood\\* \\| y" in text  # Markdown escaped, shown as typed


def test_validate_mixes_cases_and_portfolios_and_fails_on_a_broken_portfolio(tmp_path):
    path = _differing(tmp_path)
    broken = path.parent / "kapot.yaml"
    broken.write_text("portfolio: kapot\nregion: x\nstart: 2024-01-01\nsegments:\n  - name: a\n    care_forms: [vervoerr]\n", encoding="utf-8")
    case = CASES / "wmo_bergen_begeleiding_resultaat.yaml"
    result = CliRunner().invoke(app, ["validate", str(case), str(path.parent), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output.index("1 case:") < result.output.index("2 portfolios with 3 segments")
    assert "; 1 invalid" in result.output and "'vervoerr' is not a care form" in result.output


def test_validate_in_a_separate_process_reads_the_bundled_set():
    result = subprocess.run([sys.executable, "-m", "cli", "validate", "--lang", "en"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert "cases: 2 outside the advisor's knowledge" in result.stdout
    assert "3 portfolios with 19 segments" in result.stdout and "Kraljic segment: 3/3 (100%)" in result.stdout


def test_a_missing_path_gives_the_error_alone(tmp_path):
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "missing.yaml"), "--lang", "en"])
    assert result.exit_code == 1 and "missing.yaml" in result.output and "Instrument:" not in result.output
