"""Stage 5 (verify): the overlap of a conflict (LX501) summarised as fact ranges, the
same lines as :func:`.regions.fact_ranges` but found on one incremental solver.

``fact_ranges`` asks Z3's ``Optimize`` for every bound at once (``box`` priority); on
conflicts of thousands of generated rules that call was half the audit.  Here each bound
is found exactly by probing one incremental :class:`z3.Solver` that holds the
conflict's constraints once:

- every model found raises the best known value of *every* bound (a model is a case of
  the overlap, so each of its values is reachable);
- a bound is final when "better than the best known" is unsatisfiable;
- otherwise the models are followed a few steps (a solver's model usually lies on the
  boundary), then a binary search between the best known value and ``BIG``.

Beyond ``BIG`` (in absolute value) a bound is reported as reaching ``BIG``, which the
summary shows as unbounded — as it shows ``Optimize``'s infinite or huge bounds.  So when
both answer, the lines are the same (tests/verify/test_conflict_ranges.py compares
them).  If a probe gives up (resource limit) the summary is left out, as when
``Optimize`` gives up; the witness stands either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import z3

from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import LawEncoding, query_constraints
from ..encoding.facts import FactVar, FactVars
from ..encoding.plausible import plausible
from .regions import BIG, RANGES_RLIMIT, _describe, _domain, _measured

if TYPE_CHECKING:
    from .context import Audit

#: The solver first tried: Z3's solver for linear integer arithmetic with uninterpreted
#: functions (the calendar abstractions) answers these probes about three times faster
#: than the default one; if it gives up (a fraction fact brings reals), the default
#: solver is asked everything again.
LOGIC = "QF_UFLIA"


def overlap_ranges(audit: Audit, encodings: Sequence[LawEncoding],
                   names: Sequence[set[str]], goals: Sequence[Any]) -> list[str]:
    """The fact ranges of the cases satisfying ``goals``: the constraints of
    :meth:`.context.Audit.region`, solved by :func:`probe_ranges`."""
    constraints, _, facts = query_constraints(list(encodings), dict(enumerate(names)))
    extra = [horizon_bounds(encodings[0].as_of)] if audit.as_of is None else []
    extra += plausible(audit.kb, encodings[0], facts)
    return probe_ranges([f for _, f in constraints], [*extra, *goals],
                        encodings[0].shared.facts, facts)


@dataclass
class _Bound:
    """One bound asked: the largest value of ``term`` (the smallest, by maximising
    ``-term``); ``best`` is the best value some model reached.  ``likely`` are values
    worth probing first, in increasing order: around the constants of the constraints,
    the end of the declared domain (a date fact ends with the horizon) and ``BIG``."""
    term: Any
    likely: list[int]
    ceiling: int = BIG      # 1 for a term that is 0 or 1
    best: int | None = None
    final: bool = False


def probe_ranges(constraints: Sequence[Any], goals: Sequence[Any], facts: FactVars,
                 names: set[str], rlimit: int | None = None) -> list[str]:
    """One line per fact of ``names`` that the cases of ``constraints`` and ``goals``
    constrain, in name order, as :func:`.regions.fact_ranges` gives them; empty if a
    probe gives up (``rlimit`` is the resource limit of each probe, by default
    :data:`.regions.RANGES_RLIMIT`, the limit of the one ``Optimize`` call)."""
    for logic in (LOGIC, None):
        lines = _probe_ranges(constraints, goals, facts, names,
                              RANGES_RLIMIT if rlimit is None else rlimit, logic)
        if lines is not None:
            return lines
    return []


def _probe_ranges(constraints: Sequence[Any], goals: Sequence[Any], facts: FactVars,
                  names: set[str], rlimit: int, logic: str | None) -> list[str] | None:
    """:func:`probe_ranges` on a solver for ``logic`` (None: the default solver); None
    if a probe gives up."""
    ctx = z3.Context()
    solver = z3.SolverFor(logic, ctx=ctx) if logic else z3.Solver(ctx=ctx)
    solver.set("rlimit", rlimit)
    formulas = [z3.BoolVal(f, ctx) if isinstance(f, bool) else f.translate(ctx)
                for f in [*constraints, *goals]]
    for formula in formulas:
        solver.add(formula)
    near = sorted({k + d for k in _constants(formulas) for d in (-1, 0, 1)})
    plans: list[tuple[FactVar, list[tuple[str, _Bound, _Bound]]]] = []
    bounds: list[_Bound] = []

    def bound(term: Any, edge: int, sign: int, ceiling: int = BIG) -> _Bound:
        likely = sorted({sign * k for k in near} | {edge, BIG})
        made = _Bound(term.translate(ctx), likely, ceiling)
        bounds.append(made)
        return made

    one, zero = z3.IntVal(1), z3.IntVal(0)
    for name in sorted(names):
        var = facts.get(name)
        asked: list[tuple[str, _Bound, _Bound]] = []
        given = z3.If(var.given, one, zero)
        asked.append(("given", bound(-given, 0, -1, 0), bound(given, 1, 1, 1)))
        for label, term in _measured(var):      # over the cases where it is given
            low, high = _domain(var, label)
            asked.append((label, bound(-z3.If(var.given, term, high), -low, -1),
                          bound(z3.If(var.given, term, low), high, 1)))
        if var.type.kind == "enum":     # codes are not ordered: each value, possible or not
            for value in var.type.values:
                hit = bound(z3.If(z3.And(var.given,
                                         var.term == facts.interner.code(value)), one, zero),
                            1, 1, 1)
                asked.append((f"={value}", hit, hit))
        plans.append((var, asked))
    if not _improve(solver, bounds, None):
        return None
    for each in bounds:
        if not _settle(solver, bounds, each):
            return None
    lines = []
    for var, asked in plans:
        values: dict[str, tuple[int | None, int | None]] = {
            label: (_value(high) if low is high else -_value(low), _value(high))
            for label, low, high in asked}     # (an enum value: its maximum twice)
        line = _describe(var, values)
        if line:
            lines.append(line)
    return lines


def _constants(formulas: Sequence[Any]) -> set[int]:
    """The integer constants occurring in ``formulas``."""
    seen: set[int] = set()
    found: set[int] = set()
    stack = list(formulas)
    while stack:
        term = stack.pop()
        key = term.get_id()
        if key in seen:
            continue
        seen.add(key)
        if z3.is_int_value(term):
            found.add(term.as_long())
        else:
            stack.extend(term.children())
    return found


def _value(each: _Bound) -> int:
    assert each.best is not None and each.final
    return each.best


def _improve(solver: z3.Solver, bounds: list[_Bound], probe: Any) -> bool | None:
    """Check the solver (under ``probe`` if given); on a model, raise every bound's best
    value to it.  True: a model; False: no answer (unknown); None: unsatisfiable."""
    try:
        answer = solver.check(probe) if probe is not None else solver.check()
    except z3.Z3Exception:
        return False
    if answer == z3.unsat:
        return None
    if answer != z3.sat:
        return False
    model = solver.model()
    for each in bounds:
        if not each.final:
            value = model.eval(each.term, model_completion=True)
            if not z3.is_int_value(value):
                return False
            got = value.as_long()
            if each.best is None or got > each.best:
                each.best = got
    return True


def _settle(solver: z3.Solver, bounds: list[_Bound], each: _Bound) -> bool:
    """Make ``each.best`` the largest value of its term (capped at ``BIG``); False if a
    probe gives up.  The likely values above the best one are probed from the top down
    (a probe with no case is cheap, one with a case is not) down to one more than the
    best value; past the first with a case, the rest is found by galloping up from the
    best value and halving what is left (seldom needed)."""
    if each.final:
        return True
    assert each.best is not None
    ceiling = each.ceiling      # the largest value a model may still reach
    scan = [each.best + 1] + [k for k in each.likely if each.best + 1 < k <= ceiling]
    for target in reversed(scan):
        if target <= each.best or target > ceiling:
            continue
        found = _improve(solver, bounds, _atom(solver, each.term >= target))
        if found is False:
            return False
        if found is None:
            ceiling = target - 1
        else:
            break
    step = 1
    while each.best < ceiling:
        if ceiling - each.best > 2 * step:          # galloping up from the best value
            step *= 2
            target = each.best + step
        else:                                       # then halving
            target = (each.best + 1 + ceiling + 1) // 2
        found = _improve(solver, bounds, _atom(solver, each.term >= target))
        if found is False:
            return False
        if found is None:
            ceiling = target - 1
    each.best = min(each.best, BIG)
    each.final = True
    return True


def _atom(solver: z3.Solver, formula: Any) -> Any:
    """A fresh assumption literal standing for ``formula`` (asserted as an implication,
    so later probes are free of it)."""
    ctx = solver.ctx
    literal = z3.FreshBool("probe", ctx=ctx)
    solver.add(z3.Implies(literal, formula))
    return literal


__all__ = ["overlap_ranges", "probe_ranges"]
