"""The low-level constructors of encoding/fast_terms.py build the very terms z3's own
functions and operators build, with the same Python class, for every kind of argument
the encoder gives them (and fall back to z3 for the others)."""

from __future__ import annotations

import itertools
import operator
from fractions import Fraction
from typing import Any

import pytest
import z3
from lexlux.verify.encoding import fast_terms as ft

X, Y = z3.Ints("fast_x fast_y")
R = z3.Real("fast_r")
P, Q = z3.Bools("fast_p fast_q")
ARITH: list[Any] = [X, Y, R, z3.IntVal(3), z3.RealVal(2), X + 1, z3.ToReal(X), 0, 5, -7]
BOOLS: list[Any] = [P, Q, z3.BoolVal(True), X > Y]
OTHER: list[Any] = [True, Fraction(1, 2), 2.5]


def same(fast: Any, slow: Any) -> None:
    assert type(fast) is type(slow)
    if isinstance(slow, z3.AstRef):
        assert fast.eq(slow)
        assert fast.sexpr() == slow.sexpr()
    else:
        assert fast == slow


def built(make: Any, *args: Any) -> Any:
    try:
        return make(*args)
    except (z3.Z3Exception, TypeError, AttributeError, ZeroDivisionError) as exc:
        return type(exc)


def check(fast: Any, slow: Any, *args: Any) -> None:
    a, b = built(fast, *args), built(slow, *args)
    if isinstance(b, type):
        assert a is b
    else:
        same(a, b)


@pytest.mark.parametrize("a, b", list(itertools.product(ARITH + BOOLS + OTHER[:1], repeat=2)))
def test_ite(a: Any, b: Any) -> None:
    for c in (P, X >= 2, z3.BoolVal(False)):
        check(ft.ite, z3.If, c, a, b)


@pytest.mark.parametrize("a, b", list(itertools.product(ARITH + OTHER, repeat=2)))
def test_arithmetic_and_comparisons(a: Any, b: Any) -> None:
    for fast, slow in ((ft.add, operator.add), (ft.sub, operator.sub), (ft.ge, operator.ge),
                       (ft.le, operator.le), (ft.gt, operator.gt), (ft.lt, operator.lt)):
        check(fast, slow, a, b)


def test_not_and_sum() -> None:
    for x in BOOLS:
        same(ft.not_term(x), z3.Not(x))
    for terms in ([X], [X, Y], [X, 1, Y], [X, R], [R, R, z3.RealVal(1)], [X, Y, X + Y]):
        same(ft.sum_(terms), z3.Sum(terms))
    assert ft.sum_([]) == z3.Sum([]) == 0


def test_numerals_are_z3s() -> None:
    for n in (0, 12, -3, 736000, 10**30):
        same(ft.int_val(n), z3.IntVal(n))


@pytest.mark.parametrize("a, b", list(itertools.product(ARITH + BOOLS + OTHER, repeat=2)))
def test_equality(a: Any, b: Any) -> None:
    check(ft.eq, operator.eq, a, b)


def test_sort_tests() -> None:
    for x in ARITH + BOOLS + OTHER:
        assert ft.is_real(x) == z3.is_real(x)
        assert ft.is_int(x) == z3.is_int(x)


def test_integer_values() -> None:
    for x in [*ARITH, *BOOLS, *OTHER, z3.IntVal(10**30), z3.RealVal("1/3")]:
        assert ft.is_int_value(x) == z3.is_int_value(x)
        if z3.is_int_value(x):
            assert ft.as_long(x) == x.as_long()


def test_translate_and_assert() -> None:
    ctx = z3.Context()
    for formula in [P, X > Y, z3.ForAll([X], X >= X), z3.BoolVal(True)]:
        same(ft.translate(formula, ctx), formula.translate(ctx))
    fast, slow = z3.Solver(ctx=ctx), z3.Solver(ctx=ctx)
    formulas = [ft.translate(f, ctx) for f in (P, X > Y, z3.Not(Q))]
    ft.assert_all(fast, formulas)
    slow.add(*formulas)
    assert fast.sexpr() == slow.sexpr()


