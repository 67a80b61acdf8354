"""Stage 5 (verify): one query to Z3 — a fresh solver, a deterministic resource limit,
three results (SAT with a model, UNSAT with a core of citations, UNKNOWN with a reason).

Abstract calendar values (``working_days``) are refined on demand: when a model gives an
abstract call a value the calendar does not, the lemma fixing it is added and the query
solved again, so that every SAT model is exact for the calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from .encode import Constraint
from .encode_expr import AbstractCall

#: Deterministic budget of one query (Z3 rlimit units).
DEFAULT_RLIMIT = 20_000_000
MAX_REFINEMENTS = 50


@dataclass
class SolveResult:
    status: str                       # "sat" | "unsat" | "unknown"
    model: z3.ModelRef | None = None
    core: tuple[str, ...] = ()
    reason: str = ""
    refinements: int = 0
    lemmas: list[Any] = field(default_factory=list)


def solve(constraints: Sequence[Constraint], goals: Sequence[Any],
          calls: Sequence[AbstractCall] = (), *, rlimit: int = DEFAULT_RLIMIT,
          cores: bool = False) -> SolveResult:
    """Is there a case satisfying ``constraints`` and ``goals``?"""
    solver = z3.Solver()
    solver.set("rlimit", rlimit)
    if cores:
        solver.set("core.minimize", True)
    grouped: dict[str, list[Any]] = {}
    for label, formula in constraints:
        if label is None or not cores:
            solver.add(formula)
        else:
            grouped.setdefault(label, []).append(formula)
    for label, formulas in grouped.items():
        solver.assert_and_track(z3.And(formulas), z3.Bool(label))
    for goal in goals:
        solver.add(goal)
    lemmas: list[Any] = []
    for attempt in range(MAX_REFINEMENTS + 1):
        try:
            answer = solver.check()
        except z3.Z3Exception as exc:  # translated here, never leaks
            return SolveResult("unknown", reason=f"z3 error: {exc}", refinements=attempt)
        if answer == z3.unsat:
            core = tuple(sorted(str(b) for b in solver.unsat_core())) if cores else ()
            return SolveResult("unsat", core=core, refinements=attempt, lemmas=lemmas)
        if answer == z3.unknown:
            return SolveResult("unknown", reason=solver.reason_unknown(), refinements=attempt)
        model = solver.model()
        new = [lemma for call in calls if (lemma := call.lemma(model)) is not None]
        if not new:
            return SolveResult("sat", model=model, refinements=attempt, lemmas=lemmas)
        lemmas += new
        for lemma in new:
            solver.add(lemma)
    return SolveResult("unknown", reason=f"the calendar abstraction was refined "
                       f"{MAX_REFINEMENTS} times without an exact model")
