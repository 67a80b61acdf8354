"""Stage 5 (verify): calendar values the encoder does not compute — working days (public
holidays) and the CCSS recurrence — as uninterpreted functions with the bounds the
calendar guarantees, refined lazily from :mod:`lexlux.calendar.working_days` (abstraction
``working_days``): see :meth:`AbstractCall.lemma` and :func:`lexlux.verify.encoding.solve.solve`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import z3

from ...calendar.dates import from_day_number
from ...calendar.periods import Period
from ...calendar.working_days import (
    DayKind,
    is_counted_day,
    nth_counted_day_from,
    previous_counted_day,
    roll_backward,
    roll_forward,
)
from .calendar_terms import Calendar
from .facts import Interner, PeriodsVar, encode_constant
from .fast_terms import as_long, eq, model_value
from .terms import FALSE, TRUE, NotEncodable, and_, not_

if TYPE_CHECKING:
    from .encode_expr import ExprScope

WORKING_DAY_FUNCTIONS = ("nth_counted_day", "roll_forward", "is_counted_day", "roll_backward",
                         "previous_counted_day")



@dataclass
class AbstractCall:
    """A free variable standing for a calendar value (abstraction ``working_days``)."""

    function: str
    args: tuple[Any, ...]          # Int terms (dates and counts) or PeriodsVar
    arg_kinds: tuple[str, ...]     # "date", "int" or "periods"
    result: Any
    compute: Callable[..., Any]
    symbol: Any = None             # the uninterpreted function, when result is its application
    counted: Any = None            # counted_axioms.CountedCall, for first_day_counted_over

    def _terms(self, arg: Any) -> list[Any]:
        if isinstance(arg, PeriodsVar):
            return [arg.count, *arg.starts, *arg.ends]
        return [arg]

    def substituted(self, pairs: list[tuple[Any, Any]]) -> AbstractCall:
        def sub(x: Any) -> Any:
            return z3.simplify(z3.substitute(x, *pairs))
        args = tuple(PeriodsVar(sub(a.count), tuple(map(sub, a.starts)), tuple(map(sub, a.ends)))
                     if isinstance(a, PeriodsVar) else sub(a) for a in self.args)
        return AbstractCall(self.function, args, self.arg_kinds, sub(self.result), self.compute,
                            self.symbol, self.counted)

    def arguments_in(self, model: z3.ModelRef) -> list[Any]:
        """``arg == value`` for the model's arguments (to keep them while refining)."""
        out = []
        for arg in self.args:
            for term in self._terms(arg):
                out.append(term == model.eval(term, model_completion=True))
        return out

    def lemma(self, model: z3.ModelRef) -> Any | None:
        """If the model gives a wrong value, the constraint that corrects it.  (Each
        argument is read from the model once; the guard's terms are built only for a
        lemma that needs them: most models of a refined query are exact for most calls.)"""
        def number(x: Any) -> int:      # as_long(model.eval(x, model_completion=True))
            value = model_value(model, x)
            return value if type(value) is int else as_long(model.eval(x, model_completion=True))
        python: list[Any] = []
        pins: list[tuple[Any, Any]] = []   # (argument, its value): the guard, unbuilt
        ground: list[Any] = []          # the arguments of the function symbol
        for arg, kind in zip(self.args, self.arg_kinds, strict=True):
            if isinstance(arg, PeriodsVar):
                count = number(arg.count)
                bounds = [(number(arg.starts[i]), number(arg.ends[i])) for i in range(count)]
                python.append(tuple(Period(from_day_number(a), from_day_number(b))
                                    for a, b in bounds))
                pins.append((arg.count, count))
                ground.append(count)
                for i in range(len(arg.starts)):
                    if i < count:
                        pins += [(arg.starts[i], bounds[i][0]), (arg.ends[i], bounds[i][1])]
                    ground += [bounds[i][0] if i < count else 0,
                               bounds[i][1] if i < count else 0]
                continue
            if kind == "real":
                exact = model.eval(arg, model_completion=True)
                fraction = Fraction(exact.as_fraction()) if z3.is_rational_value(exact) \
                    else Fraction(int(exact.as_long()))
                python.append(fraction)
                pins.append((arg, fraction))
                ground.append(z3.RealVal(fraction))
                continue
            value = number(arg)
            python.append(from_day_number(value) if kind == "date" else value)
            pins.append((arg, value))
            ground.append(value)
        try:
            expected = self.compute(*python)
        except ValueError:
            return None
        wanted = encode_constant(expected, Interner())
        actual = model.eval(self.result, model_completion=True)
        if z3.is_true(z3.simplify(actual == wanted)):
            return None
        if self.symbol is not None:     # a ground fact of the function
            return self.symbol(*[v if z3.is_expr(v) else z3.IntVal(v)
                                 for v in ground]) == wanted
        guard = [arg == z3.RealVal(value) if isinstance(value, Fraction) else eq(arg, value)
                 for arg, value in pins]
        return z3.Implies(and_(*guard), self.result == wanted)


