"""Knowledge test cases in YAML: answers in, expected decisions, firings and warnings out.

A case file is a list of cases:

    - name: admit all on fixed terms, client chooses -> Open House
      as_of: 2026-06-01                 # optional; default 2026-06-01
      answers: {selection: admit_all, terms: set_by_municipality, client_choice: client}
      expect: {instrument: open_house}  # dimension -> option (or null for no advice), or status
      fires: [open_house_test.no_choice_is_open_house]
      not_fires: [instrument.material_public_contract]
      warnings: [open_house_test.grey_zone_allocation]   # rules whose warning must be given
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from advisor.advise import advise
from advisor.errors import InputError, Problem
from advisor.knowledge import KnowledgeBase
from advisor.models import Strict, validate
from advisor.scenario import check_answers
from advisor.yamlfile import YamlDoc, read_yaml

DEFAULT_DATE = dt.date(2026, 6, 1)


class Case(Strict):
    name: str = Field(min_length=1)
    as_of: dt.date = DEFAULT_DATE
    answers: dict[str, Any]
    expect: dict[str, str | None] = {}
    fires: list[str] = []
    not_fires: list[str] = []
    warnings: list[str] = []


@dataclass(frozen=True)
class Outcome:
    file: str
    line: int | None
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def load_cases(path: str | Path) -> tuple[YamlDoc, list[Case]]:
    doc = read_yaml(path)
    if not isinstance(doc.data, list):
        raise InputError([Problem(doc.name, "must be a list of test cases")])
    return doc, [validate(Case, doc, (i,)) for i in range(len(doc.data))]


def run_case(kb: KnowledgeBase, case: Case) -> tuple[str, ...]:
    """Every way the knowledge disagrees with the case, as readable lines (empty: it passes)."""
    answers = check_answers(kb, case.answers)
    advice = advise(kb, answers, case.as_of, name=case.name, explore=False)
    fired = set(advice.trace.rules())
    got: dict[str, Any] = {"status": advice.status, **advice.recommended()}
    failures = [
        f"{dim}: expected {want!r}, got {got.get(dim)!r}" for dim, want in case.expect.items() if got.get(dim) != want
    ]
    failures += [f"rule {r} did not fire" for r in case.fires if r not in fired]
    failures += [f"rule {r} fired but should not" for r in case.not_fires if r in fired]
    warned = {w.reason.rule for w in advice.warnings}
    failures += [f"no warning from {r}" for r in case.warnings if r not in warned]
    if failures:
        failures.append(f"(fired: {', '.join(advice.trace.rules())})")
    return tuple(failures)


def run_file(kb: KnowledgeBase, path: str | Path) -> list[Outcome]:
    """Every case of one file; a case whose answers are invalid fails with that message."""
    doc, cases = load_cases(path)
    outcomes = []
    for i, case in enumerate(cases):
        try:
            failures = run_case(kb, case)
        except InputError as err:
            failures = tuple(str(p) for p in err.problems)
        outcomes.append(Outcome(doc.name, doc.line((i,)), case.name, failures))
    return outcomes
