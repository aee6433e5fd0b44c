"""A validated snapshot of the knowledge base, as JSON, so that loading is fast.

Reading and validating the YAML files with line tracking takes about a quarter of a second;
the same knowledge as one JSON document, validated by the same pydantic models, takes about
ten milliseconds. The snapshot is only written after the YAML has been loaded and
cross-checked, and it is keyed by a hash of every knowledge and rule file and of the models,
so any edit (or a new version of the models) makes a new one. It is plain data: nothing is
executed when it is read. Set ADVISOR_NO_CACHE=1 to always read the YAML; ADVISOR_CACHE
chooses the folder (default: $XDG_CACHE_HOME/advisor or ~/.cache/advisor).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import ValidationError

from advisor import conditions, models
from advisor.files import write_atomic
from advisor.knowledge import KnowledgeBase, LoadedRule
from advisor.models import (
    CareForms, Dimension, Figures, Glossary, Question, Rule, Sources, Strict, Thresholds,
)


class _Rule(Strict):
    file: str
    line: int | None
    stage: str
    rule: Rule


class Snapshot(Strict):
    sources: Sources
    dimensions: list[Dimension]
    care_forms: CareForms
    glossary: Glossary
    figures: Figures
    thresholds: Thresholds
    questions: list[Question]
    rules: list[_Rule]


def _folder() -> Path | None:
    if os.environ.get("ADVISOR_NO_CACHE"):
        return None
    if os.environ.get("ADVISOR_CACHE"):
        return Path(os.environ["ADVISOR_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "advisor"


def _path(root: Path) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    digest = hashlib.sha256(Path(models.__file__).read_bytes())
    try:
        for path in sorted((root / "knowledge").glob("*.yaml")) + sorted((root / "rules").glob("*.yaml")):
            digest.update(f"{path.parent.name}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    except OSError:
        return None
    return folder / f"knowledge-{digest.hexdigest()[:32]}.json"


def read(root: Path) -> KnowledgeBase | None:
    """The knowledge base from its snapshot, or None when there is no valid one."""
    path = _path(root)
    if path is None or not path.is_file():
        return None
    try:
        snap = Snapshot.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    rules = [LoadedRule(r.rule, r.stage, r.file, r.line, conditions.parse(r.rule.when)) for r in snap.rules]
    return KnowledgeBase(
        root, snap.sources, {d.id: d for d in snap.dimensions}, snap.care_forms, snap.glossary, snap.figures,
        snap.thresholds, {q.id: q for q in snap.questions}, rules,
    )


def write(kb: KnowledgeBase) -> None:
    """Save the snapshot of a loaded, cross-checked knowledge base (best effort)."""
    path = _path(kb.root)
    if path is None:
        return
    snap = Snapshot(
        sources=kb.sources, dimensions=list(kb.dimensions.values()), care_forms=kb.care_forms, glossary=kb.glossary,
        figures=kb.figures, thresholds=kb.thresholds, questions=list(kb.questions.values()),
        rules=[_Rule(file=r.file, line=r.line, stage=r.stage, rule=r.rule) for r in kb.rules],
    )
    try:
        write_atomic(path, snap.model_dump_json())
    except OSError:
        pass
