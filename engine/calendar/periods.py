"""Periods of days (incapacity timelines) and counts of their days in windows (leaf module).

Part of the leaf calendar layer used by the evaluator and by the Z3 encoder; it builds
only on ``dates``.  A :class:`Period` is an inclusive range of calendar days ``[start,
end]``: the CNS statuts (art. 169) count both the first and the last day of incapacity.
Counts are of *distinct* calendar days: a day covered by two periods counts once.

Counting is O(log n) per question: a :class:`PeriodIndex` (the periods merged, sorted, with
prefix sums of their days) is built once per tuple of periods, in O(n log n), and kept for the
tuple (:func:`index_of`), so a case with 10,000 periods asked about month after month stays
fast.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .dates import (
    end_of_month,
    format_date,
    month_index,
    month_start_from_index,
    parse_date,
)

__all__ = [
    "Period",
    "PeriodIndex",
    "check_periods",
    "count_days_by_month",
    "days_in_window",
    "gap_days",
    "index_of",
    "merge_periods",
    "nth_day_in_window",
]

_ONE_DAY = timedelta(days=1)
MAX_OVERLAPS = 1000
""":func:`check_periods` reports at most this many overlapping pairs."""


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days ``start`` to ``end``, both included.

    An end before the start is not refused here, so that input can be loaded and
    reported by :func:`check_periods`; the counting functions refuse it.
    """

    start: date
    end: date

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        """A period from two ``YYYY-MM-DD`` texts.

        >>> Period.parse("2019-03-01", "2019-03-05").day_count
        5
        """
        return cls(parse_date(start), parse_date(end))

    @property
    def day_count(self) -> int:
        """Number of days, both ends counted (0 if the end is before the start)."""
        return max(0, (self.end - self.start).days + 1)

    def contains(self, d: date) -> bool:
        """Whether ``d`` is one of the period's days."""
        return self.start <= d <= self.end

    def __str__(self) -> str:
        return f"{format_date(self.start)} to {format_date(self.end)}"


def _span(start: date, end: date) -> str:
    days = (end - start).days + 1
    where = format_date(start) if days == 1 else f"{format_date(start)} to {format_date(end)}"
    return f"{where} ({days} day{'s' if days > 1 else ''})"


def check_periods(periods: Iterable[Period]) -> list[str]:
    """Problems with a list of periods, in plain words (numbered from 1 as given).

    Reports a period that ends before it starts, and each pair of periods sharing a day (up
    to :data:`MAX_OVERLAPS` pairs).  Touching periods (one ends the day before the other
    starts) do not overlap.

    >>> check_periods([Period(date(2019, 1, 1), date(2019, 1, 5)),
    ...                Period(date(2019, 1, 6), date(2019, 1, 9))])
    []
    >>> for problem in check_periods([Period(date(2019, 1, 1), date(2019, 1, 5)),
    ...                               Period(date(2019, 1, 5), date(2019, 1, 9))]):
    ...     print(problem)  # doctest: +NORMALIZE_WHITESPACE
    periods 1 (2019-01-01 to 2019-01-05) and 2 (2019-01-05 to 2019-01-09) overlap:
    both cover 2019-01-05 (1 day)
    """
    items = list(periods)
    problems: list[str] = []
    for number, period in enumerate(items, start=1):
        if period.end < period.start:
            problems.append(f"period {number} ({period}) ends before it starts")
    # a sweep in date order, O(n log n + pairs): the periods still open when one starts are
    # the ones it overlaps (at most MAX_OVERLAPS pairs are collected)
    order = sorted((i for i, p in enumerate(items) if p.start <= p.end),
                   key=lambda i: (items[i].start, items[i].end, i))
    pairs: list[tuple[int, int]] = []
    open_: list[tuple[date, int]] = []        # a heap of (end, index)
    for i in order:
        while open_ and open_[0][0] < items[i].start:
            heapq.heappop(open_)
        for _, j in open_:
            if len(pairs) >= MAX_OVERLAPS:
                break
            pairs.append((min(i, j), max(i, j)))
        heapq.heappush(open_, (items[i].end, i))
    for i, j in sorted(pairs):
        first, second = items[i], items[j]
        start, end = max(first.start, second.start), min(first.end, second.end)
        problems.append(
            f"periods {i + 1} ({first}) and {j + 1} ({second}) overlap: "
            f"both cover {_span(start, end)}"
        )
    return problems


def _valid(periods: Iterable[Period]) -> list[Period]:
    items = list(periods)
    for number, period in enumerate(items, start=1):
        if period.end < period.start:
            raise ValueError(
                f"period {number} ({period}) ends before it starts; see check_periods()"
            )
    return items


