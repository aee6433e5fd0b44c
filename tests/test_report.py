"""The consultant's report: a management summary first, the scenario's description and source,
rule ids only in the appendix, and the same content as a self-contained HTML page that a real
browser shows and prints."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor import render
from advisor.advise import advise_file
from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "scenarios"
CHROMIUM = Path("/usr/bin/chromium")


def report(kb, name: str, fmt: str = "markdown", lang: str = "nl") -> str:
    return render.to_string(advise_file(kb, EXAMPLES / name), kb, fmt, lang)


def test_the_report_opens_with_a_summary_of_the_route(kb):
    text = report(kb, "mlw_ambulant.yaml")
    assert text.index("## Samenvatting") < text.index("| | Aanbevolen | Opmerking |") < text.index("## Waarschuwingen")
    summary = text.split("## Samenvatting")[1].split("| |")[0]
    assert "Aanbevolen route: Overheidsopdracht, binnen het juridisch kader SAS-regime (sociale en andere specifieke diensten), met als procedure" in summary
    assert "**Belangrijkste redenen**" in summary and "**Waarschuwingen die ertoe doen**" in summary
    assert "**Omschrijving:** Ruim de helft" in text and "**Bron:** seeds/004" in text


def test_the_summary_states_assumptions_and_what_each_missing_answer_would_change(kb, tmp_path):
    path = tmp_path / "open.yaml"
    path.write_text("scenario: open\nas_of: 2026-06-01\nanswers:\n  care_form: huishoudelijke_hulp\n  contract_value: 2 mln\n", encoding="utf-8")
    advice = advise_file(kb, path)
    text = render.to_string(advice, kb, "markdown", "en")
    summary = text.split("## Summary")[1].split("| |")[0]
    assert advice.conditional and "**Open questions and what each answer would change**" in summary
    for c in advice.conditional:
        assert kb.questions[c.question].text.en in summary
    if advice.assumptions:
        assert "**Assumptions**" in summary


def test_a_partial_route_names_what_it_assumes_and_what_is_still_open_once(kb, tmp_path):
    path = tmp_path / "partial.yaml"
    path.write_text("scenario: p\nas_of: 2026-06-01\nanswers:\n  care_form: huishoudelijke_hulp\n  motives: [kostenbeheersing]\n"
                    "  municipalities: 3\n", encoding="utf-8")
    summary = render.to_string(advise_file(kb, path), kb, "markdown", "nl").split("## Samenvatting")[1].split("| |")[0]
    assert "Aanbevolen route: Instrument: Overheidsopdracht (aangenomen). Nog geen advies over Regime en Procedure." in summary
    undecided = summary.split("Nog geen advies over:")[1].split(";")[0]
    assert "Percelen" in undecided and "Regime" not in undecided  # said once, in the route


def test_rule_ids_are_only_in_the_appendix_numbered_without_gaps(kb):
    text = report(kb, "friesland_route2_begeleiding_gesloten_open_house.yaml")
    body, appendix = text.split("## Bijlage: afgevuurde regels")
    assert not re.search(r"`[a-z_]+\.[a-z_]+`", body)
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", appendix, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 10


def test_the_out_of_scope_report_is_short_and_does_not_contradict_itself(kb):
    text = report(kb, "friesland_route3_vervoer.yaml")
    assert "Geen advies: deze dienst valt buiten de kennis van de adviseur." in text
    assert "Ontbrekende antwoorden" not in text
    assert "drempel voor sociale diensten" not in text.split("## Bijlage")[1]


def test_html_has_the_same_content_with_an_inline_style_sheet(kb):
    page = report(kb, "mlw_ambulant.yaml", "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "http" not in page.split("<body>")[0]
    assert "Samenvatting" in page and "Aanbevolen route: Overheidsopdracht" in page
    assert '<div class="reason">' in page and "&lt;div" not in page  # the reasons are blocks, not text


def test_html_escapes_the_users_text(kb, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("scenario: '<script>alert(1)</script> & co'\nanswers:\n  care_form: dagbesteding\n", encoding="utf-8")
    page = render.to_string(advise_file(kb, path), kb, "html", "nl")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_html_blocks_kept_from_earlier_reports_read_as_if_rendered_afresh(kb):
    """Sections, reasons and trace items are rendered once and reused in the reports after:
    every report of the examples, in both languages and several dates, reads the same after
    all the others as rendered alone. (A text the blocks show that their key leaves out would
    bring an earlier report's text into a later one.)"""
    from advisor.render import html, view

    caches = (html._REASONS, html._DECISIONS, html._STEPS)
    views = [
        view.build(advise_file(kb, path, on), kb, lang)
        for path in sorted(EXAMPLES.glob("*.yaml"))
        for on in (None, dt.date(2016, 6, 1))
        for lang in ("nl", "en")
    ]
    reused = [html.render(v) for v in views]
    assert sum(len(c.blocks) for c in caches) > 0
    for v, page in zip(views, reused):
        for c in caches:
            c.blocks.clear()
        assert html.render(v) == page, v["scenario"]


def test_advise_writes_html(tmp_path):
    out = tmp_path / "advies.html"
    result = CliRunner().invoke(app, ["advise", str(EXAMPLES / "mlw_crisis.yaml"), "-f", "html", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "<h2>Summary</h2>" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize("name, lang", [("mlw_ambulant.yaml", "nl"), ("friesland_route3_vervoer.yaml", "en")])
def test_a_real_browser_shows_the_summary_and_every_dimension_and_prints_it(kb, tmp_path, name, lang):
    advice = advise_file(kb, EXAMPLES / name)
    page = tmp_path / "report.html"
    page.write_text(render.to_string(advice, kb, "html", lang), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([str(CHROMIUM), *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert ("Samenvatting" if lang == "nl" else "Summary") in dom.stdout
    assert '<div class="reason">' in dom.stdout and "&lt;div" not in dom.stdout
    for decision in advice.decisions:
        name_ = getattr(kb.dimensions[decision.dimension].name, lang)
        assert f"<h2>{name_}: " in dom.stdout, name_
    pdf = tmp_path / "report.pdf"
    printed = subprocess.run([str(CHROMIUM), *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                             capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0 and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_chromium_is_installed_in_ci():
    assert "apt-get install -y chromium" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get update" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_advice_after_the_knowledge_date_says_later_changes_are_not_included(kb, tmp_path):
    path = tmp_path / "later.yaml"
    for as_of, said in (("2026-06-01", True), ("2025-06-01", False)):
        path.write_text(f"scenario: x\nas_of: {as_of}\nanswers:\n  care_form: huishoudelijke_hulp\n", encoding="utf-8")
        text = render.to_string(advise_file(kb, path), kb, "markdown", "nl")
        assert ("na die datum zijn niet verwerkt" in text) is said


def test_a_dimension_without_advice_names_the_questions_that_could_decide_it_first(kb, tmp_path):
    path = tmp_path / "allocated.yaml"
    path.write_text("scenario: a\nas_of: 2022-10-04\nanswers:\n  care_form: jeugd_ambulant_overig\n  municipalities: 16\n"
                    "  selection: admit_all\n  client_choice: team_allocates\n  contract_value: 5 mln\n", encoding="utf-8")
    advice = advise_file(kb, path)
    text = render.to_string(advice, kb, "markdown", "nl")
    section = text.split("## Procedure: geen advies")[1].split("\n## ")[0]
    listed = re.findall(r"^- (.+)$", section.split("*en nog")[0], re.M)
    assert section.startswith("\n\nGeen regel ondersteunt nog een optie. Deze vragen kunnen het beslissen:")
    assert len(listed) == 2 and "Hoe komen de voorwaarden en tarieven tot stand?" in listed  # its answers are worked out above
    [procedure] = [d for d in render.view.build(advice, kb, "nl")["decisions"] if d["dimension"] == "procedure"]
    assert f"*en nog {len(procedure['missing']) - 2} vragen die meetellen (zie de ontbrekende antwoorden)*" in section
    html = render.to_string(advice, kb, "html", "en")
    assert "These questions could decide it:" in html and html.count("other questions that bear on it") >= 1


def test_an_assumption_names_the_answers_it_rests_on_and_no_open_dimension_contradicts_the_branches(kb, tmp_path):
    path = tmp_path / "early.yaml"
    path.write_text("scenario: e\nas_of: 2026-06-01\nanswers:\n  care_form: dagbesteding\n  municipalities: 4\n"
                    "  budget_share: medium\n  area_based: false\n  motives: [kwaliteit, continuiteit]\n", encoding="utf-8")
    advice = advise_file(kb, path)
    [value] = [a for a in advice.assumptions if a.question == "contract_value"]
    assert value.grounds == ("budget_share",)  # not the area, which was answered no
    text = render.to_string(advice, kb, "markdown", "nl")
    assert "Uw antwoorden die daarop wijzen: Welk deel van het budget" in text
    view = render.view.build(advice, kb, "nl")
    for d in (d for d in view["decisions"] if d["recommended"] is None):  # what the branches show decides, is named first
        deciding = {c.question for c in advice.conditional if any(dict(b.recommended).get(d["dimension"]) for b in c.branches)}
        assert set(d["missing"][: len(deciding)]) == deciding, d["dimension"]
