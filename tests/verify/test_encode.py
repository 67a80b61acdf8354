"""The encoding's calendar and its declared abstractions, checked against the one calendar
(lexlux.calendar.dates, lexlux.calendar.periods, lexlux.calendar.working_days)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar import dates
from lexlux.calendar.dates import from_day_number, to_day_number
from lexlux.calendar.periods import Period, days_in_window, nth_day_in_window
from lexlux.calendar.working_days import (
    DayKind,
    is_counted_day,
    nth_counted_day_from,
    previous_counted_day,
    roll_backward,
    roll_forward,
)
from lexlux.compile.model import Vocabulary
from lexlux.verify.encoding.abstractions import ABSTRACTIONS
from lexlux.verify.encoding.calendar_terms import HORIZON_END, HORIZON_START, Calendar
from lexlux.verify.encoding.encode_periods import period_function
from lexlux.verify.encoding.facts import FactVars, Interner
from lexlux.verify.encoding.solve import solve

horizon = st.dates(HORIZON_START, HORIZON_END)


def _value(term: z3.ArithRef) -> int:
    return int(z3.simplify(term).as_long())


SYMBOLIC_DAY, SYMBOLIC_N = z3.Int("d"), z3.Int("n")
TREES = Calendar()
TERMS = {
    "start": TREES.month_start(SYMBOLIC_DAY),
    "next": TREES.next_month_start(SYMBOLIC_DAY),
    "add": TREES.add_months(SYMBOLIC_DAY, SYMBOLIC_N),   # (date, whether the day exists)
    "window": TREES.start_by_number(TREES.month_number(SYMBOLIC_DAY) - SYMBOLIC_N + 1),
}


def _at(term: z3.ExprRef, d: date, n: int) -> z3.ExprRef:
    return z3.simplify(z3.substitute(term, (SYMBOLIC_DAY, z3.IntVal(to_day_number(d))),
                                     (SYMBOLIC_N, z3.IntVal(n))))


@settings(max_examples=80, deadline=None)
@given(d=st.one_of(horizon, st.sampled_from([date(2024, 2, 29), date(2019, 12, 31),
                                             date(2000, 2, 29), date(2059, 1, 31)])),
       n=st.integers(-24, 24))
def test_calendar_functions_match_lexlux_dates(d: date, n: int) -> None:
    """The month tables (symbolic trees, and their constant folding) are lexlux.calendar.dates."""
    try:
        dates.add_months(d, n, dates.MonthPolicy.REFUSE)
        refused = False
    except dates.AmbiguousDateError:
        refused = True
    clamp = dates.add_months(d, n, dates.MonthPolicy.CLAMP_TO_MONTH_END)
    constant = Calendar()
    x = z3.IntVal(to_day_number(d))
    for cal in (None, constant):
        if cal is None:
            start, nxt = _at(TERMS["start"], d, n), _at(TERMS["next"], d, n)
            added, exists = (_at(t, d, n) for t in TERMS["add"])
            window = _at(TERMS["window"], d, n)
        else:
            start, nxt = cal.month_start(x), cal.next_month_start(x)
            added, exists = cal.add_months(x, z3.IntVal(n))
            window = cal.start_by_number(cal.month_number(x) - n + 1)
        assert from_day_number(_value(start)) == dates.start_of_month(d)
        assert from_day_number(_value(nxt)) == dates.first_day_of_next_month(d)
        assert from_day_number(_value(added)) == clamp
        assert z3.is_true(z3.simplify(exists)) is not refused
        if n >= 1:
            assert from_day_number(_value(window)) == dates.months_window(d, n)[0]
    assert _value(Calendar.weekday(x)) == d.weekday()


def test_arithmetic_calendar_equals_the_lexlux_dates_table() -> None:
    """The encoder's month arithmetic gives the lexlux.calendar.dates answers on every day and
    every month of the table's range (exhaustive: the domain is finite)."""
    from lexlux.verify.encoding.calendar_terms import (
        FIRST_INDEX,
        LAST_INDEX,
        TABLE_FIRST,
        TABLE_LAST,
        civil,
        month_start_day,
    )
    d, i = z3.Int("d"), z3.Int("i")
    year, month, day = civil(d)
    both = z3.Concat(z3.Int2BV(d - day + 1, 32), z3.Int2BV(12 * year + month - 1, 32))
    for number in range(to_day_number(TABLE_FIRST), to_day_number(TABLE_LAST) + 1):
        got = z3.simplify(z3.substitute(both, (d, z3.IntVal(number)))).as_long()
        current = from_day_number(number)
        assert divmod(got, 2**32) == (to_day_number(dates.start_of_month(current)),
                                      dates.month_index(current)), current
    for index in range(FIRST_INDEX, LAST_INDEX + 2):
        got = z3.simplify(z3.substitute(month_start_day(i), (i, z3.IntVal(index))))
        assert got.as_long() == to_day_number(dates.month_start_from_index(index))


