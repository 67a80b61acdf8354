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

The Python object wrapping each new term is made here too (:func:`made`): z3's
``AstRef.__init__`` looks the context up and increments the term's reference count through
a wrapper that then asks Z3 for an error (two calls into Z3 and five Python calls per
term); here it is one call, with the same count.  No term is built, kept or freed
differently: the reference counts, hence the term ids Z3 hands out, are those z3's
functions give.
"""

from __future__ import annotations

import sys
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


_new = object.__new__
_inc_ref = raw(z3.Z3_inc_ref)
_mk_numeral = raw(z3.Z3_mk_numeral)
_mk_and, _mk_or = raw(z3.Z3_mk_and), raw(z3.Z3_mk_or)
_mk_mul, _mk_div, _mk_mod = raw(z3.Z3_mk_mul), raw(z3.Z3_mk_div), raw(z3.Z3_mk_mod)
_mk_const, _mk_symbol = raw(z3.Z3_mk_const), raw(z3.Z3_mk_string_symbol)
_BOOL_SORT = z3.BoolSort().ast.value


_ENCODING = sys.getdefaultencoding() or "latin-1"    # as z3core's ``_str_to_bytes``


def _str_to_bytes(text: str) -> bytes:
    return text.encode(_ENCODING)


def made(cls: Any, ast: Any) -> Any:
    """``cls(ast, main_ctx())`` for a term of the main context just made: the wrapper with
    the reference z3's ``AstRef.__init__`` takes, without its lookups and error query."""
    term = _new(cls)
    term.ast = ast
    term.ctx = _MAIN
    _inc_ref(_REF, ast)
    return term


def int_val(n: int) -> Any:
    """``z3.IntVal(n)``."""
    return made(_IntNumRef, _mk_numeral(_REF, _str_to_bytes(str(n)), _INT_AST))


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


def _operands(a: Any, b: Any) -> tuple[Any, Any] | None:
    """``(_int_like(a, b), _int_like(b, a))`` when those are terms of one arithmetic sort
    of the main context, else None: the same numeral made, with one sort query where
    one argument is a Python int (the other's)."""
    if type(a) is int:
        if isinstance(b, _ARITH) and b.ctx is _MAIN and _sort(b) == _INT_SORT:
            return int_val(a), b
        return None
    if type(b) is int:
        if isinstance(a, _ARITH) and a.ctx is _MAIN and _sort(a) == _INT_SORT:
            return a, int_val(b)
        return None
    if _same_arith(a, b):
        return a, b
    return None


def ite(c: Any, a: Any, b: Any) -> Any:
    """``z3.If(c, a, b)``."""
    if isinstance(c, _BOOL) and c.ctx is _MAIN:
        ops = _operands(a, b)
        if ops is not None:
            return made(_ArithRef, _mk_ite(_REF, c.ast, ops[0].ast, ops[1].ast))
        if isinstance(a, _BOOL) and isinstance(b, _BOOL) and a.ctx is _MAIN \
                and b.ctx is _MAIN:
            return made(_BoolRef, _mk_ite(_REF, c.ast, a.ast, b.ast))
    return z3.If(c, a, b)


def not_term(x: Any) -> Any:
    """``z3.Not(x)``."""
    if isinstance(x, _BOOL) and x.ctx is _MAIN:
        return made(_BoolRef, _mk_not(_REF, x.ast))
    return z3.Not(x)


def _binary(make: Any, a: Any, b: Any) -> Any:
    """Both arguments coerced as z3's operators do, or None (then use the operator)."""
    ops = _operands(a, b)
    if ops is None:
        return None
    args = (z3.Ast * 2)()
    args[0], args[1] = ops[0].ast, ops[1].ast
    return make(_REF, 2, args)


def add(a: Any, b: Any) -> Any:
    """``a + b``."""
    term = _binary(_mk_add, a, b)
    return a + b if term is None else made(_ArithRef, term)


