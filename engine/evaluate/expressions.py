"""Stage 4 (evaluate): evaluate one compiled expression in an environment.

``and``, ``or`` and ``if`` are lazy and three-valued (Kleene), so a fact that the case
does not give is only missing when a conclusion really needs it: ``missing or true`` is
true, ``missing and false`` is false, and an ``if`` whose branches agree needs no
condition.  Every fact, parameter and output read is recorded in the environment's trace.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ..calendar.dates import OUTSIDE_THE_CALENDAR
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
    # raised and caught hundreds of times per case: its text is made only when shown
    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def __str__(self) -> str:
        return ", ".join(self.names)


class UndeterminedError(Exception):
    """An output this expression needs has no value (no rule applies, or a conflict)."""

    def __init__(self, output: str, status: str) -> None:
        super().__init__(f"{output}: {status}")
        self.output = output
        self.status = status


class Env:
    """What an expression can read: facts, parameters, outputs, lets and ``month``."""

    # read at every node of every expression: slots, no instance dictionary
    __slots__ = ("fact", "functions", "given", "let_values", "lets", "month", "node",
                 "output", "parameter", "parameter_values")

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
        self.parameter_values: dict[str, ParameterUse] = {}   # read once per environment
        self.month: date | None = None
        self.node = node

    def detached(self) -> Env:
        """This environment, kept to explain a "no" (``TraceNode.why_false``), no longer
        pointing at the node that keeps it (no cycle node → env → node: an outcome is
        freed by reference counting).  The explanation gives it a scratch node."""
        self.node = _DETACHED
        return self

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


_DETACHED: TraceNode = TraceNode("", None, "", None, None, "")  # type: ignore[arg-type]

Compiled = Callable[[Env], Any]
# id(expr) -> [expr, its function, the times it was asked for]
_COMPILED: dict[int, list[Any]] = {}
#: an expression asked for this many times is generated as Python code (see _Generator);
#: before, it runs as closures, cheap to build: a command that evaluates one case reads
#: most expressions once or twice, and generating them all would cost it more than it saves
GENERATE_AFTER = 8


# id(expr) -> (expr, its generated function): the expressions past GENERATE_AFTER, read
# with one look-up and no count
_GENERATED: dict[int, tuple[Expr, Compiled]] = {}


def evaluate(expr: Expr, env: Env) -> Any:
    """Evaluate ``expr``: each node is turned once into a Python function (kept with the
    node, which the knowledge base keeps alive), then called."""
    ready = _GENERATED.get(id(expr))
    if ready is not None and ready[0] is expr:
        return ready[1](env)
    return compiled(expr)(env)


def compiled(expr: Expr) -> Compiled:
    """The function of ``expr``: closures on first use, generated code once the
    expression is used again and again (both read the same nodes in the same order)."""
    ready = _GENERATED.get(id(expr))
    if ready is not None and ready[0] is expr:
        return ready[1]
    entry = _COMPILED.get(id(expr))
    if entry is None or entry[0] is not expr:
        entry = _COMPILED[id(expr)] = [expr, None, 0]
    uses = entry[2]
    if uses <= GENERATE_AFTER:
        entry[2] = uses + 1
        if uses == GENERATE_AFTER:
            entry[1] = _compile(expr)
            _GENERATED[id(expr)] = (expr, entry[1])
        elif entry[1] is None:
            entry[1] = _closure(expr)
    function: Compiled = entry[1]
    return function


def _compile(expr: Expr) -> Compiled:
    """The function of ``expr``: a literal's value, or the expression generated as one
    Python function (see :class:`_Generator`)."""
    if isinstance(expr, Literal):
        value = expr.value
        return lambda env: value
    return _Generator().function(expr)


def _closure(expr: Expr) -> Compiled:
    """``expr`` as closures, one per node (the first tier of :func:`compiled`)."""
    if isinstance(expr, Literal):
        value = expr.value
        return lambda env: value
    if isinstance(expr, Ref):
        return _compile_ref(expr)
    if isinstance(expr, Unary):
        operand = _closure(expr.operand)
        if expr.op == "not":
            return lambda env: not operand(env)
        return lambda env: _negate(operand(env))
    if isinstance(expr, IfThenElse):
        return _kleene_if(_closure(expr.condition), _closure(expr.then),
                          _closure(expr.otherwise))
    if isinstance(expr, Binary):
        left, right, op = _closure(expr.left), _closure(expr.right), expr.op
        if op in ("and", "or"):
            return _kleene(left, right, op == "or")
        compare = _COMPARISONS.get(op)
        if compare is not None:
            return lambda env: compare(left(env), right(env))
        return lambda env: binary(op, left(env), right(env))
    if isinstance(expr, Call):
        return _compile_call(expr)
    raise TypeError(f"cannot evaluate {type(expr).__name__}")


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge}


def _compile_ref(ref: Ref) -> Compiled:
    """A reference read as :meth:`Env.ref` reads it, specialised by kind once."""
    target = ref.target
    if ref.field is not None or ref.kind not in ("fact", "parameter", "output", "local",
                                                 "month"):
        return lambda env: env.ref(ref)
    if ref.kind == "month":
        return lambda env: env.month
    if ref.kind == "fact":
        def fact(env: Env) -> Any:
            value = env.fact(target)
            env.node.facts[target] = value
            return value
        return fact
    if ref.kind == "parameter":
        def parameter(env: Env) -> Any:
            use = env.parameter_values.get(target)
            if use is None:      # e.g. a timeline reads its parameters once, not each month
                use = env.parameter_values[target] = env.parameter(target)
                env.node.parameters[target] = use
            return use.value
        return parameter
    if ref.kind == "output":
        def output(env: Env) -> Any:
            value = env.output(target)
            uses = env.node.uses
            if target not in uses:
                uses.append(target)
            return value
        return output

    def local(env: Env) -> Any:
        values = env.let_values
        if target in values:
            return values[target]
        value = values[target] = evaluate(env.lets[target].expr, env)
        return value
    return local



_UNSET = object()


class _Generator:
    """One expression as the source of one Python function, compiled once: the nodes are
    read in order (operands left to right, arguments before the call), each into a local
    variable, with no call per node.  ``and``, ``or`` and ``if`` stay lazy: the right
    operand or the branch not chosen is not read; when the left operand or the condition is
    unknown, :func:`_either_unknown` and :func:`_if_unknown` (three-valued logic) read the
    other operands through their own functions.  What a node reads — a fact, a parameter,
    an output, a let — is recorded in the trace as :meth:`Env.ref` records it, and a
    built-in's own failure is told as :func:`_call_failure` tells it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.count = 0
        self.depth = 1
        self.uses_functions = False

    def function(self, expr: Expr) -> Compiled:
        result = self.node(expr)
        head = ["def generated(env):"]
        if self.uses_functions:
            head.append("    functions = env.functions")
        source = "\n".join([*head, *self.lines, f"    return {result}"])
        namespace: dict[str, Any] = {
            "EvaluationError": EvaluationError, "_call_failure": _call_failure,
            "_negate": _negate, "binary": binary, "_let": _let, "_UNSET": _UNSET,
            "_FAILURES": _FAILURES, "_either_unknown": _either_unknown,
            "_if_unknown": _if_unknown, **self.constants}
        exec(compile(source, "<lexlux expression>", "exec"), namespace)
        generated: Compiled = namespace["generated"]
        return generated

    def constant(self, value: Any) -> str:
        name = f"c{len(self.constants)}"
        self.constants[name] = value
        return name

    def local(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def emit(self, *lines: str) -> None:
        self.lines.extend("    " * self.depth + line for line in lines)

    def nested(self, expr: Expr) -> str:
        """``node(expr)`` one level of indentation deeper (in a try, else or if block)."""
        self.depth += 1
        try:
            return self.node(expr)
        finally:
            self.depth -= 1

    def node(self, expr: Expr) -> str:
        """Emit the statements that compute ``expr``; the name of the local holding it."""
        out = self.local()
        if isinstance(expr, Literal):
            self.emit(f"{out} = {self.constant(expr.value)}")
        elif isinstance(expr, Ref):
            self.ref(expr, out)
        elif isinstance(expr, Unary):
            operand = self.node(expr.operand)
            self.emit(f"{out} = not {operand}" if expr.op == "not"
                      else f"{out} = _negate({operand})")
        elif isinstance(expr, IfThenElse):
            self.if_then_else(expr, out)
        elif isinstance(expr, Binary) and expr.op in ("and", "or"):
            self.either(expr, out)
        elif isinstance(expr, Binary):
            left = self.node(expr.left)
            right = self.node(expr.right)
            if expr.op in _COMPARISONS:   # the same operators, written inline
                self.emit(f"{out} = {left} {expr.op} {right}")
            else:
                self.emit(f"{out} = binary({expr.op!r}, {left}, {right})")
        elif isinstance(expr, Call):
            self.call(expr, out)
        else:
            raise TypeError(f"cannot evaluate {type(expr).__name__}")
        return out

    def if_then_else(self, expr: IfThenElse, out: str) -> None:
        unknown = self.local()
        self.emit("try:")
        condition = self.nested(expr.condition)
        self.emit(f"except _FAILURES as {unknown}:",
                  f"    {out} = _if_unknown(env, {unknown}, "
                  f"{self.constant(_tiered(expr.then))}, "
                  f"{self.constant(_tiered(expr.otherwise))})",
                  "else:")
        self.depth += 1
        self.emit(f"if {condition}:")
        self.emit(f"    {out} = {self.nested(expr.then)}")
        self.emit("else:")
        self.emit(f"    {out} = {self.nested(expr.otherwise)}")
        self.depth -= 1

    def either(self, expr: Binary, out: str) -> None:
        is_or = expr.op == "or"
        unknown = self.local()
        self.emit("try:")
        left = self.nested(expr.left)
        self.emit(f"    {out} = bool({left})",
                  f"except _FAILURES as {unknown}:",
                  f"    {out} = _either_unknown(env, {unknown}, "
                  f"{self.constant(_tiered(expr.right))}, {is_or})",
                  "else:",
                  f"    if {out} is not {is_or}:")
        self.depth += 1
        right = self.nested(expr.right)
        self.emit(f"    {out} = bool({right})")
        self.depth -= 1

    def ref(self, ref: Ref, out: str) -> None:
        target = repr(ref.target)
        if ref.field is not None or ref.kind not in ("fact", "parameter", "output", "local",
                                                     "month"):
            self.emit(f"{out} = env.ref({self.constant(ref)})")
        elif ref.kind == "month":
            self.emit(f"{out} = env.month")
        elif ref.kind == "fact":
            self.emit(f"{out} = env.fact({target})",
                      f"env.node.facts[{target}] = {out}")
        elif ref.kind == "parameter":
            # read once per environment (a timeline reads its parameters once, not monthly)
            use = self.local()
            self.emit(f"{use} = env.parameter_values.get({target})",
                      f"if {use} is None:",
                      f"    {use} = env.parameter_values[{target}] = env.parameter({target})",
                      f"    env.node.parameters[{target}] = {use}",
                      f"{out} = {use}.value")
        elif ref.kind == "output":
            self.emit(f"{out} = env.output({target})",
                      f"if {target} not in env.node.uses:",
                      f"    env.node.uses.append({target})")
        else:
            self.emit(f"{out} = env.let_values.get({target}, _UNSET)",
                      f"if {out} is _UNSET:",
                      f"    {out} = _let(env, {target})")

    def call(self, expr: Call, out: str) -> None:
        name = expr.function
        if name == "given":
            arg = expr.args[0]
            assert isinstance(arg, Ref)
            self.emit(f"{out} = env.given({arg.target!r})")
            return
        args = [self.node(a) for a in expr.args]     # read before the call
        if name in ("min", "max"):
            self.emit(f"{out} = {self.constant(min if name == 'min' else max)}"
                      f"([{', '.join(args)}])")
            return
        self.uses_functions = True
        self.emit("try:",
                  f"    {out} = functions[{name!r}]({', '.join(args)})",
                  "except EvaluationError:",
                  "    raise",
                  "except (OverflowError, ValueError) as exc:",
                  f"    raise _call_failure({name!r}, exc) from None")


def _tiered(expr: Expr) -> Compiled:
    """``expr`` read through :func:`evaluate` (an operand read only when the one before it
    is unknown: closures first, generated code once it is read again and again)."""
    return lambda env: evaluate(expr, env)


def _let(env: Env, name: str) -> Any:
    """The value of the let ``name``, worked out on its first read in ``env``."""
    value = env.let_values[name] = evaluate(env.lets[name].expr, env)
    return value


# three-valued (Kleene) logic ---------------------------------------------------------
#
# An operand that cannot be evaluated (a missing fact, an output without a value, an
# evaluation error) is *unknown*.  ``and``/``or`` stay lazy (left to right), but an unknown
# left operand no longer stops them: ``unknown or true`` is true and ``unknown and false``
# is false, whatever the unknown turns out to be.  ``if`` with an unknown condition has the
# value of its branches when both have the same value.  Otherwise the failure is raised
# (see :func:`_failure`), so an answer given is one that no further fact can change.

_FAILURES = (MissingFactError, UndeterminedError, EvaluationError)


def _failure(failures: Sequence[Exception]) -> Exception:
    """The failure to raise when unknown operands decide nothing: missing facts of all the
    operands together when all are missing; else the first missing fact or error (what the
    Z3 encoding calls ``bad``), else the first output without a value."""
    missing = [f for f in failures if isinstance(f, MissingFactError)]
    if len(missing) == len(failures):
        if len(missing) == 1:
            return missing[0]
        return MissingFactError(tuple(dict.fromkeys(n for f in missing for n in f.names)))
    for failure in failures:
        if not isinstance(failure, UndeterminedError):
            return failure
    return failures[0]


def _kleene(left: Compiled, right: Compiled, is_or: bool) -> Compiled:
    def run(env: Env) -> bool:
        try:
            first = bool(left(env))
        except _FAILURES as unknown:
            return _either_unknown(env, unknown, right, is_or)
        if first is is_or:
            return first
        return bool(right(env))
    return run


def _kleene_if(condition: Compiled, then: Compiled, otherwise: Compiled) -> Compiled:
    def run(env: Env) -> Any:
        try:
            chosen = condition(env)
        except _FAILURES as unknown:
            return _if_unknown(env, unknown, then, otherwise)
        return then(env) if chosen else otherwise(env)
    return run


def _either_unknown(env: Env, unknown: Exception, right: Compiled, is_or: bool) -> bool:
    """``unknown or right`` (``is_or``) or ``unknown and right``: true decides or, false
    decides and; otherwise the failure is raised."""
    try:
        try:
            second = bool(right(env))
        except _FAILURES as other:
            raise _failure((unknown, other)) from None
        if second is is_or:          # true decides or, false decides and
            _decided_without(env, unknown)
            return second
        raise unknown
    finally:
        del unknown      # no cycle frame → exception → traceback → frame


def _if_unknown(env: Env, unknown: Exception, then: Compiled, otherwise: Compiled) -> Any:
    """``if unknown then … else …``: the value of both branches when they agree."""
    failures: list[Exception] = [unknown]
    values = []
    try:
        for branch in (then, otherwise):
            try:
                values.append(branch(env))
            except _FAILURES as other:
                failures.append(other)
                if not all(isinstance(f, UndeterminedError) for f in failures):
                    break   # no agreement, and the failure is a missing fact or error
        if len(values) == 2 and _agree(values[0], values[1]):
            _decided_without(env, unknown)
            return values[0]
        failure = _failure(failures)
        try:
            raise failure from None
        finally:
            del failure     # nor frame → local → exception → traceback → frame
    finally:
        failures.clear()    # no cycle frame → list → exception → traceback → frame
        del unknown


def _decided_without(env: Env, unknown: Exception) -> None:
    """Record, for the explanation, the missing facts an answer did not need."""
    if isinstance(unknown, MissingFactError):
        for name in unknown.names:
            if name not in env.node.decided_without:
                env.node.decided_without.append(name)


def _agree(a: Any, b: Any) -> bool:
    """Two branch values are the same value (periods are not compared: the Z3 encoding
    does not compare them either)."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        return False
    return bool(a == b)


def _compile_call(expr: Call) -> Compiled:
    name = expr.function
    if name == "given":
        arg = expr.args[0]
        assert isinstance(arg, Ref)
        target = arg.target
        return lambda env: env.given(target)
    args = [_closure(a) for a in expr.args]
    if name in ("min", "max"):
        pick = min if name == "min" else max
        return lambda env: pick([a(env) for a in args])

    # the arguments are read before the call (their own failures pass unchanged); the
    # function's own failures are told as EvaluationError (see _call_failure)
    if len(args) == 1:
        (first,) = args

        def call1(env: Env) -> Any:
            a = first(env)
            try:
                return env.functions[name](a)
            except EvaluationError:
                raise
            except (OverflowError, ValueError) as exc:
                raise _call_failure(name, exc) from None
        return call1
    if len(args) == 2:
        first, second = args

        def call2(env: Env) -> Any:
            a, b = first(env), second(env)
            try:
                return env.functions[name](a, b)
            except EvaluationError:
                raise
            except (OverflowError, ValueError) as exc:
                raise _call_failure(name, exc) from None
        return call2
    if len(args) == 3:
        first, second, third = args

        def call3(env: Env) -> Any:
            a, b, c = first(env), second(env), third(env)
            try:
                return env.functions[name](a, b, c)
            except EvaluationError:
                raise
            except (OverflowError, ValueError) as exc:
                raise _call_failure(name, exc) from None
        return call3

    def call(env: Env) -> Any:
        values = [a(env) for a in args]
        try:
            return env.functions[name](*values)
        except EvaluationError:
            raise
        except (OverflowError, ValueError) as exc:
            raise _call_failure(name, exc) from None
    return call



def _call_failure(name: str, exc: Exception) -> EvaluationError:
    """A built-in's failure as the evaluation tells it (a date overflow, a bad value)."""
    if isinstance(exc, OverflowError):
        return EvaluationError(f"{name}(): a date would be {OUTSIDE_THE_CALENDAR}")
    return EvaluationError(f"{name}(): {exc}")


def _negate(operand: Any) -> Any:
    if isinstance(operand, Duration):
        return Duration(-operand.days)
    if isinstance(operand, Months):
        return Months(-operand.count)
    return -operand


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
        raise EvaluationError(f"{d} + {days} days is {OUTSIDE_THE_CALENDAR}") from None
