"""The vector backend: the compiled IR evaluated over columns of persons (numpy).

The same rule versions, parameters and expressions as the interpreter, evaluated for every
person of a block at once.  A value is an array broadcast over (persons, months): per-person
values have shape (N, 1), the values of a monthly timeline (N, M) over a grid of months.
Dates are day numbers, booleans bool arrays, enum values strings; "missing" (a fact the
case does not give) is a boolean mask carried beside every value.

What compiles (anything else raises :class:`Unsupported`, and the output is left to the
interpreter, per output):

* an output concluded by rules (after the choice of reading, as the interpreter makes it)
  that no rule disapplies (transitional clauses are tried first, as the interpreter
  does); per person, a rule declared ``exception_to`` another prevails over it when
  both apply (backend.Resolver); persons are grouped by the version and parameter
  values the interpreter would select for them (``selected_by`` fact, as-of date or
  ``--law-as-of``); a person for whom a value is missing, or whose rules conflict, is
  left to the interpreter;
* expressions made of literals, facts (dates and periods), parameters (their value on the
  version's date), lets, other outputs (scalars; one without a value makes the reading
  conclusion fail, as the interpreter's UndeterminedError), ``month``, comparisons,
  ``and``/``or``/``not`` and ``if then else`` in three-valued logic as the interpreter's,
  and the calls of :data:`FUNCTIONS` (day counts by prefix sums; the CCSS employer-charged
  recurrence in one pass over the months; the first day counted over a limit by
  bisection), the counted-day functions of counted.py (working days, public holidays),
  ``has_month_with`` / ``first_month_with`` over a timeline output, and exact numbers
  (money, percentages, decimals) with the interpreter's operators and rounding (numbers.py);
* conclusions with a ``value`` (scalars, exact numbers) or ``each_month`` (timelines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np

from ..compile.model import (
    UNKNOWN,
    Binary,
    Call,
    Duration,
    Expr,
    IfThenElse,
    KnowledgeBase,
    Literal,
    Months,
    Ref,
    Rule,
    RuleVersion,
    Unary,
)
from .columns import SPAN, Bools, Ints, Periods, day, month_end, month_of_day, month_start


class Unsupported(Exception):  # noqa: N818 (a signal to fall back, not an error)
    """This output (or this block of persons) is left to the interpreter."""


@dataclass
class Value:
    data: Any                        # numpy array (or a Periods for a periods fact)
    missing: Bools                   # broadcastable to data
    kind: str                        # date | integer | boolean | enum | periods | duration | rate
    # where an output it reads has no value (the interpreter's UndeterminedError: the
    # conclusion fails and another rule may stand); ``missing`` (left to the interpreter)
    # takes precedence over it, as in the interpreter (evaluate/expressions.py, _failure)
    undetermined: Any = False


#: what the compiler reads of another output: per person of the whole population, its value
#: (day numbers, integers, booleans, enum codes), whether it has one, whether it has none
#: ("no_value": reading it fails), and its kind; a person in neither is left to the interpreter
OutputColumn = tuple[Any, Bools, Bools, str]


@dataclass
class Block:
    """The columns of a block of persons."""

    n: int
    dates: dict[str, tuple[Ints, Bools]] = field(default_factory=dict)       # value, given
    periods: dict[str, Periods] = field(default_factory=dict)
    months: Ints | None = None       # (1, M) month indices of the grid, when a timeline
    # boolean, integer and enum facts: value (enum values as codes), given, kind
    scalars: dict[str, tuple[Any, Bools, str]] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)    # enum values by code
    memo: dict[Any, Any] = field(default_factory=dict)  # kernels shared between outputs
    jurisdiction: str = "lu"         # whose public holidays count (counted days)

    def code(self, text: str) -> int:
        """The code of an enum value (added on first use)."""
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def text(self, codes: Any) -> Any:
        """Enum codes back to their values."""
        return np.asarray(self.strings, dtype=object)[codes]


def _none(n: int) -> Bools:
    return np.zeros((n, 1), np.bool_)


def _unknown_parameter(kb: KnowledgeBase, name: str, n: int) -> Value:
    """A parameter with no verified value on the day: missing for every person, as the
    interpreter reads it (MissingFactError naming the parameter: the persons whose answer
    needs it are left to the interpreter, which says so), of its declared type."""
    kind = kb.parameters[name].type.kind
    missing = np.ones((n, 1), np.bool_)
    if kind in ("money", "percentage", "decimal"):     # exact numbers (int / Fraction)
        return Value(np.array([[0]], object), missing, "number")
    if kind in ("integer", "duration", "months"):
        return Value(np.zeros((1, 1), np.int64), missing, kind)
    raise Unsupported(f"parameter {name}")


class Compiler:
    """Evaluates the expressions of one rule version over a block."""

    def __init__(self, kb: KnowledgeBase, version: RuleVersion, on: date, block: Block,
                 outputs: Callable[[str], OutputColumn] | None = None,
                 rows: Ints | None = None) -> None:
        self.kb, self.version, self.on, self.block = kb, version, on, block
        self.lets = dict(version.lets)
        self.memo: dict[str, Value] = {}
        self.outputs, self.rows = outputs, rows      # other outputs; this block's persons
        self._und: dict[int, Any] = {}                # undetermined, by expression node
        self._facts: dict[str, Value] = {}            # a fact's column, read once

    def code(self, text: str) -> int:
        return self.block.code(text)

    def value(self, expr: Expr) -> Value:
        method: Callable[[Any], Value] | None = getattr(self, "_" + type(expr).__name__, None)
        if method is None:
            raise Unsupported(type(expr).__name__)
        result = method(expr)
        strict = isinstance(expr, Unary | Call) or (isinstance(expr, Binary)
                                                      and expr.op not in ("and", "or"))
        if strict and not (isinstance(expr, Call) and expr.function == "given"):
            # every operand is evaluated: an operand that fails makes the whole fail
            und = result.undetermined
            for child in _children(expr):
                und = und | self._undetermined(child)
            if und is not False:
                result = Value(result.data, result.missing, result.kind, und)
        self._und[id(expr)] = result.undetermined
        return result

    def _undetermined(self, expr: Expr) -> Any:
        if id(expr) in self._und:
            return self._und[id(expr)]
        und: Any = False                  # not evaluated as such (floor's product): its parts
        for child in _children(expr):
            und = und | self._undetermined(child)
        return und

    def _Literal(self, expr: Literal) -> Value:  # noqa: N802
        n = self.block.n
        if isinstance(expr.value, bool):
            return Value(np.array([[expr.value]]), _none(n), "boolean")
        if isinstance(expr.value, int):
            return Value(np.array([[expr.value]], np.int64), _none(n), "integer")
        if isinstance(expr.value, str):      # enum values as small integer codes
            return Value(np.array([[self.code(expr.value)]], np.int16), _none(n), "enum")
        if isinstance(expr.value, Duration):
            return Value(np.array([[expr.value.days]], np.int64), _none(n), "duration")
        if isinstance(expr.value, Months):     # a number of calendar months, as a count
            return Value(np.array([[expr.value.count]], np.int64), _none(n), "months")
        if isinstance(expr.value, date):
            return Value(np.array([[day(expr.value)]], np.int64), _none(n), "date")
        if isinstance(expr.value, Fraction):
            return Value(np.array([[expr.value]], object), _none(n), "rate")
        raise Unsupported(f"literal {expr.value!r}")

    def _Ref(self, expr: Ref) -> Value:  # noqa: N802
        n = self.block.n
        if expr.kind == "month":
            if self.block.months is None:
                raise Unsupported("month outside a timeline")
            return Value(month_start(self.block.months), _none(n), "date")
        if expr.kind == "local":
            if expr.target not in self.memo:
                self.memo[expr.target] = self.value(self.lets[expr.target].expr)
            return self.memo[expr.target]
        if expr.kind == "parameter":
            found = self.kb.parameters[expr.target].value_on(self.on)
            if found is not None and found.value is UNKNOWN:
                return _unknown_parameter(self.kb, expr.target, n)
            if found is not None and isinstance(found.value, Fraction):
                return Value(np.array([[found.value]], object), _none(n), "rate")
            if found is not None and isinstance(found.value, Months):
                return Value(np.array([[found.value.count]], np.int64), _none(n), "months")
            if found is None or not isinstance(found.value, int | Duration) \
                    or isinstance(found.value, bool):
                raise Unsupported(f"parameter {expr.target}")
            raw = found.value
            kind = "duration" if isinstance(raw, Duration) else "integer"
            number = raw.days if isinstance(raw, Duration) else raw
            return Value(np.array([[number]], np.int64), _none(n), kind)
        if expr.kind == "fact":
            if expr.target not in self._facts:
                self._facts[expr.target] = self._fact(expr)
            return self._facts[expr.target]
        if expr.kind == "output" and self.outputs is not None:
            name = expr.target if expr.field is None else f"{expr.target}.{expr.field}"
            data, has, none, kind = self.outputs(name)
            if self.rows is not None:
                data, has, none = data[self.rows], has[self.rows], none[self.rows]
            return Value(data.reshape(-1, 1), ~(has | none).reshape(-1, 1), kind,
                         none.reshape(-1, 1))
        raise Unsupported(f"{expr.kind} {expr.target}")

    def _fact(self, expr: Ref) -> Value:
        """A fact's column (the same Value each time it is read, so that kernels can
        recognise their arguments)."""
        if expr.type.kind == "periods" and expr.target in self.block.periods:
            periods = self.block.periods[expr.target]
            return Value(periods, ~periods.given.reshape(-1, 1), "periods")
        if expr.type.kind == "date" and expr.target in self.block.dates:
            values, given = self.block.dates[expr.target]
            return Value(values.reshape(-1, 1), ~given.reshape(-1, 1), "date")
        if expr.target in self.block.scalars:
            values, given, kind = self.block.scalars[expr.target]
            return Value(values.reshape(-1, 1), ~given.reshape(-1, 1), kind)
        raise Unsupported(f"{expr.kind} {expr.target}")

    def _Unary(self, expr: Unary) -> Value:  # noqa: N802
        inner = self.value(expr.operand)
        if expr.op == "not" and inner.kind == "boolean":
            return Value(~inner.data, inner.missing, "boolean")
        if expr.op == "-" and inner.kind in ("integer", "duration"):
            return Value(-inner.data, inner.missing, inner.kind)
        if expr.op == "-" and inner.kind in ("number", "rate"):
            return Value(-inner.data, inner.missing, "number")   # int or Fraction, negated
        raise Unsupported(f"unary {expr.op}")

    def _Binary(self, expr: Binary) -> Value:  # noqa: N802
        a, b = self.value(expr.left), self.value(expr.right)
        if a.kind in ("periods", "timeline") or b.kind in ("periods", "timeline"):
            raise Unsupported(f"operator on {a.kind}, {b.kind}")
        op = expr.op
        if op not in ("and", "or"):
            from . import numbers
            exact = numbers.binary(op, a, b)
            if exact is not None:
                return exact
        missing = a.missing | b.missing
        compare = {"<": np.less, "<=": np.less_equal, ">": np.greater,
                   ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal}
        if op in compare:
            if (a.kind == "months") != (b.kind == "months"):
                raise Unsupported(f"comparison of {a.kind} and {b.kind}")
            return Value(compare[op](a.data, b.data), missing, "boolean")
        if op in ("and", "or") and a.kind == b.kind == "boolean":
            # Kleene, as the interpreter (left to right, lazy): a known false (true) left side
            # decides and (or); a failed left side is decided by a known false (true) right
            # side; anything else fails with the failures of both sides
            decides = np.False_ if op == "and" else np.True_
            a_failed = a.missing | a.undetermined
            b_failed = b.missing | b.undetermined
            decided = (~a_failed & (a.data == decides)) | (a_failed & ~b_failed
                                                            & (b.data == decides))
            data = np.where(decided, decides, a.data & b.data if op == "and"
                            else a.data | b.data)
            return Value(data, missing & ~decided, "boolean",
                         (a.undetermined | b.undetermined) & ~decided)
        if op in ("+", "-"):
            kinds = (a.kind, b.kind)
            if kinds in (("date", "duration"), ("integer", "integer"),
                         ("duration", "duration")):
                data = a.data + b.data if op == "+" else a.data - b.data
                return Value(data, missing, a.kind)
            if kinds == ("date", "date") and op == "-":
                return Value(a.data - b.data, missing, "duration")
        if op == "*":
            kinds = (a.kind, b.kind)
            if kinds == ("integer", "integer"):
                return Value(a.data * b.data, missing, "integer")
            if kinds in (("duration", "integer"), ("integer", "duration")):
                return Value(a.data * b.data, missing, "duration")
        raise Unsupported(f"operator {op} on {a.kind}, {b.kind}")

    def _IfThenElse(self, expr: IfThenElse) -> Value:  # noqa: N802
        condition = self.value(expr.condition)
        then, otherwise = self.value(expr.then), self.value(expr.otherwise)
        if then.kind != otherwise.kind and {then.kind, otherwise.kind} <= {
                "number", "rate", "integer"}:
            from .numbers import objects  # an exact number and an integer
            then = Value(objects(then), then.missing, "number", then.undetermined)
            otherwise = Value(objects(otherwise), otherwise.missing, "number",
                              otherwise.undetermined)
        if condition.kind != "boolean" or then.kind != otherwise.kind:
            raise Unsupported("if")
        data = np.where(condition.data, then.data, otherwise.data)
        failed = condition.missing | condition.undetermined
        branches = (then.missing, otherwise.missing, then.undetermined, otherwise.undetermined)
        if not any(np.any(b) for b in (failed, *branches)):
            return Value(data, condition.missing, then.kind)      # nothing fails
        # Kleene: a failed condition takes the value of both branches when they agree
        agree = ~(then.missing | then.undetermined | otherwise.missing
                  | otherwise.undetermined) & (then.data == otherwise.data)
        either = then.missing | otherwise.missing
        missing = np.where(failed, (condition.missing | either) & ~agree,
                           np.where(condition.data, then.missing, otherwise.missing))
        und = np.where(failed, (condition.undetermined | then.undetermined
                                | otherwise.undetermined) & ~agree,
                       np.where(condition.data, then.undetermined, otherwise.undetermined))
        return Value(data, missing, then.kind, und)

    def _floor_of_rate(self, product: Binary) -> Value:
        """``floor(count * rate)`` with a rate parameter (an exact fraction p/q): computed
        exactly as ``(count * p) // q`` (e.g. the counting rate of part-time days)."""
        from fractions import Fraction
        sides = [product.left, product.right]
        rate = next((s for s in sides if isinstance(s, Ref) and s.kind == "parameter"), None)
        if rate is None:
            raise Unsupported("floor of a product without a rate parameter")
        found = self.kb.parameters[rate.target].value_on(self.on)
        if found is None or not isinstance(found.value, Fraction | int) \
                or isinstance(found.value, bool):
            raise Unsupported(f"parameter {rate.target}")
        fraction = Fraction(found.value)
        count = self.value(sides[1] if sides[0] is rate else sides[0])
        if count.kind != "integer":
            raise Unsupported("floor of a rate times a non-integer")
        data = np.floor_divide(np.asarray(count.data, np.int64) * fraction.numerator,
                               fraction.denominator)
        return Value(data, count.missing, "integer")

    def _Call(self, expr: Call) -> Value:  # noqa: N802
        n = self.block.n
        if expr.function == "given" and len(expr.args) == 1:
            inner = self.value(expr.args[0])
            return Value(~np.broadcast_to(inner.missing, (n, 1)), _none(n), "boolean")
        if expr.function == "floor" and isinstance(expr.args[0], Binary) \
                and expr.args[0].op == "/":
            a, b = self.value(expr.args[0].left), self.value(expr.args[0].right)
            if a.kind != "integer" or b.kind != "integer" or bool(np.any(b.data == 0)):
                raise Unsupported("floor")
            return Value(np.floor_divide(a.data, b.data), a.missing | b.missing, "integer")
        if expr.function == "floor" and isinstance(expr.args[0], Binary) \
                and expr.args[0].op == "*":
            return self._floor_of_rate(expr.args[0])
        function = FUNCTIONS.get(expr.function)
        if function is None:
            from .numbers import call
            found = call(self, expr.function, [self.value(arg) for arg in expr.args])
            if found is None:
                raise Unsupported(f"function {expr.function}")
            return found
        return function(self, [self.value(arg) for arg in expr.args])


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, IfThenElse):
        return (expr.condition, expr.then, expr.otherwise)
    if isinstance(expr, Call):
        return expr.args
    return ()


