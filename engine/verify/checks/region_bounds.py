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

**The limits of the checks** are heuristics read off the bundled diffs (each constant
says where its figure comes from): a check that ends undecided within its limit leaves its
fact named as not settled, so a limit too small for another knowledge base costs it
summary lines, never a false one.  The bisection of a bound (:meth:`_Bounds.least`)
has :data:`BISECT_RLIMIT`, half the :data:`CHECK_RLIMIT` of whether a fact is given (whose
checks are decided up to 197,317 units): no bisection check of the bundled diffs needs
more than 75,673, and those that end undecided used to spend 200,000 each (stop 18).

**Started from the witness.**  A region of the diff comes with its witness (a case the
evaluator replayed, or the model it was read from), so it is known to have cases.  On an
output's solver that has found no case of any region yet, the first check is a probe of
:data:`PROBE_RLIMIT` units; where it finds none (on the bundled diffs: the regions of
``sickness_benefit_paid_on_day``, ``contract_ends_automatically_on`` and a few more, whose
first check used to spend its whole :data:`FIRST_RLIMIT` and end "not summarised"), the
summary starts from the witness on fresh solvers (:class:`ColdSolver`, one per check, in the
output solver's context): the case with the witness's facts fixed is its first model, and
each range check asks without them.  A fresh solver gives up on a hard check for a tenth of
what the incremental one spends, but learns nothing from one check to the next, so that
summary stops at its first check not decided within :data:`COLD_RLIMIT`:

* its first range check undecided: the region is out of reach, and the line says so;
* every fact settled: that is the summary;
* some check decided, not all: the output's solver is asked as before (its whole first
  check, then the bisection), made anew first when the probe was its only check, so that
  it searches exactly as it did without the probe; what either settles is kept.

The first range check of a summary from the witness (whether the first fact can take the
given-ness the witness does not have) is asked before the witness's case is made: where it
is not decided, the region is out of reach and the summary stops without that case (stop
20).  Once a region of an output is found out of reach so, the output's later regions are
not tried while its solver has found no case of any (:attr:`RegionSolver.out_of_reach`; a
heuristic: on every boundary of the bundled rules such regions were out of reach too), and
their line says so.

A solver that has found a case of some region gets the whole first check at once, as
before.  So an output's first region, and every region after one that was reached, is
summarised by the searches of before and says at least what it said — unless its probe
fails and the summary from the witness finds its first range check out of reach, which is
then taken as the region's being out of reach (a heuristic: every such region of the
bundled diffs was out of reach before too).  A region after regions the solver never
reached is asked of a solver whose history differs (on the bundled diffs, such regions
were all out of reach before: docs/verification.md, stop 17).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import z3

from ...evaluate.case import Case
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import query_constraints
from ..encoding.facts import FactVar, FactVars
from ..encoding.fast_terms import assert_all, model_value, translate
from ..encoding.plausible import plausible
from .regions import BIG, _describe, _domain, _measured
from .rlimit import Limits, rlimit_count

if TYPE_CHECKING:
    from .versions import _Region

#: What the summary of one region may spend (Z3 rlimit units, every check together).
SUMMARY_RLIMIT = 600_000
#: What one check of a summary may spend (at most what is left of the summary's).
CHECK_RLIMIT = 200_000
#: What one check of the bisection of a bound (:meth:`_Bounds.least`) may spend on the
#: output's solver: a heuristic, the tail of the bundled diffs' checks — every one of them
#: that is decided takes at most 75,673 units (the others, in one region, ran to 200,000
#: without an answer: ``CHECK_RLIMIT``'s last 100,000 units never decided a bound there).
BISECT_RLIMIT = 100_000
#: What the first check (a case of the region at all) may spend: on the bundled diffs it
#: takes at most about 150,000 units where it succeeds; where it does not, the summary is
#: out of reach of the budget anyway.
FIRST_RLIMIT = 160_000
#: What an output's solver that has found no case yet may spend on the first check of a
#: region that comes with its witness, before the summary starts from the witness (see the
#: module): on the bundled diffs most first checks that succeed take under 19,000 units,
#: the others (up to 158,000) are reached again from the witness.
PROBE_RLIMIT = 20_000
#: What each check of a summary started from the witness may spend (a fresh solver).
COLD_RLIMIT = 40_000