def charged_call(scope: ExprScope, name: str, t: list[Any]) -> tuple[Any, Any]:
    """The CCSS recurrence (engine/calendar/charged_days.py): a free value, refined by models."""
    from ...calendar import charged_days
    kinds = ("periods", "date", "int", "int")
    p = t[0]
    if not isinstance(p, PeriodsVar):
        raise NotEncodable(f"{name}() of periods that are not a fact of the case")
    canonical = [p.count]
    for i in range(len(p.starts)):
        canonical += [z3.If(p.count > i, p.starts[i], 0), z3.If(p.count > i, p.ends[i], 0)]
    canonical += t[1:]
    month = name == "employer_charged_month"
    function = z3.Function(name, *[z3.IntSort()] * len(canonical),
                           z3.BoolSort() if month else z3.IntSort())
    result: Any = function(*canonical)
    compute: Callable[..., Any] = (charged_days.employer_pays_month if month
                                   else charged_days.employer_charged_days)
    if not month:
        scope.calendar.assumptions.append(result >= 0)
    scope.abstract_calls.append(AbstractCall(name, tuple(t), kinds, result, compute,
                                                  function))
    return result, FALSE

def counted_call(scope: ExprScope, name: str, t: list[Any]) -> tuple[Any, Any]:
    """first_day_counted_over (engine/calendar/counted_days.py): free values (the date, and
    whether it exists), refined by models like the CCSS recurrence."""
    from ...calendar.counted_days import first_day_counted_over
    closed = _counted_closed_form(name, t)
    if closed is not None:
        return closed
    kinds = ("periods", "periods", "real", "int", "date", "int", "date", "date")
    canonical: list[Any] = []
    sorts: list[Any] = []
    for arg, kind in zip(t, kinds, strict=True):
        if kind == "periods":
            if not isinstance(arg, PeriodsVar):
                raise NotEncodable(f"{name}() of periods that are not a fact of the case")
            canonical.append(arg.count)
            for i in range(len(arg.starts)):
                canonical += [z3.If(arg.count > i, arg.starts[i], 0),
                              z3.If(arg.count > i, arg.ends[i], 0)]
            sorts += [z3.IntSort()] * (1 + 2 * len(arg.starts))
        elif kind == "real":
            canonical.append(z3.ToReal(arg) if z3.is_int(arg) else arg)
            sorts.append(z3.RealSort())
        else:
            canonical.append(arg)
            sorts.append(z3.IntSort())
    args = tuple(z3.ToReal(a) if k == "real" and z3.is_int(a) else a
                 for a, k in zip(t, kinds, strict=True))
    has = z3.Function("has_first_day_counted_over", *sorts, z3.BoolSort())
    day = z3.Function("first_day_counted_over", *sorts, z3.IntSort())

    def exists(*a: Any) -> bool:
        return first_day_counted_over(*a) is not None

    def found(*a: Any) -> Any:
        value = first_day_counted_over(*a)
        if value is None:
            raise ValueError("no such day")      # no refinement: the value is not used
        return value

    has_term, day_term = has(*canonical), day(*canonical)
    from .counted_axioms import CountedCall
    counted = CountedCall(args, has_term, day_term, canonical, sorts)
    scope.abstract_calls.append(AbstractCall("has_first_day_counted_over", args, kinds,
                                             has_term, exists, has, counted))
    if name == "has_first_day_counted_over":
        return has_term, FALSE
    scope.abstract_calls.append(AbstractCall(name, args, kinds, day_term, found, day, counted))
    scope.calendar.assumptions.append(z3.Implies(has_term, and_(day_term >= t[6],
                                                                  day_term <= t[7])))
    return day_term, not_(has_term)


