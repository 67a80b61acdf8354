"""A smaller first round for some strategies (solve(first_round=...)): ``lexlux diff``
gives ``preprocess`` half its first allowance (encoding/solve.py CHEAP_FIRST_ROUND), later
rounds are unchanged, the audit's own setting is restored afterwards, and the diff's
answers are those without the cap (kb/diff: the limit of 364 days raised to 546)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.verify.checks import diff_seeds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.versions import diff_versions
from lexlux.verify.encoding import solve as solving
from lexlux.verify.encoding.solve import CHEAP_FIRST_ROUND, FIRST_ALLOWANCE, GROWTH, Strategy

from conftest import load


def _allowances(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Strategy, int]]:
    seen: list[tuple[Strategy, int]] = []
    advance = solving._Run.advance

    def recorded(self: Any, allowance: int) -> Any:
        seen.append((self.strategy, allowance))
        return advance(self, allowance)
    monkeypatch.setattr(solving._Run, "advance", recorded)
    return seen


def _hard() -> list[Any]:
    """A query no strategy decides in its first round (a product of two unknowns)."""
    x, y = z3.Ints("x y")
    return [x * y == 1_000_000_007 * 998_244_353, x > 1, y > 1]


def test_the_cap_is_for_the_first_round_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solving, "FIRST_ALLOWANCE", 10_000)
    seen = _allowances(monkeypatch)
    cap = {Strategy("preprocess"): 1_000}
    result = solving.solve([], _hard(), rlimit=200_000, first_round=cap)
    assert result.status == "unknown"
    by_round = [a for s, a in seen if s == Strategy("preprocess")]
    assert by_round[:2] == [1_000, 10_000 * GROWTH]
    others = [a for s, a in seen if s == Strategy("incremental")]
    assert others[:2] == [10_000, 10_000 * GROWTH]


def test_the_answers_do_not_change(monkeypatch: pytest.MonkeyPatch) -> None:
    x = z3.Int("x")
    for goals, status in (([x > 3, x < 5], "sat"), ([x > 3, x < 4], "unsat")):
        for cap in (None, {Strategy("preprocess"): 1}, {Strategy("incremental"): 1}):
            result = solving.solve([], goals, first_round=cap)
            assert result.status == status, (goals, cap)
            if status == "sat":
                assert result.model is not None and result.model.eval(x).as_long() == 4


def _diff(monkeypatch: pytest.MonkeyPatch, cheap: dict[Strategy, int]
          ) -> tuple[Audit, dict[str, Any], list[tuple[Strategy, int]]]:
    monkeypatch.setattr(solving, "CHEAP_FIRST_ROUND", cheap)
    # no seeded pass (checks/diff_seeds.py): the second region is the gate query's, the
    # query whose first round is capped (with the pass, the region is a seeded one)
    monkeypatch.setattr(diff_seeds, "pool", lambda *args, **kwargs: [])
    seen = _allowances(monkeypatch)
    audit = Audit(load("diff"), "lu", max_regions=2)
    found = {r.output: (r.status, sorted(f.key for f in r.findings))
             for r in diff_versions(audit, date(2018, 12, 31), date(2019, 1, 1),
                                    ["exhausted_from"])}
    return audit, found, seen


def test_the_diff_gives_preprocess_less_at_first_and_finds_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    audit, cheap, seen = _diff(monkeypatch, {Strategy("preprocess"): 1})
    assert audit.first_round == {}                                  # restored
    assert (Strategy("preprocess"), 1) in seen                     # its first round
    _, full, _ = _diff(monkeypatch, {})
    assert cheap == full
    assert cheap["exhausted_from"][0] == "differ"
    assert CHEAP_FIRST_ROUND[Strategy("preprocess")] < FIRST_ALLOWANCE
