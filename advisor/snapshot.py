"""A validated snapshot of the knowledge base, as JSON, so that loading is fast.

Reading and validating the YAML files with line tracking takes about a quarter of a second;
the same knowledge as one JSON document, validated by the same pydantic models, takes about
ten milliseconds. The snapshot is only written after the YAML has been loaded and
cross-checked, and it is keyed by a hash of every knowledge and rule file and of the models,
so any edit (or a new version of the models) makes a new one. It is plain data: nothing is
executed when it is read. It is not trusted either: the SHA-256 of its content is stored in a
file of its own and checked on every read, the knowledge it holds is cross-checked as the YAML
is, and it must hold rules; on any mismatch it is ignored and rebuilt from the YAML. Set ADVISOR_NO_CACHE=1 to always read the YAML; ADVISOR_CACHE
chooses the folder (default: $XDG_CACHE_HOME/advisor or ~/.cache/advisor; see advisor/cache.py).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import ValidationError

from advisor import cache, conditions, models
from advisor.errors import AdvisorError
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


def _paths(root: Path) -> tuple[Path, Path] | None:
    """The snapshot and the file holding its hash."""
    path = _path(root)
    return None if path is None else (path, path.with_suffix(".sha256"))


def _path(root: Path) -> Path | None:
    folder = cache.folder()
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
    from advisor.references import cross_check

    paths = _paths(root)
    if paths is None:
        return None
    try:
        raw, digest = paths[0].read_bytes(), paths[1].read_text(encoding="ascii").strip()
        if hashlib.sha256(raw).hexdigest() != digest:
            return None
        snap = Snapshot.model_validate_json(raw)
        rules = [LoadedRule(r.rule, r.stage, r.file, r.line, conditions.parse(r.rule.when)) for r in snap.rules]
    except (OSError, ValidationError, ValueError):
        return None
    kb = KnowledgeBase(
        root, snap.sources, {d.id: d for d in snap.dimensions}, snap.care_forms, snap.glossary, snap.figures,
        snap.thresholds, {q.id: q for q in snap.questions}, rules,
    )
    return kb if rules and not cross_check(kb) else None


def write(kb: KnowledgeBase) -> None:
    """Save the snapshot of a loaded, cross-checked knowledge base (best effort)."""
    paths = _paths(kb.root)
    if paths is None:
        return
    snap = Snapshot(
        sources=kb.sources, dimensions=list(kb.dimensions.values()), care_forms=kb.care_forms, glossary=kb.glossary,
        figures=kb.figures, thresholds=kb.thresholds, questions=list(kb.questions.values()),
        rules=[_Rule(file=r.file, line=r.line, stage=r.stage, rule=r.rule) for r in kb.rules],
    )
    text = snap.model_dump_json()
    try:  # the snapshot first: a hash without its snapshot, or of an older one, is never read
        write_atomic(paths[0], text)
        write_atomic(paths[1], hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n")
    except (OSError, AdvisorError):
        pass
