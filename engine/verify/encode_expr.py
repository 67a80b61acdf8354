"""Stage 5 (verify): one compiled expression (``compile.model`` nodes) → Z3 terms.

The result of an expression is an :class:`E`: its value terms and two conditions that
mirror the evaluator's exceptions — ``bad`` (a missing fact or an evaluation error) and
``und`` (an output it reads has no value or is in conflict).  ``and``, ``or`` and ``if``
are lazy as in ``evaluate/expressions.py``; every other node evaluates its operands left
to right, so the first failure wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from ..compile.model import Binary, Call, Expr, IfThenElse, Literal, Ref, Unary
from ..dates import from_day_number
from ..working_days import DayKind, is_counted_day, nth_counted_day_from, roll_forward
from .calendar_terms import Calendar
from .facts import Interner, PeriodsVar, encode_constant

TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)


class NotEncodable(Exception):
    """A construct the encoder does not translate (reported as LX520, naming the rule)."""

    def __init__(self, construct: str) -> None:
        super().__init__(construct)
        self.construct = construct


def and_(*xs: Any) -> Any:
    items = [x for x in xs if not z3.is_true(x)]
    if any(z3.is_false(x) for x in items):
        return FALSE
    return TRUE if not items else items[0] if len(items) == 1 else z3.And(items)


def or_(*xs: Any) -> Any:
    items = [x for x in xs if not z3.is_false(x)]
    if any(z3.is_true(x) for x in items):
        return TRUE
    return FALSE if not items else items[0] if len(items) == 1 else z3.Or(items)


def not_(x: Any) -> Any:
    return FALSE if z3.is_true(x) else TRUE if z3.is_false(x) else z3.Not(x)


@dataclass(frozen=True)
class E:
    terms: tuple[Any, ...]
    bad: Any = FALSE
    und: Any = FALSE

    @property
    def term(self) -> Any:
        return self.terms[0]


def sequence(parts: Sequence[E]) -> tuple[Any, Any]:
    """``bad`` and ``und`` of evaluating ``parts`` one after the other."""
    bad, und, alive = FALSE, FALSE, TRUE
    for part in parts:
        bad = or_(bad, and_(alive, part.bad))
        und = or_(und, and_(alive, part.und))
        alive = and_(alive, not_(part.bad), not_(part.und))
    return bad, und


@dataclass
class AbstractCall:
    """A free variable standing for a calendar value (abstraction ``working_days``)."""

    function: str
    args: tuple[Any, ...]          # Int terms (dates and counts)
    arg_kinds: tuple[str, ...]     # "date" or "int"
    result: Any
    compute: Callable[..., Any]

    def lemma(self, model: z3.ModelRef) -> Any | None:
        """If the model gives a wrong value, the constraint that corrects it."""
        values = [model.eval(a, model_completion=True).as_long() for a in self.args]
        python = [from_day_number(v) if k == "date" else v
                  for v, k in zip(values, self.arg_kinds, strict=True)]
        try:
            expected = self.compute(*python)
        except ValueError:
            return None
        wanted = encode_constant(expected, Interner())
        actual = model.eval(self.result, model_completion=True)
        if z3.is_true(z3.simplify(actual == wanted)):
            return None
        guard = and_(*[a == v for a, v in zip(self.args, values, strict=True)])
        return z3.Implies(guard, self.result == wanted)


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


def _real(x: Any) -> Any:
    return z3.ToReal(x) if z3.is_int(x) else x


def _numeric(a: Any, b: Any) -> tuple[Any, Any]:
    if z3.is_real(a) or z3.is_real(b):
        return _real(a), _real(b)
    return a, b


def _equal(a: E, b: E) -> Any:
    pairs = [_numeric(x, y) if z3.is_arith(x) else (x, y)
             for x, y in zip(a.terms, b.terms, strict=True)]
    if any(isinstance(x, PeriodsVar) for x, _ in pairs):
        raise NotEncodable("comparison of periods")
    return and_(*[x == y for x, y in pairs])


class ExprEncoder:
    def __init__(self, scope: ExprScope) -> None:
        self.scope = scope
        self.fresh = 0

    def encode(self, expr: Expr) -> E:
        if isinstance(expr, Literal):
            if isinstance(expr.value, str) or expr.type.kind != "string":
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
            terms = tuple(z3.If(c.term, *_numeric(x, y)) if z3.is_arith(x) else
                          z3.If(c.term, x, y) for x, y in zip(t.terms, o.terms, strict=True))
            bad = or_(c.bad, and_(ok, z3.If(c.term, t.bad, o.bad)))
            und = or_(c.und, and_(ok, z3.If(c.term, t.und, o.und)))
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
        raise NotEncodable(f"'{ref.target}' (the month of a timeline)")

    def _binary(self, expr: Binary) -> E:
        left, right = self.encode(expr.left), self.encode(expr.right)
        op = expr.op
        if op in ("and", "or"):
            go = and_(not_(left.bad), not_(left.und),
                      left.term if op == "and" else not_(left.term))
            term = (and_ if op == "and" else or_)(left.term, right.term)
            return E((term,), or_(left.bad, and_(go, right.bad)),
                     or_(left.und, and_(go, right.und)))
        bad, und = sequence([left, right])
        if op in ("==", "!="):
            equal = _equal(left, right)
            return E((equal if op == "==" else not_(equal),), bad, und)
        a, b = _numeric(left.term, right.term)
        if op == "/":
            zero = b == 0
            bad = or_(bad, and_(not_(bad), not_(und), zero))
            return E((_real(a) / _real(b),), bad, und)
        table: dict[str, Callable[[Any, Any], Any]] = {
            "<": lambda x, y: x < y, "<=": lambda x, y: x <= y, ">": lambda x, y: x > y,
            ">=": lambda x, y: x >= y, "+": lambda x, y: x + y, "-": lambda x, y: x - y,
            "*": lambda x, y: x * y}
        return E((table[op](a, b),), bad, und)

    # calls ------------------------------------------------------------------------
    def _call(self, expr: Call) -> E:
        name = expr.function
        if name == "given":
            target = expr.args[0]
            assert isinstance(target, Ref)
            return E((self.scope.given(target.target),))
        policies = [a.value for a in expr.args
                    if isinstance(a, Literal) and a.type.kind == "string"]
        args = [self.encode(a) for a in expr.args
                if not (isinstance(a, Literal) and a.type.kind == "string")]
        bad, und = sequence(args)
        terms = [a.term for a in args]
        value, fails = self._function(name, terms, policies)
        if not z3.is_false(fails):
            bad = or_(bad, and_(not_(bad), not_(und), fails))
        return E((value,), bad, und)

    def _function(self, name: str, t: list[Any], policies: list[str]) -> tuple[Any, Any]:
        cal = self.scope.calendar
        simple: dict[str, Callable[[], tuple[Any, Any]]] = {
            "end_of_month": lambda: (cal.next_month_start(t[0]) - 1, FALSE),
            "start_of_month": lambda: (cal.month_start(t[0]), FALSE),
            "first_day_of_next_month": lambda: (cal.next_month_start(t[0]), FALSE),
            "nth_day": lambda: (t[0] + t[1] - 1, t[1] < 1),
            "eve": lambda: (t[0] - 1, FALSE),
            "days_between": lambda: (t[1] - t[0], FALSE),
            "days_inclusive": lambda: (t[1] - t[0] + 1, t[1] < t[0]),
            "months_window_start": lambda: (
                cal.start_by_number(cal.month_number(t[0]) - t[1] + 1), t[1] < 1),
            "weeks_window_start": lambda: (t[0] - 7 * t[1] + 1, t[1] < 1),
            "days": lambda: (t[0], FALSE),
            "weeks": lambda: (7 * t[0], FALSE),
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
                value = z3.If(a <= b, a, b) if name == "min" else z3.If(a >= b, a, b)
            return value, FALSE
        if name == "round_cents":
            return _round_cents(t[0], policies[0]), FALSE
        if name in ("nth_counted_day", "roll_forward", "is_counted_day"):
            return self._working_day(name, t, policies[0])
        from .encode_periods import period_function
        return period_function(name, t)

    def _working_day(self, name: str, t: list[Any], kind_name: str) -> tuple[Any, Any]:
        d = t[0]
        if kind_name == "calendar":
            if name == "nth_counted_day":
                return d + t[1] - 1, t[1] < 1
            return (d, FALSE) if name == "roll_forward" else (TRUE, FALSE)
        kind = DayKind(kind_name)
        jur: Any = self.scope.jurisdiction
        self.fresh += 1
        label = f"{self.scope.name}|{name}#{self.fresh}"
        weekday = Calendar.weekday
        five_days = kind_name in ("jours_ouvres", "jours_ouvrables_mon_fri")

        def on_schedule(x: Any) -> Any:
            return weekday(x) < 5 if five_days else weekday(x) != 6
        if name == "is_counted_day":
            result = z3.Bool(label)
            self.scope.calendar.assumptions.append(z3.Implies(not_(on_schedule(d)),
                                                              not_(result)))
            self.scope.abstract_calls.append(AbstractCall(
                name, (d,), ("date",), result,
                lambda x: is_counted_day(x, kind, jur)))
            return result, FALSE
        result = z3.Int(label)
        if name == "roll_forward":
            bounds = z3.And(result >= d, result <= d + 7, on_schedule(result))
            call = AbstractCall(name, (d,), ("date",), result,
                                lambda x: roll_forward(x, kind, jur))
            fails: Any = FALSE
        else:
            n = t[1]
            bounds = z3.Implies(n >= 1, z3.And(result >= d + n - 1, result <= d + 2 * n + 7,
                                               on_schedule(result)))
            call = AbstractCall(name, (d, n), ("date", "int"), result,
                                lambda x, m: nth_counted_day_from(x, m, kind, jur))
            fails = n < 1
        self.scope.calendar.assumptions.append(bounds)
        self.scope.abstract_calls.append(call)
        return result, fails


def _round_cents(amount: Any, mode: str) -> Any:
    x = _real(amount) * 100
    floor_pos = z3.ToInt(x + z3.Q(1, 2)) if mode == "half_up" else z3.ToInt(x)
    floor_neg = z3.ToInt(-x + z3.Q(1, 2)) if mode == "half_up" else z3.ToInt(-x)
    if mode == "up":
        cents = z3.If(x >= 0, -z3.ToInt(-x), z3.ToInt(x))
    else:
        cents = z3.If(x >= 0, floor_pos, -floor_neg)
    return z3.ToReal(cents) / 100


def day_term(d: date) -> Any:
    return encode_constant(d, Interner())
