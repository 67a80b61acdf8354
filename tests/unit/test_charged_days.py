"""The CCSS worked example of the 77-day rule (source 002, lines 1396-1421), month by month."""

from __future__ import annotations

from datetime import date, timedelta

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
