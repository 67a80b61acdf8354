"""The first day counted over a limit (``calendar/counted_days.py``) against a day-by-day
count over sets of days, for every path of the search: fixed and sliding windows, half-time
days inside the days of incapacity or not, rates from 0 to 1 (the days the search skips
because the total cannot grow fast enough) and outside (no day skipped), with the total in
integers (no ``Fraction`` per day) equal to the rounded-down fraction."""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.counted_days import counted_total, first_day_counted_over_uncached
from lexlux.calendar.periods import Period

BASE = date(2018, 12, 20)
RATES = [Fraction(0), Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1),
         Fraction(3, 2), Fraction(-1, 2)]


@st.composite
def period_lists(draw: st.DrawFn) -> tuple[Period, ...]:
    out = []
    for _ in range(draw(st.integers(0, 5))):
        start = BASE + timedelta(days=draw(st.integers(0, 120)))
        out.append(Period(start, start + timedelta(days=draw(st.integers(0, 60)))))
    return tuple(out)


def _days(periods: tuple[Period, ...]) -> set[date]:
    return {p.start + timedelta(days=i) for p in periods for i in range(p.day_count)}


def _total(insured: set[date], half: set[date], rate: Fraction, a: date, b: date) -> int:
    whole = sum(1 for d in insured if a <= d <= b)
    part = sum(1 for d in half if a <= d <= b)
    return whole - part + math.floor(part * rate)


def _expected(insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction,
              limit: int, window_start: date, window_days: int, start: date, end: date
              ) -> date | None:
    days, halves = _days(insured), _days(half)
    for day in sorted({start} | {d for d in days if start < d <= end}):
        first = window_start if window_days <= 0 else \
            max(window_start, day - timedelta(days=window_days - 1))
        if _total(days, halves, rate, first, day) > limit:
            return day
    return None


@settings(max_examples=400, deadline=None)
@given(period_lists(), period_lists(), st.booleans(), st.sampled_from(RATES),
       st.integers(-1, 120), st.integers(-30, 60), st.sampled_from([0, 0, 1, 7, 30, 90]),
       st.integers(-5, 150), st.integers(0, 150))
def test_first_day_over_is_the_first_day_by_day(
        insured: tuple[Period, ...], half: tuple[Period, ...], inside: bool, rate: Fraction,
        limit: int, shift: int, window_days: int, at: int, length: int) -> None:
    if inside:       # the half-time days are days of incapacity (the rules' case)
        half = tuple(Period(max(p.start, q.start), min(p.end, q.end))
                     for p in half for q in insured if max(p.start, q.start) <=
                     min(p.end, q.end))
    start = BASE + timedelta(days=at)
    end = start + timedelta(days=length)
    window_start = start - timedelta(days=shift)
    assert first_day_counted_over_uncached(insured, half, rate, limit, window_start,
                                           window_days, start, end) == \
        _expected(insured, half, rate, limit, window_start, window_days, start, end)


@settings(max_examples=300, deadline=None)
@given(period_lists(), period_lists(), st.sampled_from(RATES), st.integers(-5, 150),
       st.integers(-3, 150))
def test_counted_total_is_the_rounded_down_fraction(
        insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction, at: int,
        length: int) -> None:
    a = BASE + timedelta(days=at)
    b = a + timedelta(days=length)
    expected = 0 if b < a else _total(_days(insured), _days(half), rate, a, b)
    assert counted_total(insured, half, rate, a, b) == expected
    # a float rate: its exact value, as before (1/3 as a float is a little less than 1/3)
    exact = Fraction(float(rate))
    assert counted_total(insured, half, float(rate), a, b) == (  # type: ignore[arg-type]
        0 if b < a else _total(_days(insured), _days(half), exact, a, b))


def test_a_period_ending_before_it_starts_is_still_refused() -> None:
    bad = (Period(date(2019, 1, 10), date(2019, 1, 1)),)
    with pytest.raises(ValueError, match="ends before it starts"):
        first_day_counted_over_uncached(bad, (), Fraction(1, 2), 3, date(2019, 1, 1), 30,
                                        date(2019, 1, 1), date(2019, 2, 1))
    half = (Period(date(2019, 1, 2), date(2019, 1, 3)),)
    with pytest.raises(ValueError, match="ends before it starts"):
        first_day_counted_over_uncached(
            (Period(date(2019, 1, 1), date(2019, 1, 20)),), (*half, *bad), Fraction(1, 2), 3,
            date(2019, 1, 1), 30, date(2019, 1, 1), date(2019, 2, 1))


def test_a_sliding_window_before_the_first_day_of_the_calendar_overflows_as_before() -> None:
    periods = (Period(date(1, 1, 1), date(1, 1, 20)),)
    with pytest.raises(OverflowError):
        first_day_counted_over_uncached(periods, (), Fraction(1, 2), 3, date(1, 1, 1), 30,
                                        date(1, 1, 2), date(1, 2, 1))


def _day(n: int) -> date:
    return date(2019, 1, n)


@pytest.mark.parametrize(("insured", "half", "rate", "limit", "window_days", "expected"), [
    # a rate above 1: a half-time day adds up to 2 (no day may be skipped)
    ((Period(_day(1), _day(10)),), (Period(_day(1), _day(10)),), Fraction(3, 2), 5, 0,
     _day(4)),
    # a sliding window and a half-time day outside the incapacity: the day leaving the
    # window adds 1 while the day coming in adds 1 (two a day)
    ((Period(_day(2), _day(10)),), (Period(_day(1), _day(1)),), Fraction(0), 2, 3, _day(4)),
    # the same with the half-time day inside: one a day at most
    ((Period(_day(1), _day(10)),), (Period(_day(1), _day(1)),), Fraction(0), 2, 3, _day(4)),
])
def test_the_days_skipped_are_never_the_first_over(
        insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction, limit: int,
        window_days: int, expected: date) -> None:
    args = (insured, half, rate, limit, _day(1), window_days, _day(1), _day(20))
    assert _expected(*args) == expected
    assert first_day_counted_over_uncached(*args) == expected