def _periods(v: Value) -> Periods:
    if v.kind != "periods":
        raise Unsupported("expected periods")
    periods: Periods = v.data
    return periods


def _days_in_window(c: Compiler, args: list[Value]) -> Value:
    periods, first, last = _periods(args[0]), args[1], args[2]
    first_data, last_data = np.broadcast_arrays(first.data, last.data)
    if first_data.shape[0] != 1:          # per-person windows; else the same for everyone
        shape = np.broadcast_shapes(first_data.shape, (c.block.n, 1))
        first_data = np.broadcast_to(first_data, shape)
        last_data = np.broadcast_to(last_data, shape)
    counted = periods.count(first_data, last_data)
    return Value(np.broadcast_to(counted, np.broadcast_shapes(counted.shape, (c.block.n, 1))),
                 args[0].missing | first.missing | last.missing, "integer")


def longest_gaps(periods: Periods, first: Ints, last: Ints) -> Ints:
    """Per person, the longest run of days in [first, last] that none of its periods covers
    (builtins ``longest_gap_in_window``; the window must not end before it starts)."""
    n = len(first)
    counts = np.diff(periods.offsets)
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    start = np.maximum(periods.start, first[owner])
    end = np.minimum(periods.end, last[owner])
    kept = start <= end
    owner, start, end = owner[kept], start[kept], end[kept]
    # the latest end so far within each person (periods are sorted by start; the owner's
    # offset keeps the running maximum from crossing persons)
    reach = np.maximum.accumulate(owner * SPAN + end) - owner * SPAN if len(end) else end
    opens = np.ones(len(owner), np.bool_)
    opens[1:] = owner[1:] != owner[:-1]
    before = np.empty_like(end)
    before[1:] = reach[:-1]
    before[opens] = first[owner[opens]] - 1
    longest = np.zeros(n, np.int64)
    np.maximum.at(longest, owner, start - before - 1)
    covered_to = first - 1
    closes = np.ones(len(owner), np.bool_)
    closes[:-1] = owner[1:] != owner[:-1]
    covered_to[owner[closes]] = reach[closes]
    gaps: Ints = np.maximum(longest, last - covered_to)
    return gaps


