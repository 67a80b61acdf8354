"""The rlimit of a solver set, and its count read, with fewer calls into Z3
(checks/rlimit.py): the same limit as ``Solver.set`` and the same counter as
``Statistics.get_key_value``."""

from __future__ import annotations

import z3
from lexlux.verify.checks.rlimit import Limits, rlimit_count


def _factors(ctx: z3.Context) -> z3.Solver:
    x, y = z3.Ints("x y", ctx)
    solver = z3.Solver(ctx=ctx)
    solver.add(x * y == 12, x > 1, y > 1, x + y < 8)
    return solver


def test_the_limit_set_is_the_limit_of_the_check() -> None:
    # the same solver: undecided within 1 unit, decided within 10**6 (the parameter set of
    # each limit is made once per context and serves every solver of it)
    ctx = z3.Context()
    limits = Limits(ctx)
    solver = _factors(ctx)
    limits.set(solver, 1)
    assert solver.check() == z3.unknown
    limits.set(solver, 10**6)
    assert solver.check() == z3.sat
    other = _factors(ctx)
    limits.set(other, 1)
    assert other.check() == z3.unknown
    assert list(limits.made) == [1, 10**6]


def test_the_count_is_the_statistics_counter() -> None:
    ctx = z3.Context()
    solver = _factors(ctx)
    solver.set("rlimit", 10**6)
    assert solver.check() == z3.sat
    count = rlimit_count(solver)
    assert count == int(solver.statistics().get_key_value("rlimit count"))
    assert count > 0


def test_the_count_of_a_solver_not_checked_yet() -> None:
    solver = z3.Solver(ctx=z3.Context())
    solver.add(z3.Int("x", solver.ctx) > 2)
    assert rlimit_count(solver) == int(solver.statistics().get_key_value("rlimit count"))
