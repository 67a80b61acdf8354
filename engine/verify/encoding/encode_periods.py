"""Stage 5 (verify): the period aggregates, exact on bounded periods (``bounded_periods``).

A periods fact is at most :data:`~lexlux.verify.encoding.facts.MAX_PERIODS` sorted periods with a
free day between two of them, so the distinct days of the periods in a window are the sum
of the clipped lengths, as in :func:`lexlux.calendar.periods.days_in_window`.
"""

from __future__ import annotations

from typing import Any

import z3

from .encode_expr import FALSE, NotEncodable, not_, or_
from .facts import PeriodsVar
from .fast_terms import add, ge, gt, ite, le, sub, sum_


def _periods(term: Any) -> PeriodsVar:
    if not isinstance(term, PeriodsVar):
        raise NotEncodable("periods that are not a fact of the case")
    return term


def _max(a: Any, b: Any) -> Any:
    return ite(ge(a, b), a, b)


def _min(a: Any, b: Any) -> Any:
    return ite(le(a, b), a, b)


def clipped(p: PeriodsVar, a: Any, b: Any) -> list[Any]:
    """Days of each period slot inside ``[a, b]`` (0 for unused slots)."""
    return [ite(gt(p.count, i), _max(0, add(sub(_min(p.ends[i], b), _max(p.starts[i], a)), 1)),
                0)
            for i in range(len(p.starts))]


PERIOD_FUNCTIONS = ("days_in_window", "has_nth_day_in_window", "nth_day_in_window",
                    "first_day", "last_day", "in_periods", "period_start_on", "period_end_on",
                    "longest_gap_in_window")


def longest_gap(p: PeriodsVar, a: Any, b: Any) -> Any:
    """Longest run of days of ``[a, b]`` no period covers (sorted, separated slots)."""
    cursor, longest = a, z3.IntVal(0)
    for i in range(len(p.starts)):
        active = p.count > i
        start, end = _max(p.starts[i], a), _min(p.ends[i], b)
        touches = z3.And(active, p.ends[i] >= a, p.starts[i] <= b)
        gap = z3.If(z3.And(touches, start > cursor), start - cursor, 0)
        longest = _max(longest, gap)
        cursor = z3.If(touches, _max(cursor, end + 1), cursor)
    return _max(longest, z3.If(cursor <= b, b - cursor + 1, 0))


def period_function_of(memo: dict[Any, Any], name: str, t: list[Any]) -> tuple[Any, Any]:
    """:func:`period_function`, kept in ``memo`` (one per set of facts: the calendar of a
    :class:`~.shared.Shared`) by the function and its arguments: a timeline encodes the
    same aggregate for every rule that reads it in a month (the payer rules each read the
    days of the window ending on the eve of the month), and Z3 would give the very same
    terms again (it hash-conses them), so they are built once."""
    key = (name, *(id(x) if isinstance(x, PeriodsVar) else
                   x.get_id() if isinstance(x, z3.AstRef) else repr(x) for x in t))
    if key not in memo:
        memo[key] = (period_function(name, t), list(t))   # the arguments kept alive: Z3
        #                                                   reuses the id of a freed term
    found: tuple[Any, Any] = memo[key][0]
    return found


def period_function(name: str, t: list[Any]) -> tuple[Any, Any]:
    """Value and error condition of a period function of the rule language."""
    p = _periods(t[0])
    slots = range(len(p.starts))
    if name == "longest_gap_in_window":
        return longest_gap(p, t[1], t[2]), t[2] < t[1]
    if name == "days_in_window":
        a, b = t[1], t[2]
        return sum_(clipped(p, a, b)), b < a
    if name in ("has_nth_day_in_window", "nth_day_in_window"):
        n, a, b = t[1], t[2], t[3]
        counts = clipped(p, a, b)
        total = sum_(counts)
        if name == "has_nth_day_in_window":
            return total >= n, or_(n < 1, b < a)
        value: Any = z3.IntVal(0)
        before: Any = z3.IntVal(0)
        for i in slots:
            hit = z3.And(before < n, n <= before + counts[i])
            value = z3.If(hit, _max(p.starts[i], a) + (n - before) - 1, value)
            before = before + counts[i]
        return value, or_(n < 1, b < a, total < n)
    if name == "first_day":
        return p.starts[0], p.count == 0
    if name == "last_day":
        value = p.ends[0]
        for i in slots[1:]:
            value = z3.If(p.count > i, p.ends[i], value)
        return value, p.count == 0
    d = t[1]
    inside = [z3.And(p.count > i, p.starts[i] <= d, d <= p.ends[i]) for i in slots]
    if name == "in_periods":
        return or_(*inside), FALSE
    if name in ("period_start_on", "period_end_on"):
        ends = p.starts if name == "period_start_on" else p.ends
        value = ends[0]
        for i in reversed(slots):
            value = z3.If(inside[i], ends[i], value)
        return value, not_(or_(*inside))
    raise NotEncodable(f"the function {name}()")

