"""Stage 5 (verify): one compiled expression (``compile.model`` nodes) → Z3 terms.

The result of an expression is an :class:`E`: its value terms and two conditions that
mirror the evaluator's exceptions — ``bad`` (a missing fact or an evaluation error) and
``und`` (an output it reads has no value or is in conflict).  ``and``, ``or`` and ``if``
are lazy and three-valued (Kleene) as in ``evaluate/expressions.py``; every other node
evaluates its operands left to right, so the first failure wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

from ...compile.model import Binary, Call, Expr, IfThenElse, Literal, Ref, Unary
from .abstract_calls import (
    WORKING_DAY_FUNCTIONS,
    AbstractCall,
    charged_call,
    counted_call,
    working_day_call,
)
from .calendar_terms import Calendar
from .facts import Interner, PeriodsVar, encode_constant
from .fast_terms import add, div, eq, ge, gt, is_int, is_real, ite, le, lt, mul, sub
from .terms import FALSE, TRUE, E, NotEncodable, and_, not_, or_, sequence
from .timelines import FULL, Frame

__all__ = ["FALSE", "TRUE", "AbstractCall", "E", "ExprEncoder", "ExprScope", "NotEncodable",
           "and_", "not_", "or_", "sequence"]


@dataclass
class ExprScope:
    fact: Callable[[str], E]
    parameter: Callable[[str], E]
    local: Callable[[str], E]
    output: Callable[[str, str | None], E]
    given: Callable[[str], Any]
    calendar: Calendar
    interner: Interner
    jurisdiction: str
    name: str                                   # for fresh variables
    abstract_calls: list[AbstractCall] = field(default_factory=list)
    month: Any = None                           # the month of a timeline value, or None
    timelines: bool = False                     # the CCSS recurrence exact (timelines.py)
    frame: Frame = FULL                         # the months of the timelines (timelines.py)
    beyond: list[Any] = field(default_factory=list)   # beyond the timeline horizon


def _real(x: Any) -> Any:
    return z3.ToReal(x) if is_int(x) else x


def _numeric(a: Any, b: Any) -> tuple[Any, Any]:
    if is_real(a) or is_real(b):
        return _real(a), _real(b)
    return a, b


def _equal(a: E, b: E) -> Any:
    pairs = [_numeric(x, y) if z3.is_arith(x) else (x, y)
             for x, y in zip(a.terms, b.terms, strict=True)]
    if any(isinstance(x, PeriodsVar) for x, _ in pairs):
        raise NotEncodable("comparison of periods")
    return and_(*[eq(x, y) for x, y in pairs])


#: the arithmetic and comparison operators (``a op b``, as Python builds it)
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": lt, "<=": le, ">": gt, ">=": ge, "+": add, "-": sub, "*": mul}


class ExprEncoder:
    def __init__(self, scope: ExprScope) -> None:
        self.scope = scope

    def encode(self, expr: Expr) -> E:
        if isinstance(expr, Literal):
            return E((encode_constant(expr.value, self.scope.interner),))
        if isinstance(expr, Ref):
            return self._ref(expr)
        if isinstance(expr, Unary):
            operand = self.encode(expr.operand)
            term = not_(operand.term) if expr.op == "not" else -operand.term
            return E((term,), operand.bad, operand.und)
        if isinstance(expr, IfThenElse):
            c, t, o = (self.encode(x) for x in (expr.condition, expr.then, expr.otherwise))
            ok = and_(not_(c.bad), not_(c.und))
            terms = tuple(ite(c.term, *_numeric(x, y)) if z3.is_arith(x) else
                          ite(c.term, x, y) for x, y in zip(t.terms, o.terms, strict=True))
            # three-valued: with an unknown condition, branches that agree give the value
            try:
                agree = and_(not_(t.bad), not_(t.und), not_(o.bad), not_(o.und), _equal(t, o))
            except NotEncodable:
                agree = FALSE            # periods are not compared (nor by the evaluator)
            branch_bad = or_(t.bad, o.bad)
            bad = or_(and_(ok, ite(c.term, t.bad, o.bad)), and_(c.bad, not_(agree)),
                      and_(c.und, branch_bad))
            und = or_(and_(ok, ite(c.term, t.und, o.und)),
                      and_(c.und, not_(agree), not_(branch_bad)))
            return E(terms, bad, und)
        if isinstance(expr, Binary):
            return self._binary(expr)
        if isinstance(expr, Call):
            return self._call(expr)
        raise NotEncodable(type(expr).__name__)

    def _ref(self, ref: Ref) -> E:
        scope = self.scope
        if ref.kind == "fact":
            return scope.fact(ref.target)
        if ref.kind == "parameter":
            return scope.parameter(ref.target)
        if ref.kind == "local":
            return scope.local(ref.target)
        if ref.kind == "output":
            return scope.output(ref.target, ref.field)
        if scope.month is None:
            raise NotEncodable(f"'{ref.target}' (the month of a timeline)", timeline=True)
        return E((scope.month,))

    def _binary(self, expr: Binary) -> E:
        left, right = self.encode(expr.left), self.encode(expr.right)
        op = expr.op
        if op in ("and", "or"):
            # three-valued (Kleene), as evaluate/expressions.py: an unknown left operand
            # is decided by a right operand false (and) or true (or)
            go = and_(not_(left.bad), not_(left.und),
                      left.term if op == "and" else not_(left.term))
            decides = and_(not_(right.bad), not_(right.und),
                           not_(right.term) if op == "and" else right.term)
            term = (and_ if op == "and" else or_)(left.term, right.term)
            bad = or_(and_(go, right.bad), and_(left.bad, not_(decides)),
                      and_(left.und, right.bad))
            und = or_(and_(go, right.und), and_(left.und, not_(decides), not_(right.bad)))
            return E((term,), bad, und)
        bad, und = sequence([left, right])
        if op in ("==", "!="):
            equal = _equal(left, right)
            return E((equal if op == "==" else not_(equal),), bad, und)
        a, b = _numeric(left.term, right.term)
        if op == "/":
            zero = eq(b, 0)
            bad = or_(bad, and_(not_(bad), not_(und), zero))
            return E((div(_real(a), _real(b)),), bad, und)
        return E((_OPERATORS[op](a, b),), bad, und)

    # calls ------------------------------------------------------------------------
    def _call(self, expr: Call) -> E:
        name = expr.function
        if name == "given":
            target = expr.args[0]
            assert isinstance(target, Ref)
            return E((self.scope.given(target.target),))
        if name in ("first_month_with", "has_month_with"):
            return self._month_with(expr)
        policies = [a.value for a in expr.args
                    if isinstance(a, Literal) and a.type.kind == "string"]
        args = [self.encode(a) for a in expr.args
                if not (isinstance(a, Literal) and a.type.kind == "string")]
        bad, und = sequence(args)
        terms = [a.term for a in args]
        mark = len(self.scope.beyond)
        value, fails = self._function(name, terms, policies)
        self.scope.beyond[mark:] = [and_(not_(bad), not_(und), b)
                                    for b in self.scope.beyond[mark:]]
        if not z3.is_false(fails):
            bad = or_(bad, and_(not_(bad), not_(und), fails))
        return E((value,), bad, und)

    def _month_with(self, expr: Call) -> E:
        """first_month_with / has_month_with over the month slots (timelines.py)."""
        from .timelines import scan
        args = [self.encode(a) for a in expr.args]
        bad, und = sequence(args)
        found, day = scan(self.scope, args[0], args[1], args[2].term)
        if expr.function == "has_month_with":
            return E((found,), bad, und)
        return E((day,), or_(bad, and_(not_(bad), not_(und), not_(found))), und)

    def _function(self, name: str, t: list[Any], policies: list[str]) -> tuple[Any, Any]:
        cal = self.scope.calendar
        simple: dict[str, Callable[[], tuple[Any, Any]]] = {
            "end_of_month": lambda: (cal.end_of_month(t[0]), FALSE),
            "start_of_month": lambda: (cal.month_start(t[0]), FALSE),
            "first_day_of_next_month": lambda: (cal.next_month_start(t[0]), FALSE),
            "nth_day": lambda: (sub(add(t[0], t[1]), 1), lt(t[1], 1)),
            "eve": lambda: (sub(t[0], 1), FALSE),
            "days_between": lambda: (sub(t[1], t[0]), FALSE),
            "days_inclusive": lambda: (add(sub(t[1], t[0]), 1), lt(t[1], t[0])),
            "months_window_start": lambda: (
                cal.start_by_number(add(sub(cal.month_number(t[0]), t[1]), 1)), lt(t[1], 1)),
            "weeks_window_start": lambda: (add(sub(t[0], mul(7, t[1])), 1), lt(t[1], 1)),
            "days": lambda: (t[0], FALSE),
            "weeks": lambda: (mul(7, t[0]), FALSE),
            "months": lambda: (t[0], FALSE),
            "day_count": lambda: (t[0], FALSE),
        }
        if name in simple:
            return simple[name]()
        if name == "add_months":
            result, exists = cal.add_months(t[0], t[1])
            return result, (not_(exists) if policies[0] == "refuse" else FALSE)
        if name in ("min", "max"):
            value = t[0]
            for other in t[1:]:
                a, b = _numeric(value, other)
                value = ite(le(a, b), a, b) if name == "min" else ite(ge(a, b), a, b)
            return value, FALSE
        if name in ("round_cents", "round_to_cents"):
            return _round_places(t[0], 2, policies[0]), FALSE
        if name == "round_decimal":
            if not z3.is_int_value(t[1]):
                raise NotEncodable("round_decimal() with a number of places that is not "
                                   "a constant")
            places = t[1].as_long()
            return _round_places(t[0], max(places, 0), policies[0]), z3.BoolVal(places < 0)
        if name == "floor":
            return z3.ToInt(_real(t[0])), FALSE
        if name == "year":
            return div(cal.month_number(t[0]), 12), FALSE
        if name == "end_of_year":       # (month_number(t) / 12) * 12 + 11
            return cal.end_of_month(cal.start_by_number(
                add(mul(div(cal.month_number(t[0]), 12), 12), 11))), FALSE
        if name in WORKING_DAY_FUNCTIONS:
            return working_day_call(self.scope, name, t, policies[0])
        from .encode_periods import PERIOD_FUNCTIONS, period_function_of
        if name in PERIOD_FUNCTIONS:
            return period_function_of(cal.__dict__.setdefault("_period_functions", {}),
                                      name, t)
        if name in ("employer_charged_days_in_window", "employer_charged_month"):
            if not self.scope.timelines:
                return charged_call(self.scope, name, t)
            from .timelines import charged_exact  # exact over the timeline horizon
            value, fails, beyond = charged_exact(self.scope, name, t)
            self.scope.beyond.append(beyond)
            return value, fails
        if name in ("first_day_counted_over", "has_first_day_counted_over"):
            return counted_call(self.scope, name, t)
        raise NotEncodable(f"the function {name}()",
                           timeline=name in ("first_month_with", "has_month_with"))

def _round_places(amount: Any, places: int, mode: str) -> Any:
    """Decimal quantize: half_up and up away from zero, down towards zero."""
    scale = 10 ** places
    x = _real(amount) * scale
    floor_pos = z3.ToInt(x + z3.Q(1, 2)) if mode == "half_up" else z3.ToInt(x)
    floor_neg = z3.ToInt(-x + z3.Q(1, 2)) if mode == "half_up" else z3.ToInt(-x)
    if mode == "up":
        cents = z3.If(x >= 0, -z3.ToInt(-x), z3.ToInt(x))
    else:
        cents = z3.If(x >= 0, floor_pos, -floor_neg)
    return z3.ToReal(cents) / scale

