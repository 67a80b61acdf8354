"""The names an expression or a rule version reads (leaf module: no networkx, so that the
evaluator, the population generator and the vector backend can use it on a fast command line).
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import Binary, Call, Expr, IfThenElse, Ref, RuleVersion, Unary


def iter_refs(expr: Expr) -> Iterator[Ref]:
    if isinstance(expr, Ref):
        yield expr
    elif isinstance(expr, Unary):
        yield from iter_refs(expr.operand)
    elif isinstance(expr, Binary):
        yield from iter_refs(expr.left)
        yield from iter_refs(expr.right)
    elif isinstance(expr, IfThenElse):
        for part in (expr.condition, expr.then, expr.otherwise):
            yield from iter_refs(part)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from iter_refs(arg)


def version_refs(version: RuleVersion) -> Iterator[Ref]:
    typed = [t for _, t in version.lets]
    typed += [t for t in (version.when,) if t is not None]
    typed += [d.when for d in version.disapplications if d.when is not None]
    if version.transitional:
        typed.append(version.transitional[0])
    for c in version.conclusions:
        typed += [t for t in (c.when, c.value, c.deadline, c.start, c.end) if t is not None]
        if c.each_month:
            typed += list(c.each_month)
    for t in typed:
        yield from iter_refs(t.expr)
