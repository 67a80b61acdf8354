"""Stage 3 (compile): the built-in functions of the rule language and their signatures.

The evaluator implements each of them (``evaluate/builtins.py``) with the calendar module,
and the verifier encodes them; both read this table.  A policy argument (how to add
months, which days count) is a quoted literal, so that a rule says which convention it
uses and the calendar never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import (
    BOOLEAN,
    DATE,
    DECIMAL,
    DURATION,
    INTEGER,
    MONEY,
    MONTHS,
    PERCENTAGE,
    PERIODS,
    Type,
)

#: Allowed values of literal policy arguments.
POLICIES: dict[str, tuple[str, ...]] = {
    "month_policy": ("clamp", "refuse"),
    "day_kind": ("calendar", "jours_ouvres", "jours_ouvrables_mon_sat",
                 "jours_ouvrables_mon_fri"),
    "rounding": ("half_up", "down", "up"),
}


@dataclass(frozen=True, slots=True)
class Signature:
    params: tuple[Type | str, ...]   # a Type, or the name of a POLICIES literal
    result: Type
    doc: str
    partial: bool = False            # may have no value (reported at run time, LX403)


FUNCTIONS: dict[str, Signature] = {
    "end_of_month": Signature((DATE,), DATE, "last day of the calendar month of the date"),
    "start_of_month": Signature((DATE,), DATE, "first day of the calendar month of the date"),
    "first_day_of_next_month": Signature((DATE,), DATE,
                                         "first day of the month after the date's month"),
    "add_months": Signature((DATE, INTEGER, "month_policy"), DATE,
                            "the date n calendar months later; 'clamp' moves a missing day "
                            "(31 → 30) to the month's end, 'refuse' reports it"),
    "nth_day": Signature((DATE, INTEGER), DATE,
                         "day n of a period starting on the date (day 1 is the date itself)"),
    "eve": Signature((DATE,), DATE, "the day before the date"),
    "days_between": Signature((DATE, DATE), INTEGER,
                              "days from the first date to the second, first day excluded"),
    "days_inclusive": Signature((DATE, DATE), INTEGER,
                                "days from the first date to the second, both included"),
    "nth_counted_day": Signature((DATE, INTEGER, "day_kind"), DATE,
                                 "the nth day of the given kind, counting from the date "
                                 "(the date counts if it is of that kind)"),
    "roll_forward": Signature((DATE, "day_kind"), DATE,
                              "the date, or the next day of the given kind if it is not one"),
    "is_counted_day": Signature((DATE, "day_kind"), BOOLEAN,
                                "whether the date is a day of the given kind"),
    "months_window_start": Signature((DATE, INTEGER), DATE,
                                     "first day of the n successive calendar months ending "
                                     "with the date's month"),
    "weeks_window_start": Signature((DATE, INTEGER), DATE,
                                    "first day of the n weeks (n × 7 days) ending on the date"),
    "days": Signature((INTEGER,), DURATION, "a duration of n days"),
    "weeks": Signature((INTEGER,), DURATION, "a duration of n weeks (7 n days)"),
    "months": Signature((INTEGER,), MONTHS, "n calendar months"),
    "day_count": Signature((DURATION,), INTEGER, "the number of days of a duration"),
    "round_cents": Signature((MONEY, "rounding"), MONEY, "an amount rounded to the cent"),
    "days_in_window": Signature((PERIODS, DATE, DATE), INTEGER,
                                "days of the periods between two dates, both included"),
    "has_nth_day_in_window": Signature((PERIODS, INTEGER, DATE, DATE), BOOLEAN,
                                       "whether the periods have at least n days in the "
                                       "window"),
    "nth_day_in_window": Signature((PERIODS, INTEGER, DATE, DATE), DATE,
                                   "the date of the nth day of the periods in the window",
                                   partial=True),
    "first_day": Signature((PERIODS,), DATE, "the first day of the periods", partial=True),
    "last_day": Signature((PERIODS,), DATE, "the last day of the periods", partial=True),
    "in_periods": Signature((PERIODS, DATE), BOOLEAN, "whether the date is in a period"),
    "period_start_on": Signature((PERIODS, DATE), DATE,
                                 "first day of the period containing the date", partial=True),
    "period_end_on": Signature((PERIODS, DATE), DATE,
                               "last day of the period containing the date", partial=True),
    "previous_counted_day": Signature((DATE, "day_kind"), DATE,
                                      "the last day of the given kind before the date "
                                      "(e.g. the working day before the resumption)"),
    "roll_backward": Signature((DATE, "day_kind"), DATE,
                               "the date, or the last day of the given kind before it"),
    "round_decimal": Signature((DECIMAL, INTEGER, "rounding"), DECIMAL,
                               "a number rounded to the given number of decimal places "
                               "(0: whole numbers, e.g. whole percentage points)"),
    "floor": Signature((DECIMAL,), INTEGER, "the largest whole number not above the number "
                       "(e.g. 'la fraction de jour étant négligée')"),
    "year": Signature((DATE,), INTEGER, "the calendar year of the date"),
    "end_of_year": Signature((DATE,), DATE, "31 December of the date's year"),
    "round_to_cents": Signature((DECIMAL, "rounding"), MONEY,
                                "a computed number of euros rounded to the cent"),
    "longest_gap_in_window": Signature(
        (PERIODS, DATE, DATE), INTEGER,
        "the longest run of days between the two dates (both included) that no period covers"),
    "employer_charged_days_in_window": Signature(
        (PERIODS, DATE, INTEGER, INTEGER), INTEGER,
        "days at the employer's charge in the n calendar months ending with the date's month, "
        "with the given limit (the CCSS example's recurrence: engine/calendar/charged_days.py)"),
    "first_day_counted_over": Signature(
        (PERIODS, PERIODS, PERCENTAGE, INTEGER, DATE, INTEGER, DATE, DATE), DATE,
        "first_day_counted_over(days, part_days, rate, limit, window_start, window_days, from, "
        "to): the first day from..to on which the days of the periods in the window — from "
        "window_start (window_days 0) or the window_days days ending that day — exceed the "
        "limit, the part_days (also days of the periods) counted at the rate, the fraction "
        "dropped on the total (engine/calendar/counted_days.py)", partial=True),
    "has_first_day_counted_over": Signature(
        (PERIODS, PERIODS, PERCENTAGE, INTEGER, DATE, INTEGER, DATE, DATE), BOOLEAN,
        "whether there is such a day"),
    "employer_charged_month": Signature(
        (PERIODS, DATE, INTEGER, INTEGER), BOOLEAN,
        "whether the employer pays the date's month under that recurrence"),
}

#: Functions with special typing (checked in typecheck.py): min, max (two or more
#: arguments of one type) and given(fact) (whether the case gives a fact).
SPECIAL_FUNCTIONS = {
    "min": "the smallest of its arguments (all of one type)",
    "max": "the largest of its arguments (all of one type)",
    "given": "whether the case gives the fact named as its argument",
    "first_month_with": "first_month_with(timeline, value, date): the first day of the first "
                        "month, from the date's month on, in which the timeline has the value "
                        "(may have no value: LX403)",
    "has_month_with": "has_month_with(timeline, value, date): whether there is such a month",
}


def all_function_names() -> list[str]:
    return sorted([*FUNCTIONS, *SPECIAL_FUNCTIONS])


def markdown_table() -> str:
    """The table of functions in docs/writing-rules.md (a test keeps the two equal)."""
    rows = ["| function | result | meaning |", "|---|---|---|"]
    for name in sorted(FUNCTIONS):
        sig = FUNCTIONS[name]
        params = ", ".join(p if isinstance(p, str) else str(p) for p in sig.params)
        partial = " (may have no value: LX403)" if sig.partial else ""
        rows.append(f"| `{name}({params})` | {sig.result} | {sig.doc}{partial} |")
    for name, doc in SPECIAL_FUNCTIONS.items():
        rows.append(f"| `{name}(...)` | | {doc} |")
    return "\n".join(rows) + "\n"
