"""Answers to questions: parsing typed values and turning answers into facts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from advisor.i18n import current, money, msg

if TYPE_CHECKING:
    from advisor.models import Question

UNKNOWN = "unknown"
UNKNOWN_WORDS = {"unknown", "weet niet", "weet_niet", "don't know", "dont know", "onbekend", "?"}
YES = {"ja", "yes", "j", "y", "true"}
NO = {"nee", "no", "n", "false"}
_SCALE = {"k": 1e3, "duizend": 1e3, "mln": 1e6, "miljoen": 1e6, "m": 1e6, "mio": 1e6, "mld": 1e9, "miljard": 1e9}
_AMOUNT = re.compile(r"^(?:eur|€)?\s*([0-9][0-9.,\s]*)\s*([a-z]*)\.?$")
NONE = "none"  # the 'none of these' option of a multiple-choice question
MAX_AMOUNT = 1e15  # a thousand thousand million euros: anything larger is a typing error


class AnswerError(ValueError):
    """A value that does not fit its question; the message says what is allowed."""


def parse_amount(text: str) -> float:
    """'1.200.000', '1,2 mln', '1.2 mln', '€ 750.000', '2 miljoen', '1200000' -> a number of euros.

    Before a unit word a single point or comma is a decimal separator (1.2 mln, 0,5 mln).
    Without one, groups of three digits are thousands (1.200.000, 1,200,000) and one or
    two digits after the separator are cents (1250,50). What fits neither reading, or fits
    two (1.250 mln), is refused with the reading to write instead."""
    match = _AMOUNT.match(text.strip().lower())
    if not match or (match.group(2) and match.group(2) not in _SCALE):
        raise _not_an_amount(text)
    digits, unit = match.group(1).replace(" ", ""), match.group(2)
    if unit:
        number = _scaled(text, digits, unit)
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?|\d{1,3}(,\d{3})+(\.\d{1,2})?", digits):
        number = _grouped(digits)
    elif re.fullmatch(r"\d+([.,]\d{1,2})?", digits):
        number = float(digits.replace(",", "."))  # cents: 1250,50
    else:
        raise _not_an_amount(text)
    if number > MAX_AMOUNT:
        raise AnswerError(msg("error.too_large", text=text, limit=money(MAX_AMOUNT, current())))
    return number


def _grouped(digits: str) -> float:
    """1.200.000 / 1,200,000 / 1.200.000,50 / 1,200,000.50 -> the number."""
    group = re.search("[.,]", digits).group()
    decimal = "," if group == "." else "."
    return float(digits.replace(group, "").replace(decimal, "."))


def _scaled(text: str, digits: str, unit: str) -> float:
    """'1,2' + 'mln' -> 1.200.000; one separator before a unit word is the decimal separator."""
    scale = _SCALE[unit]
    if re.fullmatch(r"\d+", digits):
        return float(digits) * scale
    if re.fullmatch(r"\d+[.,]\d{1,2}|\d+[.,]\d{4,}|0[.,]\d+", digits):
        return round(float(digits.replace(",", ".")) * scale, 2)
    if re.fullmatch(r"\d{1,3}[.,]\d{3}", digits):  # 1.250 mln: 1,25 million or 1250 million?
        decimal = float(digits.replace(",", ".")) * scale
        whole = re.sub("[.,]", "", digits)
        raise AnswerError(msg(
            "error.ambiguous", text=text, decimal=_euros(decimal), as_decimal=f"{digits.replace('.', ',')} {unit}",
            whole=_euros(float(whole) * scale), as_whole=f"{whole} {unit}",
        ))
    raise _not_an_amount(text)


def _not_an_amount(text: str) -> AnswerError:
    return AnswerError(msg("error.not_an_amount", text=text, example=msg("error.amount_example")))


def _euros(amount: float) -> str:
    return money(amount, current()).removeprefix("€ ")


def normalise(question: Question, value: Any, choices: list[str]) -> Any:
    """The typed value of an answer, or AnswerError naming what is allowed."""
    if isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS:
        if question.unknown_allowed:
            return UNKNOWN
        raise AnswerError(msg("error.no_unknown"))
    kind = question.type
    if kind in ("choice", "multi"):
        value = [_as_id(v, choices) for v in value] if isinstance(value, list) else _as_id(value, choices)
    if kind == "choice":
        if not isinstance(value, str) or value not in choices:
            raise AnswerError(msg("error.not_an_option", value=repr(value), allowed=", ".join(choices)))
        return value
    if kind == "multi":
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise AnswerError(msg("error.expected_list", value=repr(value)))
        wrong = [v for v in values if v not in choices]
        if wrong:
            key = "error.not_an_option" if len(wrong) == 1 else "error.not_options"
            raise AnswerError(msg(key, value=repr(wrong[0]), values=", ".join(map(repr, wrong)), allowed=", ".join(choices)))
        if NONE in values and len(set(values)) > 1:
            raise AnswerError(msg("error.none_with_others", none=NONE))
        return sorted(set(values), key=choices.index)
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in YES | NO:
            return value.strip().lower() in YES
        raise AnswerError(msg("error.expected_yes_no", value=repr(value)))
    if isinstance(value, bool):
        raise AnswerError(msg("error.expected_number", value=repr(value)))
    if isinstance(value, str):
        value = parse_amount(value) if kind == "amount" else _whole_number(value)
    if not isinstance(value, (int, float)) or not 0 <= value <= MAX_AMOUNT:  # also refuses nan and inf
        raise AnswerError(msg("error.expected_range", max=f"{MAX_AMOUNT:,.0f}", value=_short(value)))
    if kind == "number":
        if value != int(value):
            raise AnswerError(msg("error.expected_whole", value=repr(value)))
        return int(value)
    return int(value) if value == int(value) else value


def _as_id(value: Any, choices: list[str]) -> Any:
    """'Jeugd-GGZ' or 'beheersbaar aanbod' -> the option id it spells (jeugd_ggz, beheersbaar_aanbod);
    anything else is returned as it is, for the error to name."""
    if isinstance(value, str) and value not in choices:
        spelled = re.sub(r"[\s-]+", "_", value.strip().lower())
        return spelled if spelled in choices else value
    return value


def _short(value: Any) -> str:
    """A value as written, cut short: a 400-digit number is not repeated in full."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def _whole_number(text: str) -> int:
    if not re.fullmatch(r"\s*\d+\s*", text):
        raise AnswerError(msg("error.not_a_number", text=text))
    return int(text)


def index(facts: list[tuple[str, Any]]) -> dict[str, list]:
    """Facts -> fact name -> its values (what conditions.holds reads)."""
    out: dict[str, list] = {}
    for name, value in facts:
        out.setdefault(name, []).append(value)
    return out


def to_facts(answers: dict[str, Any]) -> list[tuple[str, Any]]:
    """Answers -> facts for the engine: one fact per value; 'don't know' asserts nothing."""
    facts = []
    for qid, value in answers.items():
        if value == UNKNOWN:
            continue
        for v in value if isinstance(value, list) else [value]:
            facts.append((qid, v))
    return facts
