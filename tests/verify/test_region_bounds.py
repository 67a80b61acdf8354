"""lexlux diff: a region's fact ranges by bisection on one incremental solver per output
(checks/region_bounds.py) say what the optimisation of checks/regions.py says, every bound
proved; a summary not settled within its budget names the facts it leaves out, and the
finding keeps its witness."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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
    def first(self: Any, *extra: Any, **more: Any) -> Any:
        if self.models:
            raise region_bounds._UnsettledError
        self.out.budget += 10**7           # the first check only
        try:
            return ask(self, *extra, **more)
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


def _limits_of(solver: region_bounds.RegionSolver) -> list[int]:
    """The resource limit of each check ``solver`` makes from now on, in order."""
    limits: list[int] = []
    check = solver.check

    def counted(extra: Any, limit: int) -> Any:
        limits.append(limit)
        return check(extra, limit)
    solver.check = counted  # type: ignore[method-assign]
    return limits


def _x_from_3_to_40_with_witness_5() -> tuple[Any, region_bounds.RegionSolver, list[int], Any]:
    """An output's solver over ``3 <= x <= 40`` (its checks' limits recorded) and a solver
    whose model, ``x = 5``, serves as a region's witness."""
    import z3
    x = z3.Int("x")
    solver = region_bounds.RegionSolver([x >= 3, x <= 40])
    limits = _limits_of(solver)
    witness = z3.Solver()
    witness.add(x == 5)
    assert witness.check() == z3.sat
    return x, solver, limits, witness


def test_the_bisection_has_a_limit_of_its_own() -> None:
    # the first check has FIRST_RLIMIT, whether a fact is given CHECK_RLIMIT, and each
    # check of a bound's bisection BISECT_RLIMIT (stop 18: its tail decided nothing)
    import z3
    x, y = z3.Ints("x y")
    solver = region_bounds.RegionSolver([x >= 3, x <= 40, y == 2 * x])
    limits = _limits_of(solver)
    bounds = region_bounds._Bounds(solver, None, 10**7)  # type: ignore[arg-type]
    solver.solver.push()
    try:
        assert bounds.ask() is not None
        assert bounds.ask(x >= 10) is not None
        assert limits == [region_bounds.FIRST_RLIMIT, region_bounds.CHECK_RLIMIT]
        assert bounds.least(z3.BoolVal(True), x, -10**9) == 3
        assert len(limits) > 3
        assert set(limits[2:]) == {region_bounds.BISECT_RLIMIT}
    finally:
        solver.solver.pop()
    assert region_bounds.BISECT_RLIMIT < region_bounds.CHECK_RLIMIT


