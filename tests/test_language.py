"""One language per run: a Dutch run shows no English words of the interface, an English run
no Dutch ones. Each command runs in both languages, as a user would call it; the words are
the interface's own (labels, messages, headers), not the names of Dutch legal instruments,
which the English texts keep on purpose (Overheidsopdracht, Zeeuws model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "scenarios"
AMBULANT = EXAMPLES / "mlw_ambulant.yaml"
VERVOER = EXAMPLES / "friesland_route3_vervoer.yaml"

ENGLISH = ("Advice for", "Warnings", "Recommended", "Sources", "Stage", "decision", "derived", "answer",
           "error", "interrupted", "scenarios", "advised", "outside the", "not an option", "allowed",
           "Missing", "Summary", "Question", "don't know", "because", "see above", "Reasoning", "failed",
           "Why not", "changed", "Expected", "is not", "write e.g.", "Usage")
DUTCH = ("Advies voor", "Waarschuwingen", "Aanbevolen", "Bronnen", "Fase", "besluit", "afgeleid", "antwoord",
         "fout", "onderbroken", "geadviseerd", "buiten de kennis", "geen optie", "mogelijk", "Ontbrekende",
         "Samenvatting", "Vraag", "weet niet", "zie hierboven", "Redenering", "mislukt", "Waarom niet",
         "Gewijzigde", "Verwacht", "is geen", "schrijf bijv", "Gebruik", "Hulp", "Geen")


def visible(text: str, tmp_path: Path) -> str:
    """What a reader sees: without file paths, and without the tags and style sheet of a page."""
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return text.replace(str(tmp_path), "").replace(str(EXAMPLES), "").replace(str(ROOT), "")
OTHER = {"nl": ENGLISH, "en": DUTCH}


def runs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: x\nanswers:\n  care_form: thuiszorg\n  contract_value: veel\n  selection: selct\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    return {
        "advise": (["advise", AMBULANT], ""),
        "advise markdown": (["advise", AMBULANT, "-f", "markdown"], ""),
        "advise html": (["advise", AMBULANT, "-f", "html"], ""),
        "advise out of scope": (["advise", VERVOER, "-f", "markdown"], ""),
        "advise bad input": (["advise", bad], ""),
        "advise bad option": (["advise", AMBULANT, "-f", "pdf"], ""),
        "advise unknown option": (["advise", AMBULANT, "--formt", "text"], ""),
        "batch": (["batch", EXAMPLES], ""),
        "batch empty": (["batch", empty], ""),
        "batch bad report": (["batch", EXAMPLES, "--output", tmp_path / "out", "--reports", "pdf"], ""),
        "batch report with none": (["batch", EXAMPLES, "--output", tmp_path / "out", "--reports", "none,json"], ""),
        "explain": (["explain", AMBULANT], ""),
        "explain markdown": (["explain", AMBULANT, "-f", "markdown"], ""),
        "explain step": (["explain", VERVOER, "--step"], "\n" * 50),
        "explain why not": (["explain", AMBULANT, "--why-not", "open_house"], ""),
        "whatif": (["whatif", AMBULANT, "--set", "contract_value=500000", "--set", "selection=select"], ""),
        "whatif bare set": (["whatif", AMBULANT, "--set", "selection"], ""),
        "validate": (["validate"], ""),
        "strategy": (["strategy", ROOT / "examples" / "portfolios" / "friesland_2022.yaml"], ""),
        "strategy made up": (["strategy", ROOT / "examples" / "portfolios" / "regio_voorbeeld_2026.yaml"], ""),
        "ask": (["ask", "--save", tmp_path / "answers.yaml", "--name", "Test"], "4\nabc\n1,2\n2\nstop\n"),
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_word_of_the_other_language(tmp_path, lang):
    found = {}
    for name, (args, given) in runs(tmp_path).items():
        result = CliRunner().invoke(app, [str(a) for a in args] + ["--lang", lang], input=given, env={"COLUMNS": "100"})
        assert "Traceback" not in result.output, name
        text = visible(result.output, tmp_path)
        words = [w for w in OTHER[lang] if re.search(rf"(?<![\w_]){re.escape(w)}(?![\w_])", text)]
        if words:
            found[name] = words
    assert found == {}
