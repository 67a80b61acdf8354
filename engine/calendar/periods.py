"""Periods of days (incapacity timelines) and counts of their days in windows (leaf module).

Part of the leaf calendar layer used by the evaluator and by the Z3 encoder; it builds
only on ``dates``.  A :class:`Period` is an inclusive range of calendar days ``[start,
end]``: the CNS statuts (art. 169) count both the first and the last day of incapacity.
Counts are of *distinct* calendar days: a day covered by two periods counts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import (
    end_of_month,
    format_date,
    month_index,
    month_start_from_index,
    parse_date,
)

__all__ = [
    "Period",
    "check_periods",
    "count_days_by_month",
    "days_in_window",
    "gap_days",
    "merge_periods",
    "nth_day_in_window",
]

_ONE_DAY = timedelta(days=1)


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

    Reports a period that ends before it starts, and two periods sharing a day.  Touching
    periods (one ends the day before the other starts) do not overlap.

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
    for i, first in enumerate(items):
        if first.end < first.start:
            continue
        for j in range(i + 1, len(items)):
            second = items[j]
            if second.end < second.start:
                continue
            start, end = max(first.start, second.start), min(first.end, second.end)
            if start <= end:
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


def _clipped(periods: Iterable[Period], start: date, end: date) -> list[Period]:
    _check_window(start, end)
    inside = [
        Period(max(p.start, start), min(p.end, end))
        for p in _valid(periods)
        if p.start <= end and p.end >= start
    ]
    return merge_periods(inside, join_touching=False)


def days_in_window(periods: Iterable[Period], start: date, end: date) -> int:
    """Number of distinct calendar days of ``periods`` inside ``[start, end]``.

    >>> days_in_window([Period(date(2018, 12, 30), date(2019, 1, 2))],
    ...                date(2019, 1, 1), date(2019, 12, 31))
    2
    """
    return sum(p.day_count for p in _clipped(periods, start, end))


def nth_day_in_window(periods: Iterable[Period], n: int, start: date, end: date) -> date | None:
    """The ``n``-th (``n >= 1``) distinct period day inside ``[start, end]``, or ``None``.

    The 77th day of incapacity within a reference window (Code du travail L.121-6(3)) is
    ``nth_day_in_window(periods, 77, *window)``.

    >>> nth_day_in_window([Period(date(2019, 1, 30), date(2019, 2, 10))], 3,
    ...                   date(2019, 1, 1), date(2019, 12, 31))
    datetime.date(2019, 2, 1)
    """
    if n < 1:
        raise ValueError(f"days are numbered from 1, got {n}")
    remaining = n
    for period in _clipped(periods, start, end):
        if remaining <= period.day_count:
            return period.start + timedelta(days=remaining - 1)
        remaining -= period.day_count
    return None


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
    items = _valid(periods)
    counts: dict[date, int] = {}
    for index in range(first, last + 1):
        month_start = month_start_from_index(index)
        counts[month_start] = days_in_window(items, month_start, end_of_month(month_start))
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
