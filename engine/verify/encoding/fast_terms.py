"""Stage 5 (verify): the same Z3 terms as ``z3.If``, ``z3.Not``, ``z3.Sum``, ``+``, ``-``,
``==`` and the comparisons, built with fewer calls into Z3.

z3's Python constructors check and coerce their arguments (the sort of each, a Python
number made a numeral of the other argument's sort, an ``Int`` made ``Real`` beside a
``Real``) with a dozen calls into Z3 and as many short-lived Python objects; building the
terms of an audit spends most of its time there.  Here the arguments the encoder gives —
terms of the main context whose sorts already agree, or a Python ``int`` beside an ``Int``
term — go straight to the C constructor that z3's function ends in (``Z3_mk_ite``,
``Z3_mk_not``, ``Z3_mk_add``, ``Z3_mk_eq`` …), with the same arguments in the same order: the same
term (Z3 hash-conses terms, so it is the very same AST).  Anything else (a ``Real``
beside an ``Int``, a Python ``bool`` or ``Fraction``, another context) is handed to z3's
own function unchanged.  tests/verify/test_fast_terms.py compares both on every case.
"""

from __future__ import annotations

from typing import Any

import z3

_MAIN = z3.main_ctx()
_REF = _MAIN.ref()
_INT = z3.IntSort()
_INT_SORT = _INT.ast.value
_REAL_SORT = z3.RealSort().ast.value
_BOOL = z3.BoolRef
_ARITH = z3.ArithRef
_ArithRef = z3.ArithRef
_BoolRef = z3.BoolRef


def raw(wrapper: Any) -> Any:
    """The C function a z3core wrapper calls (z3core keeps it as the wrapper's default
    argument ``_elems.f``; the wrapper adds a call asking Z3 for an error, which these
    functions cannot raise on terms whose sorts were checked here), or the wrapper."""
    defaults = getattr(wrapper, "__defaults__", None) or ()
    function = getattr(defaults[-1], "f", None) if defaults else None
    return function if function is not None else wrapper


_get_sort = raw(z3.Z3_get_sort)
_mk_ite, _mk_not, _mk_eq = raw(z3.Z3_mk_ite), raw(z3.Z3_mk_not), raw(z3.Z3_mk_eq)
_mk_add, _mk_sub = raw(z3.Z3_mk_add), raw(z3.Z3_mk_sub)
_mk_ge, _mk_le = raw(z3.Z3_mk_ge), raw(z3.Z3_mk_le)
_mk_gt, _mk_lt = raw(z3.Z3_mk_gt), raw(z3.Z3_mk_lt)
_is_numeral = raw(z3.Z3_is_numeral_ast)
_IntNumRef = z3.IntNumRef
_INT_AST = _INT.as_ast()


def int_val(n: int) -> Any:
    """``z3.IntVal(n)``."""
    return _IntNumRef(z3.Z3_mk_numeral(_REF, str(n), _INT_AST), _MAIN)


def _sort(x: Any) -> int:
    return _get_sort(_REF, x.ast).value  # type: ignore[no-any-return]


def _int_like(x: Any, other: Any) -> Any:
    """``x`` as z3's coercion makes it beside the term ``other``: a Python int beside an
    ``Int`` term is the numeral; anything else is returned as is (and checked after)."""
    if type(x) is int and isinstance(other, _ARITH) and other.ctx is _MAIN \
            and _sort(other) == _INT_SORT:
        return int_val(x)
    return x


def _same_arith(a: Any, b: Any) -> bool:
    return isinstance(a, _ARITH) and isinstance(b, _ARITH) and a.ctx is _MAIN \
        and b.ctx is _MAIN and _sort(a) == _sort(b)


def ite(c: Any, a: Any, b: Any) -> Any:
    """``z3.If(c, a, b)``."""
    if isinstance(c, _BOOL) and c.ctx is _MAIN:
        a, b = _int_like(a, b), _int_like(b, a)
        if _same_arith(a, b):
            return _ArithRef(_mk_ite(_REF, c.ast, a.ast, b.ast), _MAIN)
        if isinstance(a, _BOOL) and isinstance(b, _BOOL) and a.ctx is _MAIN \
                and b.ctx is _MAIN:
            return _BoolRef(_mk_ite(_REF, c.ast, a.ast, b.ast), _MAIN)
    return z3.If(c, a, b)


def not_term(x: Any) -> Any:
    """``z3.Not(x)``."""
    if isinstance(x, _BOOL) and x.ctx is _MAIN:
        return _BoolRef(_mk_not(_REF, x.ast), _MAIN)
    return z3.Not(x)


def _binary(make: Any, a: Any, b: Any) -> Any:
    """Both arguments coerced as z3's operators do, or None (then use the operator)."""
    a, b = _int_like(a, b), _int_like(b, a)
    if not _same_arith(a, b):
        return None
    args = (z3.Ast * 2)()
    args[0], args[1] = a.ast, b.ast
    return make(_REF, 2, args)


def add(a: Any, b: Any) -> Any:
    """``a + b``."""
    made = _binary(_mk_add, a, b)
    return a + b if made is None else _ArithRef(made, _MAIN)


