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
from lexlux.calendar.dates import month_index
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding.abstractions import ABSTRACTIONS
from lexlux.verify.encoding.pinned import evaluate_encoded
from lexlux.verify.encoding.timelines import TIMELINE_MONTHS, Frame

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


def _compare(facts: dict[str, Any], as_of: date, reading: str, frame: Frame | None = None
             ) -> dict[str, str]:
    """The encoding's status of each output (in ``frame``, default the full horizon)
    against the evaluator's.  In the full horizon a "missing" answer must be the
    evaluator's "missing" or "error"; in a narrow frame it is not compared (the frame may
    leave out what the evaluator reads)."""
    extra = {} if frame is None else {"frame": frame}
    encoded = evaluate_encoded(kb(), "lu", facts, as_of, OUTPUTS, reading=reading,
                               timelines=True, **extra)
    case = Case("timeline", "lu", as_of, dict(facts), {}, None)
    evaluated = evaluate(kb(), case, as_of, outputs=OUTPUTS, reading=reading).results
    statuses = {}
    for name in OUTPUTS:
        status, value = encoded[name]
        statuses[name] = status
        if status == "beyond horizon" or (status == "missing" and frame is not None):
            continue
        result = evaluated[name]
        if status == "missing":
            assert result.status in ("missing", "error"), (name, result.status, facts)
            continue
        assert (result.status, result.value) == (status, value), (name, reading, facts, frame)
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


@settings(max_examples=6, deadline=None)
@given(facts=histories(), reading=st.sampled_from(READINGS),
       months=st.sampled_from([6, 18, 36]), shift=st.sampled_from([0, 0, 1]))
def test_a_narrow_frame_agrees_with_the_evaluator_or_says_beyond(
        facts: dict[str, Any], reading: str, months: int, shift: int) -> None:
    # the witness search's frames (checks/timeline_search.py): the first month pinned (here
    # the month of the first period, or the month after it) and a horizon of 6 to 36 months
    first = facts["incapacity"][0].start
    frame = Frame(months, month_index(first) + shift)
    statuses = _compare(facts, date(2033, 1, 1), reading, frame)
    last = facts["incapacity"][-1].end
    span = month_index(last) - month_index(first) + 1
    if shift or span > months:       # the timelines start in another month, or do not fit
        assert statuses["monthly_payer"] == "beyond horizon"
    else:
        assert statuses["monthly_payer"] != "beyond horizon"


def test_the_ccss_worked_example_in_a_pinned_frame() -> None:
    facts = {"incapacity": (Period(date(2009, 1, 1), date(2009, 4, 30)),
                            Period(date(2009, 9, 1), date(2009, 10, 15)),
                            Period(date(2010, 1, 5), date(2010, 3, 20))),
             "incapacity_start": date(2009, 1, 1)}
    for reading in READINGS:
        statuses = _compare(facts, date(2011, 1, 1), reading,
                            Frame(18, month_index(date(2009, 1, 1))))
        assert statuses["monthly_payer"] == "value"


def test_the_statute_ccss_witness_replays() -> None:
    # the readings check of monthly_payer (OQ-CT1, 002 lines 3870-3874 against 1396-1421):
    # the timeline witness search finds a history of incapacity in which the two readings
    # name a different payer for some month, and the evaluator gives that payer under each
    from lexlux.verify.checks.context import Audit
    from lexlux.verify.checks.rules import _check_readings
    audit = Audit(kb(), "lu", rule="lu.code_du_travail.L121-6.p3.a2.ccss")
    audit.outputs = lambda: ["monthly_payer"]       # type: ignore[method-assign]
    found = list(_check_readings(audit))
    assert [f.code for f in found] == ["LX503"], [(f.code, f.message) for f in found]
    finding = found[0]
    assert finding.replay and finding.replay.endswith("— confirmed")
    facts = dict(finding.facts)
    as_of = date.fromisoformat(finding.as_of)
    case = Case("witness", "lu", as_of, facts, {}, None)
    payers = {reading: evaluate(kb(), case, as_of, outputs=["monthly_payer"],
                                reading=reading).results["monthly_payer"].value
              for reading in READINGS}
    statute = {m: v for m, _, v in payers["statute"].entries}
    ccss = {m: v for m, _, v in payers["ccss_worked_example"].entries}
    differ = [m for m in statute if statute[m] != ccss.get(m)]
    assert differ, payers
    assert {statute[differ[0]], ccss[differ[0]]} == {"cns", "employer"}


def test_a_difference_the_search_leaves_undecided_exists_and_the_frame_holds_it() -> None:
    # salary_continuation_end under OQ-CT1 (the timeline witness search alone does not find
    # one within its budget; the seeded pass does, checks/seeds.py): a first incapacity
    # paid by the employer (January-March), a
    # month paid by the CNS (December), then a new incapacity twelve months after the first
    # CNS month. The statute counts December's days and reaches 77 days in May, the CCSS
    # example counts only the employer's and reaches them in June; the 36-month frame pinned
    # to January 2017 gives both answers, so a witness is inside the search space.
    facts = {"incapacity": (Period(date(2017, 1, 1), date(2017, 3, 31)),
                            Period(date(2017, 12, 1), date(2017, 12, 31)),
                            Period(date(2018, 4, 1), date(2018, 6, 30))),
             "incapacity_start": date(2018, 4, 1)}
    ends = {}
    for reading in READINGS:
        statuses = _compare(facts, date(2020, 1, 1), reading,
                            Frame(36, month_index(date(2017, 1, 1))))
        assert statuses["salary_continuation_end"] == "value"
        case = Case("x", "lu", date(2020, 1, 1), dict(facts), {}, None)
        ends[reading] = evaluate(kb(), case, date(2020, 1, 1), outputs=OUTPUTS,
                                 reading=reading).results["salary_continuation_end"].value
    assert ends == {"statute": date(2018, 5, 31), "ccss_worked_example": date(2018, 6, 30)}