def _check_window(start: date, end: date) -> None:
    if end < start:
        raise ValueError(
            f"window ends before it starts: {format_date(start)} .. {format_date(end)}"
        )


def merge_periods(periods: Iterable[Period], *, join_touching: bool) -> list[Period]:
    """The periods' days as sorted, disjoint periods.

    Overlapping periods are always merged; ``join_touching`` says whether periods with no
    day between them (``[1..5]`` and ``[6..9]``) become one.

    >>> merge_periods([Period(date(2019, 1, 6), date(2019, 1, 9)),
    ...                Period(date(2019, 1, 1), date(2019, 1, 5))], join_touching=True)
    [Period(start=datetime.date(2019, 1, 1), end=datetime.date(2019, 1, 9))]
    """
    merged: list[Period] = []
    reach = _ONE_DAY if join_touching else timedelta(0)
    for period in sorted(_valid(periods), key=lambda p: (p.start, p.end)):
        if merged and period.start <= merged[-1].end + reach:
            last = merged[-1]
            merged[-1] = Period(last.start, max(last.end, period.end))
        else:
            merged.append(period)
    return merged


class PeriodIndex:
    """Periods merged into sorted disjoint runs of days, with prefix sums: every count of
    days in a window is two binary searches.  Build it with :func:`index_of`.

    >>> index = PeriodIndex((Period(date(2019, 1, 1), date(2019, 1, 5)),
    ...                      Period(date(2019, 1, 4), date(2019, 1, 10))))
    >>> index.count(date(2019, 1, 3), date(2019, 1, 31)), index.nth(2, date(2019, 1, 9),
    ...                                                             date(2019, 1, 31))
    (8, datetime.date(2019, 1, 10))
    """

    __slots__ = ("_before", "_ends", "_starts", "memo", "periods", "runs")

    def __init__(self, periods: Iterable[Period]) -> None:
        self.periods = items = periods if isinstance(periods, tuple) else tuple(periods)
        # one pass over day ordinals: periods given in date order, none sharing a day with
        # the one before (the usual case), are their own runs, with no sort and no merge
        starts: list[int] = []
        ends: list[int] = []
        before = [0]                # before[i]: days of the runs before run i
        last = -1
        for period in items:
            start, end = period.start.toordinal(), period.end.toordinal()
            if end < start or start <= last:
                break
            starts.append(start)
            ends.append(end)
            before.append(before[-1] + end - start + 1)
            last = end
        else:
            self.runs = list(items)
            self._starts, self._ends, self._before = starts, ends, before
            self.memo: dict[Any, Any] = {}    # for callers that derive more from the periods
            return
        self.runs = merge_periods(_valid(items), join_touching=False)
        self._starts = [p.start.toordinal() for p in self.runs]
        self._ends = [p.end.toordinal() for p in self.runs]
        self._before = [0]
        for start, end in zip(self._starts, self._ends, strict=True):
            self._before.append(self._before[-1] + end - start + 1)
        self.memo = {}

    def _range(self, a: int, b: int) -> tuple[int, int]:
        """Runs ``lo..hi-1`` are those that share a day with ``[a, b]`` (ordinals)."""
        return bisect_left(self._ends, a), bisect_right(self._starts, b)

    def count(self, start: date, end: date) -> int:
        """Distinct days of the periods inside ``[start, end]``."""
        a, b = start.toordinal(), end.toordinal()
        if b < a:
            _check_window(start, end)
        return self.count_ordinals(a, b)

    def count_ordinals(self, a: int, b: int) -> int:
        """:meth:`count` of the days ``[a, b]`` given by their ordinals (``a <= b``), with no
        date made."""
        starts, ends = self._starts, self._ends
        lo, hi = bisect_left(ends, a), bisect_right(starts, b)     # as _range
        if lo >= hi:
            return 0
        total = self._before[hi] - self._before[lo]
        first, last = starts[lo], ends[hi - 1]
        if first < a:
            total -= a - first
        if last > b:
            total -= last - b
        return total

    def ordinals(self) -> tuple[list[int], list[int]]:
        """The ordinals of the first and of the last day of each run, in date order (read
        only: the index's own lists)."""
        return self._starts, self._ends

    def nth(self, n: int, start: date, end: date) -> date | None:
        """The ``n``-th distinct day of the periods inside ``[start, end]``, or None."""
        if n < 1:
            raise ValueError(f"days are numbered from 1, got {n}")
        _check_window(start, end)
        a, b = start.toordinal(), end.toordinal()
        lo = bisect_left(self._ends, a)
        if lo >= len(self._starts):
            return None
        wanted = self._before[lo] + max(0, a - self._starts[lo]) + n   # counted from the first
        run = bisect_left(self._before, wanted) - 1
        if run >= len(self._starts):
            return None
        day = self._starts[run] + wanted - self._before[run] - 1
        return date.fromordinal(day) if day <= b else None

    def contains(self, day: date) -> bool:
        """Whether ``day`` is a day of one of the periods."""
        d = day.toordinal()
        run = bisect_right(self._starts, d) - 1
        return run >= 0 and self._ends[run] >= d

    def run_at(self, day: date) -> Period | None:
        """The run that holds ``day``, if any."""
        d = day.toordinal()
        run = bisect_right(self._starts, d) - 1
        return self.runs[run] if run >= 0 and self._ends[run] >= d else None

    def runs_in(self, start: date, end: date) -> list[Period]:
        """The merged runs clipped to ``[start, end]``, in date order."""
        _check_window(start, end)
        lo, hi = self._range(start.toordinal(), end.toordinal())
        return [Period(max(p.start, start), min(p.end, end)) for p in self.runs[lo:hi]]


