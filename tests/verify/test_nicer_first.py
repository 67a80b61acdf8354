"""The nicer query tried first (checks/nicer_first.py): its SAT answer is the one the
nicer query gives with the whole budget; anything else is left to the query as before."""

from __future__ import annotations

from typing import Any

import pytest
import z3
from lexlux.compile.model import KnowledgeBase
from lexlux.verify.checks import nicer_first as module
from lexlux.verify.checks.nicer_first import nicer_first
from lexlux.verify.encoding.solve import solve


def _query() -> tuple[list[tuple[str | None, Any]], list[Any], Any]:
    x, y = z3.Int("x"), z3.Int("y")
    constraints: list[tuple[str | None, Any]] = [
        (None, z3.And(x >= 0, x <= 1000)), ("rule", y == 2 * x + 1)]
    return constraints, [y > 101], x


def test_a_witness_near_the_anchor_is_the_one_of_the_whole_budget() -> None:
    constraints, goals, x = _query()
    near = [x <= 60]
    first = nicer_first(constraints, [*goals, *near], [], rlimit=60_000_000,
                        case_terms=[x], confirm=None)
    whole = solve(constraints, [*goals, *near], [], rlimit=60_000_000, case_terms=[x])
    assert first is not None and first.status == "sat" and first.model is not None
    assert whole.model is not None
    assert first.model.eval(x).as_long() == whole.model.eval(x).as_long()
    assert 50 < first.model.eval(x).as_long() <= 60


def test_no_witness_near_the_anchor_leaves_the_query_as_before() -> None:
    constraints, goals, x = _query()
    assert nicer_first(constraints, [*goals, x <= 10], [], rlimit=60_000_000,
                       case_terms=[x], confirm=None) is None


def test_the_small_budget_bounds_the_first_try(monkeypatch: pytest.MonkeyPatch) -> None:
    constraints, goals, x = _query()
    monkeypatch.setattr(module, "NICER_FIRST_RLIMIT", 1)
    assert nicer_first(constraints, [*goals, x <= 60], [], rlimit=60_000_000,
                       case_terms=[x], confirm=None) is None


@pytest.mark.parametrize("check", ["readings", "gaps"])
def test_a_readings_or_gaps_query_asks_the_nicer_query_before_the_slice_solver(
        check: str, planted: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # nicer_first (the readings and gaps checks): the nicer query first, the slice solver
    # (checks/quick.py) not asked when it answers; the finding is the one of before
    from lexlux.verify.checks.context import Audit
    from lexlux.verify.checks.findings import to_json
    from lexlux.verify.checks.quick import Slices
    from lexlux.verify.checks.rules import _check_readings, check_gaps
    run = {"readings": _check_readings, "gaps": check_gaps}[check]

    def findings(first: bool) -> tuple[list[dict[str, Any]], list[str]]:
        sliced: list[str] = []
        with monkeypatch.context() as patched:
            decide, query = Slices.decide, Audit.query

            def spy(self: Slices, *args: Any, **kwargs: Any) -> Any:
                sliced.append("asked")
                return decide(self, *args, **kwargs)

            def flagged(self: Audit, *args: Any, **kwargs: Any) -> Any:
                kwargs["nicer_first"] = first and kwargs.get("nicer_first", False)
                return query(self, *args, **kwargs)
            patched.setattr(Slices, "decide", spy)
            patched.setattr(Audit, "query", flagged)
            audit = Audit(planted, "lu")
            return [to_json(planted, f) for f in run(audit)], sliced
    found, sliced = findings(True)
    before, sliced_before = findings(False)
    assert [f["code"] for f in found] == [{"readings": "LX503", "gaps": "LX506"}[check]]
    assert found == before
    assert sliced == [] and sliced_before == ["asked"]
