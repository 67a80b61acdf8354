"""Stage 5 (verify): the "nicer" query of a witness search tried first, within a small
budget.

For a query that may have a witness, :meth:`.context.Audit.query` solves the query, and
when it is SAT solves it again with the case's dates near the anchor (the *nicer* query:
the same constraints and goals plus ``near``), keeping the nicer model when there is one.
The first model is then thrown away: on the bundled rules that first solve was most of the
time of the slowest queries of the gaps and readings checks (4-5 s of 5-6 s).

So the nicer query is tried first, within :data:`NICER_FIRST_RLIMIT`.  Its models are
models of the query (it only adds constraints), and Z3's search does not depend on the
resource limit until the limit is hit: when it decides SAT within the small budget, its
model is the one the nicer query with the whole budget gives — the answer the query had
before.  Anything else (UNSAT near the anchor, UNKNOWN within the small budget) is thrown
away and the query goes on as before: the query, then the nicer query with the whole
budget.  So the answers are those of before, except that a query whose first solve
was UNKNOWN while the nicer one finds a witness is now decided (SAT, the witness replayed
like every other).

The readings and gaps checks, whose witnesses are their findings, ask it even before the
slice solver (``Audit.query(nicer_first=True)``, :mod:`.quick`): the slice's "sat" only
leads to this same nicer query, so its model is the one of before; when the nicer query
gives no witness the slice and the query run as before (a slice's "unsat" is still
taken).  On the bundled rules the slice spent 0.24 s failing on the gap of
``sickness_benefit_paid_on_day`` and 0.2 s in all on the readings queries; the gaps it
proves cost the nicer query 3-14 ms more each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..encoding.encode import Constraint
from ..encoding.encode_expr import AbstractCall
from ..encoding.solve import Confirm, SolveResult, Strategy, solve

#: Budget of the nicer query tried first (Z3 rlimit units, its refinements included).  The
#: slowest witnesses of the bundled rules need about 10⁶ (the gap of
#: sickness_benefit_paid_on_day 0.95·10⁶, the readings of sickness_benefit_exhausted_from
#: 0.71·10⁶); a query that needs more is solved as before, having lost at most this.
NICER_FIRST_RLIMIT = 2_000_000


def nicer_first(constraints: Sequence[Constraint], formulas: Sequence[Any],
                calls: Sequence[AbstractCall], *, rlimit: int, case_terms: Sequence[Any],
                confirm: Confirm | None,
                first_round: Mapping[Strategy, int] | None = None) -> SolveResult | None:
    """The SAT answer of the nicer query (``formulas``: the extra constraints, the goals
    and ``near``) within :data:`NICER_FIRST_RLIMIT` (at most ``rlimit``), else None;
    ``first_round`` as the nicer query with the whole budget would have it (the diff's)."""
    result = solve(constraints, formulas, calls, rlimit=min(NICER_FIRST_RLIMIT, rlimit),
                   case_terms=case_terms, confirm=confirm, first_round=first_round)
    return result if result.status == "sat" else None
