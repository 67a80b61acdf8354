"""Stage 5 (verify): a region of ``lexlux diff`` summarised as fact ranges.

A region is the set of cases in which the same provisions win under each date's law and
the two laws disagree.  Rather than one witness per region only, each fact the output
reads is summarised over the region: the smallest and largest value it can take there
("headcount: 25 only", "incapacity_start: 2019-01-01 or later"), which enum values are
possible, whether it must be given.  Each bound is computed alone (Z3's ``box``
optimisation: one call for every bound), so the summary is the region's projection on
each fact, not a claim that every combination of the ranges lies in the region — the
witness is one case that does.  Bounds are computed over the calendar abstraction (the
witness itself is exact); a fact the region leaves free is not listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import z3

from ...calendar.dates import from_day_number, to_day_number
from ..encoding.calendar_terms import HORIZON_END, HORIZON_START
from ..encoding.facts import GRAIN, FactVar, FactVars, PeriodsVar

#: Resource limit of the one optimisation call of a region (Z3 rlimit units).
RANGES_RLIMIT = 2_000_000


def fact_ranges(constraints: Sequence[Any], goals: Sequence[Any], facts: FactVars,
                names: set[str]) -> list[str]:
    """One line per fact of ``names`` that the region constrains, in name order; empty if
    the optimisation gives up (the witness still stands)."""
    ctx = z3.Context()
    opt = z3.Optimize(ctx=ctx)
    opt.set("rlimit", RANGES_RLIMIT)
    opt.set("priority", "box")
    for formula in [*constraints, *goals]:
        opt.add(z3.BoolVal(formula, ctx) if isinstance(formula, bool)
                else formula.translate(ctx))
    plans: list[tuple[FactVar, list[tuple[str, Any, Any]]]] = []
    for name in sorted(names):
        var = facts.get(name)
        objectives: list[tuple[str, Any, Any]] = []
        given = z3.If(var.given, z3.IntVal(1), z3.IntVal(0)).translate(ctx)
        objectives.append(("given", opt.minimize(given), opt.maximize(given)))
        for label, term in _measured(var):      # over the cases where it is given
            low, high = _domain(var, label)
            t = term.translate(ctx)
            g = var.given.translate(ctx)
            objectives.append((label, opt.minimize(z3.If(g, t, high)),
                               opt.maximize(z3.If(g, t, low))))
        if var.type.kind == "enum":     # codes are not ordered: each value, possible or not
            for value in var.type.values:
                hit = z3.If(z3.And(var.given, var.term == facts.interner.code(value)),
                            z3.IntVal(1), z3.IntVal(0)).translate(ctx)
                objectives.append((f"={value}", opt.maximize(hit), opt.maximize(hit)))
        plans.append((var, objectives))
    try:
        answer = opt.check()
    except z3.Z3Exception:
        return []
    if answer != z3.sat:
        return []
    lines = []
    for var, objectives in plans:
        bounds = {label: (_bound(low.value()), _bound(high.value()))
                  for label, low, high in objectives}
        line = _describe(var, bounds)
        if line:
            lines.append(line)
    return lines


def _measured(var: FactVar) -> list[tuple[str, Any]]:
    """The integer terms whose range is asked for each kind of fact."""
    term = var.term
    kind = var.type.kind
    if isinstance(term, PeriodsVar):
        return [("count", term.count), ("start", term.starts[0]), ("end", term.ends[0])]
    if kind == "boolean":
        return [("value", z3.If(term, z3.IntVal(1), z3.IntVal(0)))]
    if kind in GRAIN:
        return [("value", var.raw)]
    if kind == "enum":
        return []       # values asked one by one below (their codes are not ordered)
    return [("value", term)]


#: Stand-in bound of integer facts (no declared range): beyond it, "unbounded".
BIG = 10**9


def _domain(var: FactVar, label: str) -> tuple[int, int]:
    """The declared range of a measured term (the value taken when the fact is absent)."""
    if var.type.kind == "date" or label in ("start", "end"):
        return _horizon()
    if label == "count":
        return 0, 3
    if var.type.kind == "boolean":
        return 0, 1
    return -BIG, BIG


def _bound(value: Any) -> int | None:
    """An integer bound, or None for an unbounded (infinite or epsilon) one."""
    try:
        return int(value.as_long())
    except (AttributeError, z3.Z3Exception, ValueError):
        return None


def _describe(var: FactVar, bounds: dict[str, tuple[int | None, int | None]]
              ) -> str | None:
    name = var.name
    given = bounds["given"]
    if given == (0, 0):
        return f"{name}: not given"
    optional = given != (1, 1)      # may be given or not: the ranges are when given
    text = _text(var, bounds)
    return None if text is None else f"{name}: {text}" + (" (when given)" if optional
                                                           else "")


def _text(var: FactVar, bounds: dict[str, tuple[int | None, int | None]]) -> str | None:
    kind = var.type.kind
    if kind == "boolean":
        low, high = bounds["value"]
        return None if low != high else f"{'true' if low else 'false'} only"
    if kind == "enum":
        possible = [v for v in var.type.values if bounds[f"={v}"][1] == 1]
        if not possible or len(possible) == len(var.type.values):
            return None
        return " or ".join(possible) + (" only" if len(possible) == 1 else "")
    if isinstance(var.term, PeriodsVar):
        parts = []
        count = _range(bounds["count"], str, (0, 3))
        if count:
            parts.append(f"{count} period(s)")
        start = _range(bounds["start"], _day, _horizon())
        if start:
            parts.append(f"first starting {start}")
        end = _range(bounds["end"], _day, _horizon())
        if end:
            parts.append(f"first ending {end}")
        return ", ".join(parts) if parts else None
    if kind == "date":
        text = _range(bounds["value"], _day, _horizon())
    elif kind in GRAIN:
        grain = GRAIN[kind]
        text = _range(bounds["value"], lambda n: _fraction(n, grain), (-BIG, BIG))
    elif kind == "duration":
        text = _range(bounds["value"], lambda n: f"{n} days", (-BIG, BIG))
    else:
        text = _range(bounds["value"], str, (-BIG, BIG))
    return text


def _horizon() -> tuple[int, int]:
    return to_day_number(HORIZON_START), to_day_number(HORIZON_END)


def _day(n: int) -> str:
    return from_day_number(n).isoformat()


def _fraction(n: int, grain: int) -> str:
    whole, rest = divmod(n, grain)
    return str(whole) if not rest else f"{n / grain:g}"


def _range(bounds: tuple[int | None, int | None], show: Any,
           domain: tuple[int | None, int | None]) -> str | None:
    """"25 only", "2019-01-01 or later", "at most 40", "from 3 to 9", or None when the
    region leaves the whole domain open."""
    low, high = bounds
    low = None if low is None or low == domain[0] or abs(low) >= BIG else low
    high = None if high is None or high == domain[1] or abs(high) >= BIG else high
    if low is not None and low == high:
        return f"{show(low)} only"
    if low is not None and high is not None:
        return f"from {show(low)} to {show(high)}"
    if low is not None:
        return f"{show(low)} or later" if show is _day else f"{show(low)} or more"
    if high is not None:
        return f"{show(high)} or earlier" if show is _day else f"at most {show(high)}"
    return None


__all__ = ["fact_ranges"]
