"""From the recorded firings to decisions: per dimension the ranked options with
the reasons for and against, exclusions, close calls, and the reference figures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from advisor.i18n import LANGS, money
from advisor.knowledge import KnowledgeBase
from advisor.models import Figure, SourceRef, Text

CLOSE_MARGIN = 1
_PLACEHOLDER = re.compile(r"\{threshold\.([a-z_]+)\}")


@dataclass(frozen=True, eq=False)  # one object per rule and date (see `reason`): identity is enough
class Reason:
    """A fired rule as a reason: what it says and where that comes from."""

    rule: str
    title: Text
    text: Text
    sources: tuple[SourceRef, ...]
    figures: tuple[Figure, ...]
    weight: int = 1
    since_report: Text | None = None
    confidence: str = "high"


@dataclass
class OptionAssessment:
    option: str
    score: int = 0
    support: list[Reason] = field(default_factory=list)
    against: list[Reason] = field(default_factory=list)
    excluded_by: list[Reason] = field(default_factory=list)

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_by)


@dataclass
class DimensionDecision:
    dimension: str
    recommended: str | None
    close_call: bool
    options: list[OptionAssessment]
    context: list[Figure]


@lru_cache(maxsize=8192)
def reason(kb: KnowledgeBase, rule_id: str, on: dt.date) -> Reason:
    rule = kb.rule[rule_id].rule
    figures = kb.figure
    return Reason(
        rule.id,
        rule.title,
        fill(kb, rule.because, on),
        kb.cited_on(rule.sources, on),
        tuple(figures[f] for f in rule.figures),
        rule.then.weight,
        rule.since_report,
        rule.confidence,
    )


def fill(kb: KnowledgeBase, text: Text, on: dt.date) -> Text:
    """Replace {threshold.X} by the amount in force on `on`, formatted per language."""
    values = {
        lang: _PLACEHOLDER.sub(lambda m: money(kb.threshold(m.group(1), on), lang), getattr(text, lang))
        for lang in LANGS
    }
    return Text(**values)


def decide(kb: KnowledgeBase, dimension: str, speaking: Iterable[str], facts: dict, on: dt.date) -> DimensionDecision:
    """Weigh the rules that fired and speak about `dimension` (`speaking`, in the order they fired).

    The decision depends only on those rules, the care form and law (for the figures) and the
    date, so it is worked out once per such combination: the runs of one advice, and similar
    scenarios of a batch, share it. Nothing changes a decision once it is made."""
    speaking = tuple(speaking)
    care_form = next(iter(facts.get("care_form", ())), None)
    law = next(iter(facts.get("law", ())), None)
    return _decide(kb, dimension, speaking, care_form, law, on)


@lru_cache(maxsize=1024)
def _decide(kb: KnowledgeBase, dimension: str, fired: tuple[str, ...], care_form, law, on: dt.date) -> DimensionDecision:
    order = [o.id for o in kb.dimensions[dimension].options]
    assessed: dict[str, OptionAssessment] = {}

    def option(o: str) -> OptionAssessment:
        return assessed.setdefault(o, OptionAssessment(o))

    for rule_id in fired:
        for dim, kind, o in kb.effects[rule_id]:
            if dim != dimension:
                continue
            r = reason(kb, rule_id, on)
            a = option(o)
            if kind == "support":
                a.support.append(r)
                a.score += r.weight
            elif kind == "oppose":
                a.against.append(r)
                a.score -= r.weight
            else:
                a.excluded_by.append(r)
    # Ties go to the option with more independent reasons, then to the vocabulary's order.
    ranked = sorted(assessed.values(), key=lambda a: (a.excluded, -a.score, -len(a.support), order.index(a.option)))
    open_ = [a for a in ranked if not a.excluded and a.score > 0]
    best = open_[0].option if open_ else None
    close = len(open_) > 1 and open_[0].score - open_[1].score <= CLOSE_MARGIN
    return DimensionDecision(dimension, best, close, ranked, context_figures(kb, dimension, best, care_form, law))


def context_figures(kb: KnowledgeBase, dimension: str, option: str | None, care_form, law) -> list[Figure]:
    """What municipalities chose in 2018 for this option and care form (or, failing that, in total)."""
    if option is None:
        return []
    candidates = _figures_for(kb, dimension, option)
    for wanted in ({"care_form": care_form}, {"care_form": None, "law": law}):
        for f in candidates:
            if all(getattr(f, k) == v for k, v in wanted.items()):
                return [f]
    return []


@lru_cache(maxsize=512)
def _figures_for(kb: KnowledgeBase, dimension: str, option: str) -> list[Figure]:
    """The 2018 table figures (material, where the table has both kinds) for one option."""
    return [
        f
        for f in kb.figures.figures
        if f.dimension == dimension and f.option == option and f.table and f.as_of == dt.date(2018, 1, 1)
        and f.classification != "stated"
    ]
