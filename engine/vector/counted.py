"""The vector backend's counted days (working days, public holidays): ``roll_forward``,
``roll_backward``, ``nth_counted_day``, ``is_counted_day`` and ``previous_counted_day`` for
every person at once, as engine/calendar/working_days.py computes them for one date.

A table of the days that count, from the first to the last day asked (with room for the
n-th counted day), is built once per kind of day and block: the days of the week that count
(the builtins use the standard Monday-to-Friday week for ``jours_ouvres``) minus the public
holidays of the jurisdiction, read from the calendar module (the ``holidays`` library).  A
running count of counted days then turns each function into two look-ups.  A year whose
holidays the calendar does not know is the interpreter's error: the function is then left
to the interpreter (:class:`Unsupported`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..calendar.working_days import DayKind, public_holidays
from .columns import day, month_of_day, month_start, to_date
from .compiler import Compiler, Unsupported, Value

_THURSDAY = 3          # 1970-01-01, day 0, was a Thursday (date.weekday() numbering)


class CountedDays:
    """The counted days of one kind from ``low`` to ``high`` (day numbers)."""

    def __init__(self, kind: DayKind, jurisdiction: str, low: int, high: int) -> None:
        days = np.arange(low, high + 1, dtype=np.int64)
        weekday = (days + _THURSDAY) % 7
        if kind is DayKind.CALENDAR:
            counts = np.ones(len(days), np.bool_)
        else:
            counts = weekday != 6 if kind is DayKind.JOURS_OUVRABLES_MON_SAT else weekday < 5
            years = range(int(month_of_day(np.array([low]))[0]) // 12,
                          int(month_of_day(np.array([high]))[0]) // 12 + 1)
            try:
                holidays = [day(d) for y in years
                            for d in public_holidays(jurisdiction, y)]  # type: ignore[arg-type]
            except ValueError as exc:          # a year the holidays are not known for
                raise Unsupported(str(exc)) from None
            inside = np.array([h for h in holidays if low <= h <= high], np.int64)
            counts[inside - low] = False
        self.low, self.high, self.counts = low, high, counts
        self.before = np.concatenate(([0], np.cumsum(counts)))   # counted days before
        self.days = days[counts]                                  # the counted days

    def rank_before(self, d: Any) -> Any:
        """How many counted days of the table fall before each day."""
        return self.before[d - self.low]

    def nth(self, rank: Any) -> tuple[Any, Any]:
        """The counted day of each 0-based rank, and whether the table holds it."""
        inside = (rank >= 0) & (rank < len(self.days))
        return self.days[np.where(inside, rank, 0)], inside


def _table(c: Compiler, kind: Value, dates: list[Value], extra: int) -> CountedDays:
    """The table for the kind named by ``kind`` covering ``dates``, with room for ``extra``
    counted days after the last (a day it does not cover is left to the interpreter)."""
    if kind.kind != "enum" or kind.data.size != 1:
        raise Unsupported("a kind of counted day per person")
    try:
        which = DayKind(c.block.strings[int(kind.data.ravel()[0])])
    except ValueError:
        raise Unsupported("an unknown kind of counted day") from None
    known = [data[~missing] for data, missing in
             (np.broadcast_arrays(d.data, d.missing) for d in dates)]
    values = np.concatenate([k.ravel() for k in known]) if known else np.zeros(0, np.int64)
    if values.size == 0:
        low = high = _Y2000
    else:
        low, high = int(values.min()), int(values.max())
    key = ("counted days", which, c.block.jurisdiction)
    table = c.block.memo.get(key)
    need_low, need_high = low - 10, high + 2 * max(extra, 0) + 30
    if table is None or table.low > need_low or table.high < need_high:
        table = CountedDays(which, c.block.jurisdiction, need_low, need_high)
        c.block.memo[key] = table
    assert isinstance(table, CountedDays)
    return table


_Y2000 = 10957          # 2000-01-01: the table of a block without any date


def _clip(table: CountedDays, d: Any) -> tuple[Any, Any]:
    inside = (d >= table.low + 1) & (d <= table.high)
    return np.clip(d, table.low + 1, table.high), inside


def _roll(direction: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        d, kind = args
        table = _table(c, kind, [d], 0)
        at, inside = _clip(table, d.data)
        before = table.rank_before(at)                  # counted days before d
        counts = table.counts[at - table.low]
        if direction == "forward":                     # d, or the next counted day
            found, ok = table.nth(before)
        elif direction == "backward":                  # d, or the previous counted day
            found, ok = table.nth(before + counts - 1)
        elif direction == "previous":                  # the last counted day before d
            found, ok = table.nth(before - 1)
        else:                                          # whether d counts
            return Value(counts, d.missing | ~inside | kind.missing, "boolean")
        return Value(found, d.missing | kind.missing | ~inside | ~ok, "date")
    return call


def _nth_counted_day(c: Compiler, args: list[Value]) -> Value:
    start, n, kind = args
    if n.kind != "integer":
        raise Unsupported("nth_counted_day of a non-integer")
    data, missing = np.broadcast_arrays(n.data, n.missing)
    given = data[~missing]
    table = _table(c, kind, [start], int(given.max()) if given.size else 0)
    at, inside = _clip(table, start.data)
    # day 1 is start itself when it counts, else the next counted day (counted days are
    # numbered from 1: below, the interpreter's error, left to it)
    found, ok = table.nth(table.rank_before(at) + n.data - 1)
    missing = start.missing | n.missing | kind.missing | ~inside | ~ok | (n.data < 1)
    return Value(found, missing, "date")


def _month_with(which: str) -> Callable[[Compiler, list[Value]], Value]:
    """``has_month_with`` / ``first_month_with`` (evaluate/builtins.py): the first month
    of a timeline output, from the month of a day on, that has a value; the timeline is
    read entry by entry for each person (its Timeline object)."""
    def call(c: Compiler, args: list[Value]) -> Value:
        timeline, wanted, start = args
        if timeline.kind != "timeline" or wanted.data.size != 1 \
                or wanted.kind not in ("boolean", "enum", "integer") \
                or (start.data.ndim == 2 and start.data.shape[1] != 1):
            raise Unsupported(f"{which}_month_with")
        raw = wanted.data.ravel()[0]
        value: Any = c.block.strings[int(raw)] if wanted.kind == "enum" else \
            bool(raw) if wanted.kind == "boolean" else int(raw)
        n = c.block.n
        first = month_start(month_of_day(np.broadcast_to(start.data, (n, 1)).ravel()))
        missing = np.broadcast_to(timeline.missing | start.missing | wanted.missing,
                                  (n, 1)).ravel()
        timelines = np.broadcast_to(timeline.data, (n, 1)).ravel().tolist()
        found = np.zeros(n, np.int64)
        has = np.zeros(n, np.bool_)
        for i in np.flatnonzero(~missing).tolist():
            entries = timelines[i].entries if timelines[i] is not None else ()
            after = to_date(int(first[i]))
            for month, _, held in entries:
                if month >= after and held == value:
                    found[i], has[i] = day(month), True
                    break
        if which == "has":
            return Value(has.reshape(-1, 1), missing.reshape(-1, 1), "boolean")
        # where there is none, the interpreter reports an error: left to it
        return Value(found.reshape(-1, 1), (missing | ~has).reshape(-1, 1), "date")
    return call


def _year(c: Compiler, args: list[Value]) -> Value:
    return Value(month_of_day(args[0].data) // 12, args[0].missing, "integer")


FUNCTIONS: dict[str, Callable[[Compiler, list[Value]], Value]] = {
    "roll_forward": _roll("forward"),
    "roll_backward": _roll("backward"),
    "previous_counted_day": _roll("previous"),
    "is_counted_day": _roll("is"),
    "nth_counted_day": _nth_counted_day,
    "year": _year,
    "has_month_with": _month_with("has"),
    "first_month_with": _month_with("first"),
}
