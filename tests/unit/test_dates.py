"""Unit tests of the calendar layer: lexlux.calendar.dates, .working_days, .periods.

Test names are claims; when a convention comes from the law, the name says which article
(the lines of the sources are in docs/time.md).
"""

from __future__ import annotations

from datetime import date

import pytest
from lexlux.calendar.dates import (
    EPOCH,
    AmbiguousDateError,
    DateFormatError,
    MonthPolicy,
    add_days,
    add_months,
    add_weeks,
    days_between,
    end_of_month,
    first_day_of_next_month,
    format_date,
    from_day_number,
    month_index,
    month_start_from_index,
    months_window,
    months_window_before,
    months_window_from,
    nth_calendar_month_start,
    nth_day,
    parse_date,
    reference_period_before,
    start_of_month,
    to_day_number,
    weeks_window_ending,
    weeks_window_starting,
)
from lexlux.calendar.periods import (
    Period,
    check_periods,
    count_days_by_month,
    days_in_window,
    gap_days,
    merge_periods,
    nth_day_in_window,
)
from lexlux.calendar.working_days import (
    DayKind,
    add_counted_days,
    count_counted_days,
    counted_days_in,
    is_counted_day,
    is_public_holiday,
    next_counted_day,
    nth_counted_day_from,
    previous_counted_day,
    public_holidays,
    roll_backward,
    roll_forward,
)

MON_SAT = DayKind.JOURS_OUVRABLES_MON_SAT
MON_FRI = DayKind.JOURS_OUVRABLES_MON_FRI
OUVRES = DayKind.JOURS_OUVRES
CALENDAR = DayKind.CALENDAR


# ---------------------------------------------------------------- parse / format


def test_parse_date_reads_a_strict_iso_date() -> None:
    assert parse_date("2019-01-01") == date(2019, 1, 1)
    assert parse_date("0001-01-01") == date(1, 1, 1)


def test_parse_date_refuses_month_13_saying_months_run_01_to_12() -> None:
    with pytest.raises(DateFormatError) as caught:
        parse_date("2019-13-01")
    assert "month must be between 01 and 12" in str(caught.value)
    with pytest.raises(DateFormatError, match="month must be between 01 and 12"):
        parse_date("2019-00-10")


def test_parse_date_refuses_29_february_2019_saying_february_2019_has_28_days() -> None:
    with pytest.raises(DateFormatError, match="February 2019 has 28 days"):
        parse_date("2019-02-29")


@pytest.mark.parametrize("text", ["2020-02-29", "2024-02-29", "2000-02-29"])
def test_parse_date_accepts_29_february_of_leap_years(text: str) -> None:
    assert parse_date(text).day == 29


def test_parse_date_refuses_29_february_1900_because_centuries_are_not_leap_unless_by_400() -> None:
    with pytest.raises(DateFormatError, match="February 1900 has 28 days"):
        parse_date("1900-02-29")


def test_parse_date_refuses_31_april_saying_april_has_30_days() -> None:
    with pytest.raises(DateFormatError, match="April 2019 has 30 days"):
        parse_date("2019-04-31")


@pytest.mark.parametrize(
    "text",
    [
        "2019/01/01",
        "01-01-2019",
        "01/01/2019",
        "2019-1-1",
        " 2019-01-01",
        "2019-01-01 ",
        "2019-01-01T00:00",
        "20190101",
        "",
        "\uff12\uff10\uff11\uff19-01-01",  # full-width digits are not ASCII digits
    ],
)
def test_parse_date_refuses_other_shapes_and_hints_at_yyyy_mm_dd(text: str) -> None:
    with pytest.raises(DateFormatError) as caught:
        parse_date(text)
    assert caught.value.hint == "write dates as YYYY-MM-DD, e.g. 2019-01-01"
    assert caught.value.message == str(caught.value)


def test_parse_date_refuses_day_00_and_year_0000() -> None:
    with pytest.raises(DateFormatError, match="day must be between 01 and 31"):
        parse_date("2019-01-00")
    with pytest.raises(DateFormatError, match="year must be between 0001 and 9999"):
        parse_date("0000-01-01")


def test_parse_date_refuses_a_non_text_value() -> None:
    with pytest.raises(DateFormatError):
        parse_date(20190101)  # type: ignore[arg-type]


