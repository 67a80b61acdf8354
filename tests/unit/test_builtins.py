"""Built-in functions of the rule language, on their own (the calendar does the counting)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from lexlux.calendar.periods import Period
from lexlux.evaluate.builtins import table

LU = table("lu")
BE = table("be")


def test_floor_drops_the_fraction_of_a_day_statuts_169() -> None:
    assert LU["floor"](Fraction(7, 2)) == 3 and LU["floor"](Fraction(4)) == 4


def test_round_decimal_rounds_to_whole_percentage_points_half_up() -> None:
    # 12 h of 36 h = 33.33 %, minus the 20 % exemption = 13.33 → 13 (Belgian example, 003)
    assert LU["round_decimal"](Fraction(100, 3) - 20, 0, "half_up") == 13
    assert LU["round_decimal"](Fraction(27, 2), 0, "half_up") == 14
    assert LU["round_decimal"](Fraction(27, 2), 0, "down") == 13


def test_round_to_cents_of_a_computed_amount() -> None:
    assert LU["round_to_cents"](Fraction("3456.785"), "half_up") == Fraction("3456.79")


def test_longest_gap_counts_the_days_no_period_covers() -> None:
    periods = (Period(date(2019, 1, 1), date(2019, 1, 10)),
               Period(date(2019, 1, 15), date(2019, 1, 20)))
    assert LU["longest_gap_in_window"](periods, date(2019, 1, 1), date(2019, 1, 20)) == 4
    assert LU["longest_gap_in_window"](periods, date(2019, 1, 1), date(2019, 1, 31)) == 11
    assert LU["longest_gap_in_window"]((), date(2019, 1, 1), date(2019, 1, 1)) == 1


def test_year_and_end_of_year() -> None:
    assert LU["year"](date(2024, 2, 29)) == 2024
    assert LU["end_of_year"](date(2024, 2, 29)) == date(2024, 12, 31)


def test_previous_working_day_skips_belgian_and_luxembourg_holidays() -> None:
    # Monday 22 July 2024: the day before is Sunday 21 July (Belgian national day)
    assert BE["previous_counted_day"](date(2024, 7, 22), "jours_ouvrables_mon_fri") \
        == date(2024, 7, 19)
    # 24 June 2019 (Monday): 23 June (LU national day) is a Sunday; Friday 21 June
    assert LU["previous_counted_day"](date(2019, 6, 24), "jours_ouvres") == date(2019, 6, 21)
    assert LU["roll_backward"](date(2019, 6, 23), "jours_ouvres") == date(2019, 6, 21)
