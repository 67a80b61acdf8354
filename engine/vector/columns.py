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


@dataclass
class Periods:
    offsets: Ints
    start: Ints
    end: Ints
    before: Ints        # days of the person's periods before this one
    given: Bools

    @classmethod
    def from_facts(cls, values: Sequence[tuple[Period, ...] | None]) -> Periods:
        lengths = np.fromiter((len(v) if v else 0 for v in values), np.int64, len(values))
        offsets = np.zeros(len(values) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = [p for v in values if v for p in sorted(v, key=lambda p: p.start)]
        start = np.fromiter((day(p.start) for p in flat), np.int64, len(flat))
        end = np.fromiter((day(p.end) for p in flat), np.int64, len(flat))
        return cls.from_arrays(offsets, start, end,
                               np.fromiter((v is not None for v in values), np.bool_,
                                           len(values)))

    @classmethod
    def from_arrays(cls, offsets: Ints, start: Ints, end: Ints, given: Bools) -> Periods:
        length = end - start + 1
        cumulative = np.concatenate(([0], np.cumsum(length)))
        counts = np.diff(offsets)
        before = cumulative[:-1] - np.repeat(cumulative[offsets[:-1]], counts)
        periods = cls(offsets, start, end, before, given)
        periods._key_cache = np.repeat(np.arange(len(counts), dtype=np.int64) * SPAN,
                                       counts) + start
        return periods

    def take(self, rows: Ints) -> Periods:
        """The periods of the persons ``rows``, in that order."""
        lengths = np.diff(self.offsets)[rows]
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        index = np.repeat(self.offsets[rows] - offsets[:-1], lengths) + np.arange(
            int(offsets[-1]), dtype=np.int64)
        return Periods.from_arrays(offsets, self.start[index], self.end[index],
                                   self.given[rows])

    @property
    def persons(self) -> int:
        return len(self.offsets) - 1

    _key_cache: Ints | None = None

    def _keys(self) -> Ints:
        """Each period's first day, shifted by its person: one sorted axis (built once)."""
        if self._key_cache is None:
            owner = np.repeat(np.arange(self.persons, dtype=np.int64), np.diff(self.offsets))
            self._key_cache = owner * SPAN + self.start
        return self._key_cache

    def upto(self, days: Ints, rows: Ints | None = None) -> Ints:
        """Days of incapacity on or before ``days`` (shape (N, ...) or rows given)."""
        persons = np.arange(self.persons, dtype=np.int64) if rows is None else rows
        shape = days.shape
        owner = np.broadcast_to(persons.reshape((-1,) + (1,) * (len(shape) - 1)), shape)
        keys = self._keys()
        index = np.searchsorted(keys, owner * SPAN + days, side="right") - 1
        valid = index >= self.offsets[owner]
        safe = np.where(valid, index, 0)
        if len(self.start) == 0:
            return np.zeros(shape, np.int64)
        inside = np.minimum(days, self.end[safe]) - self.start[safe] + 1
        return np.where(valid, self.before[safe] + inside, 0)

    def count(self, first: Ints, last: Ints) -> Ints:
        """Days of incapacity from ``first`` to ``last`` (both included; 0 if last < first).

        Windows of whole calendar months that are the same for every person (a monthly
        timeline's windows) are read from a per-person table of days by month (built once,
        then a prefix sum), not searched for each person."""
        if first.ndim == 2 and last.ndim == 2 and first.shape[0] == 1 == last.shape[0]:
            monthly = self._monthly_count(first[0], last[0])
            if monthly is not None:
                return monthly
        first, last = np.broadcast_arrays(first, last)
        counted = self.upto(last) - self.upto(first - 1)
        return np.where(last >= first, counted, 0)

    _table: tuple[int, Ints] | None = None

    def _monthly_count(self, first: Ints, last: Ints) -> Ints | None:
        m_first, m_last = month_of_day(first), month_of_day(last)
        if not (np.array_equal(month_start(m_first), first)
                and np.array_equal(month_end(m_last), last)) or len(first) == 0:
            return None
        low, table = self._months_table(int(m_first.min()), int(m_last.max()))
        a, b = m_first - low, m_last - low + 1          # columns of the prefix table
        counted = table[:, b] - table[:, a]
        return np.where((last >= first).reshape(1, -1), counted, 0)

    def _months_table(self, low: int, high: int) -> tuple[int, Ints]:
        """(low, P) with P[p, k] the days of person p in months low .. low + k - 1."""
        if self._table is not None:
            have, table = self._table
            if have <= low and have + table.shape[1] - 1 >= high + 1:
                return have, table
            low, high = min(low, have), max(high, have + table.shape[1] - 2)
        low, high = low - 24, high + 24       # room for the next windows: built once
        width = high - low + 1
        owner = np.repeat(np.arange(self.persons, dtype=np.int64), np.diff(self.offsets))
        start = np.clip(self.start, month_start(np.array([low]))[0],
                        month_end(np.array([high]))[0] + 1)
        end = np.clip(self.end, month_start(np.array([low]))[0] - 1,
                      month_end(np.array([high]))[0])
        inside = end >= start
        owner, start, end = owner[inside], start[inside], end[inside]
        m_start, m_end = month_of_day(start) - low, month_of_day(end) - low
        spans = m_end - m_start + 1
        row = np.repeat(np.arange(len(start)), spans)
        k = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
        month = m_start[row] + k
        lo_day = np.maximum(start[row], month_start(month + low))
        hi_day = np.minimum(end[row], month_end(month + low))
        bins = np.bincount(owner[row] * width + month, weights=hi_day - lo_day + 1,
                           minlength=self.persons * width).astype(np.int64)
        table = np.zeros((self.persons, width + 1), np.int64)
        np.cumsum(bins.reshape(self.persons, width), axis=1, out=table[:, 1:])
        self._table = (low, table)
        return low, table

    def nth(self, n: Ints, first: Ints, last: Ints) -> tuple[Ints, Bools]:
        """The n-th incapacity day of each person inside [first, last] (n >= 1), and whether
        there is one (per person: arrays of shape (N,))."""
        target = self.upto(first - 1) + n                  # the day's rank from the start
        persons = np.arange(self.persons, dtype=np.int64)
        cum_end = self.before + (self.end - self.start + 1)
        owner = np.repeat(persons, np.diff(self.offsets))
        keys = owner * (SPAN * 4) + cum_end
        index = np.searchsorted(keys, persons * (SPAN * 4) + target, side="left")
        valid = (index < self.offsets[1:]) & (n >= 1)
        safe = np.where(valid, index, 0) if len(self.start) else np.zeros_like(index)
        if len(self.start) == 0:
            return np.zeros(self.persons, np.int64), np.zeros(self.persons, np.bool_)
        found = self.start[safe] + (target - self.before[safe]) - 1
        valid &= (found <= last) & (found >= first)
        return np.where(valid, found, 0), valid

    def containing(self, days: Ints) -> tuple[Ints, Bools]:
        """The index of the period containing each person's day, and whether there is one."""
        persons = np.arange(self.persons, dtype=np.int64)
        index = np.searchsorted(self._keys(), persons * SPAN + days, side="right") - 1
        valid = index >= self.offsets[:-1]
        safe = np.where(valid, index, 0)
        if len(self.start) == 0:
            return safe, np.zeros(self.persons, np.bool_)
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
