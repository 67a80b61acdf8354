"""Date outputs agree with day outputs (CSS art. 14 (2); statuts CNS art. 186): over random
incapacity histories, with and without half-time days, whenever
``sickness_benefit_limit_exceeded_on_day`` is true on a day, ``sickness_benefit_exhausted_from``
has a value on or before that day (and the limit is exceeded on it), and so has
``sickness_benefit_limit_reached_on``, before it — under the statute's reading (the default)
and under the statuts' sliding window (``statuts_daily_window``), also when the total already
exceeds the limit on the first day of the new period.  Under the statute's reading a day of
the new period is over the limit exactly from ``sickness_benefit_exhausted_from`` on; under
the sliding window, when the limit is exceeded after the first day of the new period and no
day counts at a rate, the limit is reached on the day before."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

_KB: list[KnowledgeBase] = []
DAY, EXHAUSTED, REACHED = ("sickness_benefit_limit_exceeded_on_day",
                           "sickness_benefit_exhausted_from", "sickness_benefit_limit_reached_on")


def kb() -> KnowledgeBase:
    if not _KB:
        loaded = load_knowledge_base()
        assert loaded.ok
        _KB.append(loaded.kb)
    return _KB[0]


@st.composite
def histories(draw: st.DrawFn) -> dict[str, object]:
    start = draw(st.dates(date(2016, 1, 1), date(2021, 12, 31)))
    periods = []
    for _ in range(draw(st.integers(1, 4))):
        length = draw(st.integers(1, 420))
        periods.append(Period(start, start + timedelta(days=length - 1)))
        start += timedelta(days=length + draw(st.integers(1, 150)))
    facts: dict[str, object] = {"insured_incapacity": tuple(periods),
                                "incapacity_start": draw(st.sampled_from(periods)).start}
    if draw(st.booleans()):
        inside = draw(st.sampled_from(periods))
        a = inside.start + timedelta(days=draw(st.integers(0, inside.day_count - 1)))
        b = min(inside.end, a + timedelta(days=draw(st.integers(0, 150))))
        facts["therapeutic_half_time"] = (Period(a, b),)
    return facts


def outcome(facts: dict[str, object], day: date, reading: str | None) -> dict[str, object]:
    case = Case("random", "lu", day, {**facts, "day_considered": day})
    results = evaluate(kb(), case, day, outputs=[DAY, EXHAUSTED, REACHED],
                       reading=reading).results
    return {name: r.value if r.status == "value" else None for name, r in results.items()}


# the statuts' window already over the limit on the first day of the new period: 400 days
# of 2017 in the 104 weeks ending with 2018-03-01 (the date came back without a value)
_OVER_AT_START = {"insured_incapacity": (Period(date(2017, 1, 1), date(2018, 2, 4)),
                                         Period(date(2018, 3, 1), date(2018, 6, 30))),
                  "incapacity_start": date(2018, 3, 1)}


@settings(max_examples=40, deadline=None)
@given(facts=histories(), reading=st.sampled_from([None, "statuts_daily_window"]),
       data=st.data())
def test_the_dates_agree_with_the_per_day_test(facts: dict[str, object], reading: str | None,
                                                data: st.DataObject) -> None:
    start = facts["incapacity_start"]
    assert isinstance(start, date)
    end = next(p.end for p in facts["insured_incapacity"]   # type: ignore[attr-defined]
               if p.start == start)
    day = data.draw(st.one_of(st.just(end), st.dates(start, end)))
    seen = outcome(facts, day, reading)
    exhausted = seen[EXHAUSTED]
    if seen[DAY] is True:
        assert isinstance(exhausted, date) and exhausted <= day
        assert outcome(facts, exhausted, reading)[DAY] is True
        reached = seen[REACHED]
        assert isinstance(reached, date) and reached < exhausted
        if reading is not None and exhausted > start and "therapeutic_half_time" not in facts:
            assert reached == exhausted - timedelta(days=1)
    if reading is None and seen[DAY] is not None:
        # the statute's window is fixed: over the limit exactly from the exhaustion date
        assert seen[DAY] == (exhausted is not None and day >= exhausted)


def test_a_limit_exceeded_on_the_first_day_was_reached_in_an_earlier_period() -> None:
    """400 days of 2017 lie in the 104 weeks ending with 2018-03-01: the benefit is not due
    from the first day of the new period under both readings, and the limit was reached in
    2017 (the statute's window ends on 2018-02-28; the statuts' on 2018-03-01)."""
    for reading in (None, "statuts_daily_window"):
        seen = outcome(_OVER_AT_START, date(2018, 3, 10), reading)
        assert seen[DAY] is True
        assert seen[EXHAUSTED] == date(2018, 3, 1)
        # 2017-01-01 + 363 days: the 364th day (52 weeks) of the window counted from its
        # start (the statute's window starts on 2016-03-03, the statuts' on 2016-03-04;
        # nothing is counted before 2017)
        assert seen[REACHED] == date(2017, 12, 30), reading