def test_folded_connectives() -> None:
    from lexlux.verify.encoding.terms import FALSE, TRUE, and_, not_, or_
    same(and_(P, Q, X > Y), z3.And(P, Q, X > Y))
    same(or_(P, Q), z3.Or(P, Q))
    same(and_(TRUE, P, TRUE), P)
    same(or_(FALSE, P), P)
    assert and_(P, FALSE, Q) is FALSE and or_(P, TRUE) is TRUE
    assert and_() is TRUE and or_() is FALSE
    assert not_(TRUE) is FALSE and not_(FALSE) is TRUE
    same(not_(P), z3.Not(P))


@pytest.mark.parametrize("a, b", list(itertools.product(ARITH + OTHER, repeat=2)))
def test_product_quotient_remainder(a: Any, b: Any) -> None:
    for fast, slow in ((ft.mul, operator.mul), (ft.div, operator.truediv),
                       (ft.mod, operator.mod)):
        check(fast, slow, a, b)


def test_connectives_unfolded() -> None:
    for items in ([P, Q], [P, X > Y, Q], [P, z3.BoolVal(True)], [P], [P, True]):
        check(ft.and_all, z3.And, items)
        check(ft.or_all, z3.Or, items)
    other = z3.Context()
    items = [z3.Bool("p", other), z3.Bool("q", other)]
    same(ft.and_all(items), z3.And(items))


def test_constants() -> None:
    for name, sort in (("c_b", z3.BoolSort()), ("c_i", z3.IntSort()), ("c_r", z3.RealSort()),
                       ("c_a", z3.ArraySort(z3.IntSort(), z3.IntSort())), ("ç é", z3.IntSort())):
        same(ft.const(name, sort), z3.Const(name, sort))
    other = z3.Context()
    same(ft.const("p", z3.BoolSort(other)), z3.Bool("p", other))


def test_wrappers_hold_their_reference() -> None:
    """A term made here outlives the terms it was built from (its own reference)."""
    import gc
    term = ft.add(ft.int_val(123457), z3.Int("held"))
    gc.collect()
    again = 123457 + z3.Int("held")
    assert term.eq(again) and term.get_id() == again.get_id()
    assert str(term) == "123457 + held"


def test_translate_terms_and_numerals() -> None:
    ctx = z3.Context()
    for term in (X, X + 1, R, z3.IntVal(7), z3.RealVal("1/3"), ft.ite(P, X, Y), ft.add(X, 2)):
        fast, slow = ft.translate(term, ctx), term.translate(ctx)
        assert type(fast) is type(slow) and fast.eq(slow) and fast.ctx is ctx


def test_model_values() -> None:
    """``model_value`` reads what ``model.eval(…, model_completion=True)`` gives."""
    solver = z3.Solver()
    solver.add(X == 41, 2 * R == 1, P, z3.Not(Q))
    assert solver.check() == z3.sat
    model = solver.model()
    ctx = z3.Context()
    other = z3.Solver(ctx=ctx)
    other.add(ft.translate(X == -5, ctx), ft.translate(P, ctx))
    assert other.check() == z3.sat
    into = other.model()
    cases = [(X, 41, -5), (X + 1, 42, -4), (P, True, True), (Q, False, False),
             (R, None, None), (Y, 0, 0), (X > 40, True, False), (z3.IntVal(-3), -3, -3)]
    for term, here, there in cases:
        assert ft.model_value(model, term) == here
        assert ft.model_value(into, term, ctx) == there
        slow = model.eval(term, model_completion=True)
        expected = slow.as_long() if z3.is_int_value(slow) else \
            True if z3.is_true(slow) else False if z3.is_false(slow) else None
        assert ft.model_value(model, term) == expected
