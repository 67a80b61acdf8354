"""Stage 4 (evaluate): evaluate one compiled expression in an environment.

``and``, ``or`` and ``if`` are lazy, so a fact that the case does not give is only
missing when a conclusion really needs it.  Every fact, parameter and output read is
recorded in the environment's trace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ..compile.model import (
    Binary,
    Call,
    Deontic,
    Duration,
    Expr,
    IfThenElse,
    Literal,
    Months,
    Ref,
    Typed,
    Unary,
)
from .builtins import EvaluationError
from .trace import ParameterUse, TraceNode


class MissingFactError(Exception):
    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__(", ".join(names))
        self.names = names


class UndeterminedError(Exception):
    """An output this expression needs has no value (no rule applies, or a conflict)."""

    def __init__(self, output: str, status: str) -> None:
        super().__init__(f"{output}: {status}")
        self.output = output
        self.status = status


class Env:
    """What an expression can read: facts, parameters, outputs, lets and ``month``."""

    def __init__(self, *, fact: Callable[[str], Any], parameter: Callable[[str], ParameterUse],
                 output: Callable[[str], Any], functions: dict[str, Callable[..., Any]],
                 given: Callable[[str], bool], lets: dict[str, Typed], node: TraceNode) -> None:
        self.fact = fact
        self.parameter = parameter
        self.output = output
        self.functions = functions
        self.given = given
        self.lets = lets
        self.let_values: dict[str, Any] = {}
        self.month: date | None = None
        self.node = node

    def ref(self, ref: Ref) -> Any:
        if ref.kind == "fact":
            value = self.fact(ref.target)
            self.node.facts[ref.target] = value
        elif ref.kind == "parameter":
            use = self.parameter(ref.target)
            self.node.parameters[ref.target] = use
            value = use.value
        elif ref.kind == "output":
            value = self.output(ref.target)
            if ref.target not in self.node.uses:
                self.node.uses.append(ref.target)
        elif ref.kind == "local":
            if ref.target not in self.let_values:
                self.let_values[ref.target] = evaluate(self.lets[ref.target].expr, self)
            value = self.let_values[ref.target]
        else:  # month
            value = self.month
        if ref.field is None:
            return value
        assert isinstance(value, Deontic)
        return {"deadline": value.deadline, "from": value.start, "until": value.end}[ref.field]


def evaluate(expr: Expr, env: Env) -> Any:
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Ref):
        return env.ref(expr)
    if isinstance(expr, Unary):
        operand = evaluate(expr.operand, env)
        if expr.op == "not":
            return not operand
        if isinstance(operand, Duration):
            return Duration(-operand.days)
        if isinstance(operand, Months):
            return Months(-operand.count)
        return -operand
    if isinstance(expr, IfThenElse):
        branch = expr.then if evaluate(expr.condition, env) else expr.otherwise
        return evaluate(branch, env)
    if isinstance(expr, Binary):
        if expr.op == "and":
            return bool(evaluate(expr.left, env)) and bool(evaluate(expr.right, env))
        if expr.op == "or":
            return bool(evaluate(expr.left, env)) or bool(evaluate(expr.right, env))
        return binary(expr.op, evaluate(expr.left, env), evaluate(expr.right, env))
    if isinstance(expr, Call):
        if expr.function == "given":
            arg = expr.args[0]
            assert isinstance(arg, Ref)
            return env.given(arg.target)
        args = [evaluate(a, env) for a in expr.args]
        if expr.function in ("min", "max"):
            return (min if expr.function == "min" else max)(args)
        try:
            return env.functions[expr.function](*args)
        except EvaluationError:
            raise
        except (ValueError, OverflowError) as exc:
            raise EvaluationError(f"{expr.function}(): {exc}") from None
    raise TypeError(f"cannot evaluate {type(expr).__name__}")


def binary(op: str, a: Any, b: Any) -> Any:
    if op in ("==", "!="):
        equal = a == b
        return equal if op == "==" else not equal
    if op in ("<", "<=", ">", ">="):
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    if op == "+":
        if isinstance(a, date) and isinstance(b, Duration):
            return _shift(a, b.days)
        if isinstance(a, Duration) and isinstance(b, date):
            return _shift(b, a.days)
        if isinstance(a, Duration):
            return Duration(a.days + b.days)
        if isinstance(a, Months):
            return Months(a.count + b.count)
        return a + b
    if op == "-":
        if isinstance(a, date) and isinstance(b, Duration):
            return _shift(a, -b.days)
        if isinstance(a, date) and isinstance(b, date):
            return Duration((a - b).days)
        if isinstance(a, Duration):
            return Duration(a.days - b.days)
        if isinstance(a, Months):
            return Months(a.count - b.count)
        return a - b
    if op == "*":
        for x, y in ((a, b), (b, a)):
            if isinstance(x, Duration):
                return Duration(x.days * y)
            if isinstance(x, Months):
                return Months(x.count * y)
        return a * b
    if op == "/":
        if b == 0:
            raise EvaluationError("division by zero")
        return Fraction(a) / Fraction(b)
    raise TypeError(op)


def _shift(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise EvaluationError(f"{d} + {days} days is outside the calendar") from None
