"""What if: the same scenario with some answers changed, and exactly what differs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from advisor.advise import Advice, advise
from advisor.answers import AnswerError, normalise
from advisor.errors import InputError, Problem
from advisor.i18n import msg
from advisor.knowledge import KnowledgeBase, suggest


@dataclass
class Comparison:
    before: Advice
    after: Advice
    changes: dict[str, tuple[Any, Any]]  # question -> (old answer, new answer)
    decisions: list[tuple[str, str | None, str | None]]  # dimension, before, after (only those that differ)
    only_before: list[str]  # rules that fired only before the change
    only_after: list[str]
    warnings_added: list[str]
    warnings_removed: list[str]


def parse_settings(kb: KnowledgeBase, settings: list[str]) -> dict[str, Any]:
    """`QUESTION=VALUE` strings -> typed answers; lists split on ',' or ';'."""
    out, problems = {}, []
    for item in settings:
        qid, sep, raw = item.partition("=")
        qid, raw = qid.strip(), raw.strip()
        question = kb.questions.get(qid)
        if not sep or question is None:
            what = _form(kb, qid) if not sep else f"'{qid}' " + msg("error.not_a_question", hint=suggest(qid, kb.questions))
            problems.append(Problem("--set", what, item))
            continue
        value: Any = [v.strip() for v in raw.replace(";", ",").split(",") if v.strip()] if question.type == "multi" else raw
        try:
            out[qid] = normalise(question, value, kb.choices(question))
        except AnswerError as err:
            problems.append(Problem("--set", str(err), qid))
    if problems:
        raise InputError(problems)
    return out


def _form(kb: KnowledgeBase, qid: str) -> str:
    """The expected form, with an example for the question named (or the first one)."""
    question = kb.questions.get(qid) or next(iter(kb.questions.values()))
    return msg("error.set_form", example=f"{question.id}={kb.choices(question)[0] if kb.choices(question) else 1}")


def compare(kb: KnowledgeBase, before: Advice, changed: dict[str, Any], then: dt.date | None = None) -> Comparison:
    """The advice with `changed` answers, and on the date `then` if given, against `before`."""
    answers = {**before.answers, **changed}
    after = advise(kb, {q: answers[q] for q in kb.questions if q in answers}, then or before.as_of, before.scenario, before.path)
    was, now = before.recommended(), after.recommended()
    dims = [d for d in kb.dimensions if d in was or d in now]
    fired_before, fired_after = before.trace.rules(), after.trace.rules()
    warned_before = [w.reason.rule for w in before.warnings]
    warned_after = [w.reason.rule for w in after.warnings]
    return Comparison(
        before,
        after,
        {q: (before.answers.get(q), v) for q, v in changed.items() if before.answers.get(q) != v},
        [(d, was.get(d), now.get(d)) for d in dims if was.get(d) != now.get(d)],
        [r for r in fired_before if r not in fired_after],
        [r for r in fired_after if r not in fired_before],
        [r for r in warned_after if r not in warned_before],
        [r for r in warned_before if r not in warned_after],
    )
