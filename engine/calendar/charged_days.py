"""The days "at the employer's charge" of the CCSS worked example (leaf module).

The CCSS example of the 77-day rule (source 002, lines 1396-1421) counts, in the window of
the ``n`` successive calendar months ending with a month, only the days of months for which
the employer paid; whether the employer pays a month depends on that count for the month
before.  The recurrence, with months numbered from ``m0`` (the month of the first day of
the periods) and ``days(j)`` the days of the periods in month ``j``::

    payer(m0) = employer
    B(j)      = sum of days(i) for i in j-n+1 .. j, i >= m0, payer(i) = employer
    payer(j)  = employer if B(j-1) < limit else cns          (j > m0)

It is a reading of the law by its authority, not a calendar convention: the rule that uses
it says so (reading ``ccss_worked_example``).

>>> from datetime import date
>>> from lexlux.calendar.periods import Period
>>> p = (Period(date(2009, 1, 1), date(2009, 4, 30)),)
>>> april = date(2009, 4, 1)
>>> employer_charged_days(p, april, 12, 77), employer_pays_month(p, april, 12, 77)
(90, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .dates import days_in_month, month_index, month_start_from_index
from .periods import Period, PeriodIndex, index_of


def _months(index: PeriodIndex, n: int, limit: int, last: int
            ) -> tuple[list[int], list[bool], int]:
    """(B, payer-is-employer) for months m0..last (at least), and m0; computed once per
    periods, n and limit, and extended when a later month is asked for."""
    key = ("charged_days", n, limit)
    known = index.memo.get(key)
    if known is not None and len(known[0]) > last - known[3]:
        return known[0], known[1], known[3]          # the months asked are computed
    m0 = month_index(index.runs[0].start)
    charged: list[int]
    employer: list[bool]
    days: list[int]
    if known is None:
        charged, employer, days = [], [], []
        index.memo[key] = (charged, employer, days, m0)
    else:
        charged, employer, days = known[0], known[1], known[2]
    # at least up to the month of the last day of the periods (a timeline asks for its
    # months one after the other: they are worked out in one go, not one call each)
    last = max(last, month_index(index.runs[-1].end))
    for k in range(len(days), max(last, m0) - m0 + 1):
        days.append(index.count_ordinals(*_month_ordinals(m0 + k)))
        pays = True if k == 0 else charged[k - 1] < limit
        employer.append(pays)
        # B(k) from B(k-1): the month k comes into the window, the month k-n leaves it
        total = (charged[k - 1] if k else 0) + (days[k] if pays else 0)
        if n < 1:
            total = 0                   # a window of fewer than one month holds no day
        elif k >= n and employer[k - n]:
            total -= days[k - n]
        charged.append(total)
    return charged, employer, m0


_MONTH_ORDINALS: dict[int, tuple[int, int]] = {}


def _month_ordinals(month: int) -> tuple[int, int]:
    """The ordinals of the first and the last day of the month ``month`` (a
    :func:`month_index`), kept: every case's recurrence reads the same months."""
    known = _MONTH_ORDINALS.get(month)
    if known is None:
        first = month_start_from_index(month)       # (DateRangeError beyond the calendar)
        start = first.toordinal()
        known = (start, start + days_in_month(first.year, first.month) - 1)
        if len(_MONTH_ORDINALS) < 120_000:          # every month of the calendar, at most
            _MONTH_ORDINALS[month] = known
    return known


def _lookup(periods: Iterable[Period], d: date, n: int, limit: int) -> tuple[int, bool]:
    index = index_of(periods if isinstance(periods, tuple) else tuple(periods))
    if not index.runs:
        return 0, True
    target = d.year * 12 + d.month - 1          # month_index(d)
    known = index.memo.get(("charged_days", n, limit))
    if known is not None and 0 <= target - known[3] < len(known[0]):
        return known[0][target - known[3]], known[1][target - known[3]]   # computed
    charged, employer, m0 = _months(index, n, limit, target)
    if target < m0:
        return 0, True
    k = target - m0
    if k >= len(charged):
        return 0, True
    return charged[k], employer[k]


def employer_charged_days(periods: Iterable[Period], d: date, n: int, limit: int) -> int:
    """B(month of d): days at the employer's charge in the n months ending with d's month."""
    return _lookup(periods, d, n, limit)[0]


def employer_pays_month(periods: Iterable[Period], d: date, n: int, limit: int) -> bool:
    """Whether the employer pays the month of d under the recurrence."""
    return _lookup(periods, d, n, limit)[1]
