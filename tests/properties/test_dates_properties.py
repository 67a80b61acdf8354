"""Property tests of the calendar layer (hypothesis), on dates between 1990 and 2060."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from lexlux.calendar.dates import (
    AmbiguousDateError,
    MonthPolicy,
    add_months,
    days_between,
    end_of_month,
    format_date,
    from_day_number,
    month_index,
    month_start_from_index,
    months_window,
    parse_date,
    reference_period_before,
    start_of_month,
    to_day_number,
    weeks_window_ending,
)
from lexlux.calendar.periods import (
    Period,
    check_periods,
    count_days_by_month,
    days_in_window,
    merge_periods,
    nth_day_in_window,
)
from lexlux.calendar.working_days import (
    JURISDICTIONS,
    DayKind,
    Jurisdiction,
    add_counted_days,
    count_counted_days,
    is_counted_day,
    is_public_holiday,
    nth_counted_day_from,
    public_holidays,
    roll_forward,
)

FIRST, LAST = date(1990, 1, 1), date(2060, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)
kinds = st.sampled_from(list(DayKind))
jurisdictions = st.sampled_from(JURISDICTIONS)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2021, 12, 31)))
    length = draw(st.integers(min_value=0, max_value=120))
    return Period(start, start + timedelta(days=length))


period_lists = st.lists(periods(), max_size=6)


@st.composite
def windows(draw: st.DrawFn) -> tuple[date, date]:
    start = draw(st.dates(min_value=date(2014, 1, 1), max_value=date(2022, 12, 31)))
    return start, start + timedelta(days=draw(st.integers(min_value=0, max_value=800)))


@given(dates)
def test_end_of_month_is_in_the_same_month_and_the_next_day_is_a_first(d: date) -> None:
    last = end_of_month(d)
    assert (last.year, last.month) == (d.year, d.month)
    assert start_of_month(d) <= d <= last
    assert (last + timedelta(days=1)).day == 1


@given(dates)
def test_day_numbers_round_trip_and_step_by_one(d: date) -> None:
    n = to_day_number(d)
    assert from_day_number(n) == d
    assert to_day_number(d + timedelta(days=1)) == n + 1


@given(dates)
def test_format_then_parse_is_the_identity(d: date) -> None:
    assert parse_date(format_date(d)) == d


@given(dates)
def test_month_index_round_trips_to_the_month_start(d: date) -> None:
    assert month_start_from_index(month_index(d)) == start_of_month(d)


@given(dates)
def test_a_twelve_month_window_spans_365_or_366_days_and_holds_its_date(d: date) -> None:
    first, last = months_window(d, 12)
    assert days_between(first, last, inclusive=True) in (365, 366)
    assert first.day == 1 and first <= d <= last == end_of_month(d)


@given(dates, st.integers(min_value=1, max_value=200))
def test_reference_period_before_is_7n_days_ending_the_eve(d: date, n_weeks: int) -> None:
    first, last = reference_period_before(d, n_weeks)
    assert last == d - timedelta(days=1)
    assert days_between(first, last, inclusive=True) == 7 * n_weeks
    assert (first, last) == weeks_window_ending(d - timedelta(days=1), n_weeks)


@given(dates, st.integers(min_value=-600, max_value=600))
def test_add_months_moves_n_months_and_refuse_only_differs_when_clamping(d: date, n: int) -> None:
    clamped = add_months(d, n, MonthPolicy.CLAMP_TO_MONTH_END)
    assert month_index(clamped) == month_index(d) + n
    assert clamped.day <= d.day
    try:
        refused = add_months(d, n, MonthPolicy.REFUSE)
    except AmbiguousDateError:
        assert clamped.day < d.day and clamped == end_of_month(clamped)
    else:
        assert refused == clamped and refused.day == d.day


@given(period_lists, windows(), st.data())
def test_days_of_two_adjoining_windows_add_up_to_the_joined_window(
    items: list[Period], window: tuple[date, date], data: st.DataObject
) -> None:
    start, end = window
    if start == end:
        return
    split = start + timedelta(days=data.draw(st.integers(0, (end - start).days - 1)))
    left = days_in_window(items, start, split)
    right = days_in_window(items, split + timedelta(days=1), end)
    assert left + right == days_in_window(items, start, end)


@given(period_lists, windows())
def test_days_in_window_is_at_most_the_window_length(
    items: list[Period], window: tuple[date, date]
) -> None:
    total = days_in_window(items, *window)
    assert 0 <= total <= days_between(*window, inclusive=True)


@given(period_lists, periods(), windows(), st.integers(min_value=1, max_value=200))
def test_adding_a_period_never_moves_the_nth_day_later(
    items: list[Period], extra: Period, window: tuple[date, date], n: int
) -> None:
    before = nth_day_in_window(items, n, *window)
    after = nth_day_in_window([*items, extra], n, *window)
    if before is not None:
        assert after is not None and after <= before


@given(period_lists, windows(), st.integers(min_value=1, max_value=200))
def test_the_nth_day_leaves_n_minus_1_days_before_it(
    items: list[Period], window: tuple[date, date], n: int
) -> None:
    start, end = window
    nth = nth_day_in_window(items, n, start, end)
    if nth is None:
        assert days_in_window(items, start, end) < n
    else:
        assert days_in_window(items, start, nth) == n
        assert any(p.contains(nth) for p in items)


@given(period_lists)
def test_merged_periods_have_no_overlap_and_keep_the_days(items: list[Period]) -> None:
    merged = merge_periods(items, join_touching=False)
    assert check_periods(merged) == []
    window = (date(2014, 1, 1), date(2022, 12, 31))
    assert days_in_window(merged, *window) == days_in_window(items, *window)
    assert sum(p.day_count for p in merged) == days_in_window(items, *window)


@given(period_lists, st.dates(min_value=date(2014, 1, 1), max_value=date(2022, 12, 31)))
def test_monthly_counts_add_up_to_the_days_of_the_whole_months(
    items: list[Period], d: date
) -> None:
    first, last = months_window(d, 12)
    counts = count_days_by_month(items, first, last)
    assert len(counts) == 12
    assert sum(counts.values()) == days_in_window(items, first, last)


@given(dates, kinds, jurisdictions)
def test_roll_forward_gives_the_first_counted_day_on_or_after(
    d: date, kind: DayKind, jurisdiction: Jurisdiction
) -> None:
    rolled = roll_forward(d, kind, jurisdiction)
    assert rolled >= d
    assert is_counted_day(rolled, kind, jurisdiction)
    assert count_counted_days(d, rolled, kind, jurisdiction) == 1


@given(dates, st.integers(min_value=1, max_value=30), kinds, jurisdictions)
def test_adding_counted_days_is_counting_from_the_next_day(
    d: date, n: int, kind: DayKind, jurisdiction: Jurisdiction
) -> None:
    after = add_counted_days(d, n, kind, jurisdiction)
    assert after == nth_counted_day_from(d + timedelta(days=1), n, kind, jurisdiction)
    assert count_counted_days(d + timedelta(days=1), after, kind, jurisdiction) == n


@given(dates, st.integers(min_value=1, max_value=400))
def test_calendar_days_count_every_day(d: date, n: int) -> None:
    assert nth_counted_day_from(d, n, DayKind.CALENDAR, "lu") == d + timedelta(days=n - 1)


@given(dates, jurisdictions)
def test_the_two_ouvrable_definitions_differ_exactly_on_saturdays_that_are_not_holidays(
    d: date, jurisdiction: Jurisdiction
) -> None:
    mon_fri = is_counted_day(d, DayKind.JOURS_OUVRABLES_MON_FRI, jurisdiction)
    mon_sat = is_counted_day(d, DayKind.JOURS_OUVRABLES_MON_SAT, jurisdiction)
    assert not mon_fri or mon_sat
    ordinary_saturday = d.weekday() == 5 and not is_public_holiday(d, jurisdiction)
    assert (mon_sat and not mon_fri) == ordinary_saturday


def test_the_holiday_library_covers_every_year_of_the_tested_range() -> None:
    # At least 9 distinct dates: in 2008 Ascension fell on 1 May in both countries.
    for jurisdiction in JURISDICTIONS:
        for year in range(FIRST.year, LAST.year + 1):
            assert len(public_holidays(jurisdiction, year)) >= 9
