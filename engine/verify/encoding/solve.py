"""Stage 5 (verify): one query to Z3 — fresh solvers, one deterministic budget, three
results (SAT with a model, UNSAT with a core of citations, UNKNOWN with a reason).

Each query is solved in fresh Z3 contexts, into which its constraints are translated in
their given order: Z3's search depends on the identifiers of terms, which in the shared
context depend on every term built before (by earlier checks, other encodings, the order
of file discovery).  In a fresh context they depend only on the query, so one query takes
the same path whatever ran before it and whatever the install.

**The budget.**  ``rlimit`` bounds the whole query: every ``check`` of every strategy and
every refinement draws on it (Z3's own ``rlimit`` counts the work of one ``check``; the
work done is read back from the context's statistics and subtracted).  A query that does
not decide within it is an honest UNKNOWN (LX510), whatever its shape.

**Strategies.**  No one Z3 configuration decides every query quickly: the default solver
(a tactic chosen by the logic) decides the counted-days witnesses at once but gets lost in
the arithmetic of some dates, where the plain SMT core, without preprocessing, decides in
a moment; the ``counted_days`` axioms (:mod:`.counted_axioms`) are needed for some proofs
but slow the search for a witness.  So the strategies of :data:`STRATEGIES` (and of
:data:`AXIOM_STRATEGIES`, for a query with ``counted_days`` calls) take turns, each round
allowing each strategy :data:`FIRST_ALLOWANCE` × :data:`GROWTH` ^ round units, until one
decides or the budget is spent.  A strategy resumes where it stopped (its lemmas are
kept).  The order is fixed, so the result is deterministic.

**Refinement.**  Abstract calendar values (``working_days``, ``counted_days``) are
refined on demand: when a model gives an abstract call a value the calendar does not, the
lemma fixing it is added (for every strategy: it is a fact of the calendar) and the query
solved again, so that every SAT model is exact for the calendar.  Each check runs in a new
solver, never incrementally (except for the strategy that is the incremental core): Z3's
incremental core skips the preprocessing that decides many of these queries, and a solver
asked for an unsat core (tracked assertions) is incremental from its first check; so a
core is asked for only once the query is known to be UNSAT.

**Replay.**  A query may come with ``confirm``: a test of a model against the evaluator
(the reference).  When a model is not yet exact for the calendar, it is replayed first;
if the evaluator shows what the query looks for, the query is SAT with that model
(``confirmed``) — sound whatever the abstraction, since the evaluator, not the encoding,
has shown the witness.  Otherwise the lemmas are added and the search goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from .encode import Constraint
from .encode_expr import AbstractCall
from .fast_terms import assert_all, eq, translate

#: Deterministic budget of one query (Z3 rlimit units, every check together).
DEFAULT_RLIMIT = 60_000_000
#: Refinements of one query by the strategies without all the counted_days axioms, and
#: by those with them (the lemmas are shared).
MAX_REFINEMENTS = 50
#: What each strategy may use in the first round, and the growth from round to round.
FIRST_ALLOWANCE = 1_000_000
GROWTH = 4
#: For a proof (``solve(proof=True)``), each strategy with all the axioms first gets this
#: fraction of the budget at once.
PROOF_SHARE = 4

#: A test of a model against the evaluator: True when the replayed case shows what the
#: query looks for (the model is then a witness, however abstract).
Confirm = Callable[[z3.ModelRef], bool]


@dataclass(frozen=True)
class Strategy:
    """How one check is run: ``incremental`` (Z3's SMT core alone), ``default`` (Z3's
    solver, non-incremental: a tactic chosen by the logic), ``preprocess`` (simplify,
    propagate values, solve equations, then the SMT core) or ``smt`` (the SMT tactic);
    with the ``counted_days`` axioms: none, those that guide a witness search
    (``witness``) or all (:mod:`.counted_axioms`)."""

    kind: str
    axioms: str = "none"              # "none" | "witness" | "all"

    def solver(self, ctx: z3.Context) -> z3.Solver:
        if self.kind == "preprocess":
            return z3.Then("simplify", "propagate-values", "solve-eqs", "smt",
                           ctx=ctx).solver()
        if self.kind == "smt":
            return z3.Tactic("smt", ctx=ctx).solver()
        solver = z3.Solver(ctx=ctx)
        if self.kind == "incremental":
            solver.push()              # Z3 then uses its incremental core from the start
        return solver


#: The strategies of every query, in the order of each round.
STRATEGIES: tuple[Strategy, ...] = (
    Strategy("incremental"), Strategy("default"), Strategy("preprocess"))
#: The strategies of a query with counted_days calls, after those.  ``preprocess`` with
#: the witness axioms finds the histories that reach a limit; with all the axioms it
#: decides the limit dates of CSS art. 14 (2) with half-time days, where the default gets
#: lost in the if-then-else terms of parameters chosen by date, and ``smt`` the third
#: window of that invariant.
AXIOM_STRATEGIES: tuple[Strategy, ...] = (
    Strategy("preprocess", "witness"), Strategy("preprocess", "all"),
    Strategy("smt", "all"))
#: The first round of ``lexlux diff``'s queries (``solve(first_round=...)``): ``preprocess``
#: without axioms spends 3-4 s of CPU on its first 10^6 units in the diff queries of the
#: bundled rules that it does not decide, 0.8-1.3 s on half of them, and the queries it
#: decides in its first round take at most 0.41·10^6 (both bundled boundaries, stop 14).
#: A first check (in a fresh context) that decides within a limit decides alike with any
#: larger one, so only a query that this strategy would decide between the two allowances
#: in its first round, or in a later round (its context then holds less work of the first),
#: can get another answer — another model or an UNKNOWN, never a wrong one.  On both
#: bundled boundaries it decides none of those, and the diff's findings are the same.
CHEAP_FIRST_ROUND: dict[Strategy, int] = {Strategy("preprocess"): 500_000}


@dataclass
class SolveResult:
    status: str                       # "sat" | "unsat" | "unknown"
    model: z3.ModelRef | None = None
    core: tuple[str, ...] = ()
    reason: str = ""
    refinements: int = 0
    lemmas: list[Any] = field(default_factory=list)
    #: the model was not exact for the calendar, but the evaluator confirmed it
    confirmed: bool = False
    #: the Z3 work the query used (rlimit units), every strategy together
    spent: int = 0
    #: the strategy that decided
    strategy: Strategy | None = None


class Budget:
    """What is left of one query's rlimit."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.spent = 0

    @property
    def left(self) -> int:
        return max(self.total - self.spent, 0)


