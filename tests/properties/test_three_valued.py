"""Three-valued (Kleene) logic in the evaluator.

* the truth tables of ``and``, ``or``, ``not`` and ``if`` with a missing operand, against a
  reference implementation of strong Kleene logic, on random expression trees;
* "adding a fact never changes a decided answer": an expression (and, on the bundled
  knowledge base, an output) that has a value with some facts missing keeps that value
  whatever the missing facts turn out to be.  ``given(x)`` asks whether the case gives ``x``
  and is the one construct that adding ``x`` changes by design: the bundled test leaves the
  facts read by ``given`` (and the ``selected_by`` facts with ``if_missing:
  not_applicable``) in place.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.compile.model import (
    BOOLEAN,
    Binary,
    Expr,
    IfThenElse,
    KnowledgeBase,
    Literal,
    Ref,
    Unary,
)
from lexlux.diagnostics import Span
from lexlux.evaluate.case import load_case
from lexlux.evaluate.expressions import Env, MissingFactError, evaluate
from lexlux.evaluate.interpreter import evaluate as evaluate_case
from lexlux.evaluate.trace import TraceNode
from lexlux.pipeline import load_knowledge_base

from paths import REPO

SPAN = Span("<test>", 1, 1, 1, 1)
NAMES = ("a", "b", "c", "d")
MISSING = None       # the third truth value


def fact(name: str) -> Ref:
    return Ref(SPAN, "fact", name, BOOLEAN)


def expressions() -> st.SearchStrategy[Expr]:
    leaves = st.one_of(st.sampled_from([fact(n) for n in NAMES]),
                       st.sampled_from([Literal(SPAN, True, BOOLEAN),
                                        Literal(SPAN, False, BOOLEAN)]))
    return st.recursive(leaves, lambda inner: st.one_of(
        st.builds(lambda a, b: Binary(SPAN, "and", a, b), inner, inner),
        st.builds(lambda a, b: Binary(SPAN, "or", a, b), inner, inner),
        st.builds(lambda a: Unary(SPAN, "not", a), inner),
        st.builds(lambda c, a, b: IfThenElse(SPAN, c, a, b), inner, inner, inner)),
        max_leaves=12)


def kleene(expr: Expr, facts: dict[str, bool | None]) -> bool | None:
    """Strong Kleene logic, written from its truth tables."""
    if isinstance(expr, Literal):
        return bool(expr.value)
    if isinstance(expr, Ref):
        return facts[expr.target]
    if isinstance(expr, Unary):
        value = kleene(expr.operand, facts)
        return None if value is None else not value
    if isinstance(expr, IfThenElse):
        cond = kleene(expr.condition, facts)
        then, otherwise = kleene(expr.then, facts), kleene(expr.otherwise, facts)
        if cond is None:
            return then if then is not None and then == otherwise else None
        return then if cond else otherwise
    assert isinstance(expr, Binary)
    left, right = kleene(expr.left, facts), kleene(expr.right, facts)
    if expr.op == "and":
        if left is False or right is False:
            return False
        return None if left is None or right is None else True
    if left is True or right is True:
        return True
    return None if left is None or right is None else False


def run(expr: Expr, facts: dict[str, bool | None]) -> bool | None:
    """The evaluator's answer: its value, or None when it reports a missing fact."""
    def read(name: str) -> Any:
        if facts[name] is None:
            raise MissingFactError((name,))
        return facts[name]
    node = TraceNode("x", None, "r", None, None, "")  # type: ignore[arg-type]
    env = Env(fact=read, parameter=lambda _: None, output=lambda _: None,  # type: ignore
              functions={}, given=lambda name: facts[name] is not None, lets={}, node=node)
    try:
        return bool(evaluate(expr, env))
    except MissingFactError as exc:
        assert all(facts[n] is None for n in exc.names)   # names only facts really missing
        return None


truth = st.sampled_from([True, False, MISSING])


def test_truth_tables() -> None:
    a, b = fact("a"), fact("b")
    for x in (True, False, MISSING):
        for y in (True, False, MISSING):
            facts = {"a": x, "b": y, "c": MISSING, "d": MISSING}
            assert run(Binary(SPAN, "and", a, b), facts) == kleene(Binary(SPAN, "and", a, b),
                                                                   facts)
            assert run(Binary(SPAN, "or", a, b), facts) == kleene(Binary(SPAN, "or", a, b),
                                                                  facts)
    missing = {"a": MISSING, "b": True, "c": False, "d": MISSING}
    assert run(Binary(SPAN, "or", a, b), missing) is True           # missing or true
    assert run(Binary(SPAN, "and", a, fact("c")), missing) is False  # missing and false
    assert run(Binary(SPAN, "and", a, b), missing) is None           # missing and true
    assert run(IfThenElse(SPAN, a, b, b), missing) is True           # branches agree
    assert run(IfThenElse(SPAN, a, b, fact("c")), missing) is None   # they do not


@given(expressions(), st.fixed_dictionaries(dict.fromkeys(NAMES, truth)))
def test_the_evaluator_follows_kleene_logic(expr: Expr, facts: dict[str, bool | None]) -> None:
    assert run(expr, facts) == kleene(expr, facts)


@given(expressions(), st.fixed_dictionaries(dict.fromkeys(NAMES, truth)),
       st.fixed_dictionaries({n: st.booleans() for n in NAMES}))
def test_adding_a_fact_never_changes_a_decided_expression(
        expr: Expr, partial: dict[str, bool | None], filler: dict[str, bool]) -> None:
    decided = run(expr, partial)
    complete = {n: filler[n] if v is None else v for n, v in partial.items()}
    if decided is not None:
        assert run(expr, complete) == decided


# -- on the bundled knowledge base -------------------------------------------------------

_KB: KnowledgeBase | None = None
EXAMPLES = ("dismissal-during-sickness", "late-certificate", "long-illness-2027",
            "ccss-worked-example")


def bundled() -> KnowledgeBase:
    global _KB
    if _KB is None:
        result = load_knowledge_base()
        assert result.ok
        _KB = result.kb
    return _KB


def _non_monotone_facts(kb: KnowledgeBase) -> set[str]:
    """Facts whose mere presence changes an answer: read by given(), or a selected_by fact
    whose absence makes a rule not applicable."""
    names = {r.selected_by for r in kb.rules.values()
             if r.selected_by and r.selected_if_missing == "not_applicable"}
    for path in (REPO / "rules").rglob("*.yaml"):
        names.update(re.findall(r"given\((\w+)\)", path.read_text(encoding="utf-8")))
    return {n for n in names if n}


@settings(max_examples=25, deadline=None)
@given(example=st.sampled_from(EXAMPLES), data=st.data())
def test_removing_facts_never_changes_a_value_of_the_bundled_rules(
        example: str, data: st.DataObject) -> None:
    kb = bundled()
    case, problems = load_case(REPO / "examples" / f"{example}.case.yaml", kb)
    assert case is not None, problems
    as_of = case.as_of or date(2020, 1, 1)
    removable = sorted(set(case.facts) - _non_monotone_facts(kb))
    removed = data.draw(st.sets(st.sampled_from(removable)) if removable else st.just(set()))
    full = evaluate_case(kb, case, as_of)
    fewer = type(case)(case.name, case.jurisdiction, case.as_of,
                       {k: v for k, v in case.facts.items() if k not in removed},
                       dict(case.derived), case.file, case.spans)
    partial = evaluate_case(kb, fewer, as_of)
    for name, result in partial.results.items():
        if result.status == "value":
            assert full.results[name].status == "value", (name, removed)
            assert full.results[name].value == result.value, (name, removed)
