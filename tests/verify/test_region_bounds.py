"""lexlux diff: a region's fact ranges by bisection on one incremental solver per output
(checks/region_bounds.py) say what the optimisation of checks/regions.py says, every bound
proved; a summary not settled within its budget names the facts it leaves out, and the
finding keeps its witness."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.verify.checks import region_bounds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.versions import diff_versions

BOUNDARY = date(2015, 1, 1), date(2020, 1, 1)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    # the rules of the LX507 fixture: a certificate day of 3 days lowered to 2 in 2019
    from lexlux.pipeline import load_knowledge_base
    from test_bad_fixtures import BAD, assemble
    rules = assemble(BAD / "LX507-version-diff", tmp_path_factory.mktemp("lx507"))
    found = load_knowledge_base([rules]).kb
    assert found is not None
    return found


def _summaries(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
               ) -> list[tuple[str, list[str], list[str]]]:
    """(output, the new summary's lines, the optimisation's ranges) of every region."""
    seen: list[tuple[str, list[str], list[str]]] = []
    summarise = region_bounds.summarise

    def both(region: Any, goals: Any, **more: Any) -> list[str]:
        lines = summarise(region, goals, **more)
        old = region.audit.region([region.one, region.two], [{region.name}] * 2,
                                  [*region.goals, *goals])
        seen.append((region.name, lines, old))
        return lines
    monkeypatch.setattr(region_bounds, "summarise", both)
    audit = Audit(kb, "lu", max_regions=3)
    results = list(diff_versions(audit, *BOUNDARY, None))
    assert any(r.status == "differ" for r in results)
    return seen


def test_the_bisection_says_what_the_optimisation_says(kb: KnowledgeBase,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    seen = _summaries(kb, monkeypatch)
    assert seen
    for name, lines, old in seen:
        assert not any("not settled" in line for line in lines), (name, lines)
        expected = ["region (each fact's range over the cases of this region): "
                    + "; ".join(old)] if old else []
        assert lines == expected, name
    # the fixture's region of certificate_in_time (its golden shows the same line)
    assert any("absence_start: 2060-12-29 or earlier; certificate_received_on: "
               "1990-01-03 or later" in line for _, lines, _ in seen for line in lines)


def test_a_summary_out_of_budget_names_what_it_leaves_out(kb: KnowledgeBase,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setattr(region_bounds, "SUMMARY_RLIMIT", 1)
    audit = Audit(kb, "lu", max_regions=3)
    results = {r.output: r for r in diff_versions(audit, *BOUNDARY, None)}
    [finding] = results["certificate_in_time"].findings
    assert finding.replay is not None and finding.replay.endswith("confirmed")
    assert not any(line.startswith("region (each fact") for line in finding.details)
    [line] = [line for line in finding.details if line.startswith("region: not summarised")]
    assert "no fact's range is known" in line


def test_a_fact_not_settled_is_named(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
                                     ) -> None:
    # a budget that finds a case of the region and settles nothing more
    monkeypatch.setattr(region_bounds, "SUMMARY_RLIMIT", 1)
    monkeypatch.setattr(region_bounds._Bounds, "ask", _first_only(region_bounds._Bounds.ask))
    audit = Audit(kb, "lu", max_regions=3)
    results = {r.output: r for r in diff_versions(audit, *BOUNDARY, None)}
    [finding] = results["certificate_in_time"].findings
    [line] = [line for line in finding.details if "not settled" in line]
    assert "the range of absence_start, certificate_received_on was not settled" in line
    assert "budget (1 rlimit units)" in line


def _first_only(ask: Any) -> Any:
    def first(self: Any, *extra: Any) -> Any:
        if self.models:
            raise region_bounds._UnsettledError
        self.out.budget += 10**7           # the first check only
        try:
            return ask(self, *extra)
        finally:
            self.out.budget -= 10**7
    return first


def test_a_bound_is_the_least_value_of_some_case() -> None:
    import z3
    x, y = z3.Ints("x y")
    solver = region_bounds.RegionSolver([x >= 3, x <= 40, y == 2 * x])
    bounds = region_bounds._Bounds(solver, None, 10**7)  # type: ignore[arg-type]
    solver.solver.push()
    try:
        assert bounds.ask() is not None
        assert bounds.least(z3.BoolVal(True), x, -10**9) == 3
        assert -bounds.least(z3.BoolVal(True), -y, -10**9) == 80
        assert bounds.least(z3.BoolVal(True), y, 6) <= 6         # the floor is reached
    finally:
        solver.solver.pop()
