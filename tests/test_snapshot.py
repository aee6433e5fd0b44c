"""The knowledge snapshot: the same knowledge, loaded fast; stale or broken snapshots are ignored."""

from __future__ import annotations

from pathlib import Path

from advisor import render, snapshot
from advisor.advise import advise_file
from advisor.loader import _load_files, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "scenarios").glob("*.yaml"))


def test_a_snapshot_gives_the_same_advice_as_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    from_files = _load_files(ROOT)
    snapshot.write(from_files)
    from_snapshot = snapshot.read(ROOT)
    assert from_snapshot is not None and [r.id for r in from_snapshot.rules] == [r.id for r in from_files.rules]
    for path in EXAMPLES:
        a = render.to_string(advise_file(from_files, path), from_files, "json", "nl")
        b = render.to_string(advise_file(from_snapshot, path), from_snapshot, "json", "nl")
        assert a == b, path.name


def test_an_edit_makes_a_new_snapshot_and_is_checked(tmp_path, monkeypatch, kb_copy):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    root = kb_copy("rules/kraljic.yaml", "title:", "title:")  # an unchanged copy
    load_knowledge(root)
    assert len(list((tmp_path / "cache").iterdir())) == 1
    kb_copy("rules/kraljic.yaml", "support: {kraljic_segment: routine}", "support: {kraljic_segment: routinee}")
    try:
        load_knowledge(root)
    except Exception as err:  # the edit is read and rejected, not hidden by the old snapshot
        assert "routinee" in str(err)
    else:
        raise AssertionError("the edited knowledge should have been rejected")


def test_a_corrupt_snapshot_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    load_knowledge(ROOT)
    [path] = list(tmp_path.iterdir())
    path.write_text("{not json", encoding="utf-8")
    assert snapshot.read(ROOT) is None
    assert len(load_knowledge(ROOT).rules) > 100


def test_no_cache_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    load_knowledge(ROOT)
    assert list(tmp_path.iterdir()) == []
