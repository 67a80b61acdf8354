"""The CCSS worked example of the 77-day rule (source 002, lines 1396-1421), month by month."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.charged_days import employer_charged_days, employer_pays_month
from lexlux.calendar.dates import MonthPolicy, add_months
from lexlux.calendar.periods import Period

# 002 lines 1400-1416: days of incapacity per month, 12-month cumul, payer (Empl./CNS)
DAYS = [3, 28, 31, 30, 15, 0, 2, 2, 1, 0, 1, 1, 5, 2, 1, 3, 0, 0, 1]
CUMUL = [3, 31, 62, 92, 92, 92, 92, 92, 92, 92, 92, 92, 89, 61, 31, 4, 4, 4, 5]
PAYER = ["E"] * 4 + ["C"] * 8 + ["C", "C", "E", "E", "E", "E", "E"]


def _periods() -> tuple[Period, ...]:
    out = []
    month = date(2009, 1, 1)
    for days in DAYS:
        if days:
            out.append(Period(month, month + timedelta(days=days - 1)))
        month = add_months(month, 1, MonthPolicy.REFUSE)
    return tuple(out)


def test_ccss_example_cumul_and_payer_reproduced_for_all_19_months() -> None:
    periods = _periods()
    month = date(2009, 1, 1)
    for k in range(19):
        assert employer_charged_days(periods, month, 12, 77) == CUMUL[k], month
        assert employer_pays_month(periods, month, 12, 77) == (PAYER[k] == "E"), month
        month = add_months(month, 1, MonthPolicy.REFUSE)


def test_the_charge_returns_to_the_employer_in_march_2010() -> None:
    # "La charge revient à l'employeur au début du mois de mars 2010" (002 line 1420)
    periods = _periods()
    assert not employer_pays_month(periods, date(2010, 2, 1), 12, 77)
    assert employer_pays_month(periods, date(2010, 3, 1), 12, 77)


def _by_definition(periods: tuple[Period, ...], month: date, n: int, limit: int
                   ) -> tuple[int, bool]:
    """B and the payer of ``month`` from the module's docstring, summed window by window."""
    from lexlux.calendar.dates import month_index, month_start_from_index
    from lexlux.calendar.periods import days_in_window, index_of
    m0 = month_index(index_of(periods).runs[0].start)
    days, employer, charged = [], [], []
    for k in range(month_index(month) - m0 + 1):
        first = month_start_from_index(m0 + k)
        days.append(days_in_window(periods, first, add_months(first, 1, MonthPolicy.REFUSE)
                                   - timedelta(days=1)))
        employer.append(k == 0 or charged[k - 1] < limit)
        charged.append(sum(days[i] for i in range(max(0, k - n + 1), k + 1) if employer[i]))
    return charged[-1], employer[-1]


@settings(max_examples=150, deadline=None)
@given(spells=st.lists(st.tuples(st.integers(0, 900), st.integers(1, 120)), min_size=1,
                       max_size=8),
       n=st.integers(-1, 14), limit=st.integers(0, 120), months=st.integers(0, 40))
def test_the_recurrence_worked_out_month_after_month_is_the_windowed_sum(
        spells: list[tuple[int, int]], n: int, limit: int, months: int) -> None:
    """The one pass over the months (each B from the one before) gives, for every month, the
    B and payer of the definition (the sum over the window of the months the employer pays)."""
    start = date(2017, 1, 1)
    periods = tuple(Period(start + timedelta(days=a), start + timedelta(days=a + length - 1))
                    for a, length in spells)
    first = min(p.start for p in periods).replace(day=1)
    for k in range(months + 1):
        month = add_months(first, k, MonthPolicy.REFUSE)
        assert (employer_charged_days(periods, month, n, limit),
                employer_pays_month(periods, month, n, limit)) == \
            _by_definition(periods, month, n, limit)
