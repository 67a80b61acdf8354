"""Stage 3 (compile): checks of the whole knowledge base that catch a drafter's slips.

* LX318 — a coverage row names a rule id that does not exist (a typo hides the rule from
  the coverage report);
* LX319 — an ``exception_to`` whose target concludes none of the rule's outputs (it would
  never take effect: the evaluator only lets an exception prevail on an output both conclude);
* LX320, LX321 — a fact or parameter that no rule reads (warnings: a misspelt name, or a
  provision not yet written);
* LX322 — ``given(x)`` where every case that reaches it gives ``x`` (the fact chooses the
  rule's version, or the same condition reads ``x`` before): it is never false, so the
  branch it guards is dead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic, error, warning
from ..load.yaml_source import SourceDocument
from .model import Binary, Call, Expr, IfThenElse, KnowledgeBase, Ref, Rule, RuleVersion, Unary
from .refs import iter_refs, version_refs


def check_coverage_rules(docs: list[SourceDocument], kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    known = list(kb.rules)
    for doc in docs:
        data: Any = doc.data
        for section in ("articles", "open_questions"):
            for i, row in enumerate(data.get(section, ()) if isinstance(data, dict) else ()):
                for j, rule_id in enumerate(row.get("rules", ()) if isinstance(row, dict)
                                            else ()):
                    if rule_id in kb.rules:
                        continue
                    close = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.8)
                    out.append(error(
                        "LX318", f"the coverage row names a rule that does not exist: "
                        f"{rule_id!r}", doc.span_at((section, i, "rules", j)),
                        expected="the id of a rule of the knowledge base",
                        hint=f"did you mean {close[0]!r}?" if close else
                        "write the rule, or remove the id from the row"))
    return out


def check_exception_outputs(kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in kb.rules.values():
        for version in rule.versions:
            for exc in version.exceptions:
                target = kb.rules.get(exc.rule)
                if target is None or exc.outputs:    # LX310 covers both
                    continue
                if not rule.outputs & target.outputs:
                    out.append(error(
                        "LX319", f"{rule.id} is declared an exception to {exc.rule}, but the "
                        "two rules conclude no output in common, so it can never prevail",
                        exc.span, expected=f"a rule concluding one of: "
                        f"{', '.join(sorted(rule.outputs))}",
                        related=[(f"{exc.rule} concludes "
                                  f"{', '.join(sorted(target.outputs)) or 'nothing'}",
                                  target.span)],
                        hint="name the rule whose conclusion this one sets aside; to say that "
                             "a provision does not apply at all, use disapplies:"))
    return out


def check_unused(kb: KnowledgeBase) -> list[Diagnostic]:
    read: set[tuple[str, str]] = set()
    parameters: set[str] = set()
    for rule in kb.rules.values():
        if rule.selected_by:
            read.add((rule.jurisdiction, rule.selected_by))
        for version in rule.versions:
            parameters.update(version.parameters.values())
            for ref in version_refs(version):
                if ref.kind == "fact":
                    read.add((rule.jurisdiction, ref.target))
                elif ref.kind == "parameter":
                    parameters.add(ref.target)
            for dis in version.disapplications:
                if dis.when is not None:
                    read.update((rule.jurisdiction, r.target) for r in iter_refs(dis.when.expr)
                                if r.kind == "fact")
    out: list[Diagnostic] = []
    for jur, vocabulary in kb.vocabularies.items():
        for name, entry in vocabulary.facts.items():
            if (jur, name) not in read:
                out.append(warning("LX320", f"the fact {name!r} is declared but no rule reads "
                                   "it", entry.span,
                                   hint="a misspelt name in a rule, or a rule not yet written; "
                                        "else remove the declaration"))
    for param in kb.parameters.values():
        if param.id not in parameters:
            out.append(warning("LX321", f"the parameter {param.id!r} is defined but no rule "
                               "uses it", param.span,
                               hint="name it under parameters: of the rule that needs it, or "
                                    "remove it"))
    return out


def _conjuncts(expr: Expr) -> Iterator[Expr]:
    if isinstance(expr, Binary) and expr.op == "and":
        yield from _conjuncts(expr.left)
        yield from _conjuncts(expr.right)
    else:
        yield expr


def _given_calls(expr: Expr) -> Iterator[Call]:
    if isinstance(expr, Call) and expr.function == "given":
        yield expr
        return
    children: tuple[Expr, ...] = ()
    if isinstance(expr, Unary):
        children = (expr.operand,)
    elif isinstance(expr, Binary):
        children = (expr.left, expr.right)
    elif isinstance(expr, IfThenElse):
        children = (expr.condition, expr.then, expr.otherwise)
    elif isinstance(expr, Call):
        children = expr.args
    for child in children:
        yield from _given_calls(child)


def _read_unguarded(expr: Expr) -> set[str]:
    """Facts an expression always reads (outside given(), and outside a branch)."""
    if isinstance(expr, Ref):
        return {expr.target} if expr.kind == "fact" else set()
    if isinstance(expr, Call):
        if expr.function == "given":
            return set()
        return set().union(*(_read_unguarded(a) for a in expr.args))
    if isinstance(expr, Unary):
        return _read_unguarded(expr.operand)
    if isinstance(expr, Binary):
        left = _read_unguarded(expr.left)
        return left if expr.op in ("and", "or") else left | _read_unguarded(expr.right)
    if isinstance(expr, IfThenElse):
        return _read_unguarded(expr.condition)
    return set()


def _typed_of(version: RuleVersion) -> Iterator[Expr]:
    yield from (t.expr for _, t in version.lets)
    if version.when is not None:
        yield version.when.expr
    for c in version.conclusions:
        yield from (t.expr for t in (c.when, c.value, c.deadline, c.start, c.end) if t)
        if c.each_month:
            yield from (t.expr for t in c.each_month)


def check_given(kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in kb.rules.values():
        for version in rule.versions:
            for expr in _typed_of(version):
                out.extend(_given_problems(rule, expr))
    return out


def _given_problems(rule: Rule, expr: Expr) -> Iterator[Diagnostic]:
    selector = rule.selected_by if rule.selected_if_missing == "missing" else None
    for call in _given_calls(expr):
        ref = call.args[0]
        assert isinstance(ref, Ref)
        if ref.target == selector:
            yield warning(
                "LX322", f"given({ref.target}) is never false here: {ref.target} chooses the "
                "version of this rule (selected_by), so every case that reaches it gives it",
                call.span, hint=f"remove the test, or write selected_by: {{fact: {ref.target}, "
                "if_missing: not_applicable} if the rule does not apply without it")
    before: set[str] = set()
    for conjunct in _conjuncts(expr):
        for call in _given_calls(conjunct):
            ref = call.args[0]
            assert isinstance(ref, Ref)
            if ref.target in before and ref.target != selector:
                yield warning(
                    "LX322", f"given({ref.target}) is never false here: the same condition "
                    f"reads {ref.target} before it, so a case without it stops there",
                    call.span, hint=f"test given({ref.target}) first: given({ref.target}) and "
                    f"... {ref.target} ...")
        before |= _read_unguarded(conjunct)


def check_disapplications(kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in kb.rules.values():
        for version in rule.versions:
            for dis in version.disapplications:
                if dis.covers(rule.id):
                    out.append(error("LX323", f"{rule.id} disapplies itself", dis.span,
                                     hint="a provision that applies only in some cases says so "
                                          "with when:"))
                elif not any(dis.covers(other.id) for other in kb.rules.values()
                             if other.jurisdiction == rule.jurisdiction):
                    close = difflib.get_close_matches(dis.rule, list(kb.rules), n=1,
                                                      cutoff=0.8)
                    out.append(error(
                        "LX323", f"disapplies names no rule: {dis.rule!r}",
                        dis.span, expected="the id of a rule, or of an article with rules, of "
                        "the same jurisdiction",
                        hint=f"did you mean {close[0]!r}?" if close else
                        "write the rule it disapplies first"))
    return list(dict.fromkeys(out))   # an inherited entry is reported once


def strict_checks(coverage: list[SourceDocument], kb: KnowledgeBase) -> list[Diagnostic]:
    """Every check of this module, and LX325 (open_questions.py); the pipeline runs them
    after compiling."""
    from .open_questions import check_open_question_targets
    return (check_coverage_rules(coverage, kb) + check_open_question_targets(coverage, kb)
            + check_exception_outputs(kb)
            + check_disapplications(kb) + check_given(kb) + check_unused(kb))
