"""The JSON Schema of scenario files, generated from the questions, for editors to validate against."""

from __future__ import annotations

from typing import Any

from advisor.knowledge import KnowledgeBase
from advisor.models import Scenario

_AMOUNT_TEXT = {"type": "string", "description": "an amount such as '1.200.000' or '1,2 mln'"}
_UNKNOWN = {"const": "unknown", "description": "don't know"}


def scenario_schema(kb: KnowledgeBase) -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "advisor scenario"
    schema["properties"]["answers"] = {
        "type": "object",
        "description": "Answers by question id",
        "additionalProperties": False,
        "properties": {q.id: _answer_schema(kb, q) for q in kb.questions.values()},
    }
    dims = {d.id: [o.id for o in d.options] for d in kb.dimensions.values()}
    schema["properties"]["expected"] = {
        "anyOf": [
            {"type": "object", "additionalProperties": False,
             "properties": {"status": {"enum": ["advised", "out_of_scope"]},
                            **{d: {"enum": opts} for d, opts in dims.items()}}},
            {"type": "null"},
        ],
        "description": "Outcome a source reports, per dimension",
    }
    return schema


def _answer_schema(kb: KnowledgeBase, q) -> dict[str, Any]:
    choices = kb.choices(q)
    value: dict[str, Any]
    if q.type == "choice":
        value = {"enum": choices}
    elif q.type == "multi":
        value = {"type": "array", "items": {"enum": choices}, "uniqueItems": True}
    elif q.type == "yes_no":
        value = {"type": "boolean"}
    elif q.type == "amount":
        value = {"anyOf": [{"type": "number", "minimum": 0}, _AMOUNT_TEXT]}
    else:
        value = {"type": "integer", "minimum": 0}
    if q.unknown_allowed:
        value = {"anyOf": [value, _UNKNOWN]}
    return {**value, "description": q.text.en}
