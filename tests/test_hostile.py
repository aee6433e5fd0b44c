"""Hostile input: every bad file gets a clean message and exit code 2, never a traceback or a
runaway. Run through a real process, with a generous timeout as a guard (not a measurement)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD = 60  # seconds: a hang fails the test instead of the suite


def bomb(levels: int = 9) -> str:
    text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    return text


HOSTILE = {
    "empty": b"",
    "only_comment": b"# nothing here\n",
    "binary": bytes(range(256)) * 10,
    "not_utf8": "scenario: caf\xe9\nanswers: {}\n".encode("latin-1"),
    "not_a_mapping": b"- 1\n- 2\n",
    "wrong_types": b"scenario: [1, 2]\nanswers: [care_form]\n",
    "unknown_ids": b"scenario: x\nanswers:\n  zorgvorm: dagbesteding\n  care_form: zorg\n",
    "deep_nesting": b"scenario: x\nanswers:\n  care_form: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "alias_bomb": bomb().encode(),
    "python_tag": b"scenario: !!python/object/apply:os.system ['echo pwned']\nanswers: {}\n",
    "huge": b"scenario: x\nanswers: {}\n" + b"# " + b"x" * 3_000_000 + b"\n",
    "huge_string": b"scenario: x\nanswers:\n  care_form: " + b"y" * 1_500_000 + b"\n",
}


def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=GUARD,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_scenario_files_fail_cleanly(tmp_path, kind):
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(HOSTILE[kind])
    result = advisor("advise", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "fout:" in result.stderr
    assert str(path) in result.stderr
    assert "pwned" not in result.stdout + result.stderr


def test_hostile_files_in_a_batch_are_reported_and_the_rest_runs(tmp_path):
    for kind, data in HOSTILE.items():
        (tmp_path / f"{kind}.yaml").write_bytes(data)
    (tmp_path / "rows.csv").write_bytes(b"scenario,care_form\nok,dagbesteding\nbad,\xff\xfe\n")
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)))
    good = ROOT / "examples" / "scenarios" / "mlw_crisis.yaml"
    result = advisor("batch", str(tmp_path), str(good), "--format", "csv")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert 'mlw_crisis,"Midden-Limburg West' in result.stdout
    assert "binary.csv: is een binair bestand" in result.stderr and "rows.csv: is geen UTF-8-tekst" in result.stderr


def test_hostile_knowledge_files_fail_cleanly(tmp_path):
    import shutil

    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "zz_bomb.yaml").write_text(bomb(), encoding="utf-8")
    (tmp_path / "knowledge" / "glossary.yaml").write_bytes(b"\x00\x01")
    result = advisor("advise", str(ROOT / "examples" / "scenarios" / "mlw_crisis.yaml"), "--knowledge", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "knowledge/glossary.yaml: is een binair bestand" in result.stderr
    assert "rules/zz_bomb.yaml" in result.stderr and "aliassen uitgeschreven" in result.stderr