def sub(a: Any, b: Any) -> Any:
    """``a - b``."""
    made = _binary(_mk_sub, a, b)
    return a - b if made is None else _ArithRef(made, _MAIN)


def _reflected(a: Any, b: Any) -> bool:
    """Python asks ``b`` first (its reflected comparison): ``a`` is no term, or ``b``'s
    class is a subclass of ``a``'s (a numeral beside a term)."""
    return not isinstance(a, z3.ExprRef) or (type(b) is not type(a) and isinstance(b, type(a)))


def _compare(make: Any, a: Any, b: Any) -> Any | None:
    a, b = _int_like(a, b), _int_like(b, a)
    if not _same_arith(a, b):
        return None
    return _BoolRef(make(_REF, a.ast, b.ast), _MAIN)


def ge(a: Any, b: Any) -> Any:
    """``a >= b`` (with a number ``a``, Python asks ``b <= a``, as here)."""
    if _reflected(a, b):
        return a >= b if not isinstance(b, z3.ExprRef) else le(b, a)
    made = _compare(_mk_ge, a, b)
    return a >= b if made is None else made


def le(a: Any, b: Any) -> Any:
    """``a <= b`` (with a number ``a``: ``b >= a``)."""
    if _reflected(a, b):
        return a <= b if not isinstance(b, z3.ExprRef) else ge(b, a)
    made = _compare(_mk_le, a, b)
    return a <= b if made is None else made


def gt(a: Any, b: Any) -> Any:
    """``a > b`` (with a number ``a``: ``b < a``)."""
    if _reflected(a, b):
        return a > b if not isinstance(b, z3.ExprRef) else lt(b, a)
    made = _compare(_mk_gt, a, b)
    return a > b if made is None else made


def lt(a: Any, b: Any) -> Any:
    """``a < b`` (with a number ``a``: ``b > a``)."""
    if _reflected(a, b):
        return a < b if not isinstance(b, z3.ExprRef) else gt(b, a)
    made = _compare(_mk_lt, a, b)
    return a < b if made is None else made


def sum_(terms: list[Any]) -> Any:
    """``z3.Sum(terms)``."""
    if len(terms) >= 2 and isinstance(terms[0], _ARITH) and terms[0].ctx is _MAIN:
        sort = _sort(terms[0])
        if all(isinstance(t, _ARITH) and t.ctx is _MAIN and _sort(t) == sort
               for t in terms[1:]):
            args = (z3.Ast * len(terms))()
            for i, t in enumerate(terms):
                args[i] = t.ast
            return _ArithRef(_mk_add(_REF, len(terms), args), _MAIN)
    return z3.Sum(terms)


def eq(a: Any, b: Any) -> Any:
    """``a == b`` (Python asks ``b`` first when ``a`` is no term or ``b``'s class is a
    subclass of ``a``'s, as here)."""
    if _reflected(a, b) and isinstance(b, z3.ExprRef):
        a, b = b, a
    if not isinstance(a, z3.ExprRef):
        return a == b
    b = _int_like(b, a)
    if _same_arith(a, b) or (isinstance(a, _BOOL) and isinstance(b, _BOOL)
                             and a.ctx is _MAIN and b.ctx is _MAIN):
        return _BoolRef(_mk_eq(_REF, a.ast, b.ast), _MAIN)
    return a.__eq__(b)


def is_real(x: Any) -> bool:
    """``z3.is_real(x)``."""
    if isinstance(x, _ARITH) and x.ctx is _MAIN:
        return bool(_sort(x) == _REAL_SORT)
    return bool(z3.is_real(x))


def is_int(x: Any) -> bool:
    """``z3.is_int(x)``."""
    if isinstance(x, _ARITH) and x.ctx is _MAIN:
        return bool(_sort(x) == _INT_SORT)
    return bool(z3.is_int(x))


def is_int_value(x: Any) -> bool:
    """``z3.is_int_value(x)``."""
    if isinstance(x, _ARITH) and x.ctx is _MAIN:
        return bool(_sort(x) == _INT_SORT and _is_numeral(_REF, x.ast))
    return bool(z3.is_int_value(x))


def as_long(x: Any) -> int:
    """``x.as_long()`` of an integer numeral."""
    if is_int_value(x):
        return int(z3.Z3_get_numeral_string(_REF, x.ast))
    return int(x.as_long())


_translate = raw(z3.Z3_translate)
_solver_assert = raw(z3.Z3_solver_assert)


def translate(formula: Any, ctx: z3.Context) -> Any:
    """``formula.translate(ctx)``."""
    if type(formula) is _BoolRef:
        return _BoolRef(_translate(formula.ctx.ref(), formula.ast, ctx.ref()), ctx)
    return formula.translate(ctx)


def assert_all(solver: z3.Solver, formulas: Any) -> None:
    """``solver.add(*formulas)``, for formulas of the solver's context."""
    ctx = solver.ctx
    for formula in formulas:
        if isinstance(formula, _BOOL) and formula.ctx is ctx:
            _solver_assert(ctx.ref(), solver.solver, formula.ast)
        else:
            solver.add(formula)
