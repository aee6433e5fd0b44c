"""The message catalogues: one per language, the same keys and the same placeholders."""

from __future__ import annotations

import re

import pytest

from advisor import i18n


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", text))


def test_both_catalogues_have_the_same_keys():
    nl, en = i18n.catalogue("nl"), i18n.catalogue("en")
    assert sorted(set(nl) ^ set(en)) == []


@pytest.mark.parametrize("key", sorted(i18n.catalogue("nl")))
def test_a_message_has_the_same_placeholders_in_both_languages(key):
    assert placeholders(i18n.catalogue("nl")[key]) == placeholders(i18n.catalogue("en")[key])


def test_a_count_picks_its_form():
    assert i18n.msg("batch.scenarios", "en", n=1) == "1 scenario"
    assert i18n.msg("batch.scenarios", "en", n=2) == "2 scenarios"
    assert i18n.msg("batch.scenarios", "nl", n=2) == "2 scenario's"


def test_the_language_of_a_run_is_set_in_one_place():
    with i18n.using("nl"):
        assert i18n.msg("report.warnings") == "Waarschuwingen"
    assert i18n.msg("report.warnings") == "Warnings"


def test_every_message_the_code_asks_for_exists():
    """Static: each literal key in the code (msg, and the shorthands of the explanation, the
    questionnaire and the knowledge reference) is in the catalogue."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = [*(root / "advisor").rglob("*.py"), root / "cli.py"]
    patterns = {r"""msg\(\s*["']([\w.]+)["']""": "", r"""\bw\(\s*["'](\w+)["']""": "explain.",
                r"""self\.text\(\s*["'](\w+)["']""": "ask.", r"""\bh\(\s*["'](\w+)["']""": "kb."}
    known = i18n.catalogue("en")
    missing = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        strategy = "from advisor.render.words import" in text or path.name == "words.py"
        for pattern, prefix in patterns.items():
            if strategy and prefix == "explain.":
                prefix = "strategy."  # the strategy document and compare have their own shorthand
            for key in re.findall(pattern, text):
                full = prefix + key
                if full not in known and f"{full}.one" not in known and not full.endswith("."):
                    missing.add(f"{path.name}: {full}")
    assert sorted(missing) == []
