"""Stage 5 (verify): the calendar as Z3 terms, exact over a declared horizon.

Dates are ``Int`` day numbers (:func:`lexlux.calendar.dates.to_day_number`).  Two encodings of the
Gregorian months exist here:

* :class:`TableCalendar`, the reference: a table of month starts built with
  :mod:`lexlux.calendar.dates` (the one calendar), searched with balanced if-then-else trees;
* :class:`Calendar`, used by the encoder: the same functions in linear integer arithmetic
  with division by constants (four-year cycles from 1 March 1968; 2000 is a leap year, so
  the rule holds from 1901 to 2099), about ten times faster for Z3.

A test proves with Z3 that both agree on every day from :data:`TABLE_FIRST` to
:data:`TABLE_LAST` (abstraction ``calendar_horizon``), so the encoder is exact there.

>>> start_of_month_value(to_day_number(date(2024, 2, 29))) == to_day_number(date(2024, 2, 1))
True
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

import z3

from ...calendar.dates import (
    first_day_of_next_month,
    from_day_number,
    month_index,
    month_start_from_index,
    start_of_month,
    to_day_number,
)
from .fast_terms import add, and_all, div, eq, ge, int_val, is_int_value, ite, le, lt, mod, mul, sub

HORIZON_START = date(1990, 1, 1)
HORIZON_END = date(2060, 12, 31)
TABLE_FIRST = date(1970, 1, 1)
TABLE_LAST = date(2080, 12, 31)

FIRST_INDEX = month_index(TABLE_FIRST)
LAST_INDEX = month_index(TABLE_LAST)
_MARCH_1968 = to_day_number(date(1968, 3, 1))


@lru_cache(maxsize=1)
def month_starts() -> tuple[int, ...]:
    """Day numbers of the first day of every month of the table, plus the month after."""
    return tuple(to_day_number(month_start_from_index(i))
                 for i in range(FIRST_INDEX, LAST_INDEX + 2))


def start_of_month_value(day: int) -> int:
    """The table's answer for one day number (a concrete check of the table)."""
    return max(s for s in month_starts() if s <= day)


def _search(x: z3.ArithRef, keys: tuple[int, ...], leaf: Callable[[int], z3.ArithRef]
            ) -> z3.ArithRef:
    """The leaf for the largest ``keys[j] <= x`` (keys sorted), as a balanced ite tree."""
    def tree(lo: int, hi: int) -> z3.ArithRef:
        if lo == hi:
            return leaf(lo)
        mid = (lo + hi + 1) // 2
        return z3.If(x >= keys[mid], tree(mid, hi), tree(lo, mid - 1))
    return tree(0, len(keys) - 2)


class TableCalendar:
    """The reference encoding: month starts looked up in the lexlux.calendar.dates table."""

    @staticmethod
    def month_start(d: z3.ArithRef) -> z3.ArithRef:
        starts = month_starts()
        return _search(d, starts, lambda j: z3.IntVal(starts[j]))

    @staticmethod
    def month_number(d: z3.ArithRef) -> z3.ArithRef:
        return _search(d, month_starts(), lambda j: z3.IntVal(FIRST_INDEX + j))

    @staticmethod
    def start_by_number(i: z3.ArithRef) -> z3.ArithRef:
        starts = month_starts()
        numbers = tuple(range(FIRST_INDEX, LAST_INDEX + 2))
        return _search(i, numbers, lambda j: z3.IntVal(starts[j]))


def civil(d: z3.ArithRef) -> tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]:
    """(year, month 1-12, day) of a day number, in linear arithmetic (1901-2099).

    Built with :mod:`.fast_terms` in the order Python evaluates the arithmetic it stands
    for (given in each comment), so that Z3 makes the same terms in the same order:
    ``test_calendar_fast.py`` compares both."""
    t = sub(d, _MARCH_1968)                                     # d - _MARCH_1968
    cycle, rest = div(t, 1461), mod(t, 1461)                    # t / 1461, t % 1461
    # z3.If(rest == 1460, 3, rest / 365)
    year_in_cycle = ite(eq(rest, 1460), 3, div(rest, 365))
    day_of_year = sub(rest, mul(365, year_in_cycle))            # rest - 365 * year_in_cycle
    # (5 * day_of_year + 2) / 153: 0 = March … 11 = February
    march_month = div(add(mul(5, day_of_year), 2), 153)
    # day_of_year - (153 * march_month + 2) / 5 + 1
    day = add(sub(day_of_year, div(add(mul(153, march_month), 2), 5)), 1)
    # z3.If(march_month < 10, march_month + 3, march_month - 9)
    month = ite(lt(march_month, 10), add(march_month, 3), sub(march_month, 9))
    # 1968 + 4 * cycle + year_in_cycle + z3.If(march_month >= 10, 1, 0)
    year = add(add(add(1968, mul(4, cycle)), year_in_cycle), _one_if(ge(march_month, 10)))
    return year, month, day