def solve(constraints: Sequence[Constraint], goals: Sequence[Any],
          calls: Sequence[AbstractCall] = (), *, rlimit: int = DEFAULT_RLIMIT,
          cores: bool = False, case_terms: Sequence[Any] = (),
          confirm: Confirm | None = None, proof: bool = False,
          first_round: Mapping[Strategy, int] | None = None,
          strategies: Sequence[Strategy] | None = None) -> SolveResult:
    """Is there a case satisfying ``constraints`` and ``goals``, within ``rlimit``?
    ``case_terms`` (the variables of the case) are kept at the last model's values while
    abstract calls are refined, so that the refinement converges on one case before trying
    another; ``confirm`` replays a model that is not yet exact (see the module); ``cores``:
    an UNSAT answer comes with the labels of an unsat core; ``proof``: UNSAT is the
    expected answer (an invariant), so the strategies with all the axioms go first;
    ``first_round``: a smaller allowance for some strategies in the first round only
    (:data:`CHEAP_FIRST_ROUND`), for queries where the first round of a strategy is dear
    for what it decides; ``strategies``: those to take turns instead of
    :data:`STRATEGIES` (and
    :data:`AXIOM_STRATEGIES`), in that order."""
    counted = [c.counted for c in calls if c.counted is not None]
    axioms = _Axioms(counted)
    query = _Query(constraints, goals, calls, axioms, case_terms, confirm, Budget(rlimit))
    strategies = list(strategies) if strategies is not None else \
        [*STRATEGIES, *(AXIOM_STRATEGIES if counted else ())]
    runs = [_Run(query, s) for s in strategies]
    allowance = FIRST_ALLOWANCE
    first = dict(first_round or {})
    result = SolveResult("unknown", reason="no resource left for this query")
    if proof:        # first a long turn for each strategy with all the axioms
        for run in runs:
            if run.strategy.axioms == "all" and result.status == "unknown":
                result = run.advance(rlimit // PROOF_SHARE)
        if result.status != "unknown":
            return _finish(result, query, runs, strategies, cores)
    while query.budget.left > 0 and not all(run.retired for run in runs):
        for run in runs:
            if query.budget.left <= 0:
                break
            if run.retired:
                continue
            result = run.advance(min(allowance, first.get(run.strategy, allowance)))
            if result.status != "unknown":
                break
        else:
            allowance *= GROWTH
            first = {}
            continue
        break
    return _finish(result, query, runs, strategies, cores)


def _finish(result: SolveResult, query: _Query, runs: list[_Run],
            strategies: list[Strategy], cores: bool) -> SolveResult:
    rlimit = query.budget.total
    if result.status == "unknown" and all(query.refined.get(r.group, 0) > MAX_REFINEMENTS
                                          for r in runs):
        result.reason = (f"the calendar abstraction was refined {MAX_REFINEMENTS} times "
                         "without an exact model")
    elif result.status == "unknown" and query.budget.left <= 0:
        last = "" if result.reason in ("", "canceled") else f" (Z3: {result.reason})"
        result.reason = f"the query's resource budget ({rlimit:,} rlimit units) is used up{last}"
    if result.status == "unsat" and cores and result.strategy is not None:
        result.core = runs[strategies.index(result.strategy)].core()
    result.refinements = query.refinements
    result.lemmas = list(query.lemmas)
    result.spent = query.budget.spent
    return result


class _Axioms:
    """The ``counted_days`` axioms of one query at each level (:attr:`Strategy.axioms`),
    built when a strategy of that level first starts: most queries are decided before
    any strategy with axioms has a turn, and building them cost a query with 36 calls
    about 0.1 s.  The same terms, whenever they are built (they depend on the calls
    alone)."""

    def __init__(self, counted: Sequence[Any]) -> None:
        self.counted = counted
        self._built: dict[str, list[Any]] = {"none": []}

    def __getitem__(self, level: str) -> list[Any]:
        if level not in self._built:
            from .counted_axioms import counted_axioms, witness_axioms
            build = witness_axioms if level == "witness" else counted_axioms
            self._built[level] = build(self.counted)
        return self._built[level]


@dataclass
class _Query:
    constraints: Sequence[Constraint]
    goals: Sequence[Any]
    calls: Sequence[AbstractCall]
    axioms: _Axioms | Mapping[str, list[Any]]    # by level (a narrow timeline query: a dict)
    case_terms: Sequence[Any]
    confirm: Confirm | None
    budget: Budget
    #: the lemmas found so far, by any strategy (facts of the calendar: true for all)
    lemmas: list[Any] = field(default_factory=list)
    refinements: int = 0
    refined: dict[bool, int] = field(default_factory=dict)    # per group of strategies


class _Run:
    """One strategy on one query: its own context, resumed round after round."""

    def __init__(self, query: _Query, strategy: Strategy) -> None:
        self.query, self.strategy = query, strategy
        self.ctx: z3.Context | None = None
        self.base: list[Any] = []
        self.added: list[Any] = []        # the query's lemmas, in this context
        self.keep: list[Any] = []         # the last model's case, tried first
        self.counted = 0                  # the context's rlimit count after the last check
        self.retired = False              # gave up for a reason other than the resources
        #: strategies that refine alike share one count of refinements: with all the
        #: axioms, or without
        self.group = strategy.axioms == "all"

    def _start(self) -> z3.Context:
        if self.ctx is None:
            self.ctx = z3.Context()
            q = self.query
            self.base = [_into(f, self.ctx) for _, f in q.constraints]
            self.base += [_into(a, self.ctx) for a in q.axioms[self.strategy.axioms]]
            self.base += [_into(g, self.ctx) for g in q.goals]
        return self.ctx

    def advance(self, allowance: int) -> SolveResult:
        """Check and refine until decided, or until ``allowance`` is used up (UNKNOWN)."""
        ctx = self._start()
        q = self.query
        used = 0
        while q.refined.get(self.group, 0) <= MAX_REFINEMENTS:
            self.added += [_into(lemma, ctx) for lemma in q.lemmas[len(self.added):]]
            limit = min(allowance - used, q.budget.left)
            if limit <= 0:
                return SolveResult("unknown", reason="canceled")
            try:
                answer, solver, spent = self._check([*self.base, *self.added, *self.keep],
                                                    limit)
                used += spent
                limit = min(allowance - used, q.budget.left)
                if self.keep and answer == z3.unsat and limit > 0:
                    answer, solver, spent = self._check([*self.base, *self.added], limit)
                    used += spent
                elif self.keep and answer == z3.unsat:
                    return SolveResult("unknown", reason="canceled")
            except z3.Z3Exception as exc:  # translated here, never leaks
                self.retired = True
                return SolveResult("unknown", reason=f"z3 error: {exc}")
            if answer == z3.unsat:
                return SolveResult("unsat", strategy=self.strategy)
            if answer == z3.unknown:
                # given up within its limit: more resources would not help this strategy
                self.retired = spent < limit
                return SolveResult("unknown", reason=str(solver.reason_unknown()))
            model = solver.model().translate(z3.main_ctx())
            new = [lemma for call in q.calls if (lemma := call.lemma(model)) is not None]
            if not new:
                return SolveResult("sat", model=model, strategy=self.strategy)
            if q.confirm is not None and q.confirm(model):
                return SolveResult("sat", model=model, confirmed=True,
                                   strategy=self.strategy)
            q.lemmas += new
            q.refinements += 1
            q.refined[self.group] = q.refined.get(self.group, 0) + 1
            self.keep = [_into(eq(t, model.eval(t, model_completion=True)), ctx)
                         for t in q.case_terms] \
                or [_into(eq, ctx) for call in q.calls for eq in call.arguments_in(model)]
        self.retired = True               # refined too often: it does not converge
        return SolveResult("unknown", reason=f"the calendar abstraction was refined "
                           f"{MAX_REFINEMENTS} times without an exact model")

    def _check(self, formulas: Sequence[Any], limit: int) -> tuple[Any, z3.Solver, int]:
        """One check in a new solver, within ``limit`` (and what it used)."""
        assert self.ctx is not None
        solver = self.strategy.solver(self.ctx)
        solver.set("rlimit", limit)
        assert_all(solver, formulas)
        try:
            answer = solver.check()
        finally:
            spent = self._spend(solver, limit)
        return answer, solver, spent

    def _spend(self, solver: z3.Solver, limit: int) -> int:
        try:
            count = int(solver.statistics().get_key_value("rlimit count"))
        except z3.Z3Exception:       # not reported: count the whole limit as used
            count = self.counted + limit
        used = max(count - self.counted, 0)
        self.counted = count
        self.query.budget.spent += used
        return used

    def core(self) -> tuple[str, ...]:
        """The labels of an unsat core (the query is known to be UNSAT; empty if Z3 does
        not find a core within what is left of the budget: UNSAT all the same)."""
        ctx = self._start()
        q = self.query
        solver = z3.Solver(ctx=ctx)
        solver.set("core.minimize", True)
        grouped: dict[str, list[Any]] = {}
        for label, formula in q.constraints:
            if label is None:
                solver.add(_into(formula, ctx))
            else:
                grouped.setdefault(label, []).append(_into(formula, ctx))
        for label, formulas in grouped.items():
            solver.assert_and_track(z3.And(formulas), z3.Bool(label, ctx))
        solver.add(*[_into(a, ctx) for a in q.axioms[self.strategy.axioms]])
        solver.add(*[_into(g, ctx) for g in q.goals], *self.added)
        limit = q.budget.left
        if limit <= 0:
            return ()
        solver.set("rlimit", limit)
        try:
            answer = solver.check()
        except z3.Z3Exception:
            return ()
        finally:
            self._spend(solver, limit)
        if answer != z3.unsat:
            return ()
        return tuple(sorted(str(b) for b in solver.unsat_core()))


def _into(formula: Any, ctx: z3.Context) -> Any:
    """``formula`` in ``ctx`` (Python booleans, as some goals are, made terms)."""
    if isinstance(formula, bool):
        return z3.BoolVal(formula, ctx)
    return translate(formula, ctx)