class _Checks(Protocol):
    """What a summary asks of its solver (:class:`RegionSolver` or :class:`ColdSolver`)."""

    ctx: z3.Context

    def check(self, extra: Sequence[Any], limit: int
              ) -> tuple[str, z3.ModelRef | None, int]: ...


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
    #: started from the witness: the output's solver found no case within the probe
    from_witness: bool = False
    #: checks decided after the first (the first model found)
    decided: int = 0
    #: the line of each fact settled (None: left free), by name
    settled: dict[str, str | None] = field(default_factory=dict)
    #: not tried: an earlier region of the output was out of reach (see ``RegionSolver``)
    skipped: bool = False


class RegionSolver:
    """One incremental solver for the regions of one output: ``shared`` (the query's
    constraints and the goals every region has) in a context of its own."""

    def __init__(self, shared: Sequence[Any]) -> None:
        self.shared = list(shared)
        self._start()

    def _start(self) -> None:
        """A new solver for ``shared`` (as it was made: the same terms in the same order,
        so that its searches are those of a solver that never checked anything)."""
        self.ctx = z3.Context()
        self.limits = Limits(self.ctx)
        self.solver = z3.Solver(ctx=self.ctx)
        self.solver.add(*[_into(f, self.ctx) for f in self.shared])
        self.counted = 0
        #: a case of some region was found by this solver (its first checks take the
        #: whole :data:`FIRST_RLIMIT`)
        self.reached = False
        #: a region of this output was found out of reach (no case within the probe, the
        #: first range check from its witness not decided): the later ones are not tried
        #: while this solver has reached none (see :meth:`summary`)
        self.out_of_reach = False

    def summary(self, goals: Sequence[Any], facts: FactVars, names: set[str], *,
                budget: int = SUMMARY_RLIMIT, witness: Case | z3.ModelRef | None = None
                ) -> Summary:
        """The ranges of ``names`` over the cases of the shared constraints and ``goals``;
        with the region's ``witness``, started from it when this solver finds no case
        within :data:`PROBE_RLIMIT` (see the module)."""
        self.solver.push()
        try:
            self.solver.add(*[_into(g, self.ctx) for g in goals])
            if witness is None:
                return _Bounds(self, facts, budget).run(sorted(names))
            if self.out_of_reach and not self.reached:
                # stop 20: a later region of an output whose earlier region was out of
                # reach and whose solver has found no case of any: on every boundary of
                # the bundled rules such regions were out of reach too (the probe and the
                # check from the witness spent 30-90 ms each to say so); not tried
                return Summary(unsettled=sorted(names), from_witness=True, skipped=True,
                               budget=budget)
            probe = FIRST_RLIMIT if self.reached else PROBE_RLIMIT
            fresh = self.counted == 0           # this solver has checked nothing yet
            found = _Bounds(self, facts, budget, first=probe).run(sorted(names))
            if found.reached or not found.unsettled:    # a case, or none at all (UNSAT)
                self.reached = self.reached or found.reached
                return found
            cold = ColdSolver(self)
            pins = witness_pins(witness, facts, names, cold.ctx)
            out = _Bounds(cold, facts, budget - found.spent, check=COLD_RLIMIT,
                          bisect=COLD_RLIMIT, stop=True).start(sorted(names), pins)
            out.spent += found.spent
            out.from_witness = True
            self.out_of_reach = out.reached and not out.decided and not out.lines
            if out.reached and out.unsettled and out.decided:
                # a range check decided, not every one: the region is not out of reach,
                # so the output's solver is asked as before (its whole first check), and
                # what either settles is kept; a solver whose only check was the probe is
                # made anew first, so that it searches as if there had been no probe
                if fresh:
                    self.solver.pop()
                    self._start()
                    self.solver.push()
                    self.solver.add(*[_into(g, self.ctx) for g in goals])
                again = _Bounds(self, facts, budget).run(sorted(names))
                self.reached = self.reached or again.reached
                out = _merged(out, again)
        finally:
            self.solver.pop()
        out.budget = budget
        return out

    def check(self, extra: Sequence[Any], limit: int) -> tuple[str, z3.ModelRef | None, int]:
        """"sat" (with a model), "unsat" or "unknown", and the rlimit units spent."""
        solver = self.solver
        self.limits.set(solver, limit)
        try:
            answer = solver.check(*[_into(e, self.ctx) for e in extra])
        except z3.Z3Exception:
            answer = z3.unknown
        try:
            count = rlimit_count(solver)
        except z3.Z3Exception:
            count = self.counted + limit
        spent, self.counted = max(count - self.counted, 0), count
        if answer == z3.sat:
            return "sat", solver.model(), spent
        return ("unsat" if answer == z3.unsat else "unknown"), None, spent


