"""Stage 4 (evaluate): the built-in functions of the rule language, on runtime values.

Signatures and documentation are in :mod:`lexlux.compile.functions`; every date rule is
delegated to the calendar modules (:mod:`lexlux.calendar.dates`, :mod:`lexlux.calendar.periods`,
:mod:`lexlux.calendar.working_days`), so the evaluator never counts days itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction
from typing import Any

from ..calendar import charged_days, counted_days, dates, periods
from ..calendar.working_days import (
    DayKind,
    is_counted_day,
    nth_counted_day_from,
    previous_counted_day,
    roll_backward,
    roll_forward,
)
from ..compile.model import Duration, Months, Period, Timeline


class EvaluationError(Exception):
    """A value cannot be computed (LX403), e.g. the 77th day does not exist."""


_ROUNDING = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP}


def _round_cents(amount: Fraction, mode: str) -> Fraction:
    cents = (Decimal(amount.numerator) / Decimal(amount.denominator)).quantize(
        Decimal("0.01"), rounding=_ROUNDING[mode])
    return Fraction(cents)


def _require(value: date | None, what: str) -> date:
    if value is None:
        raise EvaluationError(what)
    return value


def _nth_in_window(p: tuple[Period, ...], n: int, a: date, b: date) -> date:
    return _require(periods.nth_day_in_window(p, n, a, b),
                    f"there are fewer than {n} days of the periods between {a} and {b}")


def _first_day_counted_over(insured: tuple[Period, ...], half: tuple[Period, ...],
                            rate: Fraction, limit: int, window_start: date, window_days: int,
                            a: date, b: date) -> date:
    return _require(_counted_over(insured, half, rate, limit, window_start, window_days, a, b),
                    f"the days counted do not exceed {limit} on any day from {a} to {b}")


_UNSET = object()


def _counted_over(insured: tuple[Period, ...], half: tuple[Period, ...], rate: Fraction,
                  limit: int, window_start: date, window_days: int, a: date, b: date
                  ) -> date | None:
    """:func:`counted_days.first_day_counted_over`, kept with the index of ``insured`` (the
    periods' indexes stand for the periods in the key: a rule asks whether the day exists,
    then for the day, and the periods are not hashed again for each question)."""
    index = periods.index_of(insured)
    # the rate by its two integers: a Fraction's hash is worked out in Python at each call
    key = ("first_day_counted_over", periods.index_of(half), rate.numerator,
           rate.denominator, limit, window_start, window_days, a, b)
    known = index.memo.get(key, _UNSET)
    if known is _UNSET:
        known = index.memo[key] = counted_days.first_day_counted_over_uncached(
            insured, half, Fraction(rate), limit, window_start, window_days, a, b)
    day: date | None = known
    return day


def _containing(p: tuple[Period, ...], d: date) -> Period:
    index = periods.index_of(p)
    run = index.run_at(d)
    if run is not None and len(index.runs) == len(p):
        return run                       # disjoint periods: each run is one of them
    if run is not None:
        for period in p:                 # overlapping periods: the first given, as written
            if period.contains(d):
                return period
    raise EvaluationError(f"no period contains {d}")


def _first(p: tuple[Period, ...]) -> date:
    if not p:
        raise EvaluationError("there are no periods")
    return periods.index_of(p).runs[0].start


def _last(p: tuple[Period, ...]) -> date:
    if not p:
        raise EvaluationError("there are no periods")
    return periods.index_of(p).runs[-1].end


def _add_months(d: date, n: int, policy: str) -> date:
    chosen = dates.MonthPolicy.CLAMP_TO_MONTH_END if policy == "clamp" \
        else dates.MonthPolicy.REFUSE
    try:
        return dates.add_months(d, n, chosen)
    except dates.AmbiguousDateError as exc:
        raise EvaluationError(str(exc)) from None


def _month_with(timeline: Timeline, value: Any, start: date) -> date | None:
    first = dates.start_of_month(start)
    for month, _, held in timeline.entries:
        if month >= first and held == value:
            return month
    return None


def _first_month_with(timeline: Timeline, value: Any, start: date) -> date:
    return _require(_month_with(timeline, value, start),
                    f"no month from {dates.start_of_month(start)} on has the value {value!r}")


def _round_decimal(x: Fraction | int, places: int, mode: str) -> Fraction:
    if places < 0:
        raise EvaluationError("round_decimal needs 0 or more decimal places")
    exponent = Decimal(1).scaleb(-places)
    value = Decimal(Fraction(x).numerator) / Decimal(Fraction(x).denominator)
    return Fraction(value.quantize(exponent, rounding=_ROUNDING[mode]))


def _floor(x: Fraction | int) -> int:
    return math.floor(x)


def _longest_gap(p: tuple[Period, ...], a: date, b: date) -> int:
    """Longest run of days in [a, b] that no period covers."""
    if b < a:
        raise EvaluationError(f"the window {a} .. {b} ends before it starts")
    covered = [(x.start, x.end) for x in periods.index_of(p).runs_in(a, b)]
    longest, cursor = 0, a
    for start, end in covered:
        if start > cursor:
            longest = max(longest, (start - cursor).days)
        cursor = max(cursor, end + timedelta(days=1))
    if cursor <= b:
        longest = max(longest, (b - cursor).days + 1)
    return longest


def _months_window_start(d: date, n: int) -> date:
    """The first day of :func:`dates.months_window` (without working out its end)."""
    if n < 1:
        return dates.months_window(d, n)[0]      # its error
    month = d.year * 12 + d.month - n
    start = _MONTH_STARTS.get(month)
    if start is None:
        start = dates.month_start_from_index(month)
        if len(_MONTH_STARTS) < 120_000:         # every month of the calendar, at most
            _MONTH_STARTS[month] = start
    return start


_MONTH_STARTS: dict[int, date] = {}
"""First days of months by :func:`dates.month_index`, as they are asked for (a timeline
asks for one per month)."""


def _days_in_window(p: tuple[Period, ...], a: date, b: date) -> int:
    # O(log n), and kept with the periods' index: the timelines of one case ask the same
    # windows again (the 12 months ending with a month, and with the month before)
    index = periods.index_of(p)
    key = (a, b)                  # (the memo's only keys of two dates)
    known = index.memo.get(key)
    if known is None:
        known = index.memo[key] = index.count(a, b)
    return int(known)


def _end_of_month(d: date) -> date:
    """:func:`dates.end_of_month`, kept per day (a timeline asks it for every month)."""
    end = _MONTH_ENDS.get(d)
    if end is None:
        end = dates.end_of_month(d)
        if len(_MONTH_ENDS) < 100_000:
            _MONTH_ENDS[d] = end
    return end


_MONTH_ENDS: dict[date, date] = {}


def _eve(d: date) -> date:
    """The day before ``d`` (:func:`dates.add_days` by -1, without its call)."""
    return d - _ONE_DAY


_ONE_DAY = timedelta(days=1)


def table(jurisdiction: str) -> dict[str, Callable[..., Any]]:
    """The built-ins, with working days counted with ``jurisdiction``'s public holidays."""
    jur: Any = jurisdiction

    def kind(name: str) -> DayKind:
        return DayKind(name)

    return {
        "end_of_month": _end_of_month,
        "start_of_month": dates.start_of_month,
        "first_day_of_next_month": dates.first_day_of_next_month,
        "add_months": _add_months,
        "nth_day": dates.nth_day,
        "eve": _eve,
        "days_between": lambda a, b: dates.days_between(a, b, inclusive=False),
        "days_inclusive": lambda a, b: dates.days_between(a, b, inclusive=True),
        "nth_counted_day": lambda d, n, k: nth_counted_day_from(d, n, kind(k), jur),
        "roll_forward": lambda d, k: roll_forward(d, kind(k), jur),
        "is_counted_day": lambda d, k: is_counted_day(d, kind(k), jur),
        "months_window_start": _months_window_start,
        "weeks_window_start": lambda d, n: dates.weeks_window_ending(d, n)[0],
        "days": Duration,
        "weeks": lambda n: Duration(7 * n),
        "months": Months,
        "day_count": lambda d: d.days,
        "round_cents": _round_cents,
        "days_in_window": _days_in_window,
        "has_nth_day_in_window": lambda p, n, a, b: periods.nth_day_in_window(p, n, a, b)
        is not None,
        "nth_day_in_window": _nth_in_window,
        "first_day": _first,
        "last_day": _last,
        "in_periods": lambda p, d: periods.index_of(p).contains(d),
        "period_start_on": lambda p, d: _containing(p, d).start,
        "period_end_on": lambda p, d: _containing(p, d).end,
        "employer_charged_days_in_window": charged_days.employer_charged_days,
        "employer_charged_month": charged_days.employer_pays_month,
        "first_day_counted_over": _first_day_counted_over,
        "has_first_day_counted_over": lambda *a: _counted_over(*a) is not None,
        "previous_counted_day": lambda d, k: previous_counted_day(d, kind(k), jur),
        "roll_backward": lambda d, k: roll_backward(d, kind(k), jur),
        "round_decimal": _round_decimal,
        "floor": _floor,
        "year": lambda d: d.year,
        "end_of_year": lambda d: date(d.year, 12, 31),
        "round_to_cents": lambda x, mode: _round_cents(Fraction(x), mode),
        "longest_gap_in_window": _longest_gap,
        "first_month_with": _first_month_with,
        "has_month_with": lambda t, v, d: _month_with(t, v, d) is not None,
    }
