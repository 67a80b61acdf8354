"""What-if: the facts an output can read, from the compiled rules (the dependency graph).

Every version of every rule that concludes the output is followed (whatever the dates), and
through the outputs those versions rely on, down to facts: the facts a population needs so
that no output is left "cannot be answered" only because the generator never gives a fact.
A rule's ``selected_by`` fact counts (its version is chosen by it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..compile.model import Binary, Call, Expr, IfThenElse, KnowledgeBase, Ref, RuleVersion, Unary


def _refs(expr: Expr) -> Iterator[Ref]:
    # the walk of compile.graph.iter_refs, without importing networkx (a fast command line)
    if isinstance(expr, Ref):
        yield expr
    elif isinstance(expr, Unary):
        yield from _refs(expr.operand)
    elif isinstance(expr, Binary):
        yield from _refs(expr.left)
        yield from _refs(expr.right)
    elif isinstance(expr, IfThenElse):
        for part in (expr.condition, expr.then, expr.otherwise):
            yield from _refs(part)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from _refs(arg)


def version_refs(version: RuleVersion) -> Iterator[Ref]:
    typed = [t for _, t in version.lets]
    typed += [t for t in (version.when,) if t is not None]
    if version.transitional:
        typed.append(version.transitional[0])
    for c in version.conclusions:
        typed += [t for t in (c.when, c.value, c.deadline, c.start, c.end) if t is not None]
        if c.each_month:
            typed += list(c.each_month)
    for t in typed:
        yield from _refs(t.expr)


def facts_needed(kb: KnowledgeBase, jurisdiction: str, outputs: Iterable[str]) -> list[str]:
    """The facts ``outputs`` can read (directly or through other outputs), in vocabulary order."""
    vocabulary = kb.vocabularies[jurisdiction]
    facts: set[str] = set()
    seen: set[str] = set()
    todo = list(outputs)
    while todo:
        output = todo.pop()
        if output in seen:
            continue
        seen.add(output)
        for rule in kb.rules_concluding(jurisdiction, output):
            if rule.selected_by:
                facts.add(rule.selected_by)
            for version in rule.versions:
                for ref in version_refs(version):
                    if ref.kind == "fact":
                        facts.add(ref.target)
                    elif ref.kind == "output" and ref.target not in seen:
                        todo.append(ref.target)
    return [name for name in vocabulary.facts if name in facts]