class ColdSolver:
    """The constraints of one region (those of ``owner``'s solver, in its context: nothing
    is translated), each check asked of a fresh solver: a hard check gives up far sooner
    than on the incremental solver (Z3's preprocessing of a one-shot query puts fixed
    values in), at the price of learning nothing from one check to the next.  The units
    spent are counted on ``owner`` (one count per context)."""

    def __init__(self, owner: RegionSolver) -> None:
        self.owner, self.ctx = owner, owner.ctx
        # the region's constraints, read once (not once per check)
        self.base = list(owner.solver.assertions())

    def check(self, extra: Sequence[Any], limit: int) -> tuple[str, z3.ModelRef | None, int]:
        """As :meth:`RegionSolver.check`, on a fresh solver."""
        solver = z3.Solver(ctx=self.ctx)
        owner = self.owner
        owner.limits.set(solver, limit)
        assert_all(solver, self.base)
        solver.add(*[_into(e, self.ctx) for e in extra])
        try:
            answer = solver.check()
        except z3.Z3Exception:
            answer = z3.unknown
        try:
            count = rlimit_count(solver)
        except z3.Z3Exception:
            count = owner.counted + limit
        spent, owner.counted = max(count - owner.counted, 0), max(count, owner.counted)
        if answer == z3.sat:
            return "sat", solver.model(), spent
        return ("unsat" if answer == z3.unsat else "unknown"), None, spent


def _merged(one: Summary, two: Summary) -> Summary:
    """What either summary settles (both are proved: a fact settled by one is settled),
    in name order; the other facts not settled."""
    settled = {**one.settled, **two.settled}
    names = sorted({*settled, *one.unsettled, *two.unsettled})
    return Summary(lines=[line for name in names if (line := settled.get(name))],
                   unsettled=[name for name in names if name not in settled],
                   reached=one.reached or two.reached, spent=one.spent + two.spent,
                   from_witness=not two.reached, settled=settled)


def witness_pins(witness: Case | z3.ModelRef, facts: FactVars, names: set[str],
                 ctx: z3.Context) -> list[Any] | None:
    """The facts ``names`` fixed at the witness's values, in ``ctx`` (None if one is
    outside the encoding's abstractions): from the replayed case, or read off the model."""
    pins: list[Any] = []
    if isinstance(witness, Case):
        for name in sorted(names):
            try:
                pairs = facts.pin(name, witness.facts.get(name))
            except (ValueError, KeyError):
                return None
            pins += [_into(v, ctx) == _into(c, ctx) for v, c in pairs]
        return pins
    model = witness.translate(ctx)
    for term in facts.terms(names):
        mine = _into(term, ctx)
        pins.append(mine == model.eval(mine, model_completion=True))
    return pins


def _other_given(var: FactVar, pins: list[Any], ctx: z3.Context) -> int | None:
    """Whether ``var`` is given (1) or not (0) in no case of ``pins`` — the given-ness the
    witness's case does not have, which the summary's first range check asks for; None
    where ``pins`` do not fix it."""
    given = _into(var.given, ctx)
    for pin in pins:
        if z3.is_eq(pin) and pin.arg(0).eq(given):
            value = pin.arg(1)
            if z3.is_true(value):
                return 0
            if z3.is_false(value):
                return 1
    return None


class _UnsettledError(Exception):
    """A check of the summary was not decided (or the budget is used up)."""