_INDEXES: dict[int, tuple[tuple[Period, ...], PeriodIndex]] = {}


def index_of(periods: Iterable[Period]) -> PeriodIndex:
    """The :class:`PeriodIndex` of ``periods``; built once per tuple (a case's facts are
    tuples, asked about again and again), fresh for any other iterable."""
    if not isinstance(periods, tuple):
        return PeriodIndex(periods)
    entry = _INDEXES.get(id(periods))
    if entry is not None and entry[0] is periods:
        return entry[1]
    index = PeriodIndex(periods)
    if len(_INDEXES) >= 256:
        _INDEXES.clear()
    _INDEXES[id(periods)] = (periods, index)   # (the tuple is kept: its id stays its own)
    return index


def days_in_window(periods: Iterable[Period], start: date, end: date) -> int:
    """Number of distinct calendar days of ``periods`` inside ``[start, end]``.

    >>> days_in_window([Period(date(2018, 12, 30), date(2019, 1, 2))],
    ...                date(2019, 1, 1), date(2019, 12, 31))
    2
    """
    return index_of(periods).count(start, end)


def nth_day_in_window(periods: Iterable[Period], n: int, start: date, end: date) -> date | None:
    """The ``n``-th (``n >= 1``) distinct period day inside ``[start, end]``, or ``None``.

    The 77th day of incapacity within a reference window (Code du travail L.121-6(3)) is
    ``nth_day_in_window(periods, 77, *window)``.

    >>> nth_day_in_window([Period(date(2019, 1, 30), date(2019, 2, 10))], 3,
    ...                   date(2019, 1, 1), date(2019, 12, 31))
    datetime.date(2019, 2, 1)
    """
    return index_of(periods).nth(n, start, end)


def count_days_by_month(
    periods: Iterable[Period], first_month: date, last_month: date
) -> dict[date, int]:
    """Distinct period days in each calendar month from the month of ``first_month`` to
    the month of ``last_month`` (both included), keyed by the month's first day.

    >>> count_days_by_month([Period(date(2019, 1, 30), date(2019, 2, 2))],
    ...                     date(2019, 1, 1), date(2019, 3, 1))
    {datetime.date(2019, 1, 1): 2, datetime.date(2019, 2, 1): 2, datetime.date(2019, 3, 1): 0}
    """
    first, last = month_index(first_month), month_index(last_month)
    if last < first:
        raise ValueError(
            f"months run backwards: {format_date(first_month)} .. {format_date(last_month)}"
        )
    index = index_of(periods if isinstance(periods, tuple) else tuple(periods))
    counts: dict[date, int] = {}
    for month in range(first, last + 1):
        month_start = month_start_from_index(month)
        counts[month_start] = index.count(month_start, end_of_month(month_start))
    return counts


def gap_days(earlier: Period, later: Period) -> int:
    """Days strictly between two periods (0 when they touch), for rules such as "une
    interruption de moins de huit jours"; refuses periods that overlap or are out of order.

    >>> gap_days(Period(date(2019, 1, 1), date(2019, 1, 5)),
    ...          Period(date(2019, 1, 9), date(2019, 1, 12)))
    3
    """
    first, second = _valid([earlier, later])
    if second.start <= first.end:
        raise ValueError(f"{second} does not start after {first} ends")
    return (second.start - first.end).days - 1
