"""Counted days, public holidays and deadline roll-over (leaf calendar module).

Part of the leaf calendar layer used by the evaluator and by the Z3 encoder, next to
``dates`` (core arithmetic) and ``periods`` (incapacity timelines).  It imports only the
stdlib and the ``holidays`` library: public holidays are never typed in by hand.

The sources define "jours ouvrables" in two different ways (glossary: Monday to Saturday;
CSL guide footnote 14: Monday to Friday).  Both are kept as distinct :class:`DayKind`
members and there is no default kind: every caller names one.  See ``docs/time.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from .holiday_table import holiday_table

__all__ = [
    "JURISDICTIONS",
    "STANDARD_WORKWEEK",
    "DayKind",
    "Jurisdiction",
    "add_counted_days",
    "count_counted_days",
    "counted_days_in",
    "is_counted_day",
    "is_public_holiday",
    "next_counted_day",
    "nth_counted_day_from",
    "previous_counted_day",
    "public_holidays",
    "roll_backward",
    "roll_forward",
]

Jurisdiction = Literal["lu", "be"]
"""Whose public holidays apply: Luxembourg or Belgium."""

JURISDICTIONS: tuple[Jurisdiction, ...] = ("lu", "be")
_COUNTRY_CODES: dict[str, str] = {"lu": "LU", "be": "BE"}

SATURDAY = 5
SUNDAY = 6
STANDARD_WORKWEEK: frozenset[int] = frozenset({0, 1, 2, 3, 4})
"""Monday to Friday (``date.weekday()`` numbers), the assumed enterprise schedule."""

_MAX_SEARCH_DAYS = 400  # no counted day within this many days means a broken workweek


class DayKind(Enum):
    """Which days a count of days counts.  Public holidays come from :func:`public_holidays`."""

    CALENDAR = "calendar"
    """Every day, holidays included (glossary "jours calendaires ou de calendrier")."""
    JOURS_OUVRES = "jours_ouvres"
    """Days worked in the enterprise (glossary): its ``workweek`` minus public holidays."""
    JOURS_OUVRABLES_MON_SAT = "jours_ouvrables_mon_sat"
    """Glossary "jours ouvrables": every day except Sundays and public holidays."""
    JOURS_OUVRABLES_MON_FRI = "jours_ouvrables_mon_fri"
    """Footnote 14 (NCPC art. 1260): Monday to Friday, except public holidays."""


def _country(jurisdiction: str) -> str:
    try:
        return _COUNTRY_CODES[jurisdiction]
    except KeyError:
        raise ValueError(f"jurisdiction must be 'lu' or 'be', got {jurisdiction!r}") from None


@lru_cache(maxsize=512)
def _holidays_of(jurisdiction: str, year: int) -> Mapping[date, str]:
    country = _country(jurisdiction)
    return MappingProxyType(holiday_table(country, year, lambda: _from_library(country, year)))


def _from_library(country: str, year: int) -> dict[date, str]:
    import holidays  # imported on first use: it loads every country (a fast command line)

    table = holidays.country_holidays(country, years=year, language="fr", observed=False)
    first, last = int(table.start_year), int(table.end_year)
    if not first <= year <= last:
        jurisdiction = next(j for j, c in _COUNTRY_CODES.items() if c == country)
        raise ValueError(
            f"public holidays of {jurisdiction!r} are known for {first}-{last} only, not for {year}"
        )
    return {day: str(name) for day, name in sorted(table.items())}


def public_holidays(jurisdiction: Jurisdiction, year: int) -> Mapping[date, str]:
    """Legal public holidays of ``year`` (French names), read from the ``holidays`` library.

    >>> public_holidays("lu", 2019)[date(2019, 5, 9)]
    "Jour de l'Europe"
    >>> date(2019, 7, 21) in public_holidays("be", 2019)
    True
    """
    return _holidays_of(jurisdiction, year)


def is_public_holiday(d: date, jurisdiction: Jurisdiction) -> bool:
    """Whether ``d`` is a legal public holiday in ``jurisdiction``.

    >>> is_public_holiday(date(2019, 6, 23), "lu"), is_public_holiday(date(2019, 6, 23), "be")
    (True, False)
    """
    return d in _holidays_of(jurisdiction, d.year)


def _check_workweek(kind: DayKind, workweek: frozenset[int]) -> None:
    if kind is not DayKind.JOURS_OUVRES and workweek != STANDARD_WORKWEEK:
        raise ValueError("a workweek applies to DayKind.JOURS_OUVRES only")
    if not workweek or not workweek <= frozenset(range(7)):
        raise ValueError(f"a workweek is a non-empty set of weekdays 0-6, got {set(workweek)}")


def is_counted_day(
    d: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> bool:
    """Whether a count of ``kind`` days counts ``d``.

    >>> saturday = date(2019, 3, 2)
    >>> is_counted_day(saturday, DayKind.JOURS_OUVRABLES_MON_SAT, "lu")
    True
    >>> is_counted_day(saturday, DayKind.JOURS_OUVRABLES_MON_FRI, "lu")
    False
    """
    _check_workweek(kind, workweek)
    if kind is DayKind.CALENDAR:
        _country(jurisdiction)
        return True
    weekday = d.weekday()
    if kind is DayKind.JOURS_OUVRABLES_MON_SAT:
        on_schedule = weekday != SUNDAY
    elif kind is DayKind.JOURS_OUVRABLES_MON_FRI:
        on_schedule = weekday < SATURDAY
    else:
        on_schedule = weekday in workweek
    return on_schedule and not is_public_holiday(d, jurisdiction)


def _search(
    d: date, step: int, kind: DayKind, jurisdiction: Jurisdiction, workweek: frozenset[int]
) -> date:
    current = d
    for _ in range(_MAX_SEARCH_DAYS):
        current += timedelta(days=step)
        if is_counted_day(current, kind, jurisdiction, workweek=workweek):
            return current
    raise ValueError(f"no {kind.value} day within {_MAX_SEARCH_DAYS} days of {d.isoformat()}")


def next_counted_day(
    d: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> date:
    """The first ``kind`` day strictly after ``d``.

    >>> next_counted_day(date(2019, 3, 1), DayKind.JOURS_OUVRABLES_MON_FRI, "lu")
    datetime.date(2019, 3, 4)
    """
    return _search(d, 1, kind, jurisdiction, workweek)


def previous_counted_day(
    d: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> date:
    """The last ``kind`` day strictly before ``d`` ("le jour ouvrable qui précède").

    >>> previous_counted_day(date(2019, 3, 4), DayKind.JOURS_OUVRABLES_MON_SAT, "be")
    datetime.date(2019, 3, 2)
    """
    return _search(d, -1, kind, jurisdiction, workweek)


def roll_forward(
    d: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> date:
    """``d`` if it is a ``kind`` day, else the next one (deadline "prorogé jusqu'au prochain
    jour ouvrable", NCPC art. 1260 as quoted by the CSL guide).

    >>> roll_forward(date(2019, 6, 22), DayKind.JOURS_OUVRABLES_MON_FRI, "lu")
    datetime.date(2019, 6, 24)
    """
    if is_counted_day(d, kind, jurisdiction, workweek=workweek):
        return d
    return next_counted_day(d, kind, jurisdiction, workweek=workweek)


def roll_backward(
    d: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> date:
    """``d`` if it is a ``kind`` day, else the previous one ("le dernier jour ouvrable").

    >>> roll_backward(date(2019, 3, 3), DayKind.JOURS_OUVRABLES_MON_FRI, "be")
    datetime.date(2019, 3, 1)
    """
    if is_counted_day(d, kind, jurisdiction, workweek=workweek):
        return d
    return previous_counted_day(d, kind, jurisdiction, workweek=workweek)


def _check_n(n: int) -> None:
    if n < 1:
        raise ValueError(f"counted days are numbered from 1, got {n}")


def add_counted_days(
    d: date,
    n: int,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> date:
    """The ``n``-th ``kind`` day *after* ``d``; ``d`` itself never counts (``n >= 1``).

    "Le deuxième jour ouvré suivant celui prévu initialement pour la reprise" is
    ``add_counted_days(planned_return, 2, DayKind.JOURS_OUVRES, "lu")``:

    >>> add_counted_days(date(2019, 3, 1), 2, DayKind.JOURS_OUVRES, "lu")
    datetime.date(2019, 3, 5)
    """
    _check_n(n)
    current = d
    for _ in range(n):
        current = next_counted_day(current, kind, jurisdiction, workweek=workweek)
    return current


def nth_counted_day_from(
    start: date,
    n: int,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> date:
    """The ``n``-th ``kind`` day of the run starting on ``start``; ``start`` is day 1 if it
    is itself a ``kind`` day ("le troisième jour ouvré d'incapacité", CNS statuts art. 170).

    >>> nth_counted_day_from(date(2019, 3, 1), 3, DayKind.JOURS_OUVRES, "lu")
    datetime.date(2019, 3, 5)
    >>> nth_counted_day_from(date(2019, 3, 1), 3, DayKind.CALENDAR, "lu")
    datetime.date(2019, 3, 3)
    """
    _check_n(n)
    first = roll_forward(start, kind, jurisdiction, workweek=workweek)
    if n == 1:
        return first
    return add_counted_days(first, n - 1, kind, jurisdiction, workweek=workweek)


def counted_days_in(
    start: date,
    end: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> tuple[date, ...]:
    """The ``kind`` days of the inclusive range ``[start, end]``, in order."""
    if end < start:
        raise ValueError(f"range ends before it starts: {start.isoformat()} .. {end.isoformat()}")
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return tuple(d for d in days if is_counted_day(d, kind, jurisdiction, workweek=workweek))


def count_counted_days(
    start: date,
    end: date,
    kind: DayKind,
    jurisdiction: Jurisdiction,
    *,
    workweek: frozenset[int] = STANDARD_WORKWEEK,
) -> int:
    """How many ``kind`` days the inclusive range ``[start, end]`` holds.

    >>> count_counted_days(date(2019, 3, 1), date(2019, 3, 7), DayKind.JOURS_OUVRES, "lu")
    5
    """
    return len(counted_days_in(start, end, kind, jurisdiction, workweek=workweek))