def test_date_format_error_is_a_value_error() -> None:
    assert issubclass(DateFormatError, ValueError)
    assert issubclass(AmbiguousDateError, ValueError)


def test_format_date_writes_yyyy_mm_dd_with_zero_padding() -> None:
    assert format_date(date(2019, 3, 7)) == "2019-03-07"
    assert format_date(date(987, 1, 2)) == "0987-01-02"
    assert parse_date(format_date(date(2020, 2, 29))) == date(2020, 2, 29)


# ------------------------------------------------------------------- day numbers


def test_epoch_is_day_number_zero() -> None:
    assert date(1970, 1, 1) == EPOCH
    assert to_day_number(EPOCH) == 0
    assert from_day_number(0) == EPOCH


def test_day_numbers_count_29_february_as_a_day() -> None:
    assert to_day_number(date(2020, 3, 1)) - to_day_number(date(2020, 2, 28)) == 2
    assert to_day_number(date(2019, 3, 1)) - to_day_number(date(2019, 2, 28)) == 1


def test_day_numbers_are_negative_before_the_epoch() -> None:
    assert to_day_number(date(1969, 12, 31)) == -1
    assert from_day_number(-365) == date(1969, 1, 1)


# ------------------------------------------------------------------------ months


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (date(2019, 1, 15), date(2019, 1, 31)),
        (date(2019, 4, 1), date(2019, 4, 30)),
        (date(2019, 6, 30), date(2019, 6, 30)),
        (date(2019, 7, 2), date(2019, 7, 31)),
        (date(2019, 9, 9), date(2019, 9, 30)),
        (date(2019, 11, 11), date(2019, 11, 30)),
        (date(2019, 12, 1), date(2019, 12, 31)),
    ],
)
def test_end_of_month_knows_30_and_31_day_months(day: date, last: date) -> None:
    assert end_of_month(day) == last


@pytest.mark.parametrize(
    ("year", "last_day"),
    [(2019, 28), (2020, 29), (2024, 29), (1900, 28), (2000, 29), (2100, 28)],
)
def test_end_of_february_follows_gregorian_leap_years(year: int, last_day: int) -> None:
    assert end_of_month(date(year, 2, 1)) == date(year, 2, last_day)


def test_start_of_month_is_the_first() -> None:
    assert start_of_month(date(2020, 2, 29)) == date(2020, 2, 1)


def test_first_day_of_next_month_crosses_31_december_into_1_january() -> None:
    assert first_day_of_next_month(date(2019, 12, 31)) == date(2020, 1, 1)
    assert first_day_of_next_month(date(2019, 12, 1)) == date(2020, 1, 1)
    assert first_day_of_next_month(date(2020, 2, 29)) == date(2020, 3, 1)


def test_month_index_counts_december_to_january_as_one_month() -> None:
    assert month_index(date(2020, 1, 1)) - month_index(date(2019, 12, 31)) == 1
    assert month_start_from_index(month_index(date(2019, 12, 31))) == date(2019, 12, 1)
    assert month_start_from_index(2019 * 12) == date(2019, 1, 1)


def test_add_months_refuse_raises_on_31_january_plus_one_month() -> None:
    with pytest.raises(AmbiguousDateError, match="February 2019 has no day 31"):
        add_months(date(2019, 1, 31), 1, MonthPolicy.REFUSE)


def test_add_months_clamp_gives_the_last_day_of_february() -> None:
    assert add_months(date(2019, 1, 31), 1, MonthPolicy.CLAMP_TO_MONTH_END) == date(2019, 2, 28)
    assert add_months(date(2020, 1, 31), 1, MonthPolicy.CLAMP_TO_MONTH_END) == date(2020, 2, 29)
    assert add_months(date(2019, 3, 31), -1, MonthPolicy.CLAMP_TO_MONTH_END) == date(2019, 2, 28)


def test_add_months_refuses_29_february_plus_twelve_months() -> None:
    with pytest.raises(AmbiguousDateError):
        add_months(date(2020, 2, 29), 12, MonthPolicy.REFUSE)
    assert add_months(date(2020, 2, 29), 48, MonthPolicy.REFUSE) == date(2024, 2, 29)


