"""The names an expression or a rule version reads (leaf module: no networkx, so that the
evaluator, the population generator and the vector backend can use it on a fast command line).
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import Binary, Call, Expr, IfThenElse, Ref, RuleVersion, Unary


def iter_nodes(expr: Expr) -> Iterator[Expr]:
    """``expr`` and every expression in it, each before its parts, in the order written."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack += [node.right, node.left]
        elif isinstance(node, IfThenElse):
            stack += [node.otherwise, node.then, node.condition]
        elif isinstance(node, Call):
            stack += list(reversed(node.args))


def iter_refs(expr: Expr) -> Iterator[Ref]:
    return (node for node in iter_nodes(expr) if isinstance(node, Ref))


def version_exprs(version: RuleVersion, *, transitional: bool = True) -> Iterator[Expr]:
    """The expressions of a rule version: its lets, condition, disapplications' conditions,
    transitional clause (unless ``transitional`` is false) and conclusions."""
    typed = [t for _, t in version.lets]
    typed += [t for t in (version.when,) if t is not None]
    typed += [d.when for d in version.disapplications if d.when is not None]
    if transitional and version.transitional:
        typed.append(version.transitional[0])
    for c in version.conclusions:
        typed += [t for t in (c.when, c.value, c.deadline, c.start, c.end) if t is not None]
        if c.each_month:
            typed += list(c.each_month)
    return (t.expr for t in typed)


def version_refs(version: RuleVersion) -> Iterator[Ref]:
    for expr in version_exprs(version):
        yield from iter_refs(expr)
