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

from collections.abc import Iterator
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from .periods import Period, PeriodIndex, days_in_window, index_of


def counted_total(insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction,
                  start: date, end: date) -> int:
    """Days of ``insured`` in ``[start, end]``, the days of ``half`` counted at ``rate``
    (0 for an empty window, ``end`` before ``start``)."""
    if end < start:
        return 0
    total = days_in_window(insured, start, end)
    partial = days_in_window(half, start, end)
    whole = Fraction(rate)
    # math.floor(partial × rate), in integers (a Fraction product made and floored per day
    # was most of the cost of a search that asks for the total day after day)
    return total - partial + partial * whole.numerator // whole.denominator


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
    indexes: tuple[PeriodIndex, PeriodIndex] | None
    try:
        indexes = index_of(insured), index_of(half)
    except ValueError:
        indexes = None
    if indexes is None or (window_days > 0 and start.toordinal() - window_days < 0):
        # a period that ends before it starts, or a sliding window reaching before the
        # calendar's first day: the day-by-day search, which says so (ValueError,
        # OverflowError) on the first total it needs, if any, as it always did
        return _scan_by_day(insured, half, rate, limit, window_start, window_days, start,
                            end)
    return _scan(*indexes, Fraction(rate), limit, window_start, window_days, start, end,
                 inside)


def _scan_by_day(insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction,
                 limit: int, window_start: date, window_days: int, start: date, end: date
                 ) -> date | None:
    """The day-by-day search of :func:`_scan`, with no index and no day skipped."""
    for day in _candidates(insured, start, end):
        first = window_start if window_days <= 0 else \
            max(window_start, day - timedelta(days=window_days - 1))
        if counted_total(insured, half, rate, first, day) > limit:
            return day
    return None


def _scan(whole: PeriodIndex, part: PeriodIndex, rate: Fraction, limit: int,
          window_start: date, window_days: int, start: date, end: date, inside: bool
          ) -> date | None:
    """The day-by-day search: ``start``, then every day of ``insured`` in ``(start, end]``
    (the total over a fixed or sliding window can only grow on a day of incapacity), the
    first whose total exceeds ``limit`` — :func:`counted_total` of each day's window, on
    day ordinals.

    A day whose total is ``t <= limit`` rules out the next ``(limit - t) // step`` days
    when the total grows by at most ``step`` a day: with ``0 <= rate <= 1`` a day coming
    into the window adds at most 1 (a day of incapacity, or a half-time day counted at the
    rate: ``floor((h + 1) × rate) - floor(h × rate) <= 1``) and a day leaving it (a sliding
    window) takes at least 0 off when the half-time days are days of incapacity
    (``inside``), at most adds 1 otherwise (a half-time day outside ``insured`` counted
    off); so ``step`` is 1 for a fixed window or ``inside``, else 2.  With another rate,
    no day is skipped."""
    count_whole, count_part = whole.count_ordinals, part.count_ordinals
    num, den = rate.numerator, rate.denominator
    first_of_window = window_start.toordinal()
    sliding = window_days > 0
    step = 0 if not 0 <= rate <= 1 else 1 if not sliding or inside else 2

    def total(day: int) -> int:
        low = max(first_of_window, day - window_days + 1) if sliding else first_of_window
        if day < low:
            return 0
        partial = count_part(low, day)
        return count_whole(low, day) - partial + partial * num // den

    first, last = start.toordinal(), end.toordinal()
    found = total(first)
    if found > limit:
        return start
    skip_to = first + (limit - found) // step + 1 if step else first + 1
    # the days of insured after start, run by run (runs are sorted and disjoint)
    for run_start, run_end in zip(*whole.ordinals(), strict=True):
        if run_end <= first:
            continue
        if run_start > last:
            break
        day = max(run_start, first + 1, skip_to)
        stop = min(run_end, last)
        while day <= stop:
            found = total(day)
            if found > limit:
                return date.fromordinal(day)
            day += (limit - found) // step + 1 if step else 1
        skip_to = day
    return None
