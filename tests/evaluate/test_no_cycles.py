"""An evaluation makes no reference cycle: its outcome is freed by reference counting, not
left to the cycle collector (which walked every object of every case again and again).  The
environment kept to explain a "no" still explains it while the outcome lives."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import load_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.whatif.generate import generate_cases

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok
    return loaded.kb


@contextmanager
def cyclic_garbage() -> Iterator[list[object]]:
    """The objects the collector finds unreachable in the block (kept, not freed)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
        gc.collect()
    finally:
        gc.set_debug(0)


def test_evaluations_leave_no_cyclic_garbage(kb: KnowledgeBase) -> None:
    cases = list(generate_cases(8, kb.vocabularies["lu"], seed=3))
    readme, _ = load_case(REPO / "examples" / "dismissal-during-sickness.case.yaml", kb)
    assert readme is not None
    for case in [*cases, readme]:                 # caches filled outside the count
        assert case.as_of is not None
        evaluate(kb, case, case.as_of)
    with cyclic_garbage() as garbage:
        for case in [*cases, readme]:
            assert case.as_of is not None
            outcome = evaluate(kb, case, case.as_of)
            if case is readme:                    # explained, then freed with the outcome
                assert all(node.false for result in outcome.results.values()
                           for node in result.not_applicable)
            del outcome
    found = [type(o).__name__ for o in garbage]
    gc.garbage.clear()
    assert found == []


def test_a_no_is_explained_while_the_outcome_lives_and_named_whole_after(
        kb: KnowledgeBase) -> None:
    readme, _ = load_case(REPO / "examples" / "dismissal-during-sickness.case.yaml", kb)
    assert readme is not None and readme.as_of is not None
    outcome = evaluate(kb, readme, readme.as_of)
    nodes = [n for r in outcome.results.values() for n in r.not_applicable
             if n.why_false is not None]
    assert nodes
    parts = [n.false for n in nodes]
    assert all(parts)
    del outcome                      # only the results kept: the evaluation is gone
    for node, before in zip(nodes, parts, strict=True):
        assert node.false in (before, [node.why_false[0].text])