def test_a_bound_not_bisected_within_its_limit_is_named(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # each bisection check undecided: the facts whose bounds need one are named, not
    # left free, whatever the summary's budget has left
    monkeypatch.setattr(region_bounds, "BISECT_RLIMIT", 1)
    audit = Audit(kb, "lu", max_regions=3)
    results = {r.output: r for r in diff_versions(audit, *BOUNDARY, None)}
    [finding] = results["certificate_in_time"].findings
    [line] = [line for line in finding.details if "not settled" in line]
    assert "the range of absence_start, certificate_received_on was not settled" in line
    assert f"budget ({region_bounds.SUMMARY_RLIMIT:,} rlimit units)" in line


def _limits(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[int]]:
    """The limits of the checks of the output's solvers and of the fresh ones."""
    mine: list[int] = []
    cold: list[int] = []
    check, cold_check = region_bounds.RegionSolver.check, region_bounds.ColdSolver.check

    def counted(self: Any, extra: Any, limit: int) -> Any:
        mine.append(limit)
        return check(self, extra, limit)

    def cold_counted(self: Any, extra: Any, limit: int) -> Any:
        cold.append(limit)
        return cold_check(self, extra, limit)
    monkeypatch.setattr(region_bounds.RegionSolver, "check", counted)
    monkeypatch.setattr(region_bounds.ColdSolver, "check", cold_counted)
    return mine, cold


def test_a_summary_started_from_the_witness_says_what_the_optimisation_says(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # the output's solver finds no case within the probe: each summary starts from its
    # witness on fresh solvers, and proves the same ranges
    monkeypatch.setattr(region_bounds, "PROBE_RLIMIT", 1)
    _, cold = _limits(monkeypatch)
    witnesses: list[Any] = []
    summarise = region_bounds.summarise

    def kept(region: Any, goals: Any, **more: Any) -> list[str]:
        witnesses.append(more.get("witness"))
        return summarise(region, goals, **more)
    monkeypatch.setattr(region_bounds, "summarise", kept)
    seen = _summaries(kb, monkeypatch)
    assert cold and all(w is not None for w in witnesses)
    # the first range check comes first (stop 20), then the witness's case, fixed
    assert cold[:2] == [region_bounds.COLD_RLIMIT, region_bounds.FIRST_RLIMIT]
    assert cold.count(region_bounds.FIRST_RLIMIT) == len(witnesses)    # one per region
    assert set(cold) == {region_bounds.FIRST_RLIMIT, region_bounds.COLD_RLIMIT}
    for name, lines, old in seen:
        expected = ["region (each fact's range over the cases of this region): "
                    + "; ".join(old)] if old else []
        assert lines == expected, name
    assert any("absence_start: 2060-12-29 or earlier; certificate_received_on: "
               "1990-01-03 or later" in line for _, lines, _ in seen for line in lines)


def test_a_region_out_of_reach_from_the_witness_is_not_summarised(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(region_bounds, "PROBE_RLIMIT", 1)
    monkeypatch.setattr(region_bounds, "COLD_RLIMIT", 1)
    mine, cold = _limits(monkeypatch)
    audit = Audit(kb, "lu", max_regions=3)
    results = {r.output: r for r in diff_versions(audit, *BOUNDARY, None)}
    [finding] = results["certificate_in_time"].findings
    assert finding.replay is not None and finding.replay.endswith("confirmed")
    [line] = [line for line in finding.details if line.startswith("region")]
    assert line.startswith("region: not summarised — the solver found no case of the "
                           "region within 1 rlimit units, so the summary started from the "
                           "witness, whose first range check was not decided")
    # the first range check undecided, the summary stops: the output's solver is not
    # asked again (its whole first check is what the probe spares), and the witness's
    # case is not made (stop 20: the range check comes first)
    assert region_bounds.FIRST_RLIMIT not in mine
    assert cold == [1] * len([r for r in results.values() if r.findings])


def test_the_probe_is_for_a_solver_that_has_found_no_case_yet() -> None:
    x, solver, limits, witness = _x_from_3_to_40_with_witness_5()
    for goal in (x <= 10, x >= 20):
        found = solver.summary([goal], None, set(), witness=witness.model())  # type: ignore[arg-type]
        assert found.reached and not found.from_witness
    assert limits == [region_bounds.PROBE_RLIMIT, region_bounds.FIRST_RLIMIT]
    # without a witness (the conflicts' overlaps, the tests) the first check is whole
    assert solver.summary([x == 7], None, set()).reached  # type: ignore[arg-type]
    assert limits[-1] == region_bounds.FIRST_RLIMIT


def test_what_either_summary_settles_is_kept() -> None:
    one = region_bounds.Summary(lines=["a: 3 only"], unsettled=["b", "c"], reached=True,
                                spent=10, settled={"a": "a: 3 only"})
    two = region_bounds.Summary(lines=["b: true only"], unsettled=["a"], reached=True,
                                spent=5, settled={"b": "b: true only", "c": None})
    both = region_bounds._merged(one, two)
    assert both.lines == ["a: 3 only", "b: true only"]
    assert both.unsettled == [] and both.reached and both.spent == 15
    assert not both.from_witness        # the output's solver reached the region
    partial = region_bounds._merged(one, region_bounds.Summary(unsettled=["a", "b", "c"]))
    assert partial.lines == ["a: 3 only"] and partial.unsettled == ["b", "c"]
    assert partial.from_witness


def test_a_region_within_reach_is_asked_of_the_output_solver_made_anew(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe finds no case, the summary from the witness decides one range check and
    # then no more: the output's solver (made anew, its probe forgotten) is asked as
    # before, and the lines are those of the optimisation
    monkeypatch.setattr(region_bounds, "PROBE_RLIMIT", 1)
    cold_check, start = region_bounds.ColdSolver.check, region_bounds.RegionSolver._start
    asked: dict[int, int] = {}
    made: list[int] = []

    def two_then_unknown(self: Any, extra: Any, limit: int) -> Any:
        asked[id(self)] = asked.get(id(self), 0) + 1
        if asked[id(self)] > 2:
            return "unknown", None, limit
        return cold_check(self, extra, limit)

    def counted(self: Any) -> None:
        made.append(id(self))
        start(self)
    monkeypatch.setattr(region_bounds.ColdSolver, "check", two_then_unknown)
    monkeypatch.setattr(region_bounds.RegionSolver, "_start", counted)
    seen = _summaries(kb, monkeypatch)
    assert asked and len(made) == 2 * len(set(made))    # each solver made twice
    for name, lines, old in seen:
        expected = ["region (each fact's range over the cases of this region): "
                    + "; ".join(old)] if old else []
        assert lines == expected, name


def test_the_first_range_check_from_the_witness_asks_the_other_given_ness() -> None:
    # the witness's pins fix whether the fact is given: the first range check asks for a
    # case where it is the other way (1: given), before the witness's case is made
    import z3
    g = z3.Bool("g")
    var: Any = type("V", (), {"given": g})()
    ctx = z3.Context()
    pins = [g.translate(ctx) == z3.BoolVal(False, ctx)]
    assert region_bounds._other_given(var, pins, ctx) == 1
    assert region_bounds._other_given(var, [g.translate(ctx) == z3.BoolVal(True, ctx)],
                                      ctx) == 0
    assert region_bounds._other_given(var, [], ctx) is None


def test_a_later_region_of_an_output_out_of_reach_is_not_tried() -> None:
    x, solver, limits, witness = _x_from_3_to_40_with_witness_5()
    solver.out_of_reach = True          # as an earlier region found out of reach leaves it
    found = solver.summary([x <= 10], None, {"f"}, witness=witness.model())  # type: ignore[arg-type]
    assert found.skipped and found.from_witness and not found.reached
    assert found.unsettled == ["f"] and not found.lines and limits == []    # no check
    [line] = region_bounds._from_witness(found)
    assert line.startswith("region: not summarised — an earlier region of this output was "
                           "out of reach")
    assert "none is claimed free" in line
    # a solver that has found a case of some region asks every region
    solver.reached = True
    assert not solver.summary([x <= 10], None, set(),  # type: ignore[arg-type]
                              witness=witness.model()).skipped
    assert limits == [region_bounds.FIRST_RLIMIT]


def test_a_region_out_of_reach_marks_its_output(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe and the first range check from the witness undecided: the output's
    # solver is marked, so that its later regions are not tried; a region within reach
    # does not mark it
    marks: list[tuple[bool, bool]] = []
    summarise = region_bounds.summarise

    def marked(region: Any, goals: Any, **more: Any) -> list[str]:
        lines = summarise(region, goals, **more)
        marks.append((region.ranges.out_of_reach, any("not summarised" in line
                                                       for line in lines)))
        return lines
    monkeypatch.setattr(region_bounds, "summarise", marked)
    audit = Audit(kb, "lu", max_regions=3)
    list(diff_versions(audit, *BOUNDARY, None))
    assert marks and not any(mark for mark, _ in marks)
    marks.clear()
    monkeypatch.setattr(region_bounds, "PROBE_RLIMIT", 1)
    monkeypatch.setattr(region_bounds, "COLD_RLIMIT", 1)
    list(diff_versions(Audit(kb, "lu", max_regions=3), *BOUNDARY, None))
    assert marks and all(mark and out for mark, out in marks)


def _asked(solver: Any) -> list[str]:
    """The text of the extra constraints of each check ``solver`` makes from now on."""
    asked: list[str] = []
    check = solver.check

    def recorded(extra: Any, limit: int) -> Any:
        asked.append(", ".join(str(e) for e in extra))
        return check(extra, limit)
    solver.check = recorded  # type: ignore[method-assign]
    return asked


@contextlib.contextmanager
def _known_at_4000(low: int) -> Iterator[tuple[Any, Any, list[str]]]:
    """An output's solver of ``low <= x <= 5000`` that has found the case x = 4000, its
    bounds, and the checks it makes from then on."""
    import z3
    x = z3.Int("x")
    solver = region_bounds.RegionSolver([x >= low, x <= 5000])
    bounds = region_bounds._Bounds(solver, None, 10**7)  # type: ignore[arg-type]
    solver.solver.push()
    try:
        assert bounds.ask(x == 4000) is not None
        yield x, bounds, _asked(solver)
    finally:
        solver.solver.pop()


def test_a_bound_one_above_the_floor_of_its_domain_is_asked_next() -> None:
    # stop 21: a date one day after the horizon's first day (or one period) is the
    # commonest bisected bound of the bundled diffs: asked right after the floor, it is
    # found in two checks instead of a bisection from the first value known
    import z3
    with _known_at_4000(1) as (x, bounds, asked):
        assert bounds.least(z3.BoolVal(True), x, 0) == 1
        assert asked == ["True, x <= 0", "True, x <= 1"]


def test_a_bound_near_the_least_value_known_is_galloped_to() -> None:
    # above the floor's neighbour, the checks go down from the least value known by
    # doubling steps before bisecting: a bound a few below it takes fewer checks than a
    # bisection from the floor; the bound is the same
    import z3
    with _known_at_4000(3990) as (x, bounds, asked):
        assert bounds.least(z3.BoolVal(True), x, 0) == 3990
        assert asked[:3] == ["True, x <= 0", "True, x <= 1", "True, x <= 3999"]
        # a bisection from 1 to 4000 alone takes 12 checks after the first two
        assert len(asked) < 2 + 12


def test_a_bound_with_no_domain_floor_is_bisected_as_before() -> None:
    # an integer fact's stand-in floor (-BIG) has no neighbour worth asking: its bound is
    # bisected from the floor, as before stop 21
    import z3
    with _known_at_4000(3990) as (x, bounds, asked):
        floor = -region_bounds.BIG
        assert bounds.least(z3.BoolVal(True), x, floor) == 3990
        assert asked[:2] == [f"True, x <= {floor}", f"True, x <= {(floor + 4000) // 2}"]


def test_a_summary_from_the_witness_does_not_gallop() -> None:
    # the fresh solvers of a summary from the witness pay each check in full (and stop at
    # the first undecided): after the floor's neighbour, they bisect as before
    import z3
    x = z3.Int("x")
    owner = region_bounds.RegionSolver([x >= 3990, x <= 5000])
    owner.solver.push()
    try:
        cold = region_bounds.ColdSolver(owner)
        asked = _asked(cold)
        bounds = region_bounds._Bounds(cold, None, 10**7, stop=True)  # type: ignore[arg-type]
        assert bounds.ask(x == 4000) is not None
        del asked[:]
        assert bounds.least(z3.BoolVal(True), x, 0) == 3990
        assert asked[:3] == ["True, x <= 0", "True, x <= 1", "True, x <= 2000"]
    finally:
        owner.solver.pop()
