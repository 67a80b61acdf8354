"""Monthly timelines and the 77-day recurrence in the encoding (timelines.py, abstraction
timeline_horizon): inside the horizon the encoding gives the evaluator's answers, under both
readings of L.121-6 (3) al. 2; beyond it, it says so instead of giving an answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding.abstractions import ABSTRACTIONS
from lexlux.verify.encoding.pinned import evaluate_encoded
from lexlux.verify.encoding.timelines import TIMELINE_MONTHS

OUTPUTS = ["monthly_payer", "twelve_month_count", "days_counted_in_month",
           "continuation_limit_reached", "salary_continuation_end", "seventy_seventh_day",
           "new_right_opens_on", "self_employed_benefit_suspended"]
READINGS = ["statute", "ccss_worked_example"]
_KB: list[KnowledgeBase] = []


def kb() -> KnowledgeBase:
    if not _KB:
        loaded = load_knowledge_base()
        assert loaded.ok
        _KB.append(loaded.kb)
    return _KB[0]


def _compare(facts: dict[str, Any], as_of: date, reading: str) -> dict[str, str]:
    encoded = evaluate_encoded(kb(), "lu", facts, as_of, OUTPUTS, reading=reading,
                               timelines=True)
    case = Case("timeline", "lu", as_of, dict(facts), {}, None)
    evaluated = evaluate(kb(), case, as_of, outputs=OUTPUTS, reading=reading).results
    statuses = {}
    for name in OUTPUTS:
        status, value = encoded[name]
        statuses[name] = status
        if status == "beyond horizon":
            continue
        result = evaluated[name]
        if status == "missing":
            assert result.status in ("missing", "error"), (name, result.status, facts)
            continue
        assert (result.status, result.value) == (status, value), (name, reading, facts)
    return statuses


@st.composite
def histories(draw: st.DrawFn) -> dict[str, Any]:
    """Up to three periods within 24 months (the timelines run 12 months past the last)."""
    start = draw(st.dates(date(2009, 1, 1), date(2030, 12, 31)))
    first = start
    periods = []
    for _ in range(draw(st.integers(1, 3))):
        length = draw(st.integers(1, 150))
        end = start + timedelta(days=length - 1)
        if (end - first).days > 640:
            break
        periods.append(Period(start, end))
        start = end + timedelta(days=draw(st.integers(2, 120)))
    facts: dict[str, Any] = {"incapacity": tuple(periods), "insured_incapacity": tuple(periods),
                             "incapacity_start": draw(st.sampled_from(periods)).start,
                             "self_employed": draw(st.booleans())}
    return facts


@settings(max_examples=8, deadline=None)
@given(facts=histories(), reading=st.sampled_from(READINGS))
def test_the_encoding_agrees_with_the_evaluator_inside_the_horizon(facts: dict[str, Any],
                                                                 reading: str) -> None:
    statuses = _compare(facts, date(2033, 1, 1), reading)
    assert "beyond horizon" not in statuses.values(), statuses


@pytest.mark.parametrize("reading", READINGS)
def test_the_ccss_worked_example(reading: str) -> None:
    # the table of the CCSS example (002 lines 1396-1421): the two readings differ in March 2010
    facts = {"incapacity": (Period(date(2009, 1, 1), date(2009, 4, 30)),
                            Period(date(2009, 9, 1), date(2009, 10, 15)),
                            Period(date(2010, 1, 5), date(2010, 3, 20))),
             "incapacity_start": date(2009, 1, 1)}
    statuses = _compare(facts, date(2011, 1, 1), reading)
    assert statuses["monthly_payer"] == "value" and "beyond horizon" not in statuses.values()


def test_beyond_the_horizon_the_encoding_says_so() -> None:
    # an incapacity of more than three years: the timelines do not fit
    long = (Period(date(2010, 1, 1), date(2010 + TIMELINE_MONTHS // 12, 6, 30)),)
    facts = {"incapacity": long, "insured_incapacity": long,
             "incapacity_start": date(2010, 1, 1), "self_employed": True}
    for reading in READINGS:
        statuses = _compare(facts, date(2015, 1, 1), reading)
        assert statuses["monthly_payer"] == "beyond horizon"
        assert statuses["salary_continuation_end"] == "beyond horizon"
    assert "timeline_horizon" in ABSTRACTIONS