def test_add_months_keeps_an_existing_day_under_both_policies() -> None:
    for policy in MonthPolicy:
        assert add_months(date(2019, 11, 30), 2, policy) == date(2020, 1, 30)
        assert add_months(date(2020, 1, 15), -1, policy) == date(2019, 12, 15)
        assert add_months(date(2019, 1, 28), 1, policy) == date(2019, 2, 28)
        assert add_months(date(2019, 5, 5), 0, policy) == date(2019, 5, 5)


# -------------------------------------------------------------------- days, weeks


def test_add_days_steps_over_29_february() -> None:
    assert add_days(date(2020, 2, 28), 2) == date(2020, 3, 1)
    assert add_days(date(2019, 2, 28), 1) == date(2019, 3, 1)
    assert add_days(date(2020, 1, 1), -1) == date(2019, 12, 31)


def test_a_week_is_seven_days_cns_statuts_art_169() -> None:
    assert add_weeks(date(2019, 12, 30), 1) == date(2020, 1, 6)
    assert add_weeks(date(2019, 1, 1), 52) == date(2019, 12, 31)


def test_days_between_inclusive_counts_both_ends() -> None:
    assert days_between(date(2019, 1, 1), date(2019, 1, 1), inclusive=True) == 1
    assert days_between(date(2019, 12, 31), date(2020, 1, 1), inclusive=True) == 2
    assert days_between(date(2020, 1, 1), date(2020, 12, 31), inclusive=True) == 366


def test_days_between_exclusive_is_the_difference() -> None:
    assert days_between(date(2019, 1, 1), date(2019, 1, 1), inclusive=False) == 0
    assert days_between(date(2019, 1, 5), date(2019, 1, 1), inclusive=False) == -4


def test_days_between_inclusive_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="on or after its start"):
        days_between(date(2019, 1, 5), date(2019, 1, 1), inclusive=True)


def test_third_day_of_absence_is_first_day_plus_two_calendar_days_code_du_travail_l121_6_2() -> (
    None
):
    # Absence starting on a Friday: the third day is the Sunday (délai préfix, not extended).
    assert nth_day(date(2019, 3, 1), 3) == date(2019, 3, 3)
    assert nth_day(date(2019, 3, 1), 1) == date(2019, 3, 1)
    assert nth_day(date(2020, 2, 28), 3) == date(2020, 3, 1)


def test_nth_day_refuses_day_zero() -> None:
    with pytest.raises(ValueError):
        nth_day(date(2019, 1, 1), 0)


# ----------------------------------------------------------------------- windows


def test_twelve_calendar_months_ending_in_january_start_the_february_before_l121_6_3() -> None:
    assert months_window(date(2020, 1, 20), 12) == (date(2019, 2, 1), date(2020, 1, 31))


def test_twelve_month_window_for_january_2010_matches_guide_77_day_table() -> None:
    # Guide table: "Cumul 12 mois" of January 2010 = February..December 2009 employer days.
    assert months_window(date(2010, 1, 1), 12) == (date(2009, 2, 1), date(2010, 1, 31))


def test_months_window_of_one_month_is_that_month() -> None:
    assert months_window(date(2020, 2, 10), 1) == (date(2020, 2, 1), date(2020, 2, 29))


def test_months_window_refuses_zero_months() -> None:
    with pytest.raises(ValueError):
        months_window(date(2020, 2, 10), 0)


def test_months_window_before_excludes_the_month_of_the_date() -> None:
    assert months_window_before(date(2019, 3, 15), 12) == (date(2018, 3, 1), date(2019, 2, 28))


def test_months_window_from_starts_with_the_month_of_the_date() -> None:
    assert months_window_from(date(2019, 2, 10), 12) == (date(2019, 2, 1), date(2020, 1, 31))


def test_seventh_month_of_a_run_starting_in_august_starts_on_1_february() -> None:
    assert nth_calendar_month_start(date(2019, 8, 31), 7) == date(2020, 2, 1)
    assert nth_calendar_month_start(date(2019, 8, 31), 1) == date(2019, 8, 1)


def test_104_week_reference_period_ends_on_the_eve_of_the_new_incapacity_css_art_14_2() -> None:
    start, end = reference_period_before(date(2019, 1, 1), 104)
    assert end == date(2018, 12, 31)
    assert start == date(2017, 1, 3)
    assert days_between(start, end, inclusive=True) == 728


