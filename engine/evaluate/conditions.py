"""Which parts of a condition were false: the reason an explanation gives for a "no".

For ``a and b and c`` each conjunct that is false is named (written back from the compiled
expression); any other condition is named whole, as the drafter wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..compile.model import Binary, Call, Expr, IfThenElse, Literal, Ref, Typed, Unary
from .builtins import EvaluationError
from .expressions import Env, MissingFactError, UndeterminedError
from .expressions import evaluate as evaluate_expr


def show(expr: Expr) -> str:
    """An expression written back in the rule language.

    >>> from lexlux.diagnostics import Span
    >>> from lexlux.compile.model import BOOLEAN, INTEGER
    >>> s = Span("f", 1, 1, 1, 1)
    >>> show(Binary(s, "and", Ref(s, "fact", "crime", BOOLEAN),
    ...             Binary(s, "<=", Ref(s, "local", "n", INTEGER), Literal(s, 3, INTEGER))))
    'crime and n <= 3'
    """
    if isinstance(expr, Literal):
        return _literal(expr.value)
    if isinstance(expr, Ref):
        return expr.target + (f".{expr.field}" if expr.field else "")
    if isinstance(expr, Unary):
        inner = show(expr.operand)
        if isinstance(expr.operand, Binary | IfThenElse):
            inner = f"({inner})"
        return f"not {inner}" if expr.op == "not" else f"{expr.op}{inner}"
    if isinstance(expr, Binary):
        return f"{_side(expr.left, expr.op)} {expr.op} {_side(expr.right, expr.op)}"
    if isinstance(expr, IfThenElse):
        return f"if {show(expr.condition)} then {show(expr.then)} else {show(expr.otherwise)}"
    if isinstance(expr, Call):
        return f"{expr.function}({', '.join(show(a) for a in expr.args)})"
    return "?"


def _side(expr: Expr, parent: str) -> str:
    text = show(expr)
    if isinstance(expr, IfThenElse) or (isinstance(expr, Binary) and not (
            expr.op == parent and parent in ("and", "or", "+", "*"))
            and (expr.op in ("and", "or") or parent not in ("and", "or"))):
        return f"({text})"
    return text


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _conjuncts(expr: Expr) -> Iterator[Expr]:
    if isinstance(expr, Binary) and expr.op == "and":
        yield from _conjuncts(expr.left)
        yield from _conjuncts(expr.right)
    else:
        yield expr


def false_parts(condition: Typed, env: Env) -> list[str]:
    """The parts of ``condition`` (known to be false in ``env``) that are false."""
    parts = list(_conjuncts(condition.expr))
    if len(parts) == 1:
        return [condition.text]
    out = []
    for part in parts:
        try:
            if not evaluate_expr(part, env):
                out.append(show(part))
        except (MissingFactError, UndeterminedError, EvaluationError):
            continue      # a later conjunct the case cannot evaluate: the false one is before
    return out or [condition.text]
