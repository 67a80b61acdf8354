"""Calendar arithmetic: the one place where lexlux counts days (leaf module).

This is the leaf calendar module used by the evaluator and by the Z3 encoder.  It imports
nothing from the rest of the package (stdlib only).  Its siblings ``working_days`` (jours
ouvrés / ouvrables, public holidays, deadline roll-over) and ``periods`` (incapacity
timelines) build on it and are leaf modules too.

Every convention used here is written once, with the line of the law or guide that
justifies it, in ``docs/time.md``.  The rules in short:

* a date is a :class:`datetime.date`; in text it is strictly ``YYYY-MM-DD``;
* for the Z3 encoder a date is an integer day number, days since :data:`EPOCH`;
* ranges of days are inclusive ``[start, end]`` unless a name says otherwise;
* days and weeks are exact (a week is seven days, CNS statuts art. 169); adding calendar
  months never guesses: the caller names a :class:`MonthPolicy`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import Enum

__all__ = [
    "EPOCH",
    "AmbiguousDateError",
    "DateFormatError",
    "DateRangeError",
    "MonthPolicy",
    "add_days",
    "add_months",
    "add_weeks",
    "days_between",
    "days_in_month",
    "end_of_month",
    "first_day_of_next_month",
    "format_date",
    "from_day_number",
    "month_index",
    "month_start_from_index",
    "months_window",
    "months_window_before",
    "months_window_from",
    "nth_calendar_month_start",
    "nth_day",
    "parse_date",
    "reference_period_before",
    "start_of_month",
    "to_day_number",
    "weeks_window_ending",
    "weeks_window_starting",
]

DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2019-01-01"

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_ISO_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class DateFormatError(ValueError):
    """A text is not a valid ``YYYY-MM-DD`` date; ``hint`` says how to write it."""

    def __init__(self, message: str, hint: str = DATE_HINT) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class AmbiguousDateError(ValueError):
    """A date computation has no single answer (e.g. 31 January + 1 month)."""


OUTSIDE_THE_CALENDAR = "outside the calendar (years 0001 to 9999)"


class DateRangeError(ValueError):
    """A computed date falls outside the years 0001 to 9999 (the evaluator reports LX403)."""


# --------------------------------------------------------------------------- text


def parse_date(text: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` date; anything else raises :class:`DateFormatError`.

    >>> parse_date("2020-02-29")
    datetime.date(2020, 2, 29)
    >>> try:
    ...     parse_date("2019-02-29")
    ... except DateFormatError as error:
    ...     print(error, "|", error.hint)
    2019-02-29: February 2019 has 28 days | write dates as YYYY-MM-DD, e.g. 2019-01-01
    """
    if not isinstance(text, str):
        raise DateFormatError(f"{text!r} is not a text date")
    match = _ISO_SHAPE.fullmatch(text)
    if match is None:
        raise DateFormatError(f"{text!r} is not a date in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if year < 1:
        raise DateFormatError(f"{text}: year must be between 0001 and 9999")
    if not 1 <= month <= 12:
        raise DateFormatError(f"{text}: month must be between 01 and 12")
    if day < 1:
        raise DateFormatError(f"{text}: day must be between 01 and 31")
    length = days_in_month(year, month)
    if day > length:
        name = _MONTH_NAMES[month - 1]
        raise DateFormatError(f"{text}: {name} {year} has {length} days")
    return date(year, month, day)


def format_date(d: date) -> str:
    """Write a date as ``YYYY-MM-DD``, the only form :func:`parse_date` reads.

    >>> format_date(date(2019, 1, 1))
    '2019-01-01'
    """
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


# ------------------------------------------------------------------ day numbers

EPOCH: date = date(1970, 1, 1)
"""Day number 0 for the Z3 encoder."""

_EPOCH_ORDINAL = EPOCH.toordinal()


def to_day_number(d: date) -> int:
    """Days since :data:`EPOCH` (negative before it).

    >>> to_day_number(date(1970, 1, 2)), to_day_number(date(1969, 12, 31))
    (1, -1)
    """
    return d.toordinal() - _EPOCH_ORDINAL


def from_day_number(n: int) -> date:
    """Inverse of :func:`to_day_number`.

    >>> from_day_number(0)
    datetime.date(1970, 1, 1)
    """
    return date.fromordinal(n + _EPOCH_ORDINAL)


# ----------------------------------------------------------------------- months


_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Number of days of a calendar month (Gregorian leap years: 1900 no, 2000 yes).

    >>> days_in_month(1900, 2), days_in_month(2000, 2), days_in_month(2019, 4)
    (28, 29, 30)
    """
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return _MONTH_LENGTHS[month - 1]


def start_of_month(d: date) -> date:
    """First day of the month of ``d``.

    >>> start_of_month(date(2019, 5, 17))
    datetime.date(2019, 5, 1)
    """
    return d.replace(day=1)


def end_of_month(d: date) -> date:
    """Last day of the month of ``d``.

    >>> end_of_month(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    return d.replace(day=days_in_month(d.year, d.month))


def first_day_of_next_month(d: date) -> date:
    """First day of the month after the month of ``d``.

    >>> first_day_of_next_month(date(2019, 12, 31))
    datetime.date(2020, 1, 1)
    """
    return end_of_month(d) + timedelta(days=1)


def month_index(d: date) -> int:
    """Months since year 0 as one integer, ``year * 12 + month - 1`` (for the Z3 encoder).

    >>> month_index(date(2019, 1, 15)) - month_index(date(2018, 12, 1))
    1
    """
    return d.year * 12 + d.month - 1


def month_start_from_index(i: int) -> date:
    """First day of the month whose :func:`month_index` is ``i``.

    >>> month_start_from_index(month_index(date(2019, 12, 31)) + 1)
    datetime.date(2020, 1, 1)
    """
    if not 1 <= i // 12 <= 9999:
        raise DateRangeError(f"month {i % 12 + 1} of the year {i // 12} is {OUTSIDE_THE_CALENDAR}")
    return date(i // 12, i % 12 + 1, 1)


class MonthPolicy(Enum):
    """What :func:`add_months` does when the target month lacks the day (31 Jan + 1 month)."""

    CLAMP_TO_MONTH_END = "clamp_to_month_end"
    """Use the last day of the target month (31 January + 1 month = 28/29 February)."""
    REFUSE = "refuse"
    """Raise :class:`AmbiguousDateError`: the rule must say which day it means."""


def add_months(d: date, n: int, policy: MonthPolicy) -> date:
    """The same day of the month ``n`` calendar months later (``n`` may be negative).

    >>> add_months(date(2019, 1, 15), 1, MonthPolicy.REFUSE)
    datetime.date(2019, 2, 15)
    >>> add_months(date(2020, 1, 31), 1, MonthPolicy.CLAMP_TO_MONTH_END)
    datetime.date(2020, 2, 29)
    """
    target = month_start_from_index(month_index(d) + n)
    length = days_in_month(target.year, target.month)
    if d.day <= length:
        return target.replace(day=d.day)
    if policy is MonthPolicy.CLAMP_TO_MONTH_END:
        return target.replace(day=length)
    name = _MONTH_NAMES[target.month - 1]
    raise AmbiguousDateError(
        f"{format_date(d)} plus {n} month(s): {name} {target.year} has no day {d.day}; "
        "say which day is meant (MonthPolicy.CLAMP_TO_MONTH_END gives the month's last day)"
    )


# ------------------------------------------------------------------ days, weeks


def add_days(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar days (exact; ``n`` may be negative)."""
    return d + timedelta(days=n)


def add_weeks(d: date, n: int) -> date:
    """``d`` plus ``n`` weeks of seven days (CNS statuts art. 169: weeks × 7)."""
    return d + timedelta(days=7 * n)


def days_between(a: date, b: date, *, inclusive: bool) -> int:
    """Days from ``a`` to ``b``.

    ``inclusive=False``: ``b - a`` (may be negative).  ``inclusive=True``: the number of
    days of the range ``a..b`` counting both ends; ``b`` must not be before ``a``.

    >>> days_between(date(2019, 1, 1), date(2019, 1, 3), inclusive=False)
    2
    >>> days_between(date(2019, 1, 1), date(2019, 1, 3), inclusive=True)
    3
    """
    if not inclusive:
        return (b - a).days
    if b < a:
        raise ValueError(
            f"an inclusive range needs its end on or after its start: "
            f"{format_date(a)} .. {format_date(b)}"
        )
    return (b - a).days + 1


def nth_day(start: date, n: int) -> date:
    """Day ``n`` (``n >= 1``) of a run of calendar days whose day 1 is ``start``.

    "Le troisième jour de son absence" (Code du travail L.121-6(2)) is
    ``nth_day(first_day_of_absence, 3)``:

    >>> nth_day(date(2019, 1, 31), 3)
    datetime.date(2019, 2, 2)
    """
    if n < 1:
        raise ValueError(f"day numbers start at 1, got {n}")
    return start + timedelta(days=n - 1)


# ---------------------------------------------------------------------- windows


def _check_count(n: int, unit: str) -> None:
    if n < 1:
        raise ValueError(f"a window needs at least one {unit}, got {n}")


def months_window(d: date, n_months: int) -> tuple[date, date]:
    """The ``n_months`` successive calendar months ending with the month of ``d``.

    "Période de référence de douze mois de calendrier successifs" (L.121-6(3)):

    >>> months_window(date(2020, 1, 20), 12)
    (datetime.date(2019, 2, 1), datetime.date(2020, 1, 31))
    """
    _check_count(n_months, "month")
    first = month_start_from_index(month_index(d) - n_months + 1)
    return first, end_of_month(d)


def months_window_before(d: date, n_months: int) -> tuple[date, date]:
    """The ``n_months`` calendar months ending with the month *before* the month of ``d``.

    >>> months_window_before(date(2020, 1, 20), 12)
    (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
    """
    _check_count(n_months, "month")
    return months_window(start_of_month(d) - timedelta(days=1), n_months)


def months_window_from(d: date, n_months: int) -> tuple[date, date]:
    """The ``n_months`` calendar months starting with the month of ``d``.

    >>> months_window_from(date(2019, 11, 5), 3)
    (datetime.date(2019, 11, 1), datetime.date(2020, 1, 31))
    """
    _check_count(n_months, "month")
    last = month_start_from_index(month_index(d) + n_months - 1)
    return start_of_month(d), end_of_month(last)


def nth_calendar_month_start(d: date, n: int) -> date:
    """First day of calendar month number ``n`` when the month of ``d`` is month 1.

    >>> nth_calendar_month_start(date(2019, 8, 20), 7)
    datetime.date(2020, 2, 1)
    """
    if n < 1:
        raise ValueError(f"month numbers start at 1, got {n}")
    return month_start_from_index(month_index(d) + n - 1)


def weeks_window_ending(d: date, n_weeks: int) -> tuple[date, date]:
    """The ``n_weeks * 7`` days ending on ``d`` inclusive.

    CNS statuts art. 186: "période de référence antérieure de cent quatre semaines
    comprenant à la fin le jour considéré" is ``weeks_window_ending(day, 104)``.

    >>> weeks_window_ending(date(2019, 1, 14), 2)
    (datetime.date(2019, 1, 1), datetime.date(2019, 1, 14))
    """
    _check_count(n_weeks, "week")
    return d - timedelta(days=7 * n_weeks - 1), d


def weeks_window_starting(d: date, n_weeks: int) -> tuple[date, date]:
    """The ``n_weeks * 7`` days starting on ``d`` inclusive.

    >>> weeks_window_starting(date(2019, 1, 1), 2)
    (datetime.date(2019, 1, 1), datetime.date(2019, 1, 14))
    """
    _check_count(n_weeks, "week")
    return d, d + timedelta(days=7 * n_weeks - 1)


def reference_period_before(new_start: date, n_weeks: int) -> tuple[date, date]:
    """The ``n_weeks`` reference period that ends on the eve of ``new_start``.

    CSS art. 14(2): "période de référence qui prend fin la veille d'une nouvelle période
    d'incapacité de travail"; with 104 weeks that is 728 days ending the day before.

    >>> reference_period_before(date(2019, 1, 15), 2)
    (datetime.date(2019, 1, 1), datetime.date(2019, 1, 14))
    """
    return weeks_window_ending(new_start - timedelta(days=1), n_weeks)