def test_104_week_window_includes_the_day_considered_cns_statuts_art_186() -> None:
    start, end = weeks_window_ending(date(2019, 1, 1), 104)
    assert end == date(2019, 1, 1)
    assert start == date(2017, 1, 4)


def test_weeks_window_starting_26_weeks_covers_182_days() -> None:
    start, end = weeks_window_starting(date(2019, 3, 1), 26)
    assert start == date(2019, 3, 1)
    assert days_between(start, end, inclusive=True) == 182


# ------------------------------------------------------------------ public holidays


def test_lu_national_day_23_june_is_a_public_holiday() -> None:
    assert is_public_holiday(date(2019, 6, 23), "lu")
    assert not is_public_holiday(date(2019, 6, 23), "be")


def test_lu_europe_day_9_may_is_a_public_holiday_from_2019_only() -> None:
    assert is_public_holiday(date(2019, 5, 9), "lu")
    assert not is_public_holiday(date(2018, 5, 9), "lu")
    assert "Europe" in public_holidays("lu", 2024)[date(2024, 5, 9)]


def test_all_saints_1_november_is_a_public_holiday_in_lu_and_be() -> None:
    assert is_public_holiday(date(2019, 11, 1), "lu")
    assert is_public_holiday(date(2019, 11, 1), "be")


def test_be_national_day_21_july_and_armistice_11_november_are_belgian_only() -> None:
    assert is_public_holiday(date(2020, 7, 21), "be")
    assert is_public_holiday(date(2020, 11, 11), "be")
    assert not is_public_holiday(date(2020, 7, 21), "lu")
    assert not is_public_holiday(date(2020, 11, 11), "lu")


def test_26_december_is_a_public_holiday_in_lu_not_in_be() -> None:
    assert is_public_holiday(date(2019, 12, 26), "lu")
    assert not is_public_holiday(date(2019, 12, 26), "be")


def test_lu_has_ten_public_holidays_before_2019_and_eleven_from_2019() -> None:
    assert len(public_holidays("lu", 2018)) == 10
    assert len(public_holidays("lu", 2019)) == 11


def test_two_holidays_on_one_date_are_one_date_with_both_names() -> None:
    # 2008: Ascension fell on 1 May.
    table = public_holidays("lu", 2008)
    assert len(table) == 9
    assert "Ascension" in table[date(2008, 5, 1)] and "Travail" in table[date(2008, 5, 1)]


def test_public_holidays_are_read_only() -> None:
    table = public_holidays("lu", 2019)
    with pytest.raises(TypeError):
        table[date(2019, 1, 2)] = "invented"  # type: ignore[index]


def test_public_holidays_refuse_an_unknown_jurisdiction() -> None:
    with pytest.raises(ValueError, match="'lu' or 'be'"):
        public_holidays("fr", 2019)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'lu' or 'be'"):
        is_counted_day(date(2019, 1, 1), CALENDAR, "LU")  # type: ignore[arg-type]


def test_public_holidays_refuse_years_the_library_does_not_cover() -> None:
    with pytest.raises(ValueError, match="known for"):
        public_holidays("lu", 1800)


# ----------------------------------------------------------------- counted days


def test_saturday_is_ouvrable_by_the_glossary_but_not_by_footnote_14() -> None:
    saturday = date(2019, 3, 2)
    assert is_counted_day(saturday, MON_SAT, "lu")
    assert not is_counted_day(saturday, MON_FRI, "lu")
    assert not is_counted_day(saturday, OUVRES, "lu")
    assert is_counted_day(saturday, CALENDAR, "lu")


def test_sunday_is_never_ouvrable() -> None:
    sunday = date(2019, 3, 3)
    for kind in (MON_SAT, MON_FRI, OUVRES):
        assert not is_counted_day(sunday, kind, "lu")
    assert is_counted_day(sunday, CALENDAR, "lu")


def test_a_weekday_public_holiday_is_neither_ouvrable_nor_ouvre() -> None:
    all_saints = date(2019, 11, 1)  # a Friday
    for kind in (MON_SAT, MON_FRI, OUVRES):
        assert not is_counted_day(all_saints, kind, "lu")
    assert is_counted_day(all_saints, CALENDAR, "lu")


