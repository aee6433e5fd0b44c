"""Strategies over a whole portfolio: the examples reproduce their sources (or explain each
difference), the checks, the planning, the pictures, the documents and the command."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.errors import InputError
from advisor.render import kraljic
from advisor.render.strategy import build as view, outputs
from advisor.strategy import strategy_file
from advisor.strategy_knowledge import load_strategy_knowledge
from cli import app

ROOT = Path(__file__).resolve().parent.parent
PORTFOLIOS = ROOT / "examples" / "portfolios"
FRIESLAND = PORTFOLIOS / "friesland_2022.yaml"
MLW = PORTFOLIOS / "midden_limburg_west_2020.yaml"
MADE_UP = PORTFOLIOS / "regio_voorbeeld_2026.yaml"
MERMAID = ROOT / "tests" / "mermaid"
runner = CliRunner()
needs_plots = pytest.mark.skipif(not kraljic.available(), reason="matplotlib (the [plots] extra) is not installed")


@pytest.fixture(scope="module")
def sk(kb):
    return load_strategy_knowledge(kb)


@pytest.fixture(scope="module")
def strategies(kb, sk):
    return {p.stem: strategy_file(kb, sk, p) for p in sorted(PORTFOLIOS.glob("*.yaml"))}


@pytest.mark.parametrize("name", ["friesland_2022", "midden_limburg_west_2020"])
def test_the_source_strategies_are_reproduced_or_each_difference_explained(strategies, name):
    strategy = strategies[name]
    compared = [c for s in strategy.segments for c in s.comparisons]
    assert compared, "the portfolio states what its source chose"
    for s in strategy.segments:
        for c in s.comparisons:
            assert c.agrees or c.note, f"{s.id} {c.dimension}: source chose {c.expected}, advisor {c.got}, unexplained"


def test_friesland_routes_follow_the_source(strategies):
    got = {s.id: s.advice.recommended() for s in strategies["friesland_2022"].segments}
    assert got["route1"]["regime"] == "regime_sas" and got["route1"]["funding_form"] == "populatiebekostiging"
    assert got["route2"]["instrument"] == "open_house" and got["route2"]["funding_form"] == "productiebekostiging"
    assert strategies["friesland_2022"].segment("route3").advice.status == "out_of_scope"


def test_the_made_up_region_reaches_every_kraljic_quadrant(strategies):
    segments = {s.advice.recommended().get("kraljic_segment") for s in strategies["regio_voorbeeld_2026"].segments}
    assert {"routine", "hefboom", "knelpunt", "strategisch"} <= segments


def test_each_point_lies_in_the_quadrant_the_advice_decided(strategies):
    for strategy in strategies.values():
        for s in strategy.segments:
            if s.position:
                x, y = s.position
                segment = s.advice.recommended()["kraljic_segment"]
                assert 0 < x < 1 and 0 < y < 1
                assert (x > 0.5) == (segment in ("hefboom", "strategisch")), s.id
                assert (y > 0.5) == (segment in ("knelpunt", "strategisch")), s.id


def test_checks_across_segments(strategies):
    kinds = {f.check.kind: f for f in strategies["regio_voorbeeld_2026"].findings}
    assert set(kinds) >= {"same_providers", "two_regimes", "integral_opportunity", "regional_duty", "total_value", "goal_conflict"}
    assert kinds["regional_duty"].segments == ("jeugd-verblijf",)
    assert kinds["total_value"].segments == ("kortdurend",)  # a public contract; the subsidy segments have no threshold and kinds["total_value"].total > kinds["total_value"].threshold
    same = [f for f in strategies["regio_voorbeeld_2026"].findings if f.check.kind == "same_providers"]
    assert {f.providers for f in same} == {("Zorggroep Noord",), ("Jeugdzorg Kompas",)}


def test_the_regional_duty_is_not_applied_before_2026(strategies):
    for name in ("friesland_2022", "midden_limburg_west_2020"):
        assert "regional_duty" not in {f.check.kind for f in strategies[name].findings}


def test_the_planning_ends_on_the_start_date_and_warns_when_time_is_short(strategies):
    mlw = strategies["midden_limburg_west_2020"]
    for s in mlw.segments:
        assert s.plan.phases[-1].end == mlw.portfolio.start
        assert all(a.end == b.start for a, b in zip(s.plan.phases, s.plan.phases[1:]))
    # 14.5 months before the start, a selective procedure (about 20 months) is too late
    assert mlw.segment("jeugd-ambulant").plan.short_weeks > 0
    made_up = strategies["regio_voorbeeld_2026"]
    assert made_up.segment("jeugd-ambulant").plan.short_weeks == 0
    assert made_up.segment("hh").plan.route.id == "one_party" and made_up.segment("hh").plan.short_weeks > 0


def test_documents_per_route(strategies):
    docs = {s.id: {d.id for d in s.documents} for s in strategies["regio_voorbeeld_2026"].segments}
    assert {"contract_notice", "tender_guide", "dpia_processor", "fair_price_wmo"} <= docs["hh"]
    assert {"admission_document", "fair_price_youth"} <= docs["dyslexie"] and "tender_guide" not in docs["dyslexie"]
    assert "subsidy_regulation" in docs["sociaal-werk"]
    assert "regional_vision" in docs["jeugd-verblijf"]


def test_process_advice_is_given_once_for_the_whole_strategy(kb, sk, strategies):
    strategy = strategies["midden_limburg_west_2020"]
    once = [r.rule for r in strategy.once]
    assert len(once) == len(set(once)) and "process.mandate" in once
    v = view(strategy, kb, sk, "nl")
    for s in v["segments"]:
        assert not {a["rule"] for a in s["advice"]} & set(once)


def test_figures_become_answers_only_where_the_segment_leaves_them_open(strategies):
    hh = strategies["regio_voorbeeld_2026"].segment("hh")
    derived = {d.question: d.value for d in hh.loaded.derived}
    assert derived["budget_share"] == "large" and derived["contract_value"] == 36_000_000
    ambulant = strategies["midden_limburg_west_2020"].segment("jeugd-ambulant")
    assert "budget_share" not in {d.question for d in ambulant.loaded.derived}  # answered by the segment


@needs_plots
def test_the_pictures_are_valid_and_byte_identical_between_runs(kb, sk, strategies):
    strategy = strategies["regio_voorbeeld_2026"]
    first = outputs(strategy, kb, sk, "nl", "x")
    second = outputs(strategy_file(kb, sk, MADE_UP), kb, sk, "nl", "x")
    assert first == second
    svg = ET.fromstring(first["x-kraljic.svg"])
    assert svg.tag.endswith("svg")
    png = first["x-kraljic.png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert b"Date" not in first["x-kraljic.svg"] and b"Software" not in png


@needs_plots
def test_the_pictures_are_identical_across_processes(tmp_path):
    for n in (1, 2):
        result = runner.invoke(app, ["strategy", str(MADE_UP), "-o", str(tmp_path / str(n))])
        assert result.exit_code == 0, result.output
    code = "import sys; from cli import app; app(['strategy', sys.argv[1], '-o', sys.argv[2]])"
    subprocess.run([os.sys.executable, "-c", code, str(MADE_UP), str(tmp_path / "3")], check=False, cwd=ROOT, capture_output=True)
    for name in ("regio_voorbeeld_2026-kraljic.svg", "regio_voorbeeld_2026-kraljic.png", "regio_voorbeeld_2026.html", "regio_voorbeeld_2026.md"):
        data = {(tmp_path / str(n) / name).read_bytes() for n in (1, 2, 3)}
        assert len(data) == 1, name


def test_without_matplotlib_the_document_falls_back_to_mermaid(kb, sk, strategies, monkeypatch):
    monkeypatch.setattr(kraljic, "available", lambda: False)
    files = outputs(strategies["regio_voorbeeld_2026"], kb, sk, "nl", "x")
    assert set(files) == {"x.md", "x.html"}
    assert "quadrantChart" in files["x.md"].decode() and "![" not in files["x.md"].decode()
    assert 'class="matrix"' in files["x.html"].decode()


def test_markdown_has_every_section_and_both_mermaid_charts(kb, sk, strategies):
    text = outputs(strategies["regio_voorbeeld_2026"], kb, sk, "en", "x", pictures=False)["x.md"].decode()
    for heading in ("Management summary", "Kraljic matrix", "Checks across segments", "Planning", "Documents per route",
                    "Process advice for the whole strategy", "Segments in detail"):
        assert f"## {heading}" in text
    assert "```mermaid\nquadrantChart" in text and "```mermaid\ngantt" in text
    assert "Managementsamenvatting" not in text
    assert "## Comparison with the source" not in text  # a made-up region has no source to compare with
    sourced = outputs(strategies["friesland_2022"], kb, sk, "en", "x", pictures=False)["x.md"].decode()
    assert "## Comparison with the source" in sourced


def _mermaid_ready() -> bool:
    return shutil.which("node") is not None and (MERMAID / "node_modules" / "mermaid").exists()


@pytest.mark.skipif(not _mermaid_ready() and not os.environ.get("CI"), reason="Mermaid's parser is not installed here")
@pytest.mark.parametrize("name", ["friesland_2022", "midden_limburg_west_2020", "regio_voorbeeld_2026"])
def test_the_mermaid_charts_parse(kb, sk, strategies, name):
    text = outputs(strategies[name], kb, sk, "nl", "x", pictures=False)["x.md"].decode()
    blocks = re.findall(r"```mermaid\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    for block in blocks:
        parsed = subprocess.run(["node", str(MERMAID / "parse.mjs")], input=block, capture_output=True, text=True, timeout=120)
        assert parsed.returncode == 0, parsed.stderr + block


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no headless Chromium at /usr/bin/chromium")
def test_the_html_strategy_opens_in_headless_chromium(tmp_path):
    result = runner.invoke(app, ["strategy", str(MADE_UP), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = tmp_path / "regio_voorbeeld_2026.html"
    dom = subprocess.run(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert dom.returncode == 0, dom.stderr
    assert "Managementsamenvatting" in dom.stdout and "Regio Voorbeeld" in dom.stdout
    assert 'id="planning"' in dom.stdout


def test_cli_strategy_to_standard_output_in_both_languages():
    nl = runner.invoke(app, ["strategy", str(FRIESLAND), "--format", "markdown"])
    en = runner.invoke(app, ["strategy", str(FRIESLAND), "--lang", "en", "--format", "html"])
    assert nl.exit_code == 0 and en.exit_code == 0, nl.output + en.output
    assert nl.output.startswith("# Inkoopstrategie Wmo en Participatie 2022\n") and "Managementsamenvatting" in nl.output
    assert en.output.startswith("<!DOCTYPE html>") and "Management summary" in en.output and "Managementsamenvatting" not in en.output


def test_markdown_on_standard_output_is_the_markdown_file(kb, sk, strategies):
    result = runner.invoke(app, ["strategy", str(MADE_UP), "--format", "markdown"])
    expected = outputs(strategy_file(kb, sk, MADE_UP), kb, sk, "nl", MADE_UP.stem, pictures=False)["regio_voorbeeld_2026.md"]
    assert result.output == expected.decode("utf-8")


# --- the terminal view -------------------------------------------------------------
SECTIONS = {
    "nl": ("Managementsamenvatting", "Kraljic-matrix", "Toetsen over de segmenten heen", "Planning", "Documenten per route",
           "Procesadvies voor de hele strategie", "Vergelijking met de bron"),
    "en": ("Management summary", "Kraljic matrix", "Checks across segments", "Planning", "Documents per route",
           "Process advice for the whole strategy", "Comparison with the source"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_terminal_view_is_formatted_not_markdown(lang):
    result = runner.invoke(app, ["strategy", str(FRIESLAND), "--lang", lang], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert not text.startswith("#") and "```mermaid" not in text and "| ---" not in text and "**" not in text
    for section in SECTIONS[lang]:
        assert section in text, section
    assert "☐" in text and "Overheidsopdracht" in text and "2024-01-01" in text
    other = SECTIONS["en" if lang == "nl" else "nl"]
    assert not any(section in text for section in other if section != "Planning")


def test_the_terminal_view_shows_each_part_of_the_strategy(kb, sk, strategies):
    text = runner.invoke(app, ["strategy", str(MLW), "--lang", "en"], env={"COLUMNS": "120"}).output
    v = view(strategies["midden_limburg_west_2020"], kb, sk, "en")
    for row in v["summary"]:
        assert row["name"] in text
    for finding in v["findings"]:
        assert finding["title"] in text
    for plan in v["planning"]:
        assert plan["verdict"] in " ".join(text.split())
    for route in v["documents"]:
        for item in route["items"]:
            assert item["name"] in text
    assert "Kernpartners" in text and "differs" not in text  # MLW agrees with its source everywhere


@pytest.mark.parametrize("columns", [80, 60, 132])
def test_the_terminal_view_fits_the_terminal(columns):
    for path in (FRIESLAND, MLW, MADE_UP):
        result = runner.invoke(app, ["strategy", str(path)], env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.output
        too_wide = [line for line in result.output.splitlines() if len(line) > columns]
        assert too_wide == [], f"{path.name} at {columns} columns"


def test_at_80_columns_the_summary_breaks_no_word(kb, sk):
    text = runner.invoke(app, ["strategy", str(MLW)], env={"COLUMNS": "80"}).output
    summary = text[text.index("Managementsamenvatting"):text.index("Jeugd 1 — verblijf met behandeling\n")]
    for word in ("Overheidsopdracht", "Resultaatbekostiging", "Dialooggerichte", "Kernpartners"):
        assert word in summary, word


def test_the_terminal_view_shows_user_text_as_written(tmp_path):
    text = FRIESLAND.read_text(encoding="utf-8").replace(
        "name: Route 2 — samenhangend ondersteuningsaanbod jongeren en volwassenen",
        'name: "Route 2 [bold red]x[/bold red] [link=https://example.org]klik[/link] \\e[31mrood\\u0007"',
    ).replace("  - Meer inzetten op preventie", "  - \"[blink]preventie[/blink]\"")
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["strategy", str(hostile)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Route 2 [bold red]x[/bold red] [link=https://example.org]klik[/link]" in result.output
    assert "[blink]preventie[/blink]" in result.output


def test_the_terminal_view_in_a_real_terminal_process(tmp_path):
    """Run as a user would: a separate process, COLUMNS=80, output to a pipe (no colour codes)."""
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("FORCE_COLOR", None)
    result = subprocess.run([os.sys.executable, "-m", "cli", "strategy", str(MADE_UP), "--lang", "en"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Procurement strategy: Inkoopstrategie sociaal domein 2028-2033"
    assert "\x1b[" not in result.stdout and max(len(line) for line in lines) <= 80
    assert "Management summary" in result.stdout and "--output FOLDER" in result.stdout


def test_with_output_the_files_are_written_whatever_the_format(tmp_path):
    result = runner.invoke(app, ["strategy", str(FRIESLAND), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "friesland_2022.md").read_text(encoding="utf-8").startswith("# Inkoopstrategie Wmo en Participatie 2022\n")
    assert (tmp_path / "friesland_2022.html").exists()


def test_user_text_is_escaped_and_control_characters_dropped(tmp_path):
    text = FRIESLAND.read_text(encoding="utf-8").replace(
        "name: Route 2 — samenhangend ondersteuningsaanbod jongeren en volwassenen",
        'name: "Route 2 <script>alert(1)</script> [bold]x[/bold] \\e[31mrood\\u0007"',
    )
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    for fmt in ("markdown", "html"):
        result = runner.invoke(app, ["strategy", str(hostile), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        if fmt == "html":
            assert "<script>" not in result.output and "&lt;script&gt;" in result.output


def test_a_bad_portfolio_names_file_line_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(FRIESLAND.read_text(encoding="utf-8").replace("care_forms: [vervoer]", "care_forms: [vervoerr]"), encoding="utf-8")
    result = runner.invoke(app, ["strategy", str(bad)])
    assert result.exit_code == 2
    assert re.search(r"bad\.yaml:\d+ segments\[2\]\.care_forms\[0\]: 'vervoerr' is not a care form", result.output)


def test_a_mistake_in_the_strategy_knowledge_stops_with_file_and_line(kb_copy):
    from advisor.loader import load_knowledge

    root = kb_copy("knowledge/planning.yaml", "when: {instrument: subsidie}\n    steps:", "when: {instrument: subsidy}\n    steps:")
    with pytest.raises(InputError) as err:
        load_strategy_knowledge(load_knowledge(root))
    assert re.search(r"knowledge/planning\.yaml:\d+ routes\[1\]\.when: 'subsidy' is not an option of instrument; did you mean 'subsidie'\?", str(err.value))


def test_the_advice_date_can_be_given(kb, sk):
    strategy = strategy_file(kb, sk, FRIESLAND, dt.date(2023, 1, 1))
    assert strategy.as_of == dt.date(2023, 1, 1)
    assert strategy.segment("route1").advice.answers["months_to_start"] == 12


def test_batch_gives_one_row_per_segment(tmp_path):
    from advisor import batch

    jobs, problems = batch.collect([str(FRIESLAND)])
    assert not problems and [j.name for j in jobs] == ["friesland_2022-route1", "friesland_2022-route2", "friesland_2022-route3"]
    results = batch.run(jobs, output=tmp_path)
    assert [r.summary["status"] for r in results] == ["advised", "advised", "out_of_scope"]
    assert results[1].summary["instrument"] == "open_house"
    assert (tmp_path / "friesland_2022-route1.md").exists()


def test_batch_reports_a_broken_portfolio(tmp_path):
    from advisor import batch

    bad = tmp_path / "kapot.yaml"
    bad.write_text("portfolio: x\nregion: y\nstart: 2027-01-01\nsegments: nothing\n", encoding="utf-8")
    results = batch.run(batch.collect([str(bad)])[0])
    assert len(results) == 1 and results[0].failed


def test_kb_coverage_counts_each_segment(kb):
    from advisor.kb.coverage import coverage

    assert coverage(kb, [FRIESLAND, MLW]).scenarios == 12


def test_a_strategy_dated_after_the_knowledge_date_says_later_changes_are_not_included(kb, sk, strategies):
    made_up = outputs(strategies["regio_voorbeeld_2026"], kb, sk, "nl", "x", pictures=False)["x.md"].decode()
    assert "na die datum zijn niet verwerkt" in made_up  # 2026-03-01, knowledge of 2025-12-31
    friesland = outputs(strategies["friesland_2022"], kb, sk, "nl", "x", pictures=False)["x.md"].decode()
    assert "na die datum zijn niet verwerkt" not in friesland
