"""Stage 5 (verify): a solver's resource limit set, and its ``rlimit count`` read, with
fewer calls into Z3.

The region summaries of ``lexlux diff`` (:mod:`.region_bounds`) make 500-600 checks per
slow boundary, most of them decided in a few hundred units.  Around each, z3's
``Solver.set("rlimit", n)`` builds a new parameter set (a ``ParamsRef``, a symbol, a
value), and ``Statistics.get_key_value("rlimit count")`` reads the statistics' keys one by
one through z3's wrappers (an error query after each) until it finds the counter: about
4 % each of a boundary's summaries in a sampling profile (stop 20).  Here a parameter set
is made once per limit and context (:class:`Limits`) and the keys are read by the C
functions those wrappers end in.  The same parameters reach the same solver and the same
counter is read, and no term is made: the searches are those of before.
"""

from __future__ import annotations

import z3

from ..encoding.fast_terms import raw

_get_stats = raw(z3.Z3_solver_get_statistics)
_stats_inc_ref, _stats_dec_ref = raw(z3.Z3_stats_inc_ref), raw(z3.Z3_stats_dec_ref)
_stats_size, _stats_key = raw(z3.Z3_stats_size), raw(z3.Z3_stats_get_key)
_stats_is_uint = raw(z3.Z3_stats_is_uint)
_stats_uint, _stats_double = raw(z3.Z3_stats_get_uint_value), raw(z3.Z3_stats_get_double_value)
_set_params = raw(z3.Z3_solver_set_params)
_KEY = b"rlimit count"


class Limits:
    """The parameter sets ``rlimit = n`` of one context, each made once."""

    def __init__(self, ctx: z3.Context) -> None:
        self.ctx = ctx
        self.made: dict[int, z3.ParamsRef] = {}

    def set(self, solver: z3.Solver, limit: int) -> None:
        """``solver.set("rlimit", limit)`` (a solver of this context)."""
        params = self.made.get(limit)
        if params is None:
            params = self.made[limit] = z3.ParamsRef(ctx=self.ctx)
            params.set("rlimit", limit)
        _set_params(self.ctx.ref(), solver.solver, params.params)


def rlimit_count(solver: z3.Solver) -> int:
    """``int(solver.statistics().get_key_value("rlimit count"))``: the rlimit units the
    solver's context has spent; ``z3.Z3Exception`` if the solver has no such counter."""
    ref = solver.ctx.ref()
    stats = _get_stats(ref, solver.solver)
    _stats_inc_ref(ref, stats)
    try:
        for idx in range(_stats_size(ref, stats)):
            if _stats_key(ref, stats, idx) == _KEY:
                if _stats_is_uint(ref, stats, idx):
                    return int(_stats_uint(ref, stats, idx))
                return int(_stats_double(ref, stats, idx))
    finally:
        _stats_dec_ref(ref, stats)
    raise z3.Z3Exception("unknown key")


__all__ = ["Limits", "rlimit_count"]
