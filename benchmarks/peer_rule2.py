"""The peer's rule 2 (the sickness-benefit limit, CSS art. 14 (2) / statuts CNS art. 186) from
lexlux's compiled rules, under the named reading ``statuts_daily_window_limit_of_the_day``
(the limit in force on each day, as the peer applies it; not lexlux's default: OQ-CSS7).

Per person and year Y the peer gives the first incapacity day of Y on which the benefit is
not due (or none) and the number of incapacity days of Y on which it is due.  lexlux gives,
per day considered, ``sickness_benefit_limit_exceeded_on_day`` of the period of incapacity
containing it (``incapacity_start`` = the period's first day).  Two ways to turn that into
the peer's two values, both vectorised over persons by the vector backend's compiler:

* :func:`literal`: the output for every incapacity day of Y (one row per day);
* :func:`by_search`: per period of incapacity and year (one row), the first day of the
  period in Y on which the output is true, found by jumps from the period's first day in Y
  (the rule's ``sickness_benefit_days_left_on_day`` bounds how soon the limit can be
  exceeded: the count over the 728 days ending with the day grows by at most one a day),
  then by bisection for the few rows still open (the count never falls inside a period of
  incapacity, and within one year the limit in force does not change, so the output, once
  true, stays true to the end of the period in that year); the days from then to the end
  of the period in Y are the days not due.  The parity run checks that both agree with the
  peer's day-by-day reference.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

READING = "statuts_daily_window_limit_of_the_day"
OUTPUT = "sickness_benefit_limit_exceeded_on_day"
ORIGIN = date(2015, 1, 1)


def _rule(kb: Any, reading: str) -> Any:
    from lexlux.vector.compiler import candidate_rules
    (rule,) = candidate_rules(kb, "lu", OUTPUT, reading)
    return rule


def segments(cases: dict[str, Any], year: int, lo: int = 0, hi: int | None = None
             ) -> dict[str, Any]:
    """The periods of incapacity of persons lo..hi-1 that have days in ``year``: per row the
    person (0-based in the block), the period's first day and its first and last day in Y.
    The history kept is the periods that the days of Y can read: those with a day in the
    728 days before Y or in Y (the peer's input: the days from (Y-2)-01-04)."""
    from lexlux.vector.columns import Periods, day
    offsets = cases["offsets"]
    hi = len(offsets) - 1 if hi is None else hi
    first, last = int(offsets[lo]), int(offsets[hi])
    origin = day(ORIGIN)
    start = cases["start"][first:last].astype(np.int64)
    start += origin
    end = start + cases["length"][first:last]
    end -= 1
    y0, y1 = day(date(year, 1, 1)), day(date(year, 12, 31))
    relevant = np.flatnonzero((end >= y0 - WINDOW + 1) & (start <= y1))
    # the persons' offsets in the history kept: the spells kept before each person's first
    history_offsets = np.searchsorted(relevant, offsets[lo:hi + 1] - first)
    start, end = start[relevant], end[relevant]
    keep = np.flatnonzero(end >= y0)
    owner = np.searchsorted(history_offsets, keep, side="right") - 1
    return {"owner": owner, "start": start[keep], "a": np.maximum(start[keep], y0),
            "b": np.minimum(end[keep], y1), "persons": hi - lo,
            "history": Periods.from_arrays(history_offsets, start, end,
                                           np.ones(hi - lo, np.bool_))}


WINDOW = 728        # the days of the reference period (104 weeks); only to select the input


def _history(seg: dict[str, Any], rows: Any) -> Any:
    """The history of the person of each row (built once per block of rows)."""
    if "rows_history" not in seg:
        seg["rows_history"] = seg["history"].take(seg["owner"])
    whole = seg["rows_history"]
    return whole if rows is None else whole.take(rows)


def _block(rows: Any, seg: dict[str, Any], considered: Any) -> Any:
    from lexlux.vector.columns import Periods
    from lexlux.vector.compiler import Block
    n = len(seg["a"]) if rows is None else len(rows)
    none = Periods.from_arrays(np.zeros(n + 1, np.int64), np.zeros(0, np.int64),
                               np.zeros(0, np.int64), np.zeros(n, np.bool_))
    given = np.ones(n, np.bool_)
    start = seg["start"] if rows is None else seg["start"][rows]
    return Block(n, dates={"incapacity_start": (start, given),
                           "day_considered": (considered, given)},
                 periods={"insured_incapacity": _history(seg, rows),
                          "therapeutic_half_time": none})


class Compiled:
    """The reading's rule, its version in force in ``year`` (the days considered all lie in
    Y, and the limit changes only on 1 January 2019), evaluated over blocks of rows."""

    def __init__(self, kb: Any, year: int, reading: str = READING) -> None:
        self.kb, self.rule = kb, _rule(kb, reading)
        assert self.rule.selected_by == "day_considered"
        self.on = date(year, 1, 1)
        self.version = self.rule.version_on(self.on)
        assert all(self.rule.version_on(date(year, m, 1)) is self.version for m in (6, 12))
        self.conclusions = {c.output: c for c in self.version.conclusions}

    check = True

    def outputs(self, rows: Any, seg: dict[str, Any], considered: Any,
                outputs: tuple[str, ...] = (OUTPUT,)) -> list[Any]:
        """The outputs for each row on its day considered (``rows`` None: every row; every
        row is inside its period, so the rule's conditions hold: checked when ``check``)."""
        from lexlux.vector.compiler import Compiler
        block = _block(rows, seg, considered)
        compiler = Compiler(self.kb, self.version, self.on, block)
        if self.check:          # once per block: the rows are inside their periods
            for condition in (self.version.when,
                              *(self.conclusions[o].when for o in outputs)):
                held = compiler.value(condition.expr)
                assert not held.missing.any() and held.data.all()
        found = []
        for output in outputs:
            value = compiler.value(self.conclusions[output].value.expr)
            assert not np.any(value.missing)
            found.append(np.broadcast_to(value.data, (block.n, 1)).ravel())
        return found

    def exceeded(self, rows: Any, seg: dict[str, Any], considered: Any) -> Any:
        """The output for each row on its day considered."""
        return self.outputs(rows, seg, considered)[0]


def _aggregate(seg: dict[str, Any], first_over: Any, has: Any) -> tuple[Any, Any]:
    n = seg["persons"]
    not_due = np.where(has, seg["b"] - first_over + 1, 0)
    due = np.bincount(seg["owner"], weights=seg["b"] - seg["a"] + 1 - not_due, minlength=n)
    first = np.full(n, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, seg["owner"][has], first_over[has])
    return first, due.astype(np.int64)


def by_search(kb: Any, cases: dict[str, Any], year: int, lo: int = 0, hi: int | None = None,
              compiled: Compiled | None = None) -> tuple[Any, Any]:
    """(first day not due per person, int64 max if none; days due per person).

    Per row, the first day of [a, b] on which the output is true, found from ``a`` on by
    jumps: where it is false on d, the rule's ``sickness_benefit_days_left_on_day`` is
    limit - count(d) >= 0, and the count grows by at most one a day, so no day before
    d + left + 1 can be over; the next day asked is that one (past b: none; the day b is
    asked once to set apart the rows with no day over).  After a few jumps, the rows still
    open are finished by bisection between that day and ``b``."""
    seg = segments(cases, year, lo, hi)
    c = compiled or Compiled(kb, year)
    a, b = seg["a"], seg["b"]
    c.check = True
    over, left = c.outputs(None, seg, a, (OUTPUT, LEFT))
    c.check = False         # the days asked below lie in [a, b] of their rows
    first = np.where(over, a, 0)
    has = over.copy()
    low = a + left + 1                  # no day before can be over
    rows = np.flatnonzero(~over & (low <= b))
    # the rows left, on their next day and on b together: a row not over on b has no day over
    both = np.concatenate((rows, rows))
    over, left = c.outputs(both, seg, np.concatenate((low[rows], b[rows])), (OUTPUT, LEFT))
    at_low, at_b, left = over[:len(rows)], over[len(rows):], left[:len(rows)]
    first[rows[at_low]] = low[rows][at_low]
    has[rows[at_b]] = True
    keep = at_b & ~at_low
    rows, low, high = rows[keep], (low[rows] + left + 1)[keep], b[rows][keep]
    # then jumps, and a search with several days per row for the few rows still open: the
    # first day over lies in [low, high], high is over; the output is monotone over the
    # days, and a day found not over raises low by its days left
    for step in range(64):
        if not len(rows):
            break
        k = 1 if step < JUMPS else PROBES
        days = low[:, None] + ((high - low)[:, None] * np.arange(k)[None, :]) // k
        over, left = c.outputs(np.repeat(rows, k), seg, days.ravel(), (OUTPUT, LEFT))
        over, left = over.reshape(-1, k), left.reshape(-1, k)
        below = (~over).sum(axis=1)                 # the days asked before the first over
        picked = np.arange(len(rows))
        high = np.where(below < k, days[picked, np.minimum(below, k - 1)], high)
        last = np.maximum(below - 1, 0)
        low = np.where(below > 0, days[picked, last] + left[picked, last] + 1, low)
        done = low >= high
        first[rows[done]] = high[done]
        rows, low, high = rows[~done], low[~done], high[~done]
    assert not len(rows)
    return _aggregate(seg, np.where(has, first, 0), has)


LEFT = "sickness_benefit_days_left_on_day"
JUMPS = 3
PROBES = 16


def literal(kb: Any, cases: dict[str, Any], year: int) -> tuple[Any, Any]:
    """The same from the output on every incapacity day of Y (one row per day)."""
    seg = segments(cases, year)
    c = Compiled(kb, year)
    length = seg["b"] - seg["a"] + 1
    rows = np.repeat(np.arange(len(length), dtype=np.int64), length)
    k = np.arange(int(length.sum()), dtype=np.int64) - np.repeat(np.cumsum(length) - length,
                                                                  length)
    days = seg["a"][rows] + k
    over = c.exceeded(rows, seg, days)
    first_over = np.full(len(length), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first_over, rows[over], days[over])
    has = first_over < np.iinfo(np.int64).max
    # a row's days not due are those from its first day over to its end: check it
    not_due = np.bincount(rows[over], minlength=len(length))
    assert np.array_equal(not_due, np.where(has, seg["b"] - first_over + 1, 0))
    return _aggregate(seg, np.where(has, first_over, 0), has)


def default_reading(kb: Any, cases: dict[str, Any], year: int,
                    reading: str = "statuts_daily_window") -> tuple[Any, Any, Any]:
    """The peer's two values under one of lexlux's own readings, where the version (and so
    the limit) is the one in force when the period of incapacity begins (selected by
    ``incapacity_start``): every incapacity day of Y, grouped by the version of its period.
    Also returns, per person, whether a period of Y has no version in force (it began before
    the knowledge base's horizon, 2016-01-01): no answer for that person."""
    from lexlux.vector.columns import to_date
    from lexlux.vector.compiler import Compiler
    rule = _rule(kb, reading)
    assert rule.selected_by == "incapacity_start"
    seg = segments(cases, year)
    length = seg["b"] - seg["a"] + 1
    rows = np.repeat(np.arange(len(length), dtype=np.int64), length)
    k = np.arange(int(length.sum()), dtype=np.int64) - np.repeat(np.cumsum(length) - length,
                                                                  length)
    days = seg["a"][rows] + k
    over = np.zeros(len(rows), np.bool_)
    unanswered = np.zeros(seg["persons"], np.bool_)
    starts = seg["start"][rows]
    for first_day in np.unique(starts):
        on = to_date(int(first_day))
        picked = np.flatnonzero(starts == first_day)
        version = rule.version_on(on)
        if version is None:
            unanswered[seg["owner"][rows[picked]]] = True
            continue
        (conclusion,) = [c for c in version.conclusions if c.output == OUTPUT]
        compiler = Compiler(kb, version, on, _block(rows[picked], seg, days[picked]))
        value = compiler.value(conclusion.value.expr)
        assert not np.any(value.missing)
        over[picked] = np.broadcast_to(value.data, (len(picked), 1)).ravel()
    first_over = np.full(len(length), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first_over, rows[over], days[over])
    has = first_over < np.iinfo(np.int64).max
    not_due = np.bincount(rows[over], minlength=len(length))
    n = seg["persons"]
    due = np.bincount(seg["owner"], weights=length - not_due, minlength=n).astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, seg["owner"][has], first_over[has])
    return first, due, unanswered
