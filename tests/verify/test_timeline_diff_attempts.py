"""The narrow attempts of the diff of a timeline output (checks/timeline_diff.py): each fact
set at each horizon, each with its whole budget; the remnant of the attempts' budget after
the attempts that spent theirs is not tried as one more attempt."""

from __future__ import annotations

from lexlux.verify.checks.timeline_diff import (
    SEED_BUDGET,
    SEED_HORIZONS,
    SEED_RLIMIT,
    _attempts,
)
from lexlux.verify.encoding.solve import Budget

SETS = [frozenset({"incapacity", "incapacity_start"}),
        frozenset({"birth_date", "incapacity", "incapacity_start"})]


def _run(spent_by_attempt: list[int], total: int = SEED_BUDGET
         ) -> list[tuple[frozenset[str], int]]:
    budget = Budget(total)
    asked = []
    for n, attempt in enumerate(_attempts(SETS, budget)):
        asked.append(attempt)
        budget.spent += spent_by_attempt[n]
    return asked


def test_undecided_attempts_leave_no_whole_budget_for_a_third() -> None:
    """Two attempts that spend their budget (undecided): what is left is not tried."""
    asked = _run([SEED_RLIMIT] * 4)
    assert SEED_BUDGET - 2 * SEED_RLIMIT < SEED_RLIMIT       # the bundled figures
    assert asked == [(SETS[0], SEED_HORIZONS[0]), (SETS[0], SEED_HORIZONS[1])]


def test_attempts_decided_within_their_budget_leave_room_for_the_next() -> None:
    asked = _run([SEED_RLIMIT // 20, SEED_RLIMIT // 10, SEED_RLIMIT, SEED_RLIMIT])
    assert asked == [(s, months) for s in SETS for months in SEED_HORIZONS]


def test_no_attempt_without_a_whole_budget() -> None:
    assert _run([0], SEED_RLIMIT - 1) == []
    assert _run([SEED_RLIMIT], SEED_RLIMIT) == [(SETS[0], SEED_HORIZONS[0])]