def sub(a: Any, b: Any) -> Any:
    """``a - b``."""
    term = _binary(_mk_sub, a, b)
    return a - b if term is None else made(_ArithRef, term)


def mul(a: Any, b: Any) -> Any:
    """``a * b`` (neither a Boolean)."""
    term = _binary(_mk_mul, a, b)
    return a * b if term is None else made(_ArithRef, term)


def _divide(make: Any, a: Any, b: Any) -> Any:
    ops = _operands(a, b)
    if ops is None:
        return None
    return made(_ArithRef, make(_REF, ops[0].ast, ops[1].ast))


def div(a: Any, b: Any) -> Any:
    """``a / b`` (``div`` of two ``Int`` terms, ``/`` of two ``Real`` ones)."""
    term = _divide(_mk_div, a, b)
    return a / b if term is None else term


def mod(a: Any, b: Any) -> Any:
    """``a % b`` (of ``Int`` terms)."""
    term = _divide(_mk_mod, a, b) if is_int(a) or is_int(b) else None
    return a % b if term is None else term


def and_all(items: list[Any]) -> Any:
    """``z3.And(items)`` of two or more Boolean terms (nothing folded)."""
    return _join(_mk_and, z3.And, items)


def or_all(items: list[Any]) -> Any:
    """``z3.Or(items)`` of two or more Boolean terms (nothing folded)."""
    return _join(_mk_or, z3.Or, items)


def _join(make: Any, slow: Any, items: list[Any]) -> Any:
    for x in items:
        if not isinstance(x, _BOOL) or x.ctx is not _MAIN:
            return slow(items)
    args = (z3.Ast * len(items))()
    for i, x in enumerate(items):
        args[i] = x.ast
    return made(_BoolRef, make(_REF, len(items), args))


def const(name: str, sort: Any) -> Any:
    """``z3.Const(name, sort)`` (and ``z3.Bool``, ``z3.Int``, ``z3.Real``) of the main
    context."""
    if sort.ctx is _MAIN:
        kind = sort.ast.value
        cls = _BoolRef if kind == _BOOL_SORT else _ArithRef \
            if kind in (_INT_SORT, _REAL_SORT) else None
        if cls is not None:
            return made(cls, _mk_const(_REF, _mk_symbol(_REF, _str_to_bytes(name)),
                                       sort.ast))
    return z3.Const(name, sort)


def _reflected(a: Any, b: Any) -> bool:
    """Python asks ``b`` first (its reflected comparison): ``a`` is no term, or ``b``'s
    class is a subclass of ``a``'s (a numeral beside a term)."""
    return not isinstance(a, z3.ExprRef) or (type(b) is not type(a) and isinstance(b, type(a)))


def _compare(make: Any, a: Any, b: Any) -> Any | None:
    ops = _operands(a, b)
    if ops is None:
        return None
    return made(_BoolRef, make(_REF, ops[0].ast, ops[1].ast))


def ge(a: Any, b: Any) -> Any:
    """``a >= b`` (with a number ``a``, Python asks ``b <= a``, as here)."""
    if _reflected(a, b):
        return a >= b if not isinstance(b, z3.ExprRef) else le(b, a)
    term = _compare(_mk_ge, a, b)
    return a >= b if term is None else term


def le(a: Any, b: Any) -> Any:
    """``a <= b`` (with a number ``a``: ``b >= a``)."""
    if _reflected(a, b):
        return a <= b if not isinstance(b, z3.ExprRef) else ge(b, a)
    term = _compare(_mk_le, a, b)
    return a <= b if term is None else term


def gt(a: Any, b: Any) -> Any:
    """``a > b`` (with a number ``a``: ``b < a``)."""
    if _reflected(a, b):
        return a > b if not isinstance(b, z3.ExprRef) else lt(b, a)
    term = _compare(_mk_gt, a, b)
    return a > b if term is None else term