def test_calendar_is_exact_on_a_symbolic_date() -> None:
    d = z3.Int("d")
    cal = Calendar()
    # 29 February 2024 is the only day whose month ends 29 days after its month start - 1
    goal = [cal.next_month_start(d) - cal.month_start(d) == 29,
            d >= to_day_number(date(2021, 1, 1)), d <= to_day_number(date(2025, 12, 31)),
            d - cal.month_start(d) == 28]
    result = solve([(None, a) for a in cal.assumptions], goal)
    assert result.status == "sat" and result.model is not None
    assert from_day_number(result.model.eval(d).as_long()) == date(2024, 2, 29)


@pytest.mark.parametrize("kind", [k for k in DayKind if k is not DayKind.CALENDAR])
def test_working_day_bounds_hold(kind: DayKind) -> None:
    """The bounds given to the free variables of abstraction 'working_days', on every
    day of the horizon (n up to 80)."""
    five = kind in (DayKind.JOURS_OUVRES, DayKind.JOURS_OUVRABLES_MON_FRI)
    day = HORIZON_START
    while day <= HORIZON_END:
        week = timedelta(days=7)
        rolled = roll_forward(day, kind, "lu")
        back = roll_backward(day, kind, "lu")
        before = previous_counted_day(day, kind, "lu")
        assert day <= rolled <= day + week
        assert day - week <= back <= day and day - week <= before < day
        for result in (rolled, back, before):
            assert (result.weekday() < 5) if five else result.weekday() != 6
        if not ((day.weekday() < 5) if five else day.weekday() != 6):
            assert not is_counted_day(day, kind, "lu")
        if day.day == 28 and day.month % 2:
            for n in (1, 3, 77):
                nth = nth_counted_day_from(day, n, kind, "lu")
                assert day + timedelta(days=n - 1) <= nth <= day + timedelta(days=2 * n + 7)
        day += timedelta(days=1)


periods_strategy = st.lists(st.tuples(st.integers(0, 90), st.integers(2, 40)), max_size=3)


@settings(max_examples=150, deadline=None)
@given(shape=periods_strategy, offset=st.integers(-30, 200), width=st.integers(0, 300),
       n=st.integers(1, 120))
def test_period_aggregates_match_lexlux_periods(shape: list[tuple[int, int]], offset: int,
                                                width: int, n: int) -> None:
    base = date(2019, 1, 1)
    items, cursor = [], base
    for length, gap in shape:
        items.append(Period(cursor, cursor + timedelta(days=length)))
        cursor = cursor + timedelta(days=length + gap)
    a, b = base + timedelta(days=offset), base + timedelta(days=offset + width)
    vocabulary = Vocabulary("lu", {}, {}, "LU", "<test>")
    from lexlux.compile.model import PERIODS, VocabularyEntry
    from lexlux.diagnostics import Span
    vocabulary.facts["p"] = VocabularyEntry("p", "fact", PERIODS, {}, None, None, False,
                                            Span("<t>", 1, 1, 1, 1))
    facts = FactVars(vocabulary, Interner())
    var = facts.get("p")
    pairs = facts.pin("p", tuple(items))
    x, y = z3.IntVal(to_day_number(a)), z3.IntVal(to_day_number(b))

    def concrete(term: object) -> object:
        return z3.simplify(z3.substitute(term, *pairs))
    count, _ = period_function("days_in_window", [var.term, x, y])
    assert _value(concrete(count)) == days_in_window(items, a, b)
    nth, missing = period_function("nth_day_in_window", [var.term, z3.IntVal(n), x, y])
    expected = nth_day_in_window(items, n, a, b)
    assert z3.is_true(concrete(missing)) is (expected is None)
    if expected is not None:
        assert from_day_number(_value(concrete(nth))) == expected


def test_witness_amounts_are_written_exactly() -> None:
    from lexlux.compile.model import MONEY, PERCENTAGE, VocabularyEntry
    from lexlux.diagnostics import Span
    span = Span("<t>", 1, 1, 1, 1)
    vocabulary = Vocabulary("lu", {}, {}, "LU", "<test>")
    vocabulary.facts["m"] = VocabularyEntry("m", "fact", MONEY, {}, None, None, False, span)
    vocabulary.facts["r"] = VocabularyEntry("r", "fact", PERCENTAGE, {}, None, None, False,
                                            span)
    facts = FactVars(vocabulary, Interner())
    m, r = facts.get("m"), facts.get("r")
    result = solve([(None, c) for c in facts.constraints({"m", "r"})],
                   [m.given, r.given, m.term * 3 == 1 + r.term, r.term > Fraction(1, 3)])
    assert result.status == "sat" and result.model is not None
    values = facts.decode(result.model, {"m", "r"})
    assert values["m"].denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100)
    assert (values["r"] * 10000).denominator == 1


def test_every_abstraction_names_an_existing_test() -> None:
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent.parent
    for abstraction in ABSTRACTIONS.values():
        path, _, name = abstraction.test.partition("::")
        assert (root / path).is_file(), abstraction.name
        assert f"def {name}(" in (root / path).read_text(encoding="utf-8"), abstraction.name
