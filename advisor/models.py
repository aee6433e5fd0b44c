"""Pydantic models of the knowledge files and scenarios: validated once, at load."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from advisor.errors import InputError, Problem
from advisor.i18n import msg
from advisor.yamlfile import Loc, YamlDoc, key_path

Id = str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in both languages, side by side."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)


class SourceRef(Strict):
    ref: Id
    at: str = Field(min_length=1)
    lines: tuple[int, int] | None = None

    @field_validator("lines")
    @classmethod
    def _ordered(cls, v):
        if v is not None and not (0 < v[0] <= v[1]):
            raise ValueError("lines must be [first, last] with 0 < first <= last")
        return v


class Document(Strict):
    id: Id
    short: str
    title: str
    publisher: str
    date: dt.date | None = None  # None only for an undated web page
    ruling: bool = False  # a court's decision: not cited in advice for a date before it
    file: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _ruling_dated(self):
        if self.ruling and self.date is None:
            raise ValueError("a ruling needs its date")
        return self


class Sources(Strict):
    reviewed: dt.date
    documents: list[Document]


class Option(Strict):
    id: Id
    name: Text
    synonyms: list[str] = []
    definition: Text
    source: SourceRef
    used_in_2018: bool = True


class Dimension(Strict):
    id: Id
    name: Text
    description: Text
    options: list[Option] = Field(min_length=1)


class Vocabulary(Strict):
    dimensions: list[Dimension]


class CareForm(Strict):
    id: Id
    law: Literal["wmo", "jeugdwet"]
    in_scope: bool
    name: Text
    synonyms: list[str] = []
    description: Text
    source: SourceRef


class CareForms(Strict):
    care_forms: list[CareForm]


class Term(Strict):
    term: str
    synonyms: list[str] = []
    option: Id | None = None
    definition: Text
    source: SourceRef


class Glossary(Strict):
    terms: list[Term]


class Figure(Strict):
    id: Id
    table: str | None
    classification: Literal["material", "stated"] | None = None
    law: Literal["wmo", "jeugdwet", "both"]
    care_form: Id | None = None
    dimension: Id | None = None
    option: Id | None = None
    value: float
    unit: Literal["percent", "count", "years"]
    as_of: dt.date
    source: SourceRef
    text: Text


class Figures(Strict):
    figures: list[Figure]


class Period(Strict):
    valid_from: dt.date
    valid_until: dt.date | None = None
    amount: int = Field(gt=0)
    sources: list[SourceRef] = Field(min_length=1)


class Threshold(Strict):
    id: Id
    name: Text
    periods: list[Period] = Field(min_length=1)


class Thresholds(Strict):
    thresholds: list[Threshold]


class Choice(Strict):
    id: Id
    label: Text


class Question(Strict):
    id: Id
    group: Literal["context", "motives", "contract", "market", "organisation"]
    type: Literal["choice", "multi", "yes_no", "amount", "number"]
    text: Text
    help: Text
    options: list[Choice] = []
    options_from: Literal["care_forms"] | None = None
    ask_if: dict[str, Any] | None = None
    unknown_allowed: bool = False
    required: bool = False  # always asked: nothing can be advised without it
    unit: Text | None = None


class Questions(Strict):
    questions: list[Question]


class Then(Strict):
    derive: dict[Id, Any] = {}
    support: dict[Id, Id | list[Id]] = {}
    oppose: dict[Id, Id | list[Id]] = {}
    exclude: dict[Id, Id | list[Id]] = {}
    weight: int = Field(default=1, ge=1, le=3)
    warning: Literal["info", "low", "medium", "high"] | None = None
    advice: bool = False
    stop: bool = False
    # Evidence for an answer not given: {question or derived fact: value}. It never decides
    # anything; where that answer is missing, the advice assumes the best-supported value.
    presume: dict[Id, Any] = {}


class Rule(Strict):
    id: Id = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    title: Text
    stage: Literal["context", "instrument", "regime", "procedure", "arrangement", "contract", "checks"] | None = None
    when: dict[str, Any]
    then: Then
    because: Text
    sources: list[SourceRef] = Field(min_length=1)
    valid_from: dt.date
    valid_until: dt.date | None = None
    figures: list[Id] = []
    since_report: Text | None = None  # what the 2018 report found, and what holds since when
    confidence: Literal["high", "medium", "low"] = "high"  # low: unverified or unsettled in law


class RuleFile(Strict):
    topic: Text
    stage: Literal["context", "instrument", "regime", "procedure", "arrangement", "contract", "checks"]
    rules: list[Rule]


class Scenario(Strict):
    """A scenario file: the answers about one procurement."""

    scenario: str = Field(min_length=1, description="A short name for this procurement")
    description: str | None = Field(default=None, description="Free text: context, variant, source")
    as_of: dt.date | None = Field(default=None, description="Date the advice applies to (default: today)")
    answers: dict[Id, Any] = Field(description="Answers by question id")
    expected: dict[Id, Id] | None = Field(
        default=None, description="Outcome a source reports, per dimension (for checking examples)"
    )
    source: str | None = Field(default=None, description="Where the case comes from")


def validate(model: type[BaseModel], doc: YamlDoc, loc: Loc = ()) -> Any:
    """Validate `doc` (or the part at `loc`) against `model`; every problem names file, key and line."""
    data = doc.data
    for part in loc:
        data = data[part]
    if data is None:
        raise InputError([Problem(doc.name, msg("error.empty"))])
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise InputError([_problem(doc, loc + tuple(e["loc"]), e) for e in err.errors()]) from None


def _problem(doc: YamlDoc, loc: Loc, error: dict) -> Problem:
    found = error.get("input")
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = msg("error.unknown_key")
    elif error["type"] == "missing":
        message = msg("error.required")
    elif error["type"].startswith(("date_", "datetime_")) and found is not None:
        message = msg("error.not_a_date", value=found)
    elif found is None:
        message = msg("error.empty_value")
    elif not isinstance(found, (dict, list)):
        message = msg("error.found", message=message, value=repr(found))
    return Problem(doc.name, message, key_path(loc), doc.line(loc))
