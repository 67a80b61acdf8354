"""Stage 5 (verify): the fact ranges of ``lexlux diff``'s regions, by an incremental solver.

The same summary as :mod:`.regions` (each fact's smallest and largest value over the
region's cases, which enum values are possible, whether it must be given; over the
calendar abstraction), computed differently: one incremental solver per output holds the
constraints its regions share, each region adds its own under ``push``, and each bound is
found by bisection on that solver — every check asks "is there a case of the region with
the fact at most (at least) this value?", and each model found moves every range it
touches at once.  Only what a check proves is kept: a bound is the value of a model (a
case of the region has it) beyond which a check answered UNSAT.

A summary is descriptive (the witness is the finding), so it has a budget of its own
(:data:`SUMMARY_RLIMIT`, every check together).  A fact whose range is not settled within
it is *named* as not summarised — never left out as if the region left it free — and the
facts settled before are still shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import z3

from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import query_constraints
from ..encoding.facts import FactVar, FactVars
from ..encoding.fast_terms import model_value, translate
from ..encoding.plausible import plausible
from .regions import _describe, _domain, _measured

if TYPE_CHECKING:
    from .versions import _Region

#: What the summary of one region may spend (Z3 rlimit units, every check together).
SUMMARY_RLIMIT = 600_000
#: What one check of a summary may spend (at most what is left of the summary's).
CHECK_RLIMIT = 200_000
#: What the first check (a case of the region at all) may spend: on the bundled diffs it
#: takes at most about 150,000 units where it succeeds; where it does not, the summary is
#: out of reach of the budget anyway.
FIRST_RLIMIT = 160_000


@dataclass
class Summary:
    """The fact ranges of one region: one line per fact it constrains (as
    :func:`.regions.fact_ranges`), the facts whose range was not settled within the
    budget, and what the checks spent."""

    lines: list[str] = field(default_factory=list)
    unsettled: list[str] = field(default_factory=list)
    #: the summary's solver found a case of the region (else nothing is settled)
    reached: bool = False
    spent: int = 0
    budget: int = SUMMARY_RLIMIT


class RegionSolver:
    """One incremental solver for the regions of one output: ``shared`` (the query's
    constraints and the goals every region has) in a context of its own."""

    def __init__(self, shared: Sequence[Any]) -> None:
        self.ctx = z3.Context()
        self.solver = z3.Solver(ctx=self.ctx)
        self.solver.add(*[_into(f, self.ctx) for f in shared])
        self.counted = 0

    def summary(self, goals: Sequence[Any], facts: FactVars, names: set[str], *,
                budget: int = SUMMARY_RLIMIT) -> Summary:
        """The ranges of ``names`` over the cases of the shared constraints and ``goals``."""
        self.solver.push()
        try:
            self.solver.add(*[_into(g, self.ctx) for g in goals])
            return _Bounds(self, facts, budget).run(sorted(names))
        finally:
            self.solver.pop()

    def check(self, extra: Sequence[Any], limit: int) -> tuple[str, z3.ModelRef | None, int]:
        """"sat" (with a model), "unsat" or "unknown", and the rlimit units spent."""
        solver = self.solver
        solver.set("rlimit", limit)
        try:
            answer = solver.check(*[_into(e, self.ctx) for e in extra])
        except z3.Z3Exception:
            answer = z3.unknown
        try:
            count = int(solver.statistics().get_key_value("rlimit count"))
        except z3.Z3Exception:
            count = self.counted + limit
        spent, self.counted = max(count - self.counted, 0), count
        if answer == z3.sat:
            return "sat", solver.model(), spent
        return ("unsat" if answer == z3.unsat else "unknown"), None, spent


class _UnsettledError(Exception):
    """A check of the summary was not decided (or the budget is used up)."""


class _Bounds:
    def __init__(self, region: RegionSolver, facts: FactVars, budget: int) -> None:
        self.region, self.facts = region, facts
        self.out = Summary(budget=budget)
        self.models: list[z3.ModelRef] = []

    def ask(self, *extra: Any) -> z3.ModelRef | None:
        left = self.out.budget - self.out.spent
        if left <= 0:
            raise _UnsettledError
        limit = CHECK_RLIMIT if self.models else FIRST_RLIMIT
        status, model, spent = self.region.check(extra, min(limit, left))
        self.out.spent += spent
        if status == "unknown":
            raise _UnsettledError
        if model is not None:
            self.models.append(model)
        return model

    def value(self, model: z3.ModelRef, term: Any) -> int:
        # model.eval(_into(term, ctx), model_completion=True), read (fast_terms)
        ctx = self.region.ctx
        value = model_value(model, term, ctx) if isinstance(term, z3.ExprRef) else \
            model_value(model, _into(term, ctx))
        return value if type(value) is int else (1 if value is True else 0)

    def run(self, names: list[str]) -> Summary:
        try:
            if self.ask() is None:          # not a case at all (over the abstraction)
                return self.out
        except _UnsettledError:
            self.out.unsettled = list(names)
            return self.out
        self.out.reached = True
        for name in names:
            var = self.facts.get(name)
            try:
                line = _describe(var, self.bounds(var))
            except _UnsettledError:
                self.out.unsettled.append(name)
                continue
            if line:
                self.out.lines.append(line)
        return self.out

    def bounds(self, var: FactVar) -> dict[str, tuple[int | None, int | None]]:
        """The bounds :func:`.regions._describe` reads, each proved."""
        given = self.given(var)
        out: dict[str, tuple[int | None, int | None]] = {"given": given}
        g = var.given
        for label, term in _measured(var):
            low, high = _domain(var, label)
            if given[1] == 0:           # never given: the stand-in values, as regions.py
                out[label] = (high, low)
                continue
            out[label] = (self.least(g, term, low), -self.least(g, -term, -high))
        if var.type.kind == "enum":
            for value in var.type.values:
                hit = z3.And(g, var.term == self.facts.interner.code(value))
                possible = any(self.value(m, z3.If(hit, 1, 0)) for m in self.models) \
                    or (given[1] == 1 and self.ask(hit) is not None)
                out[f"={value}"] = (int(possible), int(possible))
        return out

    def given(self, var: FactVar) -> tuple[int, int]:
        seen = {self.value(m, var.given) for m in self.models}
        for wanted in (0, 1):
            if wanted not in seen and self.ask(var.given if wanted else
                                               z3.Not(var.given)) is not None:
                seen.add(wanted)
        return min(seen), max(seen)

    def least(self, guard: Any, term: Any, floor: int) -> int:
        """The least value of ``term`` over the region's cases where ``guard`` holds (one
        exists), or a value at most ``floor`` (no bound above the floor)."""
        best: int | None = None
        for model in self.models:
            if self.value(model, guard):
                v = self.value(model, term)
                best = v if best is None else min(best, v)
        if best is None:
            model = self.ask(guard)
            assert model is not None, "the fact is given in some case of the region"
            best = self.value(model, term)
        if best <= floor:
            return best
        model = self.ask(guard, term <= floor)
        if model is not None:
            return self.value(model, term)
        bad = floor                     # term <= bad: no case
        while best - bad > 1:
            mid = (bad + best) // 2
            model = self.ask(guard, term <= mid)
            if model is None:
                bad = mid
            else:
                best = min(best, self.value(model, term))
        return best


def summarise(region: _Region, goals: Sequence[Any]) -> list[str]:
    """The detail lines of the fact ranges of one region of a diff: the cases of the
    diff's query (``region.goals``, before any region is blocked) where ``goals`` hold."""
    audit, encodings = region.audit, [region.one, region.two]
    names = [{region.name}, {region.name}]
    constraints, _, facts = query_constraints(encodings, dict(enumerate(names)))
    if region.ranges is None:
        extra = [horizon_bounds(encodings[0].as_of)] if audit.as_of is None else []
        extra += plausible(audit.kb, encodings[0], facts)
        region.ranges = RegionSolver([*(f for _, f in constraints), *extra,
                                      *region.goals])
    found = region.ranges.summary(goals, encodings[0].shared.facts, facts,
                                  budget=SUMMARY_RLIMIT)
    lines = []
    if found.lines:
        lines.append("region (each fact's range over the cases of this region): "
                     + "; ".join(found.lines))
    if found.unsettled and not found.reached:
        lines.append("region: not summarised — within the summary's budget "
                     f"({FIRST_RLIMIT:,} rlimit units to find a case of the region) the "
                     "solver found none, so no fact's range is known (none is claimed "
                     "free); the witness is one case of the region")
    elif found.unsettled:
        lines.append("region: the range of " + ", ".join(found.unsettled) + " was not "
                     f"settled within the summary's budget ({found.budget:,} rlimit units) "
                     "— not summarised, not left free; the witness is one case of the "
                     "region")
    return lines


def _into(formula: Any, ctx: z3.Context) -> Any:
    if isinstance(formula, bool):
        return z3.BoolVal(formula, ctx)
    if isinstance(formula, int):
        return z3.IntVal(formula, ctx)
    return translate(formula, ctx)      # formula.translate(ctx), as fast_terms makes it


__all__ = ["CHECK_RLIMIT", "FIRST_RLIMIT", "SUMMARY_RLIMIT", "RegionSolver", "Summary", "summarise"]
