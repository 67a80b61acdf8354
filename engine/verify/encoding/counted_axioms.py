"""Stage 5 (verify): sound axioms for the ``counted_days`` abstraction.

``first_day_counted_over`` and ``has_first_day_counted_over`` are uninterpreted functions
refined from models (:mod:`.abstract_calls`).  Refinement alone finds witnesses, but it
cannot prove a property that holds for every history (the solver keeps proposing values
the calendar then corrects).  The axioms below state, for the calls of one query, what
:func:`lexlux.calendar.counted_days.first_day_counted_over` guarantees, in terms of the
exact total ``T(d)`` of the window on a day ``d`` (``counted_total``, encoded exactly on
bounded periods, and named by one uninterpreted function so that equal days give equal
totals by congruence):

* **over** — when there is a first day, the total on it exceeds the limit;
* **first** — the search interval's first day is over the limit: it is the first day;
* **before** — (fixed window, rate in [0, 1]) the day before the first day is not over;
  neither is any day of the interval before it (instantiated at the other calls' days);
* **none** — without a first day, no day of the interval is over (instantiated at its
  ends and at the other calls' days);
* **step** — (fixed window, rate in [0, 1]) the total grows by at most one day a day;
* **order** and **strict** — (fixed window, rate in [0, 1]) between two calls on the same
  total, a lower limit is passed no later, and strictly earlier unless on the first day
  of its interval;
* **empty** — an interval ending before it starts has no first day.

A fixed window (``window_days <= 0``) with a rate in [0, 1] is the statute's reading of
CSS art. 14 (2): a day adds 1 (or 0 or 1 at the rate), so "the first day over" is the
first day of the interval on which ``T`` exceeds the limit (the evaluator's candidate scan
and bisection find that day).  Each axiom is checked against the calendar on random
histories by ``tests/verify/test_counted_axioms.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import z3

from .encode_periods import clipped
from .facts import PeriodsVar
from .terms import and_


def _sum(p: PeriodsVar, a: Any, b: Any) -> Any:
    return z3.Sum(clipped(p, a, b))


def _scaled_floor(count: Any, rate: Any) -> Any:
    """floor(count × rate), with an if-then-else rate (a parameter chosen by date) split
    into its branches so that every product is linear."""
    if z3.is_app_of(rate, z3.Z3_OP_ITE):
        c, a, b = rate.children()
        return z3.If(c, _scaled_floor(count, a), _scaled_floor(count, b))
    return z3.ToInt(z3.ToReal(count) * rate)


class CountedCall:
    """One call of the pair (has_first_day_counted_over, first_day_counted_over)."""

    def __init__(self, args: Sequence[Any], has: Any, day: Any, canonical: Sequence[Any],
                 sorts: Sequence[Any]) -> None:
        (self.insured, self.half, self.rate, self.limit, self.window_start,
         self.window_days, self.start, self.end) = args
        self.has, self.day = has, day
        self.canonical = tuple(canonical)
        # the arguments the total depends on (periods, rate, window): not limit nor interval
        k = 2 + 2 * len(self.insured.starts) + 2 * len(self.half.starts)   # periods
        picked = [*range(k + 1), k + 2, k + 3]          # periods, rate, window_start, days
        self.total_key = tuple(self.canonical[i] for i in picked)
        self.total_fn = z3.Function("counted_total", *[sorts[i] for i in picked],
                                    z3.IntSort(), z3.IntSort())
        self._key: tuple[str, ...] | None = None

    def key(self) -> tuple[str, ...]:
        """The arguments the total depends on, simplified, as SMT-LIB text: a structural
        key.  (Not Z3's term ids: the simplified terms are not kept, and the id of a freed
        term is given to the next one built, so two calls could have compared equal or
        not depending on what was built before.)"""
        if self._key is None:
            self._key = tuple(z3.simplify(t).sexpr() for t in self.total_key)
        return self._key

    @property
    def monotone(self) -> Any:
        """The window is fixed and the rate in [0, 1]: a day adds at most one."""
        return and_(self.window_days <= 0, self.rate >= 0, self.rate <= 1)

    def exact_total(self, d: Any) -> Any:
        """``counted_total`` of the window on day ``d`` (0 for an empty window)."""
        first = z3.If(self.window_days <= 0, self.window_start,
                      z3.If(d - self.window_days + 1 >= self.window_start,
                            d - self.window_days + 1, self.window_start))
        days, part = _sum(self.insured, first, d), _sum(self.half, first, d)
        return z3.If(d < first, 0, days - part + _scaled_floor(part, self.rate))

    def total(self, d: Any) -> Any:
        return self.total_fn(*self.total_key, d)


def _define(call: CountedCall, d: Any, seen: set[int], out: list[Any]) -> Any:
    term = call.total(d)
    if term.get_id() not in seen:
        seen.add(term.get_id())
        out.append(term == call.exact_total(d))
    return term


def _ordered(calls: Sequence[CountedCall]) -> list[CountedCall]:
    """Each call once (one ``has`` term, by its SMT-LIB text), in the order given: never
    in the order of Z3's term identifiers, which depend on every term built before."""
    unique: dict[str, CountedCall] = {}
    for call in calls:
        unique.setdefault(call.has.sexpr(), call)
    return list(unique.values())


