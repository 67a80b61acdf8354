"""The vector backend's day counts: the months-first table of whole-month windows, the
per-person prefix sums and the CCSS recurrence agree with a count day by day, on random
persons (windows before, inside and after the periods, asked in any order, so that the
table is built, reused and widened)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.charged_days import employer_charged_days, employer_pays_month
from lexlux.calendar.dates import month_index, month_start_from_index
from lexlux.calendar.periods import Period
from lexlux.vector.columns import Periods, day, month_end, month_start
from lexlux.vector.compiler import charged_recurrence

BASE = date(2018, 11, 20)
MONTH0 = month_index(BASE)

Person = tuple[Period, ...] | None


@st.composite
def person(draw: st.DrawFn) -> Person:
    if draw(st.integers(0, 9)) == 0:
        return None                                  # the fact is not given
    periods = []
    cursor = BASE + timedelta(days=draw(st.integers(-200, 200)))
    for _ in range(draw(st.integers(0, 4))):
        start = cursor + timedelta(days=draw(st.integers(1, 90)))
        end = start + timedelta(days=draw(st.sampled_from([0, 3, 30, 120, 400])))
        periods.append(Period(start, end))
        cursor = end + timedelta(days=1)
    return tuple(periods)


def _days(p: Person, first: int, last: int) -> int:
    return sum(max(0, min(day(q.end), last) - max(day(q.start), first) + 1) for q in p or ())


windows = st.lists(st.tuples(st.integers(-30, 30), st.integers(0, 14), st.integers(1, 6)),
                   min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(person(), min_size=1, max_size=8), windows)
def test_whole_month_windows_count_every_day_once(persons: list[Person],
                                                  asked: list[tuple[int, int, int]]) -> None:
    # given in any order (the columns sort each person's periods)
    columns = Periods.from_facts([p[::-1] if p and i % 2 else p for i, p in enumerate(persons)])
    for offset, length, months in asked:
        # ``months`` consecutive windows of ``length + 1`` months (an empty one when
        # length is 0 and the window is turned round), the first ending at MONTH0 + offset
        last_months = MONTH0 + offset + np.arange(months, dtype=np.int64)
        first_months = last_months - length + 1
        first = month_start(first_months).reshape(1, -1)
        last = month_end(last_months).reshape(1, -1)
        got = columns.count(first, last)
        assert got.shape == (len(persons), months)
        for i, p in enumerate(persons):
            want = [_days(p, int(a), int(b)) for a, b in zip(first[0], last[0], strict=True)]
            assert list(map(int, got[i])) == want
        # the same windows per person through the prefix sums
        spread = np.broadcast_to(first, got.shape), np.broadcast_to(last, got.shape)
        assert np.array_equal(columns.upto(spread[1]) - columns.upto(spread[0] - 1),
                              np.asarray(got))


@settings(max_examples=60, deadline=None)
@given(st.lists(person(), min_size=1, max_size=8), st.integers(1, 80), st.integers(1, 12))
def test_the_ccss_recurrence_is_the_interpreters(persons: list[Person], limit: int,
                                                 n: int) -> None:
    persons = [p for p in persons if p]
    if not persons:
        return
    columns = Periods.from_facts(persons)
    low = min(month_index(p[0].start) for p in persons)
    grid = np.arange(low, low + 30, dtype=np.int64).reshape(1, -1)
    charged, employer = charged_recurrence(columns, grid, n, limit)
    for i, p in enumerate(persons):
        for k, m in enumerate(grid[0]):
            d = month_start_from_index(int(m))
            assert (int(charged[i, k]), bool(employer[i, k])) == (
                employer_charged_days(p, d, n, limit), employer_pays_month(p, d, n, limit))
