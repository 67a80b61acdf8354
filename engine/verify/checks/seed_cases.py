"""Stage 5 (verify): candidate cases for the seeded witness pass (:mod:`.seeds`), generated
from the knowledge base alone.

A pool is a pure function of (knowledge base, the query's facts, the first month of the
frame, the as-of date): the same cases whatever ran before in the process, whatever the
hash seed (no ``hash()``, no set order: names are sorted, the random part is seeded with a
SHA-256 digest of the inputs), whatever ``--jobs``.  It is small and bounded
(:data:`POOL_SIZE` cases).

What the cases are made of:

* the **vocabulary types** of the facts: a periods fact gets up to
  :data:`~lexlux.verify.encoding.facts.MAX_PERIODS` periods (never closer than two days:
  abstraction ``bounded_periods``), a date fact a landmark (the start or the end of a
  generated period, a version boundary, the first day of the frame), an enum one of its
  values, a boolean either, a number one of the constants below;
* the **constants of the rules involved** (those concluding the query's outputs and the
  outputs they read): the values of their parameters (durations in days — 77 days, 26, 52
  and 78 weeks —, months — the twelve months of a reference period —, numbers) give the
  lengths of periods (the value, one less, one more) and the gaps between them (whole
  months), and the dates of their versions are landmarks;
* a **fixed-seed random part**: month-aligned histories (periods from the first of a month
  to the end of a month, as incapacity certificates and the monthly timelines run) mixed
  with periods whose length is one of the constants, as in the synthetic histories of
  :mod:`lexlux.whatif.generate`.

Every date lies in the first months of the frame (its length less the longest months
constant, so that a timeline running on after the last period stays inside the frame).
Nothing here decides anything: a case is only a candidate, evaluated by the evaluator and
then confirmed by the solver with the case fixed (:mod:`.seeds`).
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ...calendar.dates import month_index, month_start_from_index
from ...calendar.periods import Period
from ...compile.model import Duration, KnowledgeBase, Months, Rule
from ..encoding.facts import GRAIN, MAX_PERIODS

#: How many cases a pool holds.
POOL_SIZE = 480
#: Days per unit of an integer parameter counting days or weeks.
_DAYS = {"days": 1, "weeks": 7}
#: The share of a pool's cases whose periods are month-aligned (the rest mix in lengths
#: taken from the constants), in each stretch of five cases.
ALIGNED = 0.6


class Constants:
    """The constants of the rules involved: lengths in days, counts of months, numbers,
    amounts and the dates of their versions (each sorted, without repeats)."""

    def __init__(self, kb: KnowledgeBase, rules: Iterable[Rule]) -> None:
        days: set[int] = set()
        months: set[int] = set()
        numbers: set[int] = set()
        amounts: set[Fraction] = set()
        dates: set[date] = set()
        for rule in rules:
            for version in rule.versions:
                dates.add(version.valid_from)
                if version.valid_until is not None:
                    dates.add(version.valid_until)
                for pid in version.parameters.values():
                    parameter = kb.parameters.get(pid)
                    if parameter is None:
                        continue
                    for entry in parameter.values:
                        dates.add(entry.start)
                        value = entry.value
                        if isinstance(value, Duration):
                            days.add(value.days)
                        elif isinstance(value, Months):
                            months.add(value.count)
                        elif isinstance(value, bool):
                            continue
                        elif isinstance(value, int):
                            numbers.add(value)
                            # an integer with a unit of time is a length too
                            if parameter.unit in _DAYS:
                                days.add(value * _DAYS[parameter.unit])
                            elif parameter.unit == "months":
                                months.add(value)
                            elif parameter.unit == "years":
                                months.add(12 * value)
                        elif isinstance(value, Fraction):
                            amounts.add(value)
        self.days = sorted(d for d in days if d > 0)
        self.months = sorted(m for m in months if m > 0)
        self.numbers = sorted(numbers)
        self.amounts = sorted(amounts)
        self.dates = sorted(dates)


def pool(kb: KnowledgeBase, jurisdiction: str, facts: Sequence[str], given: Sequence[str],
         rules: Sequence[Rule], first_month: int, frame_months: int,
         as_of: date | None, count: int = POOL_SIZE) -> list[tuple[dict[str, Any], date]]:
    """The first ``count`` cases of the pool of :func:`pool_cases` (all of it by default)."""
    return list(itertools.islice(pool_cases(kb, jurisdiction, facts, given, rules,
                                            first_month, frame_months, as_of), count))


def pool_cases(kb: KnowledgeBase, jurisdiction: str, facts: Sequence[str],
               given: Sequence[str], rules: Sequence[Rule], first_month: int,
               frame_months: int, as_of: date | None
               ) -> Iterator[tuple[dict[str, Any], date]]:
    """:data:`POOL_SIZE` candidate cases (facts by name, as-of date) over the facts
    ``facts``: those in ``given`` (the facts the rules that are no exception read) always
    get a value, the others only in the second half of the pool, one time in four (as the
    timeline search tries the main rules' facts alone first); dates within the frame of
    ``frame_months`` months from the month ``first_month`` (a month index); as-of
    ``as_of`` if given, else the last day of the frame.  ``count``: only the first
    ``count`` cases (the same as the full pool's first ones)."""
    vocabulary = kb.vocabularies[jurisdiction].facts
    names = sorted(n for n in set(facts) if n in vocabulary)
    core = sorted(set(given) & set(names))
    constants = Constants(kb, sorted(rules, key=lambda r: r.id))
    start = month_start_from_index(first_month)
    span = frame_months - max(constants.months, default=0)
    if span < 3:
        span = frame_months
    last = month_start_from_index(first_month + span) - timedelta(days=1)
    frame_end = month_start_from_index(first_month + frame_months) - timedelta(days=1)
    when = as_of or frame_end
    digest = hashlib.sha256(repr((jurisdiction, names, core, first_month, frame_months,
                                  when.isoformat(), constants.days, constants.months,
                                  constants.numbers, [str(a) for a in constants.amounts],
                                  [d.isoformat() for d in constants.dates])).encode())
    rng = random.Random(int.from_bytes(digest.digest()[:8], "big"))
    landmarks = [d for d in constants.dates if start <= d <= last] + [start]
    for i in range(POOL_SIZE):
        aligned = i % 5 < 5 * ALIGNED
        only_core = i < POOL_SIZE // 2      # first the main rules' facts alone
        # the periods facts: one history for all of them (the incapacity, the insured
        # incapacity, ...) or one each
        periods = [n for n in names if vocabulary[n].type.kind == "periods"]
        one = _history(rng, constants, start, last, aligned) if rng.random() < 0.5 else None
        histories = {n: one or _history(rng, constants, start, last, aligned)
                     for n in periods}
        marks = sorted({d for h in histories.values() for p in h
                        for d in (p.start, p.end + timedelta(days=1))} | set(landmarks))
        starts = sorted({p.start for h in histories.values() for p in h})
        case: dict[str, Any] = {}
        for name in names:
            if name not in core and (only_core or rng.random() >= 0.25):
                continue                      # a fact the main rules do not read: seldom
            kind = vocabulary[name].type.kind
            if kind == "periods":
                case[name] = histories[name]
            elif kind == "date":
                # the start of a period first, the latest most often (the start of the
                # current incapacity, absence, ...)
                roll = rng.random()
                case[name] = (starts[-1] if starts and roll < 0.5 else
                              rng.choice(starts) if starts and roll < 0.7 else
                              rng.choice(marks))
            else:
                value = _scalar(rng, kind, vocabulary[name].type.values, constants)
                if value is not None:
                    case[name] = value
        yield case, when


def _history(rng: random.Random, constants: Constants, start: date, last: date,
             aligned: bool) -> tuple[Period, ...]:
    """One to :data:`MAX_PERIODS` periods between ``start`` and ``last``, in date order,
    at least two days apart."""
    count = rng.choice([*range(1, MAX_PERIODS), MAX_PERIODS, MAX_PERIODS])   # the most often
    periods: list[Period] = []
    # the first period starts in the frame's first month (the month the timelines of the
    # frame start in: a history starting later is beyond the frame)
    day = start if aligned else start + timedelta(days=rng.randint(0, 27))
    for _ in range(count):
        if aligned or not constants.days:
            # to the end of a month, one to four months on
            end = month_start_from_index(month_index(day) + rng.randint(1, 4)) \
                - timedelta(days=1)
        else:
            base = rng.choice(constants.days)
            end = day + timedelta(days=max(base + rng.choice((-1, 0, 1)), 1) - 1)
        if end > last:
            end = last
        if end < day:
            break
        periods.append(Period(day, end))
        # the next period: soon after this one (one to three whole months between), or
        # about a months constant after this one's end (a reference window still holding
        # it, or just past it)
        choices = [month_index(end) + g for g in (2, 2, 3, 4)]
        choices += [month_index(end) + m + d for m in constants.months
                    for d in (-4, -3, -2, -1, 0, 1)]
        nxt = month_start_from_index(rng.choice(choices))
        if not aligned and rng.random() < 0.5:
            nxt += timedelta(days=rng.randint(0, 27))
        if (nxt - end).days < 2:
            nxt = end + timedelta(days=2)
        if nxt > last:
            break
        day = nxt
    return tuple(periods)


def _scalar(rng: random.Random, kind: str, values: tuple[str, ...], constants: Constants
            ) -> Any | None:
    """A value of a scalar fact (None: left out)."""
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "enum":
        return rng.choice(values) if values else None
    if kind == "duration":
        return Duration(rng.choice([0, *[d + e for d in constants.days for e in (-1, 0, 1)]]))
    if kind == "months":
        return Months(rng.choice([0, *[m + e for m in constants.months
                                       for e in (-1, 0, 1)]]))
    if kind == "integer":
        return rng.choice([0, 1, *[n + e for n in constants.numbers for e in (-1, 0, 1)]])
    if kind in GRAIN:
        return rng.choice([Fraction(0), *constants.amounts])
    return None