def witness_axioms(calls: Sequence[CountedCall]) -> list[Any]:
    """The axioms that guide a search for a witness, cheaply: **over** and **empty** only
    (a first day exists only where the total is over the limit; not in an empty
    interval).  Without them the solver proposes first days of histories far too short
    to reach the limit, and each refinement only corrects one history."""
    out: list[Any] = []
    seen: set[int] = set()
    for c in _ordered(calls):
        over_day = _define(c, c.day, seen, out)
        out += [z3.Implies(c.has, over_day > c.limit),                            # over
                z3.Implies(c.end < c.start, z3.Not(c.has))]                       # empty
    return out


def counted_axioms(calls: Sequence[CountedCall]) -> list[Any]:
    """The axioms of the calls of one query (each call once, in the order given)."""
    ordered = _ordered(calls)
    out: list[Any] = []
    seen: set[int] = set()
    for c in ordered:
        over_day = _define(c, c.day, seen, out)
        before = _define(c, c.day - 1, seen, out)
        at_start = _define(c, c.start, seen, out)
        at_end = _define(c, c.end, seen, out)
        out += [
            z3.Implies(c.has, over_day > c.limit),                                # over
            z3.Implies(z3.And(c.start <= c.end, at_start > c.limit),
                       z3.And(c.has, c.day == c.start)),                          # first
            z3.Implies(z3.And(c.monotone, c.has, c.day > c.start),
                       before <= c.limit),                                        # before
            z3.Implies(z3.And(z3.Not(c.has), c.start <= c.end),
                       at_start <= c.limit),                                      # none
            z3.Implies(z3.And(c.monotone, z3.Not(c.has), c.start <= c.end),
                       at_end <= c.limit),                                        # none
            z3.Implies(z3.And(c.monotone, c.has), over_day <= before + 1),         # step
            z3.Implies(c.end < c.start, z3.Not(c.has)),                           # empty
        ]
    for a in ordered:
        for b in ordered:
            if a is b or a.key() != b.key():
                continue
            # the same total: a's interval says nothing is over before a's day; b's day
            p = b.day
            at_p = _define(a, p, seen, out)
            out += [
                z3.Implies(z3.And(a.monotone, b.has, a.has, a.start <= p, p < a.day),
                           at_p <= a.limit),
                z3.Implies(z3.And(a.monotone, b.has, z3.Not(a.has), a.start <= p,
                                  p <= a.end), at_p <= a.limit),
                # monotone in the limit: b's day is over a's lower limit, so a has a
                # first day, no later (order)
                z3.Implies(z3.And(a.monotone, b.has, a.start <= p, p <= a.end,
                                  a.limit <= b.limit), z3.And(a.has, a.day <= p)),
                # a day adds at most one: a lower limit is passed strictly earlier unless
                # it is passed on the first day of the interval (strict)
                z3.Implies(z3.And(a.monotone, a.has, b.has, a.limit < b.limit,
                                  a.day > a.start), a.day != p),
            ]
    return out