def test_the_holidays_of_the_jurisdiction_decide() -> None:
    national_day_be = date(2019, 7, 22)  # not a holiday: 21 July 2019 was a Sunday
    assert is_counted_day(national_day_be, MON_FRI, "be")
    armistice = date(2019, 11, 11)  # a Monday
    assert not is_counted_day(armistice, MON_FRI, "be")
    assert is_counted_day(armistice, MON_FRI, "lu")


def test_jours_ouvres_follow_the_enterprise_workweek() -> None:
    saturday, monday = date(2019, 3, 2), date(2019, 3, 4)
    tuesday_to_saturday = frozenset({1, 2, 3, 4, 5})
    assert is_counted_day(saturday, OUVRES, "lu", workweek=tuesday_to_saturday)
    assert not is_counted_day(monday, OUVRES, "lu", workweek=tuesday_to_saturday)
    assert not is_counted_day(date(2019, 11, 1), OUVRES, "lu", workweek=tuesday_to_saturday)


def test_a_workweek_is_refused_for_other_kinds_and_when_empty() -> None:
    with pytest.raises(ValueError, match="JOURS_OUVRES only"):
        is_counted_day(date(2019, 3, 2), MON_SAT, "lu", workweek=frozenset({5}))
    with pytest.raises(ValueError, match="non-empty"):
        is_counted_day(date(2019, 3, 2), OUVRES, "lu", workweek=frozenset())
    with pytest.raises(ValueError, match="non-empty"):
        is_counted_day(date(2019, 3, 2), OUVRES, "lu", workweek=frozenset({7}))


def test_deadline_on_saturday_before_easter_monday_rolls_to_tuesday_ncpc_art_1260() -> None:
    saturday = date(2019, 4, 20)
    assert roll_forward(saturday, MON_FRI, "lu") == date(2019, 4, 23)
    # The glossary definition would keep the Saturday: the two readings differ.
    assert roll_forward(saturday, MON_SAT, "lu") == saturday


def test_deadline_on_christmas_rolls_over_26_december_in_lu_only_ncpc_art_1260() -> None:
    christmas = date(2024, 12, 25)  # a Wednesday
    assert roll_forward(christmas, MON_FRI, "lu") == date(2024, 12, 27)
    assert roll_forward(christmas, MON_FRI, "be") == date(2024, 12, 26)


def test_deadline_on_new_years_eve_saturday_rolls_to_monday_2_january() -> None:
    assert roll_forward(date(2022, 12, 31), MON_FRI, "lu") == date(2023, 1, 2)
    assert roll_forward(date(2022, 12, 31), MON_SAT, "lu") == date(2022, 12, 31)


def test_protection_ending_friday_1_august_lasts_until_monday_4_august_guide_footnote_14() -> None:
    # Court of appeal 13 July 2006 as reported by the guide: certificate up to Friday
    # 1 August; the right to dismiss returns only on the next jour ouvrable (Mon-Fri).
    day_after_certificate = date(2008, 8, 2)
    assert roll_forward(day_after_certificate, MON_FRI, "lu") == date(2008, 8, 4)
    assert next_counted_day(date(2008, 8, 1), MON_FRI, "lu") == date(2008, 8, 4)


def test_roll_forward_keeps_a_day_that_counts() -> None:
    assert roll_forward(date(2019, 3, 4), MON_FRI, "lu") == date(2019, 3, 4)
    assert roll_forward(date(2019, 3, 3), CALENDAR, "lu") == date(2019, 3, 3)


def test_roll_backward_goes_to_the_last_ouvrable_day() -> None:
    assert roll_backward(date(2019, 3, 3), MON_FRI, "be") == date(2019, 3, 1)
    assert roll_backward(date(2019, 3, 3), MON_SAT, "be") == date(2019, 3, 2)
    assert roll_backward(date(2019, 3, 4), MON_SAT, "be") == date(2019, 3, 4)


def test_belgian_jour_ouvrable_before_a_monday_resumption_depends_on_the_definition() -> None:
    monday = date(2019, 3, 4)
    assert previous_counted_day(monday, MON_SAT, "be") == date(2019, 3, 2)
    assert previous_counted_day(monday, MON_FRI, "be") == date(2019, 3, 1)


