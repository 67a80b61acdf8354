"""The nicer query asked once (checks/context.py, ``Audit.query``): when
:func:`.nicer_first.nicer_first` asked it with the query's whole budget (a budget within
:data:`.nicer_first.NICER_FIRST_RLIMIT`, as every narrow query of ``lexlux diff``) and got
no model, it is not asked again after the query — it would give the same answer (fresh
contexts, a deterministic budget; were it to find a model after all, the query's own
model, a witness, is kept).  The diff of ``sickness_benefit_limit_reached_on``
(2018-12-31 → 2019-01-01) has such queries: no solve is repeated in one query."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import context, nicer_first
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.versions import DiffResult, diff_versions

NAME = "sickness_benefit_limit_reached_on"


def _diff(bundled: LoadResult, monkeypatch: pytest.MonkeyPatch, *, again: bool
          ) -> tuple[DiffResult, list[list[tuple[Any, ...]]]]:
    """The diff of :data:`NAME` and, per query, each solve (its formulas' text, budget and
    answer); ``again``: the nicer query asked again after the query, as before."""
    solves: list[list[tuple[Any, ...]]] = []
    query, solve = Audit.query, context.solve

    def spy_query(self: Audit, *args: Any, **kwargs: Any) -> Any:
        solves.append([])
        return query(self, *args, **kwargs)

    def spy_solve(constraints: Any, formulas: Any, calls: Any, **kwargs: Any) -> Any:
        result = solve(constraints, formulas, calls, **kwargs)
        solves[-1].append((tuple(f.sexpr() for f in formulas), kwargs["rlimit"],
                           result.status))
        return result

    monkeypatch.setattr(Audit, "query", spy_query)
    monkeypatch.setattr(context, "solve", spy_solve)
    monkeypatch.setattr(nicer_first, "solve", spy_solve)
    if again:
        monkeypatch.setattr(Audit, "_nicer_whole", lambda self: False)
    [result] = diff_versions(Audit(bundled.kb, "lu"), date(2018, 12, 31),
                             date(2019, 1, 1), [NAME])
    return result, solves


def test_the_nicer_query_is_not_asked_twice(bundled: LoadResult,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    result, solves = _diff(bundled, monkeypatch, again=False)
    assert result.status == "differ"
    for asked in solves:
        keys = [s[:2] for s in asked]
        assert len(keys) == len(set(keys)), "a solve repeated within one query"
    # the case is there: the nicer query (the first solve, within the whole budget of
    # 50,000 units) without a model, and the query solved after it
    assert any(len(asked) >= 2 and asked[0][2] != "sat" and asked[0][1] == 50_000
               for asked in solves)


def test_asked_again_the_nicer_query_gave_the_same_answer(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    # as before this change: the nicer query asked again after the query's model; the
    # same formulas within the same budget gave the same answer as the first time
    result, solves = _diff(bundled, monkeypatch, again=True)
    assert result.status == "differ"
    for asked in solves:
        for i, s in enumerate(asked):
            assert all(t[2] == s[2] for t in asked[i + 1:] if t[:2] == s[:2])