def lt(a: Any, b: Any) -> Any:
    """``a < b`` (with a number ``a``: ``b > a``)."""
    if _reflected(a, b):
        return a < b if not isinstance(b, z3.ExprRef) else gt(b, a)
    term = _compare(_mk_lt, a, b)
    return a < b if term is None else term


def sum_(terms: list[Any]) -> Any:
    """``z3.Sum(terms)``."""
    if len(terms) >= 2 and isinstance(terms[0], _ARITH) and terms[0].ctx is _MAIN:
        sort = _sort(terms[0])
        if all(isinstance(t, _ARITH) and t.ctx is _MAIN and _sort(t) == sort
               for t in terms[1:]):
            args = (z3.Ast * len(terms))()
            for i, t in enumerate(terms):
                args[i] = t.ast
            return made(_ArithRef, _mk_add(_REF, len(terms), args))
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
        return made(_BoolRef, _mk_eq(_REF, a.ast, b.ast))
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


_get_ast_kind, _get_sort_kind = raw(z3.Z3_get_ast_kind), raw(z3.Z3_get_sort_kind)
_model_eval, _get_bool_value = raw(z3.Z3_model_eval), raw(z3.Z3_get_bool_value)
_dec_ref, _numeral_string = raw(z3.Z3_dec_ref), raw(z3.Z3_get_numeral_string)


def translate(formula: Any, ctx: z3.Context) -> Any:
    """``formula.translate(ctx)``."""
    cls = type(formula)
    if cls is _BoolRef or cls is _ArithRef:
        ref = ctx.ref()
        ast = _translate(formula.ctx.ref(), formula.ast, ref)
        if cls is _BoolRef or _get_ast_kind(ref, ast) == z3.Z3_APP_AST:  # not a numeral
            term = _new(cls)
            term.ast = ast
            term.ctx = ctx
            _inc_ref(ref, ast)
            return term
        return z3.z3._to_expr_ref(ast, ctx)
    return formula.translate(ctx)


def model_value(model: z3.ModelRef, term: Any, into: z3.Context | None = None
                ) -> int | bool | None:
    """``model.eval(term, model_completion=True)`` read as a Python value: an ``int`` for
    an integer numeral, ``True``/``False`` for a Boolean constant, else None.  With
    ``into``: of ``translate(term, into)``, that term released once evaluated.  The terms
    are held and released as z3's wrappers in ``model.eval(term.translate(into), …)``
    followed by reading the value hold and release them, so Z3 makes and frees the same
    terms in the same order (its ids then stay those z3's functions give)."""
    ref = model.ctx.ref()
    out = (z3.Ast * 1)()
    evaluated = translate(term, into) if into is not None else term
    if not _model_eval(ref, model.model, evaluated.as_ast(), True, out):
        raise z3.Z3Exception("failed to evaluate expression in the model")
    del evaluated, term        # the translated term goes first, then the value below
    ast = out[0]
    _inc_ref(ref, ast)
    try:
        kind = _get_sort_kind(ref, _get_sort(ref, ast))
        if kind == z3.Z3_INT_SORT and _get_ast_kind(ref, ast) == z3.Z3_NUMERAL_AST:
            return int(_numeral_string(ref, ast))
        if kind == z3.Z3_BOOL_SORT:
            value = _get_bool_value(ref, ast)
            return True if value == z3.Z3_L_TRUE else False if value == z3.Z3_L_FALSE \
                else None
        return None
    finally:
        _dec_ref(ref, ast)


def assert_all(solver: z3.Solver, formulas: Any) -> None:
    """``solver.add(*formulas)``, for formulas of the solver's context."""
    ctx = solver.ctx
    for formula in formulas:
        if isinstance(formula, _BOOL) and formula.ctx is ctx:
            _solver_assert(ctx.ref(), solver.solver, formula.ast)
        else:
            solver.add(formula)