def test_third_jour_ouvre_of_incapacity_counts_the_first_day_cns_statuts_art_170() -> None:
    # Incapacity from Wednesday 8 May 2019; 9 May (Europe Day) does not count.
    assert nth_counted_day_from(date(2019, 5, 8), 3, OUVRES, "lu") == date(2019, 5, 13)
    # Starting on a Saturday, the first jour ouvré is the Monday.
    assert nth_counted_day_from(date(2019, 3, 2), 1, OUVRES, "lu") == date(2019, 3, 4)


def test_second_jour_ouvre_after_planned_return_excludes_that_day_cns_statuts_art_170() -> None:
    planned_return = date(2019, 3, 1)  # a Friday
    assert add_counted_days(planned_return, 2, OUVRES, "lu") == date(2019, 3, 5)


def test_add_counted_days_in_calendar_days_is_add_days() -> None:
    assert add_counted_days(date(2019, 12, 30), 3, CALENDAR, "lu") == date(2020, 1, 2)


def test_counting_refuses_day_zero() -> None:
    with pytest.raises(ValueError):
        add_counted_days(date(2019, 3, 1), 0, MON_FRI, "lu")
    with pytest.raises(ValueError):
        nth_counted_day_from(date(2019, 3, 1), 0, MON_FRI, "lu")


def test_count_counted_days_in_a_week_with_a_holiday() -> None:
    week = (date(2019, 10, 28), date(2019, 11, 3))  # Monday to Sunday, 1 November a Friday
    assert count_counted_days(*week, CALENDAR, "lu") == 7
    assert count_counted_days(*week, MON_SAT, "lu") == 5
    assert count_counted_days(*week, MON_FRI, "lu") == 4
    assert counted_days_in(*week, MON_FRI, "lu")[-1] == date(2019, 10, 31)


def test_count_counted_days_refuses_a_reversed_range() -> None:
    with pytest.raises(ValueError):
        count_counted_days(date(2019, 3, 2), date(2019, 3, 1), CALENDAR, "lu")


# ------------------------------------------------------------------------ periods


def p(start: str, end: str) -> Period:
    return Period.parse(start, end)


def test_touching_periods_do_not_overlap() -> None:
    assert check_periods([p("2019-01-01", "2019-01-05"), p("2019-01-06", "2019-01-09")]) == []


def test_touching_periods_across_the_year_end_do_not_overlap() -> None:
    assert check_periods([p("2019-12-20", "2019-12-31"), p("2020-01-01", "2020-01-09")]) == []


def test_check_periods_names_the_days_two_periods_share() -> None:
    problems = check_periods([p("2019-01-01", "2019-01-05"), p("2019-01-04", "2019-01-09")])
    assert problems == [
        "periods 1 (2019-01-01 to 2019-01-05) and 2 (2019-01-04 to 2019-01-09) overlap: "
        "both cover 2019-01-04 to 2019-01-05 (2 days)"
    ]


def test_check_periods_reports_each_overlapping_pair() -> None:
    periods = [
        p("2019-01-01", "2019-01-31"),
        p("2019-01-10", "2019-01-12"),
        p("2019-02-01", "2019-02-02"),
    ]
    periods.append(p("2019-01-31", "2019-02-01"))
    problems = check_periods(periods)
    assert len(problems) == 3
    assert problems[0].startswith("periods 1 ")
    assert "periods 3 (2019-02-01 to 2019-02-02) and 4" in problems[2]


def test_check_periods_reports_an_end_before_the_start() -> None:
    problems = check_periods([p("2019-03-05", "2019-03-01")])
    assert problems == ["period 1 (2019-03-05 to 2019-03-01) ends before it starts"]


def test_counting_refuses_a_period_ending_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        days_in_window([p("2019-03-05", "2019-03-01")], date(2019, 1, 1), date(2019, 12, 31))


def test_counting_refuses_a_window_ending_before_it_starts() -> None:
    with pytest.raises(ValueError, match="window ends before it starts"):
        days_in_window([], date(2019, 2, 1), date(2019, 1, 31))


def test_a_period_counts_both_its_first_and_last_day_cns_statuts_art_169() -> None:
    assert p("2019-03-01", "2019-03-01").day_count == 1
    assert p("2020-02-01", "2020-02-29").day_count == 29
    assert str(p("2019-03-01", "2019-03-02")) == "2019-03-01 to 2019-03-02"
    assert p("2019-03-01", "2019-03-02").contains(date(2019, 3, 2))


