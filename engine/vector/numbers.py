"""The vector backend's exact numbers: money, percentages and decimals (and the rates of
parameters), held per person as Python ``int`` / ``Fraction`` objects in object arrays.

Each operation is the interpreter's own, applied person by person inside numpy
(``np.frompyfunc``): the operators of evaluate/expressions.py (:func:`binary`), ``min`` /
``max`` as Python's, and the built-ins of evaluate/builtins.py (``round_cents``,
``round_decimal``, ``floor`` ...).  So a value is the very object the interpreter computes
(an ``int`` stays an ``int``, a ``Fraction`` a ``Fraction``), at the cost of a Python call per
person and operation, far below a whole evaluation.  An operation that fails for a person
(a division by zero: the interpreter's error) leaves that person to the interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from .compiler import Compiler, Unsupported, Value

NUMBER_KINDS = ("number", "rate")          # exact numbers (objects)
NUMERIC = ("number", "rate", "integer")    # what mixes with them


class _Failed:
    """An operation that raised for a person."""


FAILED = _Failed()


def _safe(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception:      # the interpreter's error for this person: left to it
            return FAILED
    return call


def objects(v: Value) -> Any:
    """The values of ``v`` as Python objects (integers as ``int``)."""
    if v.kind in NUMBER_KINDS:
        return v.data
    if v.kind == "integer":
        return v.data.astype(object)
    raise Unsupported(f"a {v.kind} among numbers")


def _apply(function: Callable[..., Any], args: list[Any], missing: Any, kind: str) -> Value:
    ufunc = np.frompyfunc(_safe(function), len(args), 1)
    out = ufunc(*args)
    out = np.asarray(out, dtype=object)
    if out.ndim == 0:
        out = out.reshape(1, 1)
    failed = np.frompyfunc(lambda x: x is FAILED, 1, 1)(out).astype(np.bool_)
    missing = missing | failed
    if kind == "boolean":
        return Value(np.where(failed, False, out).astype(np.bool_), missing, "boolean")
    return Value(np.where(failed, 0, out), missing, kind)


def binary(op: str, a: Value, b: Value) -> Value | None:
    """``a op b`` where one side is an exact number (None: not a case for numbers)."""
    if not (a.kind in NUMBER_KINDS or b.kind in NUMBER_KINDS or op == "/"):
        return None
    if a.kind not in NUMERIC or b.kind not in NUMERIC:
        raise Unsupported(f"operator {op} on {a.kind}, {b.kind}")
    from ..evaluate.expressions import binary as interpreted
    kind = "boolean" if op in ("<", "<=", ">", ">=", "==", "!=") else "number"
    x, y = objects(a), objects(b)
    missing = a.missing | b.missing
    direct = _OPERATORS.get(op)
    if direct is not None:
        # on int / Fraction objects the interpreter's operator is Python's own: numpy
        # applies it person by person without a Python frame
        out = direct(x, y)
        if kind == "boolean":
            return Value(np.asarray(out, dtype=np.bool_), missing, kind)
        return Value(np.asarray(out, dtype=object), missing, kind)
    return _apply(lambda p, q: interpreted(op, p, q), [x, y], missing, kind)


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "<": np.less, "<=": np.less_equal,
    ">": np.greater, ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal}


def pick(which: str, args: list[Value]) -> Value:
    """``min`` / ``max`` of exact numbers, as Python's ``min([...])`` / ``max([...])``."""
    chosen = min if which == "min" else max
    missing = args[0].missing
    for a in args[1:]:
        missing = missing | a.missing
    return _apply(lambda *xs: chosen(list(xs)), [objects(a) for a in args], missing,
                  "number")


def call(c: Compiler, name: str, args: list[Value]) -> Value | None:
    """A built-in over exact numbers, the interpreter's, person by person (None: not one
    this module takes)."""
    if name not in ("round_cents", "round_decimal", "floor", "round_to_cents"):
        return None
    if not args or args[0].kind not in NUMERIC:
        return None
    from ..evaluate.builtins import table
    function = table(c.block.jurisdiction)[name]
    values: list[Any] = []
    missing = args[0].missing
    for a in args:
        missing = missing | a.missing
        if a.kind == "enum":
            if a.data.size != 1:
                raise Unsupported(f"{name} with a mode per person")
            values.append(np.array([[c.block.strings[int(a.data.ravel()[0])]]], object))
        else:
            values.append(objects(a))
    kind = "integer" if name == "floor" else "number"
    found = _apply(function, values, missing, kind)
    if kind == "integer":
        data = np.where(found.missing, 0, found.data)
        return Value(data.astype(np.int64), found.missing, "integer")
    return found


def is_number(value: Any) -> bool:
    return isinstance(value, int | Fraction) and not isinstance(value, bool)
