"""Every example has a timeline twin (examples/timeline/) that gives the same answers.

The twin tells the same happenings as events; the facts are derived by the knowledge base's
derivation rules.  The twin may know more (an incapacity event also gives insured_incapacity),
so it may answer more outputs; every fact of the original must be derived with the same value,
and every output the original answers must have the same value in the twin.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.evaluate.case import load_case
from lexlux.evaluate.derive import prepare_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.evaluate.values import to_json
from lexlux.pipeline import load_knowledge_base

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CASES = sorted(EXAMPLES.glob("*.case.yaml"))
QUERIES = sorted(EXAMPLES.glob("*.query.yaml"))


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    loaded = load_knowledge_base()
    assert loaded.ok
    return loaded.kb


@pytest.mark.parametrize("example", CASES, ids=[p.name for p in CASES])
def test_case_twin_derives_the_same_facts_and_answers(example: Path, kb) -> None:  # type: ignore[no-untyped-def]
    twin_path = EXAMPLES / "timeline" / example.name
    assert twin_path.is_file(), f"write the timeline twin {twin_path}"
    original, problems = load_case(example, kb)
    twin, twin_problems = load_case(twin_path, kb)
    assert original is not None and twin is not None, problems + twin_problems
    assert twin.events and not original.events
    assert original.as_of is not None and twin.as_of == original.as_of
    _, derived, problems = prepare_case(kb, twin, twin.as_of, None)
    assert problems == []
    for name, value in original.facts.items():
        assert derived.facts.get(name) == value, name
        # a fact the twin states itself (no event gives it: a letter whose day is unknown)
        assert name in derived.origins or name in twin.facts, \
            f"{name} is derived, with its origin"
    left = evaluate(kb, original, original.as_of)
    right = evaluate(kb, twin, twin.as_of)
    answered = {n: r for n, r in left.results.items() if r.status == "value"}
    assert answered, "the example answers something"
    for name, result in answered.items():
        other = right.results[name]
        assert other.status == "value", (name, other.message)
        assert to_json(other.value, other.type) == to_json(result.value, result.type), name


def _run(*args: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    code = run([*args, "--format", "json"], out, err)
    assert code in (0, 1), err.getvalue()
    data: dict[str, object] = json.loads(out.getvalue())
    return data


@pytest.mark.parametrize("example", QUERIES, ids=[p.name for p in QUERIES])
def test_query_twin_gives_the_same_answers(example: Path) -> None:
    twin = EXAMPLES / "timeline" / example.name
    assert twin.is_file(), f"write the timeline twin {twin}"
    command = "solve" if "solve:" in example.read_text(encoding="utf-8") else "eval"
    left, right = _run(command, str(example)), _run(command, str(twin))
    if command == "solve":
        assert (left["status"], left["optimum"]) == (right["status"], right["optimum"])
    else:
        left.pop("case"), right.pop("case")
        assert left == right
