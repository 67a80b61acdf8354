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
from functools import lru_cache

from .dates import month_index, month_start_from_index
from .periods import Period, count_days_by_month


@lru_cache(maxsize=4096)
def _months(periods: tuple[Period, ...], n: int, limit: int, last: int
            ) -> tuple[tuple[int, ...], tuple[bool, ...], int]:
    """(B, payer-is-employer) for months m0..last, and m0."""
    m0 = min(month_index(p.start) for p in periods)
    days_by_month = count_days_by_month(periods, month_start_from_index(m0),
                                        month_start_from_index(max(last, m0)))
    days = [days_by_month[month_start_from_index(j)] for j in range(m0, max(last, m0) + 1)]
    charged: list[int] = []
    employer: list[bool] = []
    for k in range(len(days)):
        pays = True if k == 0 else charged[k - 1] < limit
        employer.append(pays)
        window = range(max(0, k - n + 1), k + 1)
        charged.append(sum(days[i] for i in window if employer[i]))
    return tuple(charged), tuple(employer), m0


def _lookup(periods: Iterable[Period], d: date, n: int, limit: int) -> tuple[int, bool]:
    frozen = tuple(sorted(periods, key=lambda p: p.start))
    if not frozen:
        return 0, True
    target = month_index(d)
    # one pass per set of periods, whatever month is asked: the recurrence is computed up to
    # n months after the last month with incapacity; from then on no day is charged and the
    # employer pays (B = 0), so every month of a timeline reads the same cached pass
    horizon = max(month_index(p.end) for p in frozen) + n
    charged, employer, m0 = _months(frozen, n, limit, horizon)
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
