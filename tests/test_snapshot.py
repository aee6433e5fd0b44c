"""The knowledge snapshot: the same knowledge, loaded fast; stale or broken snapshots are ignored."""

from __future__ import annotations

import datetime as dt
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
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
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
    [path] = list(tmp_path.glob("*.json"))
    path.write_text("{not json", encoding="utf-8")
    assert snapshot.read(ROOT) is None
    assert len(load_knowledge(ROOT).rules) > 100


def test_no_cache_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    load_knowledge(ROOT)
    assert list(tmp_path.iterdir()) == []


def _cached(folder: Path) -> tuple[Path, Path]:
    [snap] = list(folder.glob("*.json"))
    return snap, snap.with_suffix(".sha256")


def test_a_tampered_snapshot_is_rebuilt_from_the_yaml(tmp_path, monkeypatch):
    """Lowering the social-services threshold in the cached JSON must not change the advice."""
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    load_knowledge(ROOT)
    snap, digest = _cached(tmp_path)
    tampered = snap.read_text(encoding="utf-8").replace('"amount":750000', '"amount":650000')
    assert tampered != snap.read_text(encoding="utf-8")
    snap.write_text(tampered, encoding="utf-8")
    assert snapshot.read(ROOT) is None
    kb = load_knowledge(ROOT)  # read from the YAML and written again
    assert kb.threshold("social_services", dt.date(2026, 6, 1)) == 750000
    assert snapshot.read(ROOT) is not None and "650000" not in snap.read_text(encoding="utf-8")


def test_a_snapshot_without_rules_is_refused_even_with_a_matching_hash(tmp_path, monkeypatch):
    import hashlib
    import json

    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    load_knowledge(ROOT)
    snap, digest = _cached(tmp_path)
    data = json.loads(snap.read_text(encoding="utf-8"))
    data["rules"] = []
    text = json.dumps(data)
    snap.write_text(text, encoding="utf-8")
    digest.write_text(hashlib.sha256(text.encode()).hexdigest(), encoding="ascii")
    assert snapshot.read(ROOT) is None
    assert len(load_knowledge(ROOT).rules) > 100


def test_a_snapshot_whose_hash_is_missing_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path))
    load_knowledge(ROOT)
    _cached(tmp_path)[1].unlink()
    assert snapshot.read(ROOT) is None
    load_knowledge(ROOT)
    assert snapshot.read(ROOT) is not None


def test_a_tampered_snapshot_does_not_change_the_advice_through_the_cli(tmp_path):
    """The attack as a user meets it: two runs of `advisor advise`, the cache edited between them."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ADVISOR_CACHE": str(tmp_path)}
    example = ROOT / "examples" / "scenarios" / "kortdurend_verblijf_onder_drempel.yaml"

    def run():
        result = subprocess.run([sys.executable, "-m", "cli", "advise", str(example), "--format", "json"], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr
        return result.stdout

    first = run()
    snap, _ = _cached(tmp_path)
    snap.write_text(snap.read_text(encoding="utf-8").replace('"amount":750000', '"amount":650000'), encoding="utf-8")
    assert run() == first
