"""The first day on which the days counted against a limit exceed it (leaf module).

The sickness-benefit limit (CSS art. 14 (2); statuts CNS art. 169 al. 3 and 186) counts the
days of incapacity in a reference window, the ``m`` days of a part-time resumption on
medical grounds (mi-temps thérapeutique before 2019) at a rate — ``m - floor(m × rate)``
fewer, "la fraction de jour étant négligée" on the total of the window.  Each such day is
also a day of incapacity.  The window is either fixed (it starts on ``window_start``) or
slides with the day (the ``window_days`` days ending with it; 0: fixed).

``first_day_counted_over`` is the first day, between two dates, on which the total exceeds
``limit``: the same total as the per-day test, so a date and the day test always agree.

>>> from datetime import date
>>> from fractions import Fraction
>>> from lexlux.calendar.periods import Period
>>> p = (Period(date(2019, 1, 1), date(2019, 1, 10)),)
>>> half = (Period(date(2019, 1, 1), date(2019, 1, 4)),)
>>> counted_total(p, half, Fraction(1, 2), date(2019, 1, 1), date(2019, 1, 10))
8
>>> first_day_counted_over(p, half, Fraction(1, 2), 5, date(2019, 1, 1), 0,
...                        date(2019, 1, 1), date(2019, 1, 10))
datetime.date(2019, 1, 8)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from .periods import Period, days_in_window, index_of


def counted_total(insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction,
                  start: date, end: date) -> int:
    """Days of ``insured`` in ``[start, end]``, the days of ``half`` counted at ``rate``
    (0 for an empty window, ``end`` before ``start``)."""
    if end < start:
        return 0
    total = days_in_window(insured, start, end)
    partial = days_in_window(half, start, end)
    return total - partial + math.floor(partial * Fraction(rate))


def _candidates(insured: tuple[Period, ...], start: date, end: date) -> Iterator[date]:
    """``start``, then every day of ``insured`` in ``(start, end]``: the total over a fixed
    or sliding window can only grow on a day of incapacity."""
    yield start
    for period in sorted(insured, key=lambda p: p.start):
        day = max(period.start, start + timedelta(days=1))
        while day <= min(period.end, end):
            yield day
            day += timedelta(days=1)


@lru_cache(maxsize=4096)
def first_day_counted_over(insured: tuple[Period, ...], half: tuple[Period, ...],
                           rate: Fraction, limit: int, window_start: date, window_days: int,
                           start: date, end: date) -> date | None:
    """The first day ``d`` in ``[start, end]`` on which the total of the window — fixed,
    ``[window_start, d]``, or sliding, ``[d - window_days + 1, d]`` — exceeds ``limit``
    (None if there is none)."""
    return first_day_counted_over_uncached(insured, half, rate, limit, window_start,
                                           window_days, start, end)


def first_day_counted_over_uncached(insured: tuple[Period, ...], half: tuple[Period, ...],
                                    rate: Fraction, limit: int, window_start: date,
                                    window_days: int, start: date, end: date) -> date | None:
    """:func:`first_day_counted_over` without its cache (for a caller that keeps the answer
    with the periods' index: no hashing of the periods for each question)."""
    if end < start:
        return None
    if window_days <= 0 and (rate == 1 or not half):
        # a fixed window where every day counts as one (the half-time days at the rate 1, or
        # none): the total of [window_start, d] is the days of ``insured`` up to d, so the
        # first day over is the (limit + 1)-th day of the window, unless ``start`` is over
        index = index_of(insured)
        at_start = index.count(window_start, start) if start >= window_start else 0
        if at_start > limit:
            return start
        if window_start > end:
            return None
        return index.nth(limit + 1, window_start, end)      # after start: start is not over
    inside = all(days_in_window(insured, p.start, p.end) == p.day_count for p in half)
    if window_days <= 0 and 0 <= rate <= 1 and inside:
        # a fixed window: the total never decreases from one day to the next (a day adds
        # 1, or 0 or 1 when counted at a rate), so the first day over is found by bisection
        if counted_total(insured, half, rate, window_start, end) <= limit:
            return None
        low, high = 0, (end - start).days          # the answer is start + high
        while low < high:
            middle = (low + high) // 2
            if counted_total(insured, half, rate, window_start,
                             start + timedelta(days=middle)) > limit:
                high = middle
            else:
                low = middle + 1
        return start + timedelta(days=high)
    for day in _candidates(insured, start, end):
        first = window_start if window_days <= 0 else \
            max(window_start, day - timedelta(days=window_days - 1))
        if counted_total(insured, half, rate, first, day) > limit:
            return day
    return None