def month_start_day(i: z3.ArithRef) -> z3.ArithRef:
    """Day number of the first day of month ``i`` (a :func:`lexlux.calendar.dates.month_index`).
    (As :func:`civil`, the Python arithmetic in the comments, built alike.)"""
    year, month0 = div(i, 12), mod(i, 12)             # i / 12, i % 12: 0 = January
    # year - 1968 - z3.If(month0 < 2, 1, 0)
    march_year = sub(sub(year, 1968), _one_if(lt(month0, 2)))
    # z3.If(month0 >= 2, month0 - 2, month0 + 10)
    march_month = ite(ge(month0, 2), sub(month0, 2), add(month0, 10))
    # _MARCH_1968 + 365 * march_year + march_year / 4 + (153 * march_month + 2) / 5
    return add(add(add(_MARCH_1968, mul(365, march_year)), div(march_year, 4)),
               div(add(mul(153, march_month), 2), 5))


def _one_if(c: z3.BoolRef) -> z3.ArithRef:
    """``z3.If(c, 1, 0)`` (z3 makes the numeral 1, then 0, then the if-then-else)."""
    if isinstance(c, z3.BoolRef) and c.ctx is z3.main_ctx():
        one = int_val(1)
        return ite(c, one, int_val(0))
    return z3.If(c, 1, 0)


#: A read (``"get"``, the entry found or None) or a write (``"set"``, the value written
#: and the term of the key's id) of one of the calendar's tables: (kind, table, key id,
#: entry, term), :attr:`Calendar.journal`.
Entry = tuple[str, str, int, Any, Any]


