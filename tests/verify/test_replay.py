"""Replay in the search for a witness (verify/encoding/solve.py, "Replay"): a model that
is not yet exact for a calendar abstraction is a witness when the evaluator confirms it;
when the evaluator does not, the solver goes on refining."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import check_dead
from lexlux.verify.encoding.encode_expr import AbstractCall
from lexlux.verify.encoding.solve import solve

from conftest import load


def _successor_query() -> tuple[Any, AbstractCall, list[Any]]:
    """f(x) = 5 where the calendar says f(x) = x + 1: exact only for x = 4."""
    x = z3.Int("replay_x")
    f = z3.Function("replay_successor", z3.IntSort(), z3.IntSort())
    call = AbstractCall("replay_successor", (x,), ("int",), f(x), lambda v: v + 1, f)
    return x, call, [x >= 0, x <= 100, f(x) == 5]


def _counting(answer: Callable[[z3.ModelRef], bool]) -> tuple[list[z3.ModelRef],
                                                              Callable[[z3.ModelRef], bool]]:
    seen: list[z3.ModelRef] = []

    def confirm(model: z3.ModelRef) -> bool:
        seen.append(model)
        return answer(model)
    return seen, confirm


def test_a_model_the_replay_confirms_is_a_witness_as_it_is() -> None:
    x, call, constraints = _successor_query()
    # no exact model at all: x = 4 is excluded, so refinement alone never ends
    constraints.append(x != 4)
    assert solve([(None, c) for c in constraints], [], [call]).status == "unknown"
    seen, confirm = _counting(lambda model: True)
    result = solve([(None, c) for c in constraints], [], [call], confirm=confirm)
    assert result.status == "sat" and result.confirmed and result.refinements == 0
    assert len(seen) == 1 and result.model is seen[0]


def test_a_replay_that_does_not_confirm_falls_back_to_the_solver() -> None:
    x, call, constraints = _successor_query()
    seen, confirm = _counting(lambda model: False)
    result = solve([(None, c) for c in constraints], [], [call], confirm=confirm)
    assert result.status == "sat" and not result.confirmed
    assert result.model is not None and result.model.eval(x).as_long() == 4   # exact
    assert len(seen) == result.refinements >= 1       # every inexact model was replayed


def test_a_rule_reached_only_through_the_abstraction_is_not_dead() -> None:
    """R2 applies only to histories that use up a 364-day limit: its witnesses come from
    models of the counted_days abstraction, confirmed by the evaluator."""
    kb = load("replay")
    audit = Audit(kb, "lu")
    assert list(check_dead(audit)) == []
    assert audit.confirmed >= 1


def test_without_a_confirmation_the_rule_is_still_found_alive(monkeypatch: Any) -> None:
    import lexlux.verify.checks.rules as rules
    monkeypatch.setattr(rules, "conclusion_applies", lambda *a, **k: False)
    kb = load("replay")
    audit = Audit(kb, "lu")
    assert list(check_dead(audit)) == []
    assert audit.confirmed == 0


def test_one_budget_bounds_every_strategy_and_refinement_of_a_query() -> None:
    x, y, z = z3.Ints("budget_x budget_y budget_z")
    hard = [x > 0, y > 0, z > 0, x * x * x + y * y * y == z * z * z]   # Fermat, n = 3
    result = solve([(None, c) for c in hard], [], rlimit=3_000_000)
    assert result.status == "unknown" and "budget (3,000,000 rlimit units)" in result.reason
    # Z3 stops a check a little past its limit: never by more than a few percent
    assert 3_000_000 <= result.spent <= 3_150_000
