"""Stage 5 (verify): one query to Z3 — a fresh solver, a deterministic resource limit,
three results (SAT with a model, UNSAT with a core of citations, UNKNOWN with a reason).

Each query is solved in a fresh Z3 context, into which its constraints are translated in
their given order: Z3's search depends on the identifiers of terms, which in the shared
context depend on every term built before (by earlier checks, other encodings, the order
of file discovery).  In a fresh context they depend only on the query, so one query takes
the same path whatever ran before it and whatever the install.

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


#: Random seeds tried in turn when Z3 answers UNKNOWN (each with the full resource limit):
#: a fixed portfolio, so the result stays deterministic.
SEEDS: tuple[int | None, ...] = (0, 7, 13)
#: The portfolio with the counted_days axioms: ``None`` is the preprocessing strategy
#: (simplify, propagate values, solve equations, then the SMT core), which decides the
#: limit dates of CSS art. 14 (2) with half-time days where the default strategy gets lost
#: in the if-then-else terms of parameters chosen by date.
AXIOM_SEEDS: tuple[int | None, ...] = (None, 0, 7, 13)


def solve(constraints: Sequence[Constraint], goals: Sequence[Any],
          calls: Sequence[AbstractCall] = (), *, rlimit: int = DEFAULT_RLIMIT,
          cores: bool = False, case_terms: Sequence[Any] = ()) -> SolveResult:
    """Is there a case satisfying ``constraints`` and ``goals``?  UNKNOWN only if every
    seed of :data:`SEEDS` gives up.  ``case_terms`` (the variables of the case) are kept
    at the last model's values while abstract calls are refined, so that the refinement
    converges on one case before trying another.

    Without a decision, the query is solved again with the axioms of the ``counted_days``
    abstraction (:mod:`.counted_axioms`): they let Z3 prove properties of the first day
    over a limit for every history, but make the search for a witness slower, so they are
    added only when needed (they are sound: an answer with them is an answer)."""
    result = _portfolio(constraints, goals, calls, rlimit, cores, case_terms, SEEDS)
    if result.status != "unknown":
        return result
    from .counted_axioms import counted_axioms
    axioms = counted_axioms([c.counted for c in calls if c.counted is not None])
    if not axioms:
        return result
    return _portfolio([*constraints, *[(None, a) for a in axioms]], goals, calls, rlimit,
                      cores, case_terms, AXIOM_SEEDS)


def _portfolio(constraints: Sequence[Constraint], goals: Sequence[Any],
               calls: Sequence[AbstractCall], rlimit: int, cores: bool,
               case_terms: Sequence[Any], seeds: tuple[int | None, ...]) -> SolveResult:
    result = SolveResult("unknown")
    for seed in seeds:
        if seed is None and cores:
            continue                  # unsat cores need the default solver
        result = _solve(constraints, goals, calls, rlimit, cores, seed, case_terms)
        if result.status != "unknown" or ("refined" in result.reason and seeds is SEEDS):
            return result             # with the axioms, another strategy may still decide
    return result


def _solve(constraints: Sequence[Constraint], goals: Sequence[Any],
           calls: Sequence[AbstractCall], rlimit: int, cores: bool, seed: int | None,
           case_terms: Sequence[Any]) -> SolveResult:
    ctx = z3.Context()
    solver = z3.Solver(ctx=ctx) if seed is not None else z3.Then(
        "simplify", "propagate-values", "solve-eqs", "smt", ctx=ctx).solver()
    solver.set("rlimit", rlimit)
    if seed:
        solver.set("random_seed", seed)
    if cores:
        solver.set("core.minimize", True)
    grouped: dict[str, list[Any]] = {}
    for label, formula in constraints:
        if label is None or not cores:
            solver.add(_into(formula, ctx))
        else:
            grouped.setdefault(label, []).append(_into(formula, ctx))
    for label, formulas in grouped.items():
        solver.assert_and_track(z3.And(formulas), z3.Bool(label, ctx))
    for goal in goals:
        solver.add(_into(goal, ctx))
    lemmas: list[Any] = []
    keep: list[Any] = []      # the last model's arguments of abstract calls, tried first
    for attempt in range(MAX_REFINEMENTS + 1):
        try:
            answer = solver.check(*[_into(k, ctx) for k in keep]) if keep \
                else solver.check()
            if keep and answer == z3.unsat:
                answer = solver.check()
        except z3.Z3Exception as exc:  # translated here, never leaks
            return SolveResult("unknown", reason=f"z3 error: {exc}", refinements=attempt)
        if answer == z3.unsat:
            core = tuple(sorted(str(b) for b in solver.unsat_core())) if cores else ()
            return SolveResult("unsat", core=core, refinements=attempt, lemmas=lemmas)
        if answer == z3.unknown:
            return SolveResult("unknown", reason=solver.reason_unknown(), refinements=attempt)
        model = solver.model().translate(z3.main_ctx())
        new = [lemma for call in calls if (lemma := call.lemma(model)) is not None]
        if not new:
            return SolveResult("sat", model=model, refinements=attempt, lemmas=lemmas)
        lemmas += new
        for lemma in new:
            solver.add(_into(lemma, ctx))
        keep = [t == model.eval(t, model_completion=True) for t in case_terms] or \
            [eq for call in calls for eq in call.arguments_in(model)]
    return SolveResult("unknown", reason=f"the calendar abstraction was refined "
                       f"{MAX_REFINEMENTS} times without an exact model")


def _into(formula: Any, ctx: z3.Context) -> Any:
    """``formula`` in ``ctx`` (Python booleans, as some goals are, made terms)."""
    if isinstance(formula, bool):
        return z3.BoolVal(formula, ctx)
    return formula.translate(ctx)