class Calendar:
    """Builds calendar terms; caches them per argument term (one instance per query) and
    records, per output being encoded, the assumption that arguments are in the table."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], z3.ArithRef] = {}
        self.owner = ""                       # the output being encoded
        self.fresh = 0                        # counter for fresh variable names
        self.by_owner: dict[str, list[z3.BoolRef]] = {}   # arguments inside the table
        self._month_of: dict[int, z3.ArithRef] = {}   # term id -> its known month_index
        self._starts: set[int] = set()                # ids of terms that are a month's 1st
        self._shifted: dict[int, tuple[z3.ArithRef, int]] = {}   # add_months(x, n) -> (x, n)
        #: the terms whose ids key the tables above, kept alive: Z3 reuses the id of a
        #: freed term, and another term must never find this one's entry
        self._alive: list[z3.ExprRef] = []
        #: while an output is encoded for other frames to take (frame_outputs.py): each
        #: read and write of the three tables whose answers depend on what was encoded
        #: before (``_month_of``, ``_starts``, ``_shifted``), in order (:data:`Entry`)
        self.journal: list[Entry] | None = None

    def _read(self, table: str, key: int) -> Any:
        """The entry of ``key`` in ``table`` (None: none), journaled."""
        found: Any = (key in self._starts or None) if table == "starts" else \
            self._month_of.get(key) if table == "month_of" else self._shifted.get(key)
        if self.journal is not None:
            self.journal.append(("get", table, key, found, None))
        return found

    def _write(self, table: str, key: int, value: Any, alive: Any) -> None:
        """``table[key] = value`` (``alive``: the term of id ``key``), journaled."""
        if table == "starts":
            self._starts.add(key)
        elif table == "month_of":
            self._month_of[key] = value
        else:
            self._shifted[key] = value
        if self.journal is not None:
            self.journal.append(("set", table, key, value, alive))

    def _known(self, term: z3.ArithRef, index: z3.ArithRef) -> z3.ArithRef:
        """Remember that ``term`` lies in month ``index`` (so that nested calendar
        functions do not redo the arithmetic)."""
        if self._read("month_of", term.get_id()) is None:
            self._write("month_of", term.get_id(), index, term)
        self._alive.append(term)
        return term

    @property
    def assumptions(self) -> list[z3.BoolRef]:
        return self.by_owner.setdefault(self.owner, [])

    def _memo(self, kind: str, x: z3.ArithRef, build: Callable[[], z3.ArithRef]
              ) -> z3.ArithRef:
        key = (kind, x.get_id())
        if key not in self._cache:
            self._cache[key] = build()
            self._alive.append(x)
        return self._cache[key]

    def _fold(self, x: z3.ArithRef) -> z3.ArithRef:
        """``x`` as a number when it is arithmetic on numbers only (the eve of a month of a
        pinned timeline, timelines.py), so that the calendar functions compute it."""
        if is_int_value(x) or not z3.is_app(x) or x.num_args() == 0:
            return x
        key = ("fold", x.get_id())
        if key not in self._cache:
            folded = z3.simplify(x)
            self._cache[key] = folded if is_int_value(folded) else x
            self._cache[("fold-keep", x.get_id())] = x      # keeps the id's term alive
        return self._cache[key]

    def _in_table(self, x: z3.ArithRef) -> None:
        starts = month_starts()
        self.assumptions.append(and_all([ge(x, starts[0]), lt(x, starts[-1])]))

    def month_start(self, d: z3.ArithRef) -> z3.ArithRef:
        d = self._fold(d)
        if is_int_value(d):
            return int_val(to_day_number(start_of_month(from_day_number(d.as_long()))))
        known = self._read("month_of", d.get_id())
        if known is not None:
            return self.start_by_number(known)
        self._in_table(d)
        start = self._memo("start", d, lambda: add(sub(d, civil(d)[2]), 1))  # d - … + 1
        self._write("starts", start.get_id(), True, start)
        return self._known(start, self.month_number(d))

    def next_month_start(self, d: z3.ArithRef) -> z3.ArithRef:
        d = self._fold(d)
        if is_int_value(d):
            day = first_day_of_next_month(from_day_number(d.as_long()))
            return int_val(to_day_number(day))
        return self.start_by_number(add(self.month_number(d), 1))

    def end_of_month(self, d: z3.ArithRef) -> z3.ArithRef:
        d = self._fold(d)
        end = sub(self.next_month_start(d), 1)
        return end if is_int_value(d) else self._known(end, self.month_number(d))

    def month_number(self, d: z3.ArithRef) -> z3.ArithRef:
        """:func:`lexlux.calendar.dates.month_index` of the date."""
        d = self._fold(d)
        if is_int_value(d):
            return int_val(month_index(from_day_number(d.as_long())))
        known = self._read("month_of", d.get_id())
        if known is not None:
            return known
        self._in_table(d)

        def build() -> z3.ArithRef:
            year, month, _ = civil(d)
            return sub(add(mul(12, year), month), 1)     # 12 * year + month - 1
        return self._memo("index", d, build)

    def start_by_number(self, i: z3.ArithRef) -> z3.ArithRef:
        """First day of the month whose month_index is ``i``."""
        i = self._fold(i)
        if is_int_value(i):
            return int_val(to_day_number(month_start_from_index(i.as_long())))
        self.assumptions.append(and_all([ge(i, FIRST_INDEX), le(i, LAST_INDEX + 1)]))
        start = self._memo("by_number", i, lambda: month_start_day(i))
        self._write("starts", start.get_id(), True, start)
        return self._known(start, i)

    def add_months(self, d: z3.ArithRef, n: z3.ArithRef) -> tuple[z3.ArithRef, z3.BoolRef]:
        """``add_months(d, n, 'clamp')`` and whether the day exists (``'refuse'``)."""
        d, n = self._fold(d), self._fold(n)
        target = add(self.month_number(d), n)
        start = self.start_by_number(target)
        length = sub(self.start_by_number(add(target, 1)), start)
        if self._read("starts", d.get_id()):   # the first of a month: day 1 always exists
            return start, z3.BoolVal(True)
        day = add(sub(d, self.month_start(d)), 1)        # d - month_start(d) + 1
        exists = le(day, length)
        result = sub(add(start, ite(exists, day, length)), 1)   # start + If(…) - 1
        if is_int_value(result):
            return result, exists
        if is_int_value(n):
            self._write("shifted", result.get_id(), (d, n.as_long()), result)
            self._cache[("shifted", result.get_id())] = result     # keeps the id alive
        return self._known(result, target), exists

    def reaches(self, d: z3.ArithRef, index: int) -> z3.BoolRef:
        """``month_number(d) >= index`` (a month index number): ``d`` is on or after the
        first day of that month; for ``d = add_months(x, n)`` it is asked of ``x`` and
        ``index - n``, so that no calendar arithmetic on ``d`` is needed."""
        d = self._fold(d)
        shifted = self._read("shifted", d.get_id())
        if shifted is not None:
            return self.reaches(shifted[0], index - shifted[1])
        return ge(d, to_day_number(month_start_from_index(index)))

    @staticmethod
    def weekday(d: z3.ArithRef) -> z3.ArithRef:
        """Monday = 0 … Sunday = 6 (1970-01-01, day 0, was a Thursday)."""
        return mod(add(d, 3), 7)


def horizon_bounds(d: z3.ArithRef) -> z3.BoolRef:
    return and_all([ge(d, to_day_number(HORIZON_START)), le(d, to_day_number(HORIZON_END))])
