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


def _fresh(lang: str) -> dict[str, str]:
    i18n.catalogue.cache_clear()
    try:
        return i18n.catalogue(lang)
    finally:
        i18n.catalogue.cache_clear()


def test_every_question_and_derived_fact_has_a_short_name_for_the_reasoning(kb):
    """The explanation names facts ('leidt af: met jeugddeel = ja'); an id must never show instead."""
    from advisor.i18n import catalogue

    facts = [*kb.questions, *sorted(kb.derived_facts)]
    for lang in ("nl", "en"):
        assert [f for f in facts if f"fact.{f}" not in catalogue(lang)] == [], lang


def test_the_json_copy_of_a_catalogue_holds_the_same_texts_and_is_checked(tmp_path, monkeypatch):
    import json

    import yaml

    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    data = yaml.safe_load((i18n.CATALOGUES / "nl.yaml").read_text(encoding="utf-8"))
    from_yaml = dict(i18n._flatten(data, ""))
    assert _fresh("nl") == from_yaml  # read from the YAML, the copy written
    [copy] = (tmp_path / "messages").glob("nl-*.json")
    assert _fresh("nl") == from_yaml  # read from the copy
    kept = json.loads(copy.read_text(encoding="utf-8"))
    kept["texts"]["report.warnings"] = "Changed"
    kept["source"] += "\n# edited"  # a copy made from another text is not used
    copy.write_text(json.dumps(kept), encoding="utf-8")
    assert _fresh("nl") == from_yaml
    for broken in ("{not json", '{"source": 1, "texts": {}}', json.dumps({"source": kept["source"].removesuffix("\n# edited"), "texts": {"a": 1}})):
        copy.write_text(broken, encoding="utf-8")
        assert _fresh("nl") == from_yaml


def test_no_copy_of_a_catalogue_when_the_cache_is_off_or_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    assert _fresh("en")["report.warnings"] == "Warnings"
    assert list(tmp_path.iterdir()) == []
    monkeypatch.delenv("ADVISOR_NO_CACHE")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "file"))
    assert _fresh("en")["report.warnings"] == "Warnings"