def _counted_closed_form(name: str, t: list[Any]) -> tuple[Any, Any] | None:
    """Exact terms when nothing is counted at a rate (the part days are the days
    themselves, at 100 %) and the window is fixed: the first day over the limit is ``from``
    if the window already holds more than ``limit`` days then, else the (limit+1)-th day."""
    from .encode_periods import period_function
    days, part, rate, limit, window_start, window_days, start, end = t
    same = days is part or (isinstance(days, PeriodsVar) and isinstance(part, PeriodsVar)
                            and days.count.eq(part.count)
                            and all(a.eq(b) for a, b in zip(days.starts, part.starts,
                                                            strict=True)))
    rate = z3.simplify(z3.ToReal(rate) if z3.is_int(rate) else rate)
    fixed = z3.is_int_value(z3.simplify(window_days)) and \
        z3.simplify(window_days).as_long() <= 0
    if not (same and fixed and z3.is_rational_value(rate)
            and Fraction(rate.as_fraction()) == 1):
        return None
    before, _ = period_function("days_in_window", [days, window_start, start])
    has_nth, _ = period_function("has_nth_day_in_window", [days, limit + 1, window_start, end])
    nth, _ = period_function("nth_day_in_window", [days, limit + 1, window_start, end])
    over_at_start = z3.If(window_start <= start, before > limit, limit < 0)
    exists = and_(start <= end, z3.Or(over_at_start, has_nth))
    if name == "has_first_day_counted_over":
        return exists, FALSE
    return z3.If(over_at_start, start, nth), not_(exists)


def working_day_call(scope: ExprScope, name: str, t: list[Any], kind_name: str
                 ) -> tuple[Any, Any]:
    d = t[0]
    if kind_name == "calendar":
        if name == "nth_counted_day":
            return d + t[1] - 1, t[1] < 1
        if name == "previous_counted_day":
            return d - 1, FALSE
        return (TRUE, FALSE) if name == "is_counted_day" else (d, FALSE)
    kind = DayKind(kind_name)
    jur: Any = scope.jurisdiction
    symbol = f"{name}:{kind_name}:{jur}"     # one function: equal arguments, equal values
    weekday = Calendar.weekday
    five_days = kind_name in ("jours_ouvres", "jours_ouvrables_mon_fri")

    def on_schedule(x: Any) -> Any:
        return weekday(x) < 5 if five_days else weekday(x) != 6
    if name == "is_counted_day":
        function = z3.Function(symbol, z3.IntSort(), z3.BoolSort())
        result = function(d)
        scope.calendar.assumptions.append(z3.Implies(not_(on_schedule(d)),
                                                          not_(result)))
        scope.abstract_calls.append(AbstractCall(
            name, (d,), ("date",), result,
            lambda x: is_counted_day(x, kind, jur), function))
        return result, FALSE
    fails: Any = FALSE
    single = {"roll_forward": (roll_forward, 0, 7), "roll_backward": (roll_backward, -7, 0),
              "previous_counted_day": (previous_counted_day, -7, -1)}
    if name in single:
        compute, low, high = single[name]
        function = z3.Function(symbol, z3.IntSort(), z3.IntSort())
        result = function(d)
        bounds = z3.And(result >= d + low, result <= d + high, on_schedule(result))
        call = AbstractCall(name, (d,), ("date",), result,
                            lambda x: compute(x, kind, jur), function)
    else:
        n = t[1]
        function = z3.Function(symbol, z3.IntSort(), z3.IntSort(), z3.IntSort())
        result = function(d, n)
        bounds = z3.Implies(n >= 1, z3.And(result >= d + n - 1, result <= d + 2 * n + 7,
                                           on_schedule(result)))
        call = AbstractCall(name, (d, n), ("date", "int"), result,
                            lambda x, m: nth_counted_day_from(x, m, kind, jur), function)
        fails = n < 1
    scope.calendar.assumptions.append(bounds)
    scope.abstract_calls.append(call)
    return result, fails
