"""The vector backend's columns: a population's facts as numpy arrays.

Days are integers (days since 1970-01-01), months integers (``year * 12 + month - 1``, as
:func:`lexlux.calendar.dates.month_index`).  A periods fact of N persons is stored in CSR
form: ``offsets`` (N + 1), ``start`` and ``end`` (inclusive, sorted, not overlapping — the
case reader refuses overlaps, LX405), with ``before`` the incapacity days of the person's
earlier periods (a per-person prefix sum).  Then the days of a person in a window are two
binary searches (:meth:`Periods.count`), and the n-th day from a day one more
(:meth:`Periods.nth`), for every person at once.  A fact a case does not give is a mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from ..compile.model import Period

EPOCH = date(1970, 1, 1).toordinal()
# persons are laid end to end on one axis: person i's days are shifted by i * SPAN
SPAN = 1 << 21          # ~5,700 years of days: more than any date lexlux handles

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def day(d: date) -> int:
    return d.toordinal() - EPOCH


def to_date(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH)


# look-up tables for the days of 1900-2199 (a gather is several times faster than numpy's
# datetime64 conversions); dates outside them take the conversions
_LOW_DAY = date(1900, 1, 1).toordinal() - EPOCH
_HIGH_DAY = date(2200, 1, 1).toordinal() - EPOCH
_LOW_MONTH = 1900 * 12
_MONTHS: Ints | None = None
_STARTS: Ints | None = None


def _tables() -> tuple[Ints, Ints]:
    global _MONTHS, _STARTS
    if _MONTHS is None or _STARTS is None:
        days = np.arange(_LOW_DAY, _HIGH_DAY, dtype=np.int64)
        _MONTHS = _month_of_day(days)
        _STARTS = _month_start(np.arange(_LOW_MONTH, 2200 * 12 + 1, dtype=np.int64))
    return _MONTHS, _STARTS


def _month_of_day(days: Ints) -> Ints:
    as_dates = days.astype("datetime64[D]")
    months = as_dates.astype("datetime64[M]").astype(np.int64)     # months since 1970-01
    return months + 1970 * 12


def _month_start(months: Ints) -> Ints:
    return (months - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]").astype(
        np.int64)


def month_of_day(days: Ints) -> Ints:
    """Month index of each day number."""
    days = np.asarray(days)
    if days.size > 64 and days.min() >= _LOW_DAY and days.max() < _HIGH_DAY:
        return _tables()[0][days - _LOW_DAY]
    return _month_of_day(days)


def month_start(months: Ints) -> Ints:
    months = np.asarray(months)
    if months.size > 64 and months.min() >= _LOW_MONTH and months.max() <= 2200 * 12:
        return _tables()[1][months - _LOW_MONTH]
    return _month_start(months)


def month_end(months: Ints) -> Ints:
    return month_start(months + 1) - 1


class Periods:
    """A periods fact of N persons in CSR form (see the module's docstring).  What is derived
    from the arrays (the prefix sums, the sorted keys, the per-month table) is built on first
    use and kept: a block's columns are built once and read by many expressions."""

    def __init__(self, offsets: Ints, start: Ints, end: Ints, before: Ints | None,
                 given: Bools) -> None:
        self.offsets, self.start, self.end, self.given = offsets, start, end, given
        self._before = before
        self._key_cache: Ints | None = None
        self._owner_cache: Ints | None = None
        self._rank_keys: Ints | None = None
        self._table: _MonthTable | None = None
        self._windows: dict[tuple[bytes, bytes], Any] = {}
        #: results of kernels on these periods (e.g. the period containing a day), keyed by
        #: the kernel and its arguments; an entry holds its arguments, compared by identity
        self.memo: dict[Any, Any] = {}

    @classmethod
    def from_facts(cls, values: Sequence[tuple[Period, ...] | None]) -> Periods:
        lengths = np.fromiter((len(v) if v else 0 for v in values), np.int64, len(values))
        offsets = np.zeros(len(values) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = [p for v in values if v for p in v]
        start = np.fromiter(map(date.toordinal, [p.start for p in flat]), np.int64, len(flat))
        end = np.fromiter(map(date.toordinal, [p.end for p in flat]), np.int64, len(flat))
        start -= EPOCH
        end -= EPOCH
        if len(start) > 1:          # each person's periods by their first day
            owner = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
            if bool(np.any((start[1:] < start[:-1]) & (owner[1:] == owner[:-1]))):
                order = np.lexsort((start, owner))
                start, end = start[order], end[order]
        return cls.from_arrays(offsets, start, end,
                               np.fromiter((v is not None for v in values), np.bool_,
                                           len(values)))

    @classmethod
    def from_arrays(cls, offsets: Ints, start: Ints, end: Ints, given: Bools) -> Periods:
        return cls(offsets, start, end, None, given)

    @property
    def before(self) -> Ints:
        """Days of the person's periods before each period (a per-person prefix sum)."""
        if self._before is None:
            cumulative = np.zeros(len(self.start) + 1, np.int64)
            np.cumsum(self.end - self.start + 1, out=cumulative[1:])
            self._before = cumulative[:-1] - np.repeat(cumulative[self.offsets[:-1]],
                                                       np.diff(self.offsets))
        return self._before

    def _owner(self) -> Ints:
        """The person of each period."""
        if self._owner_cache is None:
            self._owner_cache = np.repeat(np.arange(self.persons, dtype=np.int64),
                                          np.diff(self.offsets))
        return self._owner_cache

    def take(self, rows: Ints) -> Periods:
        """The periods of the persons ``rows``, in that order."""
        lengths = np.diff(self.offsets)[rows]
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        index = np.repeat(self.offsets[rows] - offsets[:-1], lengths)
        index += np.arange(int(offsets[-1]), dtype=np.int64)
        return Periods(offsets, self.start[index], self.end[index], None, self.given[rows])

    @property
    def persons(self) -> int:
        return len(self.offsets) - 1

    def _keys(self) -> Ints:
        """Each period's first day, shifted by its person: one sorted axis (built once)."""
        if self._key_cache is None:
            self._key_cache = self._owner() * SPAN + self.start
        return self._key_cache

    def upto(self, days: Ints, rows: Ints | None = None) -> Ints:
        """Days of incapacity on or before ``days`` (shape (N, ...) or rows given)."""
        shape = days.shape
        if len(self.start) == 0:
            return np.zeros(shape, np.int64)
        persons = np.arange(self.persons, dtype=np.int64) if rows is None else rows
        owner = np.broadcast_to(persons.reshape((-1,) + (1,) * (len(shape) - 1)), shape)
        index = np.searchsorted(self._keys(), owner * SPAN + days, side="right")
        index -= 1
        valid = index >= self.offsets[owner]
        safe = np.where(valid, index, 0)
        inside = np.minimum(days, self.end[safe])
        inside -= self.start[safe]
        inside += 1
        inside += self.before[safe]
        return np.where(valid, inside, 0)

    def count(self, first: Ints, last: Ints) -> Ints:
        """Days of incapacity from ``first`` to ``last`` (both included; 0 if last < first).

        Windows of whole calendar months that are the same for every person (a monthly
        timeline's windows) are read from a per-person table of days by month (built once,
        then a prefix sum), not searched for each person."""
        if first.ndim == 2 and last.ndim == 2 and first.shape[0] == 1 == last.shape[0]:
            monthly: Ints | None = self._monthly_count(first[0], last[0])
            if monthly is not None:
                return monthly
        first, last = np.broadcast_arrays(first, last)
        if len(self.start) == 0:
            return np.zeros(first.shape, np.int64)
        counted = self.upto(last) - self.upto(first - 1)
        return np.where(last >= first, counted, 0)

    def _monthly_count(self, first: Ints, last: Ints) -> Any:
        """(N, M) counts of the windows ``first[j] .. last[j]`` when each is whole calendar
        months (else None), from the months-first prefix table: a result is a transposed
        view of an (M, N) array (the rows of the table are months)."""
        key = (first.tobytes(), last.tobytes())
        if key in self._windows:
            return self._windows[key]
        if len(first) == 0:
            return None
        m_first, m_last = month_of_day(first), month_of_day(last)
        if not (np.array_equal(month_start(m_first), first)
                and np.array_equal(month_end(m_last), last)):
            return None
        table = self._month_table(int(m_first.min()), int(m_last.max()))
        a, b = table.boundary(m_first), table.boundary(m_last + 1)
        rows = table.prefix
        counted = np.empty((len(first), self.persons), rows.dtype)
        steps = len(first) > 1 and bool(np.all(np.diff(a) == 1) and np.all(np.diff(b) == 1))
        if steps:            # consecutive windows: two slices of the table, no gather
            np.subtract(rows[b[0]:b[0] + len(b)], rows[a[0]:a[0] + len(a)], out=counted)
        else:
            np.subtract(rows[b], rows[a], out=counted)
        counted[m_last < m_first] = 0
        counted.flags.writeable = False          # shared by every reader of these windows
        self._windows[key] = counted.T
        return counted.T

    def month_days(self, months: Ints) -> Ints:
        """(M, N) the days of each person in each of the calendar months ``months``,
        months first (a row is one month of every person)."""
        result: Ints = self._monthly_count(month_start(months), month_end(months)).T
        return result

    def _month_table(self, low: int, high: int) -> _MonthTable:
        if self._table is not None and self._table.covers(low, high):
            return self._table
        low, high = low - 1, high + 1    # room for the windows of the month before or after
        if self._table is not None:
            if self._table.low != _NO_MONTH_BEFORE:
                low = min(low, self._table.low)
            if self._table.high != _NO_MONTH_AFTER:
                high = max(high, self._table.high)
        self._table = _MonthTable.build(self, low, high)
        return self._table

    def nth(self, n: Ints, first: Ints, last: Ints) -> tuple[Ints, Bools]:
        """The n-th incapacity day of each person inside [first, last] (n >= 1), and whether
        there is one (per person: arrays of shape (N,))."""
        if len(self.start) == 0:
            return np.zeros(self.persons, np.int64), np.zeros(self.persons, np.bool_)
        target = self.upto(first - 1) + n                  # the day's rank from the start
        persons = np.arange(self.persons, dtype=np.int64)
        if self._rank_keys is None:
            cum_end = self.before + (self.end - self.start + 1)
            self._rank_keys = self._owner() * (SPAN * 4) + cum_end
        index = np.searchsorted(self._rank_keys, persons * (SPAN * 4) + target, side="left")
        valid = (index < self.offsets[1:]) & (n >= 1)
        safe = np.where(valid, index, 0)
        found = self.start[safe] + (target - self.before[safe]) - 1
        valid &= (found <= last) & (found >= first)
        return np.where(valid, found, 0), valid

    def containing(self, days: Ints) -> tuple[Ints, Bools]:
        """The index of the period containing each person's day, and whether there is one."""
        persons = np.arange(self.persons, dtype=np.int64)
        if len(self.start) == 0:
            return np.zeros(self.persons, np.int64), np.zeros(self.persons, np.bool_)
        index = np.searchsorted(self._keys(), persons * SPAN + days, side="right")
        index -= 1
        valid = index >= self.offsets[:-1]
        safe = np.where(valid, index, 0)
        valid &= self.end[safe] >= days
        return safe, valid

    def first_day(self) -> tuple[Ints, Bools]:
        has = np.diff(self.offsets) > 0
        safe = np.minimum(self.offsets[:-1], max(len(self.start) - 1, 0))
        return (self.start[safe] if len(self.start) else np.zeros(self.persons, np.int64)), has

    def last_day(self) -> tuple[Ints, Bools]:
        has = np.diff(self.offsets) > 0
        safe = np.maximum(self.offsets[1:] - 1, 0)
        return (self.end[safe] if len(self.end) else np.zeros(self.persons, np.int64)), has


_NO_MONTH_BEFORE = -(1 << 40)
_NO_MONTH_AFTER = 1 << 40


@dataclass
class _MonthTable:
    """Per person, the days of incapacity before the start of each month ``first``,
    ``first + 1`` .. ``first + W`` (``prefix``, (W + 1, N), months first, int32), asked for
    the months ``low`` .. ``high``.  The table spans only the months in which some person
    has a day: before ``first`` every count is 0 and after its last month it stays, so a
    month outside is read at the nearest boundary (:meth:`boundary`)."""

    low: int
    high: int
    first: int
    prefix: Any

    def covers(self, low: int, high: int) -> bool:
        return self.low <= low and high <= self.high

    def boundary(self, months: Ints) -> Ints:
        """The rows of the table holding the days before the start of ``months``."""
        rows: Ints = np.clip(months - self.first, 0, self.prefix.shape[0] - 1)
        return rows

    @classmethod
    def build(cls, periods: Periods, low: int, high: int) -> _MonthTable:
        lo_day = int(month_start(np.array([low]))[0])
        hi_day = int(month_end(np.array([high]))[0])
        start = np.maximum(periods.start, lo_day)
        end = np.minimum(periods.end, hi_day)
        kept = np.flatnonzero(start <= end)
        # no day at all before (after) the months asked: the table holds for any month
        # before (after) them too
        if len(periods.start) == 0 or int(periods.start.min()) >= lo_day:
            low = _NO_MONTH_BEFORE
        if len(periods.end) == 0 or int(periods.end.max()) <= hi_day:
            high = _NO_MONTH_AFTER
        if len(kept) == 0:
            return cls(low, high, 0, np.zeros((1, periods.persons), np.int32))
        start, end, owner = start[kept], end[kept], periods._owner()[kept]
        m_start, m_end = month_of_day(start), month_of_day(end)
        first, last = int(m_start.min()), int(m_end.max())
        width = last - first + 2               # boundaries first .. last + 1
        n = periods.persons
        # the days before boundary k (the start of month first + k) of a period [s, e] are
        # r(D_k - s) - r(D_k - e - 1), r(x) = max(x, 0); r(D_k - s) = D_k - s from the first
        # boundary after s, r(D_k - e - 1) = D_k - e - 1 from the first boundary after e: so
        # P[k] = D_k * (periods begun - periods ended) + sum(-s begun) + sum(e + 1 ended),
        # two scatters and a running sum over the months
        # (ufunc.at takes its fast path when the values have the table's dtype)
        opened = np.zeros((width, n), np.int32)
        prefix = np.zeros((width, n), np.int32)
        flat_opened, flat_prefix = opened.reshape(-1), prefix.reshape(-1)
        at_start = (m_start - first + 1) * n + owner
        at_end = (m_end - first + 1) * n + owner
        np.add.at(flat_opened, at_start, np.int32(1))
        np.subtract.at(flat_opened, at_end, np.int32(1))
        np.subtract.at(flat_prefix, at_start, start.astype(np.int32))
        np.add.at(flat_prefix, at_end, (end + 1).astype(np.int32))
        starts = month_start(np.arange(first, first + width, dtype=np.int64))
        for k in range(1, width):
            np.add(opened[k], opened[k - 1], out=opened[k])
            np.add(prefix[k], prefix[k - 1], out=prefix[k])
        for k in range(1, width):
            prefix[k] += opened[k] * np.int32(starts[k])
        return cls(low, high, first, prefix)
