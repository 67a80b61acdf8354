"""Stage 5 (verify): the calendar as Z3 terms, exact over a declared horizon.

Dates are ``Int`` day numbers (:func:`lexlux.dates.to_day_number`).  Month starts come
from a table built with :mod:`lexlux.dates` (the one calendar), searched with balanced
if-then-else trees, so ``end_of_month``, ``add_months`` and ``months_window_start`` are
exact for dates between :data:`TABLE_FIRST` and :data:`TABLE_LAST` (abstraction
``calendar_horizon``).

>>> start_of_month_value(to_day_number(date(2024, 2, 29))) == to_day_number(date(2024, 2, 1))
True
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

import z3

from ..dates import month_index, month_start_from_index, to_day_number

HORIZON_START = date(1990, 1, 1)
HORIZON_END = date(2060, 12, 31)
TABLE_FIRST = date(1950, 1, 1)
TABLE_LAST = date(2100, 12, 31)

_FIRST_INDEX = month_index(TABLE_FIRST)
_LAST_INDEX = month_index(TABLE_LAST)


@lru_cache(maxsize=1)
def month_starts() -> tuple[int, ...]:
    """Day numbers of the first day of every month of the table, plus the month after."""
    return tuple(to_day_number(month_start_from_index(i))
                 for i in range(_FIRST_INDEX, _LAST_INDEX + 2))


def start_of_month_value(day: int) -> int:
    """Concrete counterpart of :meth:`Calendar.month_start` (used by doctests and tests)."""
    starts = month_starts()
    best = starts[0]
    for s in starts:
        if s <= day:
            best = s
    return best


def _search(x: z3.ArithRef, keys: tuple[int, ...], leaf: Callable[[int], z3.ArithRef]
            ) -> z3.ArithRef:
    """The leaf for the largest ``keys[j] <= x`` (keys sorted), as a balanced ite tree."""
    def tree(lo: int, hi: int) -> z3.ArithRef:
        if lo == hi:
            return leaf(lo)
        mid = (lo + hi + 1) // 2
        return z3.If(x >= keys[mid], tree(mid, hi), tree(lo, mid - 1))
    return tree(0, len(keys) - 2)


class Calendar:
    """Builds calendar terms; caches them per argument term (one instance per encoding)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int], z3.ArithRef] = {}
        self.owner = ""                       # the output being encoded
        self.by_owner: dict[str, list[z3.BoolRef]] = {}   # arguments inside the table

    @property
    def assumptions(self) -> list[z3.BoolRef]:
        return self.by_owner.setdefault(self.owner, [])

    def _memo(self, kind: str, x: z3.ArithRef, build: Callable[[], z3.ArithRef]
              ) -> z3.ArithRef:
        key = (self.owner, kind, x.get_id())
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def _in_table(self, x: z3.ArithRef) -> None:
        starts = month_starts()
        if z3.is_int_value(x):
            return
        self.assumptions.append(z3.And(x >= starts[0], x < starts[-1]))

    def month_start(self, d: z3.ArithRef) -> z3.ArithRef:
        self._in_table(d)
        starts = month_starts()
        return self._memo("start", d, lambda: _search(d, starts, lambda j: z3.IntVal(starts[j])))

    def next_month_start(self, d: z3.ArithRef) -> z3.ArithRef:
        self._in_table(d)
        starts = month_starts()
        return self._memo("next", d,
                          lambda: _search(d, starts, lambda j: z3.IntVal(starts[j + 1])))

    def month_number(self, d: z3.ArithRef) -> z3.ArithRef:
        """:func:`lexlux.dates.month_index` of the date."""
        self._in_table(d)
        starts = month_starts()
        return self._memo("index", d,
                          lambda: _search(d, starts, lambda j: z3.IntVal(_FIRST_INDEX + j)))

    def start_by_number(self, i: z3.ArithRef) -> z3.ArithRef:
        """First day of the month whose month_index is ``i``."""
        if z3.is_int_value(i):
            return z3.IntVal(to_day_number(month_start_from_index(i.as_long())))
        self.assumptions.append(z3.And(i >= _FIRST_INDEX, i <= _LAST_INDEX))
        starts = month_starts()
        numbers = tuple(range(_FIRST_INDEX, _LAST_INDEX + 2))
        return self._memo("by_number", i,
                          lambda: _search(i, numbers, lambda j: z3.IntVal(starts[j])))

    def add_months(self, d: z3.ArithRef, n: z3.ArithRef) -> tuple[z3.ArithRef, z3.BoolRef]:
        """``add_months(d, n, 'clamp')`` and whether the day exists (``'refuse'``)."""
        target = self.month_number(d) + n
        start = self.start_by_number(target)
        length = self.start_by_number(target + 1) - start
        day = d - self.month_start(d) + 1
        exists = day <= length
        return start + z3.If(exists, day, length) - 1, exists

    @staticmethod
    def weekday(d: z3.ArithRef) -> z3.ArithRef:
        """Monday = 0 … Sunday = 6 (1970-01-01, day 0, was a Thursday)."""
        return (d + 3) % 7


def horizon_bounds(d: z3.ArithRef) -> z3.BoolRef:
    return z3.And(d >= to_day_number(HORIZON_START), d <= to_day_number(HORIZON_END))
