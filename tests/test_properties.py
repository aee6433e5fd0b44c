"""Properties over the whole scenario space (hypothesis), and a differential test of the
three engines: durable-rules, CLIPS and a plain Python forward chainer must agree."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import render
from advisor.advise import advise
from advisor.knowledge import STAGES
from advisor.answers import UNKNOWN
from conftest import knowledge

KB = knowledge()
DATES = st.sampled_from([dt.date(2016, 9, 1), dt.date(2019, 6, 1), dt.date(2022, 7, 1), dt.date(2024, 7, 1), dt.date(2026, 6, 1)])


def value_of(question):
    choices = KB.choices(question)
    if question.type == "choice":
        values = st.sampled_from(choices)
    elif question.type == "multi":
        values = st.lists(st.sampled_from(choices), min_size=1, max_size=3, unique=True).map(lambda v: sorted(v, key=choices.index))
    elif question.type == "yes_no":
        values = st.booleans()
    elif question.type == "amount":
        values = st.sampled_from([0, 100_000, 749_999, 750_000, 2_000_000, 40_000_000]) | st.integers(0, 10**9)
    else:
        values = st.integers(0, 60)
    return values | st.just(UNKNOWN) if question.unknown_allowed else values


@st.composite
def answer_sets(draw):
    answers = {}
    for question in KB.questions.values():
        if draw(st.booleans()):
            answers[question.id] = draw(value_of(question))
    return answers


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@SETTINGS
@given(answer_sets(), DATES)
def test_every_scenario_gets_an_explained_answer_per_dimension(answers, on):
    advice = advise(KB, answers, on)
    fired = set(advice.trace.rules())
    if advice.status == "out_of_scope":
        assert {d.dimension for d in advice.decisions} <= {"regime"}  # only the regime of an ordinary service
        assert any(w.reason.rule == "scope.out_of_scope" for w in advice.warnings)
        return
    assert [d.dimension for d in advice.decisions] == [d for dims in STAGES.values() for d in dims]
    for decision in advice.decisions:
        if decision.recommended is None:
            # an explicit "cannot advise": no option has support left
            assert all(o.excluded or o.score <= 0 for o in decision.options)
            continue
        chosen = decision.options[0]
        assert chosen.option == decision.recommended and not chosen.excluded and chosen.score > 0
        assert chosen.support and all(r.rule in fired for r in chosen.support)


@SETTINGS
@given(answer_sets(), DATES)
def test_output_is_deterministic(answers, on):
    first = render.to_string(advise(KB, answers, on), KB, "json", "en")
    assert render.to_string(advise(KB, answers, on), KB, "json", "en") == first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(answer_sets(), DATES)
def test_the_three_engines_agree(answers, on):
    results = {engine: advise(KB, answers, on, engine=engine, explore=False) for engine in ("durable", "clips", "python")}
    fired = {engine: sorted(a.trace.rules()) for engine, a in results.items()}
    decided = {engine: a.recommended() for engine, a in results.items()}
    assert fired["clips"] == fired["durable"] == fired["python"]
    assert decided["clips"] == decided["durable"] == decided["python"]