def test_days_in_window_counts_a_day_of_two_overlapping_periods_once() -> None:
    periods = [p("2019-01-01", "2019-01-10"), p("2019-01-05", "2019-01-15")]
    assert days_in_window(periods, date(2019, 1, 1), date(2019, 12, 31)) == 15


def test_days_in_window_clips_a_period_straddling_the_year_end() -> None:
    periods = [p("2019-12-25", "2020-01-05")]
    assert days_in_window(periods, date(2019, 1, 1), date(2019, 12, 31)) == 7
    assert days_in_window(periods, date(2020, 1, 1), date(2020, 12, 31)) == 5


def test_77th_day_of_incapacity_from_1_january_is_18_march_so_pay_runs_to_31_march_l121_6_3() -> (
    None
):
    periods = [p("2019-01-01", "2019-06-30")]
    window = months_window(date(2019, 3, 1), 12)
    seventy_seventh = nth_day_in_window(periods, 77, *window)
    assert seventy_seventh == date(2019, 3, 18)
    assert end_of_month(seventy_seventh) == date(2019, 3, 31)


def test_nth_day_in_window_skips_days_outside_periods() -> None:
    periods = [p("2019-01-30", "2019-01-31"), p("2019-03-01", "2019-03-10")]
    assert nth_day_in_window(periods, 3, date(2019, 1, 1), date(2019, 12, 31)) == date(2019, 3, 1)
    assert nth_day_in_window(periods, 2, date(2019, 1, 31), date(2019, 12, 31)) == date(2019, 3, 1)


def test_nth_day_in_window_is_none_when_the_window_holds_fewer_days() -> None:
    periods = [p("2019-01-01", "2019-01-10")]
    assert nth_day_in_window(periods, 11, date(2019, 1, 1), date(2019, 12, 31)) is None
    assert nth_day_in_window([], 1, date(2019, 1, 1), date(2019, 12, 31)) is None
    with pytest.raises(ValueError):
        nth_day_in_window(periods, 0, date(2019, 1, 1), date(2019, 12, 31))


def test_count_days_by_month_keys_every_month_by_its_first_day_zeros_included() -> None:
    periods = [p("2019-12-30", "2020-01-02"), p("2020-02-28", "2020-03-01")]
    counts = count_days_by_month(periods, date(2019, 12, 15), date(2020, 4, 30))
    assert counts == {
        date(2019, 12, 1): 2,
        date(2020, 1, 1): 2,
        date(2020, 2, 1): 2,
        date(2020, 3, 1): 1,
        date(2020, 4, 1): 0,
    }


def test_count_days_by_month_of_a_whole_leap_february_is_29() -> None:
    counts = count_days_by_month(
        [p("2020-01-15", "2020-03-15")], date(2020, 2, 1), date(2020, 2, 1)
    )
    assert counts == {date(2020, 2, 1): 29}


def test_count_days_by_month_refuses_months_running_backwards() -> None:
    with pytest.raises(ValueError):
        count_days_by_month([], date(2020, 2, 1), date(2020, 1, 31))


def test_merge_periods_joins_touching_periods_only_when_asked() -> None:
    periods = [p("2019-01-06", "2019-01-09"), p("2019-01-01", "2019-01-05")]
    assert merge_periods(periods, join_touching=True) == [p("2019-01-01", "2019-01-09")]
    assert merge_periods(periods, join_touching=False) == [
        p("2019-01-01", "2019-01-05"),
        p("2019-01-06", "2019-01-09"),
    ]
    overlapping = [p("2019-01-01", "2019-01-05"), p("2019-01-03", "2019-01-04")]
    assert merge_periods(overlapping, join_touching=False) == [p("2019-01-01", "2019-01-05")]


def test_gap_days_counts_the_days_strictly_between_two_periods() -> None:
    assert gap_days(p("2019-01-01", "2019-01-05"), p("2019-01-06", "2019-01-09")) == 0
    assert gap_days(p("2019-12-31", "2019-12-31"), p("2020-01-08", "2020-01-09")) == 7
    with pytest.raises(ValueError):
        gap_days(p("2019-01-01", "2019-01-05"), p("2019-01-05", "2019-01-09"))