class _Bounds:
    """``first``, ``check``, ``bisect``: the limits of the first check, of the others and
    of those of a bound's bisection (default :data:`BISECT_RLIMIT`); ``stop``:
    the first check not decided ends the summary (every fact not settled yet is named)."""

    def __init__(self, region: _Checks, facts: FactVars, budget: int, *,
                 first: int = FIRST_RLIMIT, check: int = CHECK_RLIMIT,
                 bisect: int | None = None, stop: bool = False) -> None:
        self.region, self.facts = region, facts
        self.out = Summary(budget=budget)
        self.models: list[z3.ModelRef] = []
        #: answers of given-ness checks asked before their fact's turn (:meth:`start`):
        #: (fact, wanted) -> a case has it
        self.known: dict[tuple[str, int], bool] = {}
        self.first, self.check, self.stop, self.stopped = first, check, stop, False
        # read when the summary is made (a module setting, as the probe's)
        self.bisect = BISECT_RLIMIT if bisect is None else bisect

    def ask(self, *extra: Any, bound: bool = False, first: bool | None = None
            ) -> z3.ModelRef | None:
        """A model of the region with ``extra``, None if there is none; ``bound``: a check
        of :meth:`least` (limited to ``bisect``, not ``check``); ``first``: the check that
        finds the first model (the ``first`` limit, not counted as decided) or not — by
        default, while none is known."""
        left = self.out.budget - self.out.spent
        if left <= 0 or self.stopped:
            raise _UnsettledError
        first = not self.models if first is None else first
        most = self.first if first else (self.bisect if bound else self.check)
        status, model, spent = self.region.check(extra, min(most, left))
        self.out.spent += spent
        if status == "unknown":
            self.stopped = self.stop
            raise _UnsettledError
        if not first:
            self.out.decided += 1
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
        return self.ranges(names)

    def start(self, names: list[str], pins: list[Any] | None) -> Summary:
        """The summary started from a case of the region: ``pins`` (its facts fixed)
        give the first model; nothing is settled if they give none.

        The first range check (whether the first fact can take the other given-ness than
        the witness's) is asked before the witness's case: it needs no model, and where it
        is not decided the region is out of reach — the summary stops there, without
        making the witness's case (stop 20: a fresh solver's check on the whole region,
        10-20 ms, for nothing).  Where it is decided, the checks that follow are those of
        before (the fresh solvers of a summary from the witness answer each check alone)."""
        if pins is not None and names:
            wanted = _other_given(self.facts.get(names[0]), pins, self.region.ctx)
            if wanted is not None:
                var = self.facts.get(names[0])
                try:
                    model = self.other_given(var, wanted)
                except _UnsettledError:
                    # out of reach: the witness is a case of the region (it is replayed
                    # or is a model of the region), nothing is settled
                    self.out.reached = True
                    self.out.unsettled = list(names)
                    return self.out
                self.known[(var.name, wanted)] = model is not None
                early = self.models[:]
                self.models.clear()
                with contextlib.suppress(_UnsettledError):
                    self.ask(*pins, first=True)
                if not self.models:
                    self.out.unsettled = list(names)
                    return self.out
                self.models += early
                return self.ranges(names)
        if pins is not None:
            with contextlib.suppress(_UnsettledError):
                self.ask(*pins)
        if not self.models:
            self.out.unsettled = list(names)
            return self.out
        return self.ranges(names)


    def other_given(self, var: FactVar, wanted: int) -> z3.ModelRef | None:
        """The check of :meth:`given` for ``wanted`` (1: a case where ``var`` is given),
        asked before any model is known (:meth:`start`); counted as decided."""
        return self.ask(var.given if wanted else z3.Not(var.given), first=False)

    def ranges(self, names: list[str]) -> Summary:
        """Each fact's line, a case of the region being known (``self.models``)."""
        self.out.reached = True
        for name in names:
            var = self.facts.get(name)
            try:
                line = _describe(var, self.bounds(var))
            except _UnsettledError:
                self.out.unsettled.append(name)
                continue
            self.out.settled[name] = line
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
            if wanted in seen:
                continue
            known = self.known.get((var.name, wanted))
            if known is None:
                known = self.ask(var.given if wanted else z3.Not(var.given)) is not None
            if known:
                seen.add(wanted)
        return min(seen), max(seen)

    def least(self, guard: Any, term: Any, floor: int) -> int:
        """The least value of ``term`` over the region's cases where ``guard`` holds (one
        exists), or a value at most ``floor`` (no bound above the floor).

        Past the floor of a date's or a count's domain (not an integer fact's stand-in
        ``-BIG``), the value one above it is asked first, then, on the output's solver,
        values down from the least one known by doubling steps, before the bisection
        (stop 21: the bisected bounds of the bundled diffs lie one day or one period above
        the floor, or a few days below the first value known).  Each answer is proved as
        before (a model, or UNSAT below it), so the bound is the same; the checks that
        find it are fewer on the 2019 boundary, the same elsewhere.  A summary from the
        witness (``stop``: fresh solvers, each check at its full cost) does not gallop."""
        best: int | None = None
        for model in self.models:
            if self.value(model, guard):
                v = self.value(model, term)
                best = v if best is None else min(best, v)
        if best is None:
            model = self.ask(guard, bound=True)
            assert model is not None, "the fact is given in some case of the region"
            best = self.value(model, term)
        if best <= floor:
            return best
        model = self.ask(guard, term <= floor, bound=True)
        if model is not None:
            return self.value(model, term)
        bad = floor                     # term <= bad: no case
        if floor > -BIG and best - bad > 1:
            model = self.ask(guard, term <= bad + 1, bound=True)
            if model is not None:
                return self.value(model, term)
            bad += 1
            step = 1
            while not self.stop and best - bad > 1 and best - step > bad:
                model = self.ask(guard, term <= best - step, bound=True)
                if model is None:
                    bad = best - step
                    break
                best = min(best, self.value(model, term))
                step *= 2
        while best - bad > 1:
            mid = (bad + best) // 2
            model = self.ask(guard, term <= mid, bound=True)
            if model is None:
                bad = mid
            else:
                best = min(best, self.value(model, term))
        return best