def _longest_gap(c: Compiler, args: list[Value]) -> Value:
    periods, first, last = args
    if any(a.data.ndim == 2 and a.data.shape[1] != 1 for a in args[1:]):
        raise Unsupported("a gap over a timeline")
    n = c.block.n
    a = _per_person(first, n).astype(np.int64)
    b = _per_person(last, n).astype(np.int64)
    found = longest_gaps(_periods(periods), a, b)
    # a window that ends before it starts is the interpreter's error: left to it
    missing = periods.missing | first.missing | last.missing | (b < a).reshape(-1, 1)
    return Value(found.reshape(-1, 1), missing, "integer")


def _per_person(v: Value, n: int) -> Any:
    data = np.broadcast_to(v.data, (n, 1))
    return data.reshape(-1)


def _failed_arguments(args: list[Value]) -> Any:
    """Where an argument fails (an output it reads has no value)."""
    failed: Any = False
    for a in args:
        failed = failed | a.undetermined
    return np.asarray(failed, np.bool_)


def _nth(which: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        periods, count, first, last = args
        if any(a.data.ndim == 2 and a.data.shape[1] != 1 for a in args[1:]):
            raise Unsupported("n-th day over a timeline")
        n = c.block.n
        found, has = _periods(periods).nth(_per_person(count, n), _per_person(first, n),
                                           _per_person(last, n))
        missing = periods.missing | count.missing | first.missing | last.missing
        if which == "has":
            return Value(has.reshape(-1, 1), missing, "boolean")
        # where there is none, the interpreter reports an error: left to it (not where an
        # argument fails: the interpreter stops there, before the function is called)
        return Value(found.reshape(-1, 1), missing | (~has.reshape(-1, 1)
                                                      & ~_failed_arguments(args)), "date")
    return call


def _containing(which: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        periods, d = args
        if d.data.ndim == 2 and d.data.shape[1] != 1:
            raise Unsupported("period over a timeline")
        p = _periods(periods)
        # in_periods, period_start_on and period_end_on of the same day search once
        found = p.memo.get(("containing", id(d.data)))
        if found is None or found[0] is not d.data:
            found = (d.data, *p.containing(_per_person(d, c.block.n)))
            p.memo[("containing", id(d.data))] = found
        index, inside = found[1], found[2]
        missing = periods.missing | d.missing
        if which == "in":
            return Value(inside.reshape(-1, 1), missing, "boolean")
        if len(p.start) == 0:
            values = np.zeros(c.block.n, np.int64)
        else:
            values = p.start[index] if which == "start" else p.end[index]
        return Value(values.reshape(-1, 1), missing | ~inside.reshape(-1, 1), "date")
    return call


def _day_count(c: Compiler, args: list[Value]) -> Value:
    if args[0].kind != "duration":
        raise Unsupported("day_count")
    return Value(args[0].data, args[0].missing, "integer")


def _months_window_start(c: Compiler, args: list[Value]) -> Value:
    d, n = args
    return Value(month_start(month_of_day(d.data) - n.data + 1), d.missing | n.missing, "date")


def _eve(c: Compiler, args: list[Value]) -> Value:
    return Value(args[0].data - 1, args[0].missing, "date")


def _start_of_month(c: Compiler, args: list[Value]) -> Value:
    return Value(month_start(month_of_day(args[0].data)), args[0].missing, "date")


def _end_of_month(c: Compiler, args: list[Value]) -> Value:
    return Value(month_end(month_of_day(args[0].data)), args[0].missing, "date")


def _end_of_year(c: Compiler, args: list[Value]) -> Value:
    month = month_of_day(args[0].data)
    return Value(month_end(month - month % 12 + 11), args[0].missing, "date")


def _nth_day(c: Compiler, args: list[Value]) -> Value:
    start, n = args
    # day numbers start at 1: the interpreter's error otherwise, left to it
    return Value(start.data + n.data - 1, start.missing | n.missing | (n.data < 1), "date")


def _days_between(inclusive: bool) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        a, b = args
        missing = a.missing | b.missing
        if inclusive:            # an inclusive range ending before it starts: an error
            return Value(b.data - a.data + 1, missing | (b.data < a.data), "integer")
        return Value(b.data - a.data, missing, "integer")
    return call


def _first_day_of_next_month(c: Compiler, args: list[Value]) -> Value:
    return Value(month_start(month_of_day(args[0].data) + 1), args[0].missing, "date")


def _duration(days_per_unit: int) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        if args[0].kind != "integer":
            raise Unsupported("a duration of a non-integer")
        return Value(args[0].data * days_per_unit, args[0].missing, "duration")
    return call


def _add_months(c: Compiler, args: list[Value]) -> Value:
    d, n, policy = args
    if policy.kind != "enum" or policy.data.size != 1 \
            or c.block.strings[int(policy.data.ravel()[0])] != "clamp":
        raise Unsupported("add_months other than clamp")   # refuse: an error per person
    month = month_of_day(d.data)
    target = month + n.data
    data = np.minimum(month_start(target) + (d.data - month_start(month)), month_end(target))
    return Value(data, d.missing | n.missing, "date")


def _first_or_last(which: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        periods = _periods(args[0])
        values, has = periods.first_day() if which == "first" else periods.last_day()
        if not bool(np.all(has | ~periods.given)):
            raise Unsupported("no periods")          # the interpreter's error, per person
        return Value(values.reshape(-1, 1), args[0].missing, "date")
    return call


def _minmax(which: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        kinds = {a.kind for a in args}
        if kinds & {"number", "rate"} and kinds <= {"number", "rate", "integer"}:
            from .numbers import pick
            return pick(which, args)
        if len(kinds) != 1 or kinds.pop() not in ("date", "integer", "duration"):
            raise Unsupported(which)
        data, missing = args[0].data, args[0].missing
        for a in args[1:]:
            data = np.minimum(data, a.data) if which == "min" else np.maximum(data, a.data)
            missing = missing | a.missing
        return Value(data, missing, args[0].kind)
    return call


def charged_recurrence(periods: Periods, months: Ints, n: int, limit: int
                       ) -> tuple[Ints, Bools]:
    """The CCSS employer-charged days B and the employer-pays flag for the grid ``months``
    (1, M) and every person, in one pass over the months (the recurrence of
    calendar/charged_days.py: payer(m0) = employer; payer(j) = employer iff B(j-1) < limit;
    B(j) = the days of the months j-n+1 .. j, from m0, that the employer pays).

    Months first: each step of the recurrence reads and writes one row (one month of every
    person), in place; the results are (N, M) views of the (M, N) arrays."""
    first, has = periods.first_day()
    m0 = month_of_day(first)
    grid = months.reshape(-1)
    if len(grid) and bool(np.any(has & (m0 < grid[0]))):
        raise Unsupported("the grid starts after a person's first month")
    days = periods.month_days(grid)                     # (M, N), months first
    charged = np.empty(days.shape, days.dtype)
    employer = np.ones(days.shape, np.bool_)
    paid = np.empty(days.shape, days.dtype)
    running = np.zeros(periods.persons, days.dtype)
    # before a person's first month (and for a person without periods) every month is the
    # employer's: with a positive limit the recurrence gives that by itself (no days, so
    # B = 0 < limit); otherwise those months are set apart
    idle = None if limit > 0 else (grid.reshape(-1, 1) < m0.reshape(1, -1)) | ~has
    for k in range(len(grid)):
        if k > 0:
            np.less(charged[k - 1], limit, out=employer[k])
            if idle is not None:
                employer[k] |= idle[k]
        np.multiply(days[k], employer[k], out=paid[k])
        running += paid[k]
        if k - n >= 0:
            running -= paid[k - n]
        charged[k] = running
    return charged.T, employer.T


def _charged(which: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        periods, month, n, limit = args
        if c.block.months is None or n.data.size != 1 or limit.data.size != 1:
            raise Unsupported("employer-charged days outside a timeline")
        grid_days = month_start(c.block.months)
        if month.data.shape != grid_days.shape or not np.array_equal(month.data, grid_days):
            raise Unsupported("employer-charged days of another month than the timeline's")
        key = ("charged", id(periods.data), int(n.data.ravel()[0]), int(limit.data.ravel()[0]),
               c.block.months.tobytes())
        if key not in c.block.memo:
            c.block.memo[key] = charged_recurrence(_periods(periods), c.block.months,
                                                   int(n.data.ravel()[0]),
                                                   int(limit.data.ravel()[0]))
        charged, employer = c.block.memo[key]
        missing = periods.missing | month.missing
        if which == "days":
            return Value(charged, missing, "integer")
        return Value(employer, missing, "boolean")
    return call


def counted_over(insured: Periods, half: Periods, rate: Fraction, limit: Ints,
                 window_start: Ints, window_days: Ints, first: Ints, last: Ints
                 ) -> tuple[Ints, Bools, Bools]:
    """``first_day_counted_over`` (engine/calendar/counted_days.py) for every person at once:
    the first day ``d`` in ``[first, last]`` on which the total of the window — fixed,
    ``[window_start, d]`` (``window_days`` <= 0), or sliding, the ``window_days`` days ending
    with ``d`` and not before ``window_start`` — exceeds ``limit``, the days of ``half`` (also
    days of ``insured``) counted at ``rate``, the fraction dropped on the total.

    Where the total cannot decrease from one day to the next and grows by at most one a
    day — in a fixed window when the half days lie inside the insured periods and
    0 <= rate <= 1; in a sliding window when the rate is 1 and every day of ``[first, last]``
    is insured (a day adds one and drops at most one) — no day before ``d + limit - total(d)
    + 1`` can be over when ``d`` is not: the search jumps there, a few times, then bisects
    what is left (each step raised by the same bound), only over the persons still open.
    Returns (day, whether there is one, whether the person's answer is exact: else it is
    left to the interpreter)."""
    n = insured.persons
    rows = np.arange(n, dtype=np.int64)
    sliding = window_days > 0

    def total(d: Ints, rows: Ints) -> Ints:
        ws, wd = window_start[rows], window_days[rows]
        start = np.where(sliding[rows], np.maximum(ws, d - wd + 1), ws)
        ins = insured.upto(d, rows) - insured.upto(start - 1, rows)
        if rate == 1 or half.start.size == 0:
            counted = ins
        else:
            h = half.upto(d, rows) - half.upto(start - 1, rows)
            counted = ins - h + (h * rate.numerator) // rate.denominator
        return np.where(d >= start, counted, 0)

    exact = np.ones(n, np.bool_)
    if half.start.size and rate != 1:
        owner = np.repeat(rows, np.diff(half.offsets))
        covered = insured.upto(half.end, owner) - insured.upto(half.start - 1, owner)
        outside = np.bincount(owner[covered != half.end - half.start + 1], minlength=n) > 0
        exact &= ~outside & (0 <= rate <= 1)
        exact &= ~(sliding & (np.diff(half.offsets) > 0))
    span = np.maximum(last - first + 1, 0)
    whole = insured.upto(last) - insured.upto(first - 1) == span
    exact &= ~sliding | whole
    has = (last >= first) & (total(np.maximum(last, first), rows) > limit)
    found = np.zeros(n, np.int64)
    # the first day over lies in [low, high] and high is over (for an exact person)
    open_ = np.flatnonzero(has)
    low, high = first[open_], np.maximum(last, first)[open_]
    for step in range(4 * 64):
        if not len(open_):
            break
        probe = low if step < 3 else (low + high) // 2
        counted = total(probe, open_)
        bound = limit[open_]
        over = counted > bound
        high = np.where(over, probe, high)
        low = np.where(over, low, probe + np.maximum(bound - counted, 0) + 1)
        done = low >= high
        found[open_[done]] = high[done]
        open_, low, high = open_[~done], low[~done], high[~done]
    return found, has, exact


def _counted_over(which: str) -> Callable[[Compiler, list[Value]], Value]:
    def call(c: Compiler, args: list[Value]) -> Value:
        insured, half, rate = _periods(args[0]), _periods(args[1]), args[2]
        if rate.kind not in ("rate", "integer") or rate.data.size != 1:
            raise Unsupported("first_day_counted_over with a rate per person")
        if any(a.data.ndim == 2 and a.data.shape[1] != 1 for a in args[3:]):
            raise Unsupported("first_day_counted_over over a timeline")
        n = c.block.n
        limit, ws, wd, first, last = (_per_person(a, n) for a in args[3:])
        day, has, exact = counted_over(insured, half, Fraction(rate.data.ravel()[0]), limit,
                                       ws, wd, first, last)
        missing = np.zeros((n, 1), np.bool_)
        for a in args:
            missing = missing | a.missing
        missing = missing | ~exact.reshape(-1, 1)
        if which == "has":
            return Value(has.reshape(-1, 1), missing, "boolean")
        # where there is none, the interpreter reports an error: left to it
        return Value(day.reshape(-1, 1), missing | ~has.reshape(-1, 1), "date")
    return call


FUNCTIONS: dict[str, Callable[[Compiler, list[Value]], Value]] = {
    "first_day_counted_over": _counted_over("first"),
    "has_first_day_counted_over": _counted_over("has"),
    "days_in_window": _days_in_window,
    "longest_gap_in_window": _longest_gap,
    "months_window_start": _months_window_start,
    "eve": _eve,
    "add_months": _add_months,
    "nth_day": _nth_day,
    "end_of_year": _end_of_year,
    "days_between": _days_between(False),
    "days_inclusive": _days_between(True),
    "first_day_of_next_month": _first_day_of_next_month,
    "days": _duration(1),
    "weeks": _duration(7),
    "start_of_month": _start_of_month,
    "end_of_month": _end_of_month,
    "first_day": _first_or_last("first"),
    "last_day": _first_or_last("last"),
    "min": _minmax("min"),
    "max": _minmax("max"),
    "nth_day_in_window": _nth("nth"),
    "has_nth_day_in_window": _nth("has"),
    "in_periods": _containing("in"),
    "period_start_on": _containing("start"),
    "period_end_on": _containing("end"),
    "day_count": _day_count,
    "employer_charged_days_in_window": _charged("days"),
    "employer_charged_month": _charged("month"),
}


from .counted import FUNCTIONS as _COUNTED  # noqa: E402 (it needs the compiler's types)

FUNCTIONS.update(_COUNTED)


def candidate_rules(kb: KnowledgeBase, jurisdiction: str, output: str, reading: str | None
                    ) -> list[Rule]:
    """The rules the interpreter considers for ``output`` (its own choice, reused)."""
    from ..evaluate.interpreter import candidates_of
    return candidates_of(kb, jurisdiction, output, reading)[0]
