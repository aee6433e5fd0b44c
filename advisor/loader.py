"""Loading the knowledge base: read every knowledge and rule file, validate it, cross-check
it as a whole (advisor/references.py), or read a validated snapshot of unchanged files
(advisor/snapshot.py). Kept apart from advisor/knowledge.py, which those two modules use."""

from __future__ import annotations

from pathlib import Path

from advisor import conditions, snapshot
from advisor.errors import InputError, Problem
from advisor.files import knowledge_root
from advisor.knowledge import KnowledgeBase, LoadedRule
from advisor.models import CareForms, Figures, Glossary, Questions, RuleFile, Sources, Thresholds, Vocabulary, validate
from advisor.references import cross_check
from advisor.yamlfile import key_path, read_yaml


def default_root() -> Path:
    return knowledge_root()


def load_knowledge(root: str | Path | None = None) -> KnowledgeBase:
    """Load and cross-check `knowledge/` and `rules/` under `root`; raise InputError listing every problem.
    A validated snapshot of unchanged files is read instead when there is one (advisor/snapshot.py)."""
    root = knowledge_root(root)
    kb = snapshot.read(root)
    if kb is None:
        kb = _load_files(root)
        snapshot.write(kb)
    return kb


def _load_files(root: Path) -> KnowledgeBase:
    problems: list[Problem] = []

    def load(name: str, model):
        try:
            doc = read_yaml(root / "knowledge" / name, f"knowledge/{name}")
            return doc, validate(model, doc)
        except InputError as err:
            problems.extend(err.problems)
            return None, None

    _, sources = load("sources.yaml", Sources)
    _, vocabulary = load("vocabulary.yaml", Vocabulary)
    _, care_forms = load("care_forms.yaml", CareForms)
    _, glossary = load("glossary.yaml", Glossary)
    _, figures = load("figures.yaml", Figures)
    _, thresholds = load("thresholds.yaml", Thresholds)
    _, questions = load("questions.yaml", Questions)
    rules = _load_rules(root / "rules", problems)
    if problems:
        raise InputError(problems)
    kb = KnowledgeBase(
        root,
        sources,
        {d.id: d for d in vocabulary.dimensions},
        care_forms,
        glossary,
        figures,
        thresholds,
        {q.id: q for q in questions.questions},
        rules,
    )
    problems = cross_check(kb)
    if problems:
        raise InputError(problems)
    return kb


def _load_rules(folder: Path, problems: list[Problem]) -> list[LoadedRule]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(Problem(str(folder), "has no rule files (*.yaml)"))
    out = []
    for path in files:
        try:
            doc = read_yaml(path, f"rules/{path.name}")
            rule_file = validate(RuleFile, doc)
        except InputError as err:
            problems.extend(err.problems)
            continue
        for i, rule in enumerate(rule_file.rules):
            loc = ("rules", i, "when")
            try:
                alternatives = conditions.parse(rule.when)
            except conditions.ConditionError as err:
                problems.append(Problem(doc.name, str(err), key_path(loc + err.key), doc.line(loc + err.key)))
                continue
            out.append(LoadedRule(rule, rule.stage or rule_file.stage, doc.name, doc.line(("rules", i)), alternatives))
    return out
