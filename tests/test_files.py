"""Files: atomic writes that a planted symlink cannot redirect, a failing environment (a path
that is a file, a read-only folder, a full disk, an encoding that cannot show the output)
reported with its path and exit code 2, and text read in the encodings people save it in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import advisor.files
from advisor.errors import InputError, OutputError
from advisor.files import decode, write_atomic
from cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "scenarios" / "mlw_crisis.yaml"
runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, **kwargs)


def test_a_symlink_planted_at_the_old_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "advies.md"
    for name in (f".advies.md.{os.getpid()}.tmp", ".advies.md.tmp"):  # the names an attacker could predict
        (tmp_path / name).symlink_to(victim)
    result = invoke("advise", EXAMPLE, "--format", "markdown", "--output", out)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert out.read_text(encoding="utf-8").startswith("# Advies voor")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_symlink()) == ["advies.md", "victim.txt"]


def test_a_symlink_at_the_target_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "report.md").symlink_to(victim)
    write_atomic(tmp_path / "report.md", "new")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "report.md").is_symlink() and (tmp_path / "report.md").read_text(encoding="utf-8") == "new"


def test_temporary_names_are_unpredictable_and_removed(tmp_path, monkeypatch):
    made = []
    original = advisor.files.tempfile.mkstemp

    def spy(**kwargs):
        made.append(original(**kwargs))
        return made[-1]

    monkeypatch.setattr(advisor.files.tempfile, "mkstemp", spy)
    write_atomic(tmp_path / "a.json", "1")
    write_atomic(tmp_path / "a.json", "2")
    assert made[0][1] != made[1][1] and str(os.getpid()) not in made[0][1]
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "shared.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640
    write_atomic(tmp_path / "fresh.md", "x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "fresh.md").stat().st_mode & 0o777 == 0o666 & ~mask


def test_an_output_path_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = invoke("advise", EXAMPLE, "--output", tmp_path / "afile" / "advies.md")
    assert result.exit_code == 2 and "internal error" not in result.output
    assert f"{tmp_path / 'afile' / 'advies.md'}: kan niet schrijven" in result.output and "is a file, not a folder" in result.output
    result = invoke("batch", EXAMPLE, "--output", tmp_path / "afile", "--lang", "en")
    assert result.exit_code == 2 and "cannot write" in result.output


def test_an_output_path_that_is_a_folder_is_a_clear_error(tmp_path):
    result = invoke("advise", EXAMPLE, "--output", tmp_path, "--lang", "en")
    assert result.exit_code == 2 and f"{tmp_path}: cannot write" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = invoke("advise", EXAMPLE, "--output", folder / "a.md", "--lang", "en")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2 and "cannot write: Permission denied" in result.output


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    original = advisor.files.tempfile.mkstemp

    def full(**kwargs):  # a temporary file on a disk with no space left
        fd, name = original(**kwargs)
        os.dup2(os.open("/dev/full", os.O_WRONLY), fd)
        return fd, name

    monkeypatch.setattr(advisor.files.tempfile, "mkstemp", full)
    result = invoke("advise", EXAMPLE, "--output", tmp_path / "a.md", "--lang", "en")
    assert result.exit_code == 2 and "a.md: cannot write: No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "b.md", "x")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_disk_is_a_clear_error():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cli", "advise", str(EXAMPLE)], cwd=ROOT, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stderr
    assert "standaarduitvoer: No space left on device" in result.stderr and "Traceback" not in result.stderr


def test_an_output_encoding_that_cannot_show_the_advice_is_a_clear_error():
    result = run("advise", EXAMPLE, "--lang", "en", env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 2, result.stderr
    assert "cannot be written in latin-1" in result.stderr and "PYTHONIOENCODING=utf-8" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_columns_zero_still_prints():
    result = run("advise", EXAMPLE, env={**os.environ, "COLUMNS": "0"})
    assert result.returncode == 0 and "Advies voor" in result.stdout
    result = run("batch", EXAMPLE, env={**os.environ, "COLUMNS": "0"})
    assert result.returncode == 0 and "mlw_crisis" in result.stdout


TEXT = "scenario: Café\nas_of: 2026-06-01\nanswers:\n  care_form: dagbesteding\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path, encoding):
    raw = b"\xfe\xff" + TEXT.encode("utf-16-be") if encoding == "utf-16-be-bom" else TEXT.encode(encoding)
    path = tmp_path / "s.yaml"
    path.write_bytes(raw)
    result = invoke("advise", path)
    assert result.exit_code == 0, result.output
    assert "Advies voor: Café" in result.output


def test_utf16_without_a_byte_order_mark_is_named_not_called_binary(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(TEXT.encode("utf-16-le"))
    result = invoke("advise", path)
    assert result.exit_code == 2 and "is UTF-16-tekst zonder byte order mark; sla het op als UTF-8" in result.output
    rows = tmp_path / "rows.csv"
    rows.write_bytes("scenario,care_form\nx,dagbesteding\n".encode("utf-16"))
    assert "1 advised" in invoke("batch", rows, "--lang", "en").output
    with pytest.raises(InputError, match="is not UTF-16 text"):
        decode(b"\xff\xfe\x00\xd8", "x", "YAML")


def test_a_folder_that_refuses_writing_is_a_clear_error(tmp_path, monkeypatch):
    """The read-only folder as any user but root meets it."""
    def refused(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(advisor.files.tempfile, "mkstemp", refused)
    result = invoke("advise", EXAMPLE, "--output", tmp_path / "a.md", "--lang", "en")
    assert result.exit_code == 2 and f"{tmp_path / 'a.md'}: cannot write: Permission denied" in result.output


def test_a_write_error_in_a_worker_process_reaches_the_user(tmp_path, monkeypatch):
    import pickle

    error = pickle.loads(pickle.dumps(OutputError(tmp_path / "a.md", "No space left on device")))
    assert isinstance(error, OutputError) and error.text("nl") == f"{tmp_path / 'a.md'}: kan niet schrijven: No space left on device"
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mlw_crisis.json").mkdir()  # a folder where a worker writes a report
    result = invoke("batch", EXAMPLE, ROOT / "examples" / "scenarios" / "mlw_ambulant.yaml", "--output", tmp_path / "out",
                    "--jobs", "2", "--lang", "en")
    assert result.exit_code == 2 and "mlw_crisis.json: cannot write" in result.output and "internal error" not in result.output
