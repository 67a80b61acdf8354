"""Stage 5 (verify): a quick first answer to the queries of one slice of the encoding.

Most queries of an audit are easy (a conflict check on a pair of rules whose conditions
exclude each other, a rule that some case reaches) and differ from the query before only
by their goals: the queries of one check about one output share every constraint (the
definitions of the output and of what it reads, the facts' domains, the horizon, the
plausibility assumptions).  Solving each in fresh Z3 contexts (:mod:`..encoding.solve`)
costs a context, a translation and a solver per query — most of the time of an audit of
thousands of rules.

So a query is first put to the *slice* solver of its constraints: one incremental solver,
in a context of its own, holding the shared constraints; each query adds its goals under
``push`` and is checked within :data:`QUICK_RLIMIT`, then ``pop``.  Only a *truth* is
taken from it, never a model:

* UNSAT: no case satisfies the query.  The slice holds the query's constraints and goals
  without the calendar lemmas and ``counted_days`` axioms (facts of the calendar that only
  restrict), so the query itself is UNSAT.
* SAT with a model that is exact for the calendar (no abstract call gets a value the
  calendar does not give): a case satisfies the query.

What a check reads beyond the truth — a witness's model, an unsat core — is still asked of
the query's own fresh solves, exactly as before, so witnesses and cores do not change; a
query the slice does not decide (UNKNOWN within the small limit, a model not exact for the
calendar) goes to the fresh solves unchanged.  Whether the slice decides can depend on the
queries put to it before (an incremental solver keeps lemmas); what it answers cannot.
A query that the fresh solves would leave UNKNOWN and the slice decides is now decided.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import z3

from ..encoding.encode import Constraint
from ..encoding.encode_expr import AbstractCall
from ..encoding.fast_terms import assert_all, translate

#: What the slice solver may spend on one query (Z3 rlimit units): the easy queries of
#: the generated knowledge bases take at most about 150,000; a hard query of the bundled
#: rules is not decided with ten times more, so more would only be lost.
QUICK_RLIMIT = 300_000
#: Slice solvers kept at once (least recently used dropped first).
KEEP = 64


class _Slice:
    def __init__(self, owners: tuple[Any, ...], constraints: Sequence[Constraint],
                 extra: Sequence[Any]) -> None:
        self.owners = owners                 # kept alive: their ids identify the slice
        self.formulas = [f for _, f in constraints]
        self.extra = list(extra)
        self.ctx = z3.Context()
        self.solver = z3.Solver(ctx=self.ctx)
        assert_all(self.solver, [_into(f, self.ctx) for f in [*self.formulas, *self.extra]])

    def holds(self, constraints: Sequence[Constraint], extra: Sequence[Any]) -> bool:
        """Whether this slice is the one of ``constraints`` and ``extra``."""
        return (len(constraints) == len(self.formulas) and len(extra) == len(self.extra)
                and all(f is g for (_, f), g in zip(constraints, self.formulas, strict=True))
                and all(_same(a, b) for a, b in zip(extra, self.extra, strict=True)))


class Slices:
    """The slice solvers of one audit."""

    def __init__(self) -> None:
        self._slices: OrderedDict[Any, _Slice] = OrderedDict()
        self.decided = 0                     # queries answered here (a statistic)

    def decide(self, owners: tuple[Any, ...], key: Any, constraints: Sequence[Constraint],
               extra: Sequence[Any], goals: Sequence[Any], calls: Sequence[AbstractCall],
               rlimit: int = QUICK_RLIMIT) -> str | None:
        """"unsat", "sat" (a model exact for the calendar exists) or None (undecided),
        within ``rlimit`` (at most :data:`QUICK_RLIMIT`)."""
        full_key = (tuple(id(o) for o in owners), key)
        found = self._slices.get(full_key)
        if found is None or not found.holds(constraints, extra):
            found = _Slice(owners, constraints, extra)
            self._slices[full_key] = found
            while len(self._slices) > KEEP:
                self._slices.popitem(last=False)
        self._slices.move_to_end(full_key)
        solver, ctx = found.solver, found.ctx
        solver.push()
        try:
            assert_all(solver, [_into(g, ctx) for g in goals])
            solver.set("rlimit", min(rlimit, QUICK_RLIMIT))
            answer = solver.check()
            if answer == z3.unsat:
                self.decided += 1
                return "unsat"
            if answer != z3.sat:
                return None
            if calls:
                model = solver.model().translate(z3.main_ctx())
                if any(call.lemma(model) is not None for call in calls):
                    return None
            self.decided += 1
            return "sat"
        except z3.Z3Exception:
            return None
        finally:
            solver.pop()

    def release(self, owners: tuple[Any, ...], key: Any) -> None:
        """Drop the slice solver of ``owners`` and ``key`` (as given to :meth:`decide`), if
        there is one: a caller that will put no more queries to it (the diff, when an
        output's diff ends).  Its context (about 16 MB) is freed at once, for the next
        context to be made in (:mod:`..heap`), rather than kept until the run ends — a
        slice solver is dropped otherwise only beyond :data:`KEEP`.  Nothing another
        slice answers depends on it (each has its own context)."""
        self._slices.pop((tuple(id(o) for o in owners), key), None)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a.eq(b))


def _into(formula: Any, ctx: z3.Context) -> Any:
    if isinstance(formula, bool):
        return z3.BoolVal(formula, ctx)
    return translate(formula, ctx)