def summarise(region: _Region, goals: Sequence[Any], *,
              witness: Case | z3.ModelRef | None = None) -> list[str]:
    """The detail lines of the fact ranges of one region of a diff: the cases of the
    diff's query (``region.goals``, before any region is blocked) where ``goals`` hold;
    ``witness``: the region's witness (case or model), where the summary starts when the
    output's solver finds no case quickly."""
    return summary_of(region, goals, witness=witness)()


def summary_of(region: _Region, goals: Sequence[Any], *,
               witness: Case | z3.ModelRef | None = None) -> Callable[[], list[str]]:
    """:func:`summarise` in two parts: the terms of the encodings' context built now (the
    query's constraints, and for an output's first region the horizon and plausibility
    bounds), and the summary itself, returned: it works on the output's
    :class:`RegionSolver` (a context of its own), so it may run later or in another process
    (:mod:`.summary_worker`), each output's summaries in their order."""
    audit, encodings = region.audit, [region.one, region.two]
    names = [{region.name}, {region.name}]
    constraints, _, facts = query_constraints(encodings, dict(enumerate(names)))
    if region.ranges is None:
        extra = [horizon_bounds(encodings[0].as_of)] if audit.as_of is None else []
        extra += plausible(audit.kb, encodings[0], facts)
        # the solver's constraints; the solver itself is made by the first summary
        region.ranges = [*(f for _, f in constraints), *extra, *region.goals]
    shared = encodings[0].shared.facts

    def lines() -> list[str]:
        if not isinstance(region.ranges, RegionSolver):
            region.ranges = RegionSolver(region.ranges)
        found = region.ranges.summary(goals, shared, facts, budget=SUMMARY_RLIMIT,
                                      witness=witness)
        return _lines(found)
    return lines


def _lines(found: Summary) -> list[str]:
    """The detail lines of a summary."""
    lines = []
    if found.lines:
        lines.append("region (each fact's range over the cases of this region): "
                     + "; ".join(found.lines))
    if found.from_witness:
        lines += _from_witness(found)
    elif found.unsettled and not found.reached:
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


def _from_witness(found: Summary) -> list[str]:
    """The lines of a summary started from the witness that say what is not known."""
    probe = (f"the solver found no case of the region within {PROBE_RLIMIT:,} rlimit "
             "units, so the summary started from the witness")
    if found.skipped:
        return ["region: not summarised — an earlier region of this output was out of "
                f"reach of its summary (no case found within {PROBE_RLIMIT:,} rlimit units, "
                f"and from its witness the first range check not decided within "
                f"{COLD_RLIMIT:,} rlimit units), so this region's summary was not tried; no "
                "fact's range is known (none is claimed free); the witness is one case of "
                "the region"]
    if not found.reached:
        return [f"region: not summarised — {probe}, and a solver given the witness's facts "
                f"found no case within {FIRST_RLIMIT:,} units (the calendar abstraction), "
                "so no fact's range is known (none is claimed free); the witness is one "
                "case of the region"]
    if found.unsettled and not found.lines:
        return [f"region: not summarised — {probe}, whose first range check was not "
                f"decided within {COLD_RLIMIT:,} rlimit units, so no fact's range is known "
                "(none is claimed free); the witness is one case of the region"]
    if found.unsettled:
        return ["region: the range of " + ", ".join(found.unsettled) + " was not settled "
                f"— {probe}, and it stops at its first check not decided within "
                f"{COLD_RLIMIT:,} rlimit units — not summarised, not left free; the witness "
                "is one case of the region"]
    return []


def _into(formula: Any, ctx: z3.Context) -> Any:
    if isinstance(formula, bool):
        return z3.BoolVal(formula, ctx)
    if isinstance(formula, int):
        return z3.IntVal(formula, ctx)
    if formula.ctx == ctx:
        return formula
    return translate(formula, ctx)      # formula.translate(ctx), as fast_terms makes it


__all__ = ["BISECT_RLIMIT", "CHECK_RLIMIT", "COLD_RLIMIT", "FIRST_RLIMIT",
           "PROBE_RLIMIT", "SUMMARY_RLIMIT", "ColdSolver", "RegionSolver", "Summary",
           "summarise", "summary_of", "witness_pins"]
