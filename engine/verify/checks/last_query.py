"""Stage 5 (verify): the first query of a plain output's diff, when a witness would end the
search, asks its nicer query before the slice solver.

Why: each plain output that differs makes a slice solver (:mod:`.quick`: a Z3 context of
its own, the output's constraints translated and asserted, 3-20 ms) for its first query.
In the diff's queries with a budget the nicer query is given whole (the frames, the
gates, the partial witnesses, the query after a region of the seeded pass:
:meth:`.context.Audit._nicer_whole`), only the slice's UNSAT is read: its "sat" and its
"undecided" both lead to the nicer query with the whole budget, then to the query itself
if that gives no model (:mod:`.nicer_first`).  When the first query's witness is the
last region the output can have — the one region left of those it can have
(:mod:`.one_sided`), or the ``--max-regions``-th — no query is asked of that output after
it, so a slice made for a query that has a witness is never read: on the 2015-12-31 →
2016-01-01 boundary, 25 of the 62 slice solvers were asked one query and gave no UNSAT;
on 2008-12-31 → 2009-01-01, 13 of 16.

What: such a query is asked with ``nicer_first`` (:meth:`.context.Audit.query`): the nicer
query (fresh contexts, the whole budget) first; a model of it is the witness the slice's
"sat" or "undecided" would have led to, and the slice is not made.  A query with no nicer
query (the output reads no date fact) is asked itself first (``query_first``): the
slice's "sat" and "undecided" led to it as well.  Otherwise the slice
and the query follow as before, in the same order, with the same budgets, so the answer
is the same: a slice's UNSAT is still taken (the nicer query, asked in vain, is what this
costs), an undecided frame is still undecided.  The slice solver is asked the same queries
in the same order as before, but for that last one: its history, on which its later
answers could depend, is unchanged.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from .nicer_first import NICER_FIRST_RLIMIT
from .one_sided import Region

if TYPE_CHECKING:
    from .context import Audit
    from .versions import DiffResult


def nicer_before_slice(audit: Audit, rlimit: int, result: DiffResult,
                       possible: list[frozenset[str]] | None,
                       seen: Collection[Region]) -> bool:
    """Whether a query of the diff with budget ``rlimit`` (narrowed from the audit's)
    asks its nicer query before the slice solver: the nicer query is then given the
    whole budget, and a witness would be the output's last region (``result``: the
    output's diff so far; ``possible``: the regions it can have, or None; ``seen``:
    those found)."""
    if min(audit.rlimit, rlimit) > NICER_FIRST_RLIMIT:
        return False
    if len(result.findings) + 1 >= audit.max_regions:
        return True
    return one_left(possible, seen)


def one_left(possible: list[frozenset[str]] | None, seen: Collection[Region]) -> bool:
    """Whether exactly one region of ``possible`` is not among those ``seen``: a witness
    of the query that blocks them can only be of that region (:mod:`.one_sided`)."""
    if possible is None:
        return False
    found = {frozenset(a) | frozenset(b) for a, b in seen}
    return sum(region not in found for region in possible) == 1
