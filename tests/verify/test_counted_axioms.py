"""The counted_days axioms (engine/verify/encoding/counted_axioms.py) hold for the calendar.

On random incapacity histories (with half-time days inside them or not, fixed or sliding
windows, rates 0, 1/2, 1 and 3/2), two calls of ``first_day_counted_over`` on the same
total are built with the values :mod:`lexlux.calendar.counted_days` gives; every axiom,
instantiated on those values, must hold (the solver finds the axioms satisfiable with the
true values, and the exact total is the calendar's).  And with the axioms Z3 proves the
bundled invariant that used to be undecided.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.counted_days import counted_total, first_day_counted_over
from lexlux.calendar.dates import to_day_number
from lexlux.calendar.periods import Period
from lexlux.verify.encoding.counted_axioms import CountedCall, counted_axioms
from lexlux.verify.encoding.facts import MAX_PERIODS, PeriodsVar

BASE = date(2019, 1, 1)


def _var(periods: tuple[Period, ...]) -> PeriodsVar:
    starts = [z3.IntVal(to_day_number(p.start)) for p in periods]
    ends = [z3.IntVal(to_day_number(p.end)) for p in periods]
    pad = [z3.IntVal(0)] * (MAX_PERIODS - len(periods))
    return PeriodsVar(z3.IntVal(len(periods)), tuple(starts + pad), tuple(ends + pad))


@st.composite
def histories(draw: st.DrawFn) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    out = []
    start = BASE + timedelta(days=draw(st.integers(0, 30)))
    for _ in range(draw(st.integers(1, MAX_PERIODS))):
        length = draw(st.integers(1, 40))
        out.append(Period(start, start + timedelta(days=length - 1)))
        start += timedelta(days=length + draw(st.integers(1, 20)))
    half: list[Period] = []
    if draw(st.booleans()):
        a = BASE + timedelta(days=draw(st.integers(0, 100)))
        half.append(Period(a, a + timedelta(days=draw(st.integers(0, 30)))))
    return tuple(out), tuple(half)


def _call(insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction, limit: int,
          window_start: date, window_days: int, start: date, end: date) -> CountedCall:
    found = first_day_counted_over(insured, half, rate, limit, window_start, window_days,
                                   start, end)
    args = (_var(insured), _var(half), z3.RealVal(rate), z3.IntVal(limit),
            z3.IntVal(to_day_number(window_start)), z3.IntVal(window_days),
            z3.IntVal(to_day_number(start)), z3.IntVal(to_day_number(end)))
    day = z3.IntVal(to_day_number(found)) if found else z3.Int(f"unused{limit}{start}")
    return CountedCall(args, z3.BoolVal(found is not None), day, *canonical_of(args))


def canonical_of(args: tuple[Any, ...]) -> tuple[list[z3.ExprRef], list[z3.SortRef]]:
    """The canonical arguments of a call (periods flattened) and their sorts."""
    canonical: list[z3.ExprRef] = []
    sorts: list[z3.SortRef] = []
    for arg in args:
        if isinstance(arg, PeriodsVar):
            canonical += [arg.count, *[x for pair in zip(arg.starts, arg.ends, strict=True)
                                       for x in pair]]
            sorts += [z3.IntSort()] * (1 + 2 * MAX_PERIODS)
        else:
            canonical.append(arg)
            sorts.append(arg.sort())
    return canonical, sorts


@settings(max_examples=40, deadline=None)
@given(history=histories(), rate=st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(1),
                                                  Fraction(3, 2)]),
       limits=st.tuples(st.integers(0, 60), st.integers(0, 60)),
       offsets=st.tuples(st.integers(0, 90), st.integers(0, 90), st.integers(0, 150)),
       window_days=st.sampled_from([0, 0, 30, 60]))
def test_the_axioms_hold_for_the_calendar(history: tuple[tuple[Period, ...],
                                                         tuple[Period, ...]],
                                          rate: Fraction, limits: tuple[int, int],
                                          offsets: tuple[int, int, int],
                                          window_days: int) -> None:
    insured, half = history
    window_start = BASE
    first = _call(insured, half, rate, limits[0], window_start, window_days,
                  BASE + timedelta(days=offsets[0]), BASE + timedelta(days=offsets[2]))
    second = _call(insured, half, rate, limits[1], window_start, window_days,
                   BASE + timedelta(days=offsets[1]), BASE + timedelta(days=offsets[2]))
    axioms = counted_axioms([first, second])
    solver = z3.Solver()
    solver.add(*axioms)
    assert solver.check() == z3.sat, (insured, half, rate, limits, offsets, window_days)
    # the exact total is the calendar's
    for k in range(0, 150, 7):
        day = BASE + timedelta(days=k)
        lo = window_start if window_days <= 0 else max(window_start,
                                                       day - timedelta(days=window_days - 1))
        expected = counted_total(insured, half, rate, lo, day)
        got = z3.simplify(first.exact_total(z3.IntVal(to_day_number(day))))
        assert got.as_long() == expected, (day, insured, half, rate, window_days)


def test_a_wrong_first_day_breaks_an_axiom() -> None:
    insured = (Period(BASE, BASE + timedelta(days=9)),)
    right = _call(insured, (), Fraction(1), 4, BASE, 0, BASE, BASE + timedelta(days=9))
    wrong = CountedCall((right.insured, right.half, right.rate, right.limit,
                         right.window_start, right.window_days, right.start, right.end),
                        z3.BoolVal(True), right.day + 1, right.canonical,
                        [a.sort() for a in right.canonical])
    solver = z3.Solver()
    solver.add(*counted_axioms([wrong]))
    assert solver.check() == z3.unsat      # the day before the 6th day is already over


def test_the_limit_dates_invariant_is_proved() -> None:
    """Proved in all three windows, in the same process as the other tests: the order of
    the axioms no longer follows Z3's term identifiers (which depend on every term built
    before), so the proof takes the same path as from a fresh process."""
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks.context import Audit
    from lexlux.verify.checks.invariants import prove
    kb = load_knowledge_base().kb
    invariant = kb.invariants["lu.cross_references.benefit_exhausted_after_limit_reached"]
    results, note = prove(Audit(kb, "lu"), invariant)
    assert note is None
    assert [r.status for r in results] == ["proved"] * len(results) and len(results) == 3


def test_the_axioms_follow_the_order_of_the_calls_not_of_term_identifiers() -> None:
    """Z3's identifiers depend on every term built before in the process (an earlier test,
    another check); the axioms, and so the solver's path, must not."""
    insured = (Period(BASE, BASE + timedelta(days=9)),)
    late = _call(insured, (), Fraction(1), 6, BASE, 0, BASE, BASE + timedelta(days=9))
    early = _call(insured, (), Fraction(1), 5, BASE, 0, BASE, BASE + timedelta(days=9))
    one, two = counted_axioms([late, early]), counted_axioms([early, late])
    assert [a.sexpr() for a in one] != [a.sexpr() for a in two]
    assert [a.sexpr() for a in counted_axioms([late, early])] == [a.sexpr() for a in one]
