"""Shared fixtures, and collection of the knowledge test cases in tests/rules/*.yaml."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from advisor.kb.cases import load_cases, run_case
from advisor.loader import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
# Knowledge snapshots of the test run go to a folder of their own, not the user's cache.
os.environ.setdefault("ADVISOR_CACHE", tempfile.mkdtemp(prefix="advisor-test-cache-"))
# pytest-xdist starts its workers with COLUMNS and LINES set; the console would take that width
# for good when cli is imported, and a test's own COLUMNS would no longer count.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)
_KB = None


def knowledge():
    global _KB
    if _KB is None:
        _KB = load_knowledge(ROOT)
    return _KB


@pytest.fixture(scope="session")
def kb():
    return knowledge()


@pytest.fixture
def kb_copy(tmp_path):
    """A copy of the knowledge base; `change(file, old, new)` edits it and returns its folder."""
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")

    def change(file: str, old: str, new: str) -> Path:
        path = tmp_path / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return tmp_path

    return change


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "rules" and file_path.parent.parent.name == "tests":
        return KnowledgeCases.from_parent(parent, path=file_path)


class KnowledgeCases(pytest.File):
    def collect(self):
        _, cases = load_cases(self.path)
        for case in cases:
            yield KnowledgeCase.from_parent(self, name=case.name, case=case)


class KnowledgeCase(pytest.Item):
    def __init__(self, *, case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self):
        failures = run_case(knowledge(), self.case)
        if failures:
            raise KnowledgeCaseFailed(failures)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, KnowledgeCaseFailed):
            return "\n".join(excinfo.value.args[0])
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: {self.name}"


class KnowledgeCaseFailed(Exception):
    pass
