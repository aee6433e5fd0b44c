"""Scenario files: read, validate the envelope, and check every answer against its question."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from advisor.answers import AnswerError, normalise
from advisor.errors import InputError, Problem
from advisor.files import decode, write_atomic
from advisor.i18n import msg
from advisor.yamlfile import YamlDoc, read_yaml

if TYPE_CHECKING:  # the knowledge and the models are imported by what reads scenarios; saving one needs neither
    from advisor.knowledge import KnowledgeBase
    from advisor.models import Scenario


@dataclass(frozen=True)
class LoadedScenario:
    path: str
    scenario: Scenario
    answers: dict[str, Any]


def scenario_files(paths: list[str | Path], pattern: str = "*.yaml") -> list[Path]:
    """Files as given, and the YAML files under folders (recursively), sorted and without repeats."""
    found: list[Path] = []
    for p in map(Path, paths):
        found += sorted(p.rglob(pattern)) + sorted(p.rglob("*.yml")) if p.is_dir() else [p]
    return list(dict.fromkeys(found))


def load_scenario(kb: KnowledgeBase, path: str | Path) -> LoadedScenario:
    from advisor.models import Scenario, validate

    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        found = msg("error.nothing") if doc.data is None else type(doc.data).__name__
        raise InputError([Problem(doc.name, msg("error.not_a_mapping", found=found))])
    scenario = validate(Scenario, doc)
    return LoadedScenario(doc.name, scenario, check_answers(kb, scenario.answers, doc))


def check_answers(kb: KnowledgeBase, answers: dict[str, Any], doc: YamlDoc | None = None) -> dict[str, Any]:
    """Typed answers in question order; InputError with one problem per bad answer."""
    from advisor.knowledge import suggest

    name = doc.name if doc else "<answers>"
    problems, typed = [], {}
    for qid, value in answers.items():
        loc = ("answers", qid)
        line = doc.line(loc) if doc else None
        question = kb.questions.get(qid)
        if question is None:
            problems.append(Problem(name, msg("error.not_a_question", hint=suggest(qid, kb.questions)), f"answers.{qid}", line))
            continue
        try:
            typed[qid] = normalise(question, value, kb.choices(question))
        except AnswerError as err:
            hint = _hint(kb, question, value) if isinstance(value, str) else ""
            problems.append(Problem(name, f"{err}{hint}", f"answers.{qid}", line))
    if problems:
        raise InputError(problems)
    return {q: typed[q] for q in kb.questions if q in typed}


def _hint(kb: KnowledgeBase, question, value: str) -> str:
    """A known synonym names its option ('thuiszorg' -> huishoudelijke_hulp); else the nearest id."""
    from advisor.knowledge import suggest

    if question.options_from == "care_forms":
        for care_form in kb.care_forms.care_forms:
            if value.strip().lower() in [s.lower() for s in care_form.synonyms]:
                return msg("error.synonym_of", value=value, option=care_form.id)
    return suggest(value, kb.choices(question))


def save_scenario(path: str | Path, name: str, answers: dict[str, Any], as_of: dt.date | None = None) -> None:
    """Write answers as a scenario file (the format `advisor advise` reads), atomically.

    In an existing scenario file only the `answers` block is rewritten: its name, date,
    description, source, expected outcome and comments stay as they are."""
    path = Path(path)
    block = yaml.safe_dump({"answers": dict(answers)}, sort_keys=False, allow_unicode=True, width=100)
    text = _with_answers(path, block) if path.is_file() else None
    if text is None:
        data: dict[str, Any] = {"scenario": name}
        if as_of:
            data["as_of"] = as_of
        data["answers"] = dict(answers)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(path, text)


def _with_answers(path: Path, block: str) -> str | None:
    """The file's text with its top-level `answers` block replaced by `block`; None when
    the file is not a scenario mapping with answers."""
    try:
        text = decode(path.read_bytes(), str(path), "YAML")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, InputError, yaml.YAMLError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "answers" and key.start_mark.column == 0:
            end = text.find("\n", _end(value))
            end = len(text) if end < 0 else end
            return text[: key.start_mark.index] + block.rstrip("\n") + text[end:]
    return None


def _end(node: yaml.Node) -> int:
    """Where a node's own text ends: after its last value, before any comment lines that follow."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(node, yaml.MappingNode) else last)
    return node.end_mark.index
