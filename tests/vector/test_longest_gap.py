"""longest_gap_in_window in the vector backend agrees with the interpreter's built-in
(CSS art. 14 (3): the longest interruption of affiliation in a window), on random persons."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from lexlux.calendar.periods import Period
from lexlux.evaluate.builtins import _longest_gap
from lexlux.vector.columns import Periods, day
from lexlux.vector.compiler import longest_gaps

BASE = date(2018, 12, 20)


@st.composite
def person(draw: st.DrawFn) -> tuple[tuple[Period, ...], date, date]:
    periods = []
    cursor = BASE + timedelta(days=draw(st.integers(-40, 40)))
    for _ in range(draw(st.integers(0, 5))):
        start = cursor + timedelta(days=draw(st.integers(0, 30)))   # 0: touching
        end = start + timedelta(days=draw(st.integers(0, 40)))
        periods.append(Period(start, end))
        cursor = end + timedelta(days=1)
    first = BASE + timedelta(days=draw(st.integers(-60, 120)))
    last = first + timedelta(days=draw(st.integers(0, 200)))
    return tuple(periods), first, last


@given(st.lists(person(), min_size=1, max_size=8))
def test_the_same_longest_gap_as_the_interpreter(persons: list[tuple[tuple[Period, ...],
                                                                    date, date]]) -> None:
    columns = Periods.from_facts([p for p, _, _ in persons])
    first = np.array([day(a) for _, a, _ in persons], np.int64)
    last = np.array([day(b) for _, _, b in persons], np.int64)
    got = longest_gaps(columns, first, last)
    assert got.tolist() == [_longest_gap(p, a, b) for p, a, b in persons]


def test_a_year_boundary_and_a_leap_day() -> None:
    periods = (Period(date(2019, 12, 25), date(2020, 1, 2)),
               Period(date(2020, 3, 1), date(2020, 3, 31)))
    columns = Periods.from_facts([periods, ()])
    first = np.array([day(date(2019, 12, 1)), day(date(2020, 1, 1))], np.int64)
    last = np.array([day(date(2020, 4, 10)), day(date(2020, 1, 31))], np.int64)
    # 2020-01-03 .. 2020-02-29 is 58 days (a leap year); nobody covered: the whole window
    assert longest_gaps(columns, first, last).tolist() == [58, 31]
