"""The two tiers of compiled expressions give the same answers: closures (an expression's
first uses) and generated Python code (once it is used again and again), on random
expression trees with missing facts, errors and outputs without a value, and on the
bundled knowledge base (the examples and generated persons, every output)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.compile.model import (
    BOOLEAN,
    INTEGER,
    Binary,
    Call,
    Expr,
    IfThenElse,
    KnowledgeBase,
    Literal,
    Ref,
    Unary,
)
from lexlux.diagnostics import Span
from lexlux.evaluate import expressions
from lexlux.evaluate.builtins import EvaluationError
from lexlux.evaluate.case import Case, load_case
from lexlux.evaluate.expressions import Env, MissingFactError, UndeterminedError
from lexlux.evaluate.interpreter import Outcome, evaluate
from lexlux.evaluate.trace import TraceNode
from lexlux.pipeline import load_knowledge_base
from lexlux.whatif.generate import generate_cases

REPO = Path(__file__).resolve().parents[2]
SPAN = Span("<test>", 1, 1, 1, 1)
NAMES = ("a", "b", "c")


def _boolean() -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.sampled_from([Ref(SPAN, "fact", n, BOOLEAN) for n in NAMES]),
        st.sampled_from([Ref(SPAN, "output", n, BOOLEAN) for n in NAMES]),
        st.sampled_from([Literal(SPAN, True, BOOLEAN), Literal(SPAN, False, BOOLEAN)]),
        st.builds(lambda n, k: Binary(SPAN, "<", Call(SPAN, "f", (Ref(SPAN, "fact", n,
                                                                         INTEGER),)),
                                      Literal(SPAN, k, INTEGER)),
                  st.sampled_from(NAMES), st.integers(-2, 2)),
        st.builds(lambda n: Call(SPAN, "given", (Ref(SPAN, "fact", n, BOOLEAN),)),
                  st.sampled_from(NAMES)))
    return st.recursive(leaves, lambda inner: st.one_of(
        st.builds(lambda a, b: Binary(SPAN, "and", a, b), inner, inner),
        st.builds(lambda a, b: Binary(SPAN, "or", a, b), inner, inner),
        st.builds(lambda a: Unary(SPAN, "not", a), inner),
        st.builds(lambda c, a, b: IfThenElse(SPAN, c, a, b), inner, inner, inner),
        st.builds(lambda a, b: Binary(SPAN, "==", a, b), inner, inner)),
        max_leaves=10)


def _f(x: Any) -> int:
    """A built-in that fails as built-ins do: a ValueError on 2, an error of its own on 3."""
    if x == 2:
        raise ValueError("two")
    if x == 3:
        raise EvaluationError("three")
    return int(x)


def _run(function: Any, facts: dict[str, Any], outputs: dict[str, Any]) -> tuple[Any, ...]:
    def read(name: str) -> Any:
        if facts[name] is None:
            raise MissingFactError((name,))
        return facts[name]

    def output(name: str) -> Any:
        if outputs[name] is None:
            raise UndeterminedError(name, "no_value")
        return outputs[name]
    node = TraceNode("x", None, "r", None, None, "")  # type: ignore[arg-type]
    env = Env(fact=read, parameter=lambda _: None, output=output,  # type: ignore[arg-type]
              functions={"f": _f}, given=lambda name: facts[name] is not None, lets={},
              node=node)
    try:
        answer: tuple[Any, ...] = ("value", function(env))
    except (MissingFactError, UndeterminedError, EvaluationError) as exc:
        answer = (type(exc).__name__, str(exc))
    return answer, dict(node.facts), list(node.uses), list(node.decided_without)


@settings(max_examples=300, deadline=None)
@given(_boolean(), st.fixed_dictionaries(dict.fromkeys(NAMES, st.sampled_from(
           [True, False, None, 0, 1, 2, 3]))),
       st.fixed_dictionaries(dict.fromkeys(NAMES, st.sampled_from([True, False, None]))))
def test_generated_code_and_closures_agree_on_random_expressions(
        expr: Expr, facts: dict[str, Any], outputs: dict[str, Any]) -> None:
    assert _run(expressions._compile(expr), facts, outputs) == \
        _run(expressions._closure(expr), facts, outputs)


@contextmanager
def _tier(generate_after: int) -> Iterator[None]:
    saved = expressions.GENERATE_AFTER
    expressions._COMPILED.clear()
    expressions._GENERATED.clear()
    expressions.GENERATE_AFTER = generate_after
    try:
        yield
    finally:
        expressions.GENERATE_AFTER = saved
        expressions._COMPILED.clear()
        expressions._GENERATED.clear()


def _answers(outcome: Outcome) -> dict[str, Any]:
    return {name: (r.status, r.value, r.missing, r.message, r.considered,
                   [(n.rule_id, n.value, dict(n.facts), list(n.uses), list(n.decided_without),
                     sorted(n.parameters)) for n in r.trace],
                   [(n.rule_id, n.why_false is not None) for n in r.not_applicable])
            for name, r in outcome.computed.items()}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok
    return loaded.kb


def test_generated_code_and_closures_agree_on_the_bundled_rules(kb: KnowledgeBase) -> None:
    cases: list[Case] = list(generate_cases(12, kb.vocabularies["lu"], seed=11))
    for path in sorted((REPO / "examples").glob("*.case.yaml")):
        case, _ = load_case(path, kb)
        if case is not None and case.as_of is not None:
            cases.append(case)
    answers = []
    for generate_after in (10**9, 0):             # closures only, then generated only
        with _tier(generate_after):
            answers.append([_answers(evaluate(kb, c, c.as_of)) for c in cases
                            if c.as_of is not None])
    assert answers[0] == answers[1]
