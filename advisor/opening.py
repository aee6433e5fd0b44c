"""The first question of a new questionnaire, kept so that `advisor ask` can show it before
the knowledge is loaded.

Working out the first question takes the knowledge, with its pydantic models, and a run of
the stages: most of the time `ask` would take to show it. What it shows (the question, its
type and text, its options' labels in both languages, whether "don't know" is allowed, how
many questions are left after it) is kept in the cache (advisor/cache.py), for the stretch of
dates around the day it was worked out for in which no date of the knowledge falls, and for
the same knowledge files (their names, sizes and modification times). It is never taken on
trust: once the knowledge is loaded, the questionnaire works the first question out again,
and when that differs from what was shown it shows the right one before it reads an answer.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from advisor import cache
from advisor.files import knowledge_root


@dataclass(frozen=True)
class Opening:
    question: str
    type: str
    unknown_allowed: bool
    text: dict[str, str]  # language -> the question
    labels: dict[str, list[str]]  # language -> the labels of its options, in order (choice and multi)
    left: int  # the questions open after it


def read(root: str | Path | None, on: dt.date) -> Opening | None:
    """The first question kept for the knowledge under `root` (default: the bundled one) on `on`, or None."""
    kept = _kept(knowledge_root(root))
    if kept is None:
        return None
    day = on.isoformat()
    for stretch in kept[1]:
        try:
            if stretch["from"] <= day < stretch["until"]:
                return Opening(**stretch["opening"])
        except (KeyError, TypeError):
            return None
    return None


def write(root: Path, dates: set[dt.date], on: dt.date, opening: Opening) -> None:
    """Keep `opening` as the first question for the stretch between the dates of the knowledge
    (`dates`) that holds `on` (best effort: without it, `ask` works the question out)."""
    kept = _kept(root, create=True)
    if kept is None:
        return
    path, stretches, files = kept
    since = max((d for d in dates if d <= on), default=dt.date.min)
    until = min((d for d in dates if d > on), default=dt.date.max)
    stretch = {"from": since.isoformat(), "until": until.isoformat(), "opening": asdict(opening)}
    stretches = [s for s in stretches if s.get("from") != stretch["from"]] + [stretch]
    from advisor.errors import AdvisorError
    from advisor.files import write_atomic

    try:
        write_atomic(path, json.dumps({"files": files, "stretches": stretches}, ensure_ascii=False))
    except (OSError, AdvisorError):
        pass


def _kept(root: Path, create: bool = False):
    """(where the first questions for this knowledge are kept, what is kept there, the files it is
    for), or None without a cache or when nothing is kept and `create` is not set."""
    try:
        folder = cache.folder()
        files = _files(root)
    except (OSError, RuntimeError, KeyError):
        return None
    if folder is None:
        return None
    import zlib

    path = folder / "opening" / f"{zlib.crc32(files.encode('utf-8', 'surrogateescape')):08x}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("files") == files and isinstance(data.get("stretches"), list):
            return path, [s for s in data["stretches"] if isinstance(s, dict)], files
    except (OSError, ValueError):
        pass
    return (path, [], files) if create else None


def _files(root: Path) -> str:
    """The knowledge and rule files under `root`: name, size and modification time of each."""
    lines = [str(root.resolve())]
    for folder in ("knowledge", "rules"):
        for path in sorted((root / folder).glob("*.yaml")):
            status = path.stat()
            lines.append(f"{folder}/{path.name} {status.st_size} {status.st_mtime_ns}")
    return "\n".join(lines)


def knowledge_dates(kb) -> set[dt.date]:
    """Every date the knowledge holds (rules in force from and until, thresholds, sources...),
    and the start of the law: between two of them, the first question cannot change with the date."""
    from advisor.clock import LAW_START

    dates = {LAW_START}

    def walk(value) -> None:
        if isinstance(value, dt.date):
            dates.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for part in (kb.sources, kb.care_forms, kb.glossary, kb.figures, kb.thresholds,
                 *kb.dimensions.values(), *kb.questions.values(), *(r.rule for r in kb.rules)):
        walk(part.model_dump())
    return dates
