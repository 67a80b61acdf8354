"""Stage 5 (verify): monthly timelines and the CCSS recurrence, exact over a bounded horizon
(abstraction ``timeline_horizon``).

A timeline value (``each_month: {from, until}`` and a value per month) is encoded as
``(first, count, v_0 … v_{H-1})``: the day number of the first month's first day, the
number of months, and the value of each month, ``H`` = :data:`TIMELINE_MONTHS`.  Month
``i`` is the month ``first + i`` (``month`` in the value expression is its first day);
slots from ``count`` on hold a fixed zero, so that two timelines are equal exactly when the
evaluator's ``Timeline`` values are.  ``first_month_with`` and ``has_month_with`` scan the
slots.

The CCSS recurrence (``employer_charged_days_in_window``, ``employer_charged_month``,
:mod:`lexlux.calendar.charged_days`) is unrolled over the :data:`TIMELINE_MONTHS` months
from the month of the first day of the periods: ``payer(0) = employer``, ``B(j)`` the days
of the months ``j-n+1 … j`` the employer paid, ``payer(j) = B(j-1) < limit``.

Beyond the horizon the encoding has no value: a case whose timeline spans more than ``H``
months, or that asks the recurrence about a month ``H`` or more months after the first
month of its periods, is *beyond the horizon* (:attr:`OutputEnc.beyond`).  Queries consider
only cases within it (a proof holds for them), and the pinned evaluation
(:mod:`.pinned`) reports such a case as ``beyond horizon`` instead of an answer.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import z3

from .facts import PeriodsVar
from .fast_terms import as_long, eq, ge, gt, int_val, is_int, is_int_value, ite, lt, sub, sum_
from .month_values import FRAME_READS, MonthValues
from .terms import FALSE, TRUE, E, NotEncodable, and_, not_, or_, sequence

if TYPE_CHECKING:
    from .encode_expr import ExprScope

#: Months of a timeline the encoding holds (abstraction ``timeline_horizon``).
TIMELINE_MONTHS = 36


@dataclass(frozen=True, slots=True)
class Frame:
    """The months an encoding of timelines holds: ``months`` (at most
    :data:`TIMELINE_MONTHS`; the slots after it are zero) and, for the witness search of
    :mod:`lexlux.verify.checks.timeline_search`, the month every timeline and the CCSS
    recurrence start in, pinned (a :func:`lexlux.calendar.dates.month_index`).  With the
    first month pinned every month of the timelines is a number, so the encoding has no
    calendar arithmetic on them (no integer division: Z3 decides it quickly); a case whose
    timelines start in another month is *beyond* this frame, as a longer one is."""

    months: int = TIMELINE_MONTHS
    first_month: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.months <= TIMELINE_MONTHS:
            raise ValueError(f"a timeline frame holds 1 to {TIMELINE_MONTHS} months")


FULL = Frame()


def _start(index: int) -> Any:
    from ...calendar.dates import month_start_from_index, to_day_number
    return int_val(to_day_number(month_start_from_index(index)))


def _outside(frame: Frame, day: Any) -> Any:
    """``day`` is not in the pinned first month of ``frame``."""
    assert frame.first_month is not None
    return or_(lt(day, _start(frame.first_month)), ge(day, _start(frame.first_month + 1)))


def zero(sort: Any) -> Any:
    if sort == z3.BoolSort():
        return z3.BoolVal(False)
    if sort == z3.RealSort():
        return z3.RealVal(0)
    return z3.IntVal(0)


def timeline_sorts(inner: tuple[Any, ...]) -> tuple[Any, ...]:
    return (z3.IntSort(), z3.IntSort(), *([inner[0]] * TIMELINE_MONTHS))


def month_starts(scope: ExprScope, first: Any) -> list[Any]:
    """The first day of each month slot of the frame, from the month starting on ``first``
    (numbers when the frame pins the first month)."""
    frame: Frame = scope.frame
    if frame.first_month is not None:
        return [_start(frame.first_month + i) for i in range(frame.months)]
    cal = scope.calendar
    number = cal.month_number(first)
    return [first if i == 0 else cal.start_by_number(number + i)
            for i in range(frame.months)]


def encode_timeline(scope: ExprScope, encode: Any, value_expr: Any, frm: E, until: E,
                    sort: Any) -> tuple[E, Any]:
    """The timeline value of one conclusion: ``E`` with the terms ``(first, count, v…)``
    and its bad / und (from, until, then each month in order, as the evaluator), and the
    condition "beyond the horizon" (the months do not fit)."""
    cal = scope.calendar
    frame: Frame = scope.frame
    fits: Any
    if frame.first_month is None:
        first = cal.month_start(frm.term)
        last = cal.month_start(until.term)
        raw = cal.month_number(last) - cal.month_number(first) + 1
        count = z3.If(raw > 0, raw, 0)
        fits = raw <= frame.months
    else:       # the months are numbers: count them by comparisons (no division)
        first = _start(frame.first_month)
        count = z3.Sum([z3.If(cal.reaches(until.term, frame.first_month + i), 1, 0)
                        for i in range(frame.months)])
        fits = and_(not_(_outside(frame, frm.term)),
                    not_(cal.reaches(until.term, frame.first_month + frame.months)))
    starts = month_starts(scope, first)
    parts: list[E] = [frm, until]
    values: list[Any] = []
    real = sort == z3.RealSort()
    saved = scope.month
    # in a pinned frame the same sub-expression in the same month gives the same terms in
    # every rule, law and frame of the query: built once (month_values.py)
    reuse: Any = contextlib.nullcontext(encode) if frame.first_month is None or \
        not hasattr(encode, "__self__") else \
        MonthValues.of(scope).installed(scope, encode.__self__)
    nothing = zero(sort)
    try:
        with reuse as encode_month:
            for i, month in enumerate(starts):
                scope.month = month
                value = encode_month(value_expr)
                active = gt(count, i)
                parts.append(E(value.terms, and_(active, value.bad), and_(active, value.und)))
                term = value.term
                if real and is_int(term):
                    term = z3.ToReal(term)
                values.append(ite(active, term, nothing))
    finally:
        scope.month = saved
    values += [nothing] * (TIMELINE_MONTHS - len(values))    # beyond the frame: empty
    bad, und = sequence(parts)
    beyond = and_(not_(frm.bad), not_(frm.und), not_(until.bad), not_(until.und),
                  not_(fits))
    canonical_first = z3.If(count > 0, first, 0)      # every empty timeline is one value
    return E((canonical_first, count, *values), bad, und), beyond


def scan(scope: ExprScope, timeline: E, value: E, start: Any) -> tuple[Any, Any]:
    """(exists, first day of the first matching month) over the slots."""
    FRAME_READS[0] += 1                 # its terms depend on the frame's number of months
    first, count, *slots = timeline.terms
    cal = scope.calendar
    frame: Frame = scope.frame
    starts = month_starts(scope, first)
    if frame.first_month is None:
        from_month = cal.month_start(start)

        def from_on(i: int) -> Any:
            return starts[i] >= from_month
    else:                   # the month of slot i is on or after the month of start
        def from_on(i: int) -> Any:
            assert frame.first_month is not None
            return start < _start(frame.first_month + i + 1)
    found: Any = FALSE
    day: Any = z3.IntVal(0)
    for i in reversed(range(frame.months)):
        slot = slots[i]
        equal = slot == value.term if not z3.is_arith(slot) else \
            _arith_eq(slot, value.term)
        hit = and_(gt(count, i), from_on(i), equal)
        day = ite(hit, starts[i], day)
        found = or_(hit, found)
    return found, day


def _arith_eq(a: Any, b: Any) -> Any:
    if z3.is_real(a) or z3.is_real(b):
        a = z3.ToReal(a) if z3.is_int(a) else a
        b = z3.ToReal(b) if z3.is_int(b) else b
    return a == b


# the CCSS recurrence ---------------------------------------------------------------------

def _recurrence(scope: ExprScope, p: PeriodsVar, n: Any, limit: Any
                ) -> tuple[Any, list[Any], list[Any], list[Any]]:
    """(first month number, B(j), employer(j), first day of month j) for the months j of
    the frame, plus the first day of the month after (memoised per periods, n, limit and
    frame in the calendar)."""
    from .encode_periods import clipped
    cal = scope.calendar
    frame: Frame = scope.frame
    terms = [p.count, *p.starts, *p.ends, z3.simplify(n), z3.simplify(limit)]
    key = ("charged", cal.owner, frame, *[t.get_id() for t in terms])
    memo: dict[Any, Any] = cal.__dict__.setdefault("_charged", {})
    if key in memo:
        return memo[key][1]  # type: ignore[no-any-return]
    if frame.first_month is None:
        m0 = cal.month_number(p.starts[0])
        starts = [cal.start_by_number(m0 + j) for j in range(frame.months + 1)]
    else:
        m0 = z3.IntVal(frame.first_month)
        starts = [_start(frame.first_month + j) for j in range(frame.months + 1)]
    days = [sum_(clipped(p, s, sub(e, 1))) for s, e in itertools.pairwise(starts)]
    employer: list[Any] = []
    charged: list[Any] = []
    fixed = z3.simplify(n)
    window = as_long(fixed) if is_int_value(fixed) else None   # a fixed number of months
    for j in range(frame.months):
        pays = TRUE if j == 0 else lt(charged[j - 1], limit)
        employer.append(z3.simplify(pays) if j == 0 else pays)
        terms = []
        for i in range(j + 1):
            if window is not None and i < j - window + 1:
                continue
            in_window = TRUE if window is not None else i >= j - n + 1
            terms.append(ite(and_(in_window, employer[i]), days[i], 0))
        charged.append(sum_(terms) if terms else z3.IntVal(0))
    memo[key] = (terms, (m0, charged, employer, starts))  # the terms keep their ids alive
    return m0, charged, employer, starts


def _leaves(term: Any) -> list[tuple[Any, Any]]:
    """``term`` as (condition, constant) pairs when it is an if-then-else tree of constants
    (a parameter chosen by date), else ``[(TRUE, term)]``."""
    term = z3.simplify(term)
    if z3.is_app_of(term, z3.Z3_OP_ITE):
        c, a, b = term.children()
        return [(and_(c, x), v) for x, v in _leaves(a)] + \
            [(and_(not_(c), x), v) for x, v in _leaves(b)]
    return [(TRUE, term)]


def charged_exact(scope: ExprScope, name: str, t: list[Any]) -> tuple[Any, Any, Any]:
    """(value, error, beyond the horizon) of the CCSS recurrence functions; a number of
    months chosen by date is split into its values (each a recurrence with a fixed
    window)."""
    p, d, n, limit = t
    if not isinstance(p, PeriodsVar):
        raise NotEncodable(f"{name}() of periods that are not a fact of the case")
    frame: Frame = scope.frame
    FRAME_READS[0] += 1                 # its terms depend on the frame's number of months
    if frame.first_month is None:
        return _charged_exact(scope, name, p, d, n, limit)
    # a pinned frame: no calendar arithmetic (nothing recorded per output), so the same
    # call (every payer rule asks the month of the eve of each month) gives the same terms
    # (Z3 hash-conses them): built once per set of facts, frame and arguments
    key = (name, frame, id(p), *(x.get_id() if isinstance(x, z3.AstRef) else repr(x)
                                 for x in (d, n, limit)))
    memo: dict[Any, Any] = scope.calendar.__dict__.setdefault("_charged_exact", {})
    if key not in memo:       # the arguments kept alive: Z3 reuses the id of a freed term
        memo[key] = (_charged_exact(scope, name, p, d, n, limit), (p, d, n, limit))
    found: tuple[Any, Any, Any] = memo[key][0]
    return found


def _charged_exact(scope: ExprScope, name: str, p: PeriodsVar, d: Any, n: Any, limit: Any
                   ) -> tuple[Any, Any, Any]:
    leaves = _leaves(n)
    if len(leaves) > 1 and all(z3.is_int_value(v) for _, v in leaves):
        value: Any = None
        beyond: Any = FALSE
        for cond, fixed in reversed(leaves):
            v, _, b = charged_exact(scope, name, [p, d, fixed, limit])
            value = v if value is None else ite(cond, v, value)
            beyond = or_(and_(cond, b), beyond)
        return value, FALSE, beyond
    m0, charged, employer, starts = _recurrence(scope, p, n, limit)
    frame: Frame = scope.frame
    month = name == "employer_charged_month"
    value = TRUE if month else z3.IntVal(0)             # before the first month, or none
    if frame.first_month is None:
        k = scope.calendar.month_number(d) - m0
        for j in reversed(range(frame.months)):
            value = ite(eq(k, j), employer[j] if month else charged[j], value)
        beyond = and_(p.count > 0, k >= frame.months)
    else:                        # month j is [starts[j], starts[j + 1]): comparisons only
        for j in reversed(range(frame.months)):
            value = ite(and_(ge(d, starts[j]), lt(d, starts[j + 1])),
                        employer[j] if month else charged[j], value)
        beyond = and_(p.count > 0, or_(d >= starts[frame.months],
                                       _outside(frame, p.starts[0])))
    value = ite(eq(p.count, 0), TRUE if month else z3.IntVal(0), value)
    return value, FALSE, beyond


def decode_timeline(model: Any, terms: tuple[Any, ...], decode: Any) -> Any:
    """The evaluator's ``Timeline`` for a model's timeline terms (``decode(term)``: one
    month's value)."""
    from ...calendar.dates import MonthPolicy, add_months, end_of_month, from_day_number
    from ...compile.model import Timeline
    first, count, *slots = terms
    n = int(model.eval(count, model_completion=True).as_long())
    month = from_day_number(int(model.eval(first, model_completion=True).as_long()))
    entries = []
    for i in range(n):
        entries.append((month, end_of_month(month), decode(slots[i])))
        month = add_months(month, 1, MonthPolicy.REFUSE)
    return Timeline(tuple(entries))
