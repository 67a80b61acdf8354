"""The calendar's counting shortcuts against counting day by day: a period index built from
periods in any order (sorted and disjoint, touching, overlapping, repeated) counts and
numbers days as a set of days does, and the first day counted over a limit in a fixed window
(the shortcut through the (limit + 1)-th day when every day counts as one) is the first day
on which the day-by-day total exceeds the limit, as the general search finds it."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.counted_days import (
    counted_total,
    first_day_counted_over,
    first_day_counted_over_uncached,
)
from lexlux.calendar.periods import Period, PeriodIndex

BASE = date(2018, 12, 20)          # the periods straddle a year end, months of every length


@st.composite
def period_lists(draw: st.DrawFn) -> tuple[Period, ...]:
    out = []
    day = BASE + timedelta(days=draw(st.integers(0, 20)))
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):     # in date order, after a gap (or touching: gap 0)
            day += timedelta(days=draw(st.integers(0, 15)))
            start = day
        else:                       # anywhere: out of order, overlapping, repeated
            start = BASE + timedelta(days=draw(st.integers(0, 90)))
        end = start + timedelta(days=draw(st.integers(0, 40)))
        out.append(Period(start, end))
        day = end + timedelta(days=1)
    return tuple(out)


def _days(periods: tuple[Period, ...]) -> set[date]:
    return {p.start + timedelta(days=i) for p in periods for i in range(p.day_count)}


windows = st.tuples(st.integers(-5, 150), st.integers(0, 150)).map(
    lambda w: (BASE + timedelta(days=w[0]), BASE + timedelta(days=w[0] + w[1])))


@settings(max_examples=300, deadline=None)
@given(period_lists(), windows, st.integers(1, 60))
def test_index_counts_and_numbers_days_as_a_set(periods: tuple[Period, ...],
                                                window: tuple[date, date], n: int) -> None:
    index = PeriodIndex(periods)
    a, b = window
    inside = sorted(d for d in _days(periods) if a <= d <= b)
    assert index.count(a, b) == len(inside)
    assert index.nth(n, a, b) == (inside[n - 1] if n <= len(inside) else None)
    assert [(r.start, r.end) for r in index.runs] == sorted((r.start, r.end)
                                                            for r in index.runs)
    assert sum(r.day_count for r in index.runs) == len(_days(periods))


@settings(max_examples=300, deadline=None)
@given(period_lists(), period_lists(), st.sampled_from([Fraction(1), Fraction(1, 2)]),
       st.integers(-1, 80), st.integers(-30, 60), windows)
def test_first_day_over_in_a_fixed_window_is_the_first_day_by_day(
        insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction, limit: int,
        window_shift: int, window: tuple[date, date]) -> None:
    start, end = window
    window_start = start - timedelta(days=window_shift)
    if rate != 1:
        half = ()                   # every day counts as one: the shortcut applies
    expected = next((start + timedelta(days=i) for i in range((end - start).days + 1)
                     if counted_total(insured, half, rate, window_start,
                                      start + timedelta(days=i)) > limit), None)
    assert first_day_counted_over_uncached(insured, half, rate, limit, window_start, 0,
                                           start, end) == expected
    assert first_day_counted_over(insured, half, rate, limit, window_start, 0,
                                  start, end) == expected
