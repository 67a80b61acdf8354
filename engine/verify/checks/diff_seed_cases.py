"""Stage 5 (verify): candidate cases for the seeded pass of ``lexlux diff`` on outputs that
are not timelines (:mod:`.diff_seeds`), generated from the knowledge base alone.

The regions of such a diff are, on the bundled rules, mostly a matter of histories: a long
incapacity whose length is near one of the rules' constants (52, 78 or 104 weeks), a
short gap, a new incapacity, and the day considered at its start.  So a candidate here is
a *history*, built from the constants of the rules involved (:class:`.seed_cases.Constants`),
placed so that its last period starts on a landmark near the later date (the later date
itself, the day after, a month and a year before), and a *template* of values for the
other facts (dates among the history's landmarks, enum values in turn, booleans false,
numbers from the constants).  The evaluator then gives each candidate only the facts it
asks for (:func:`lean`): facts nobody reads are left out, so a witness stays small.

After the anchored sweep (:func:`pool` with ``anchored``) come its templates again with
each integer fact *beside the integer literals* of the versions that read it
(:func:`beside`): the numbers above are the parameters' values, so a threshold written
into an expression (``floor((mutualite_total_minutes + 30) / 60) > 0``) has no candidate
otherwise (stop 20).

The pool is a pure function of (knowledge base, the facts, the rules, the later date):
names are sorted, the few random choices come from a generator seeded with a SHA-256
digest of the inputs (never ``hash()`` or set order).  Nothing here decides anything: a
case is only a candidate, tested by the evaluator and confirmed by the solver with the
case fixed (:mod:`.diff_seeds`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ...calendar.periods import Period
from ...compile.model import Duration, KnowledgeBase, Literal, Months, Rule, RuleVersion
from ...compile.refs import iter_nodes, version_exprs, version_refs
from ..encoding.calendar_terms import HORIZON_START
from ..encoding.facts import GRAIN
from .seed_cases import Constants

#: The longest pool.
POOL_SIZE = 480
#: The longest anchored sweep (:func:`pool` with ``anchored``), which checks/diff_seeds.py
#: scans before the main pool: its nicest shapes (the first gap and split, the last period
#: on the later date first, each long length in turn); on the bundled diffs it shows every
#: region of ``sickness_benefit_paid_on_day`` and ``sickness_benefit_payment_date`` within
#: its first 112 turns, where the main pool needed up to 2,753.
ANCHORED_SIZE = 48
#: The shortest constant (days) taken as the length of a long period.
LONG_DAYS = 28
#: The lengths (days) of the period that follows the long one (0: as long as the long one
#: and a day, the incapacity running on past the constant from its start), and the gaps
#: (days from the end of one period to the start of the next: at least two, abstraction
#: bounded_periods).
SHORT_DAYS = (2, 0, 31, 1)
GAPS = (2, 3)
#: A long period in one piece (0) or in two, the first 1/n of it (abstraction
#: bounded_periods: at most three periods in all).
SPLITS = (0, 8)
#: Days of a constant left for the last period (the long one is that much shorter).
OFFSETS = (0, 12, 7)
#: An early date (two years into the solver's calendar horizon, :mod:`..encoding.calendar_terms`).
EARLY = date(HORIZON_START.year + 2, HORIZON_START.month, HORIZON_START.day)
#: How many times the evaluator may be asked for the missing facts of one candidate.
LEAN_ROUNDS = 8


def pool(kb: KnowledgeBase, jurisdiction: str, facts: Sequence[str], rules: Sequence[Rule],
         later: date, *, anchored: int = 0) -> list[dict[str, Any]]:
    """At most :data:`POOL_SIZE` candidate templates (facts by name) over ``facts``, in a
    fixed order: every long length with the first gap and short length first (the
    nicest), then the others.

    With ``anchored``, the anchored sweep instead (the simplest histories, few of them:
    scanned first): the first ``anchored`` shapes (same order) whose last period is a
    single day, with every date fact on that day (the
    incapacity's start, the day considered and any other date on one landmark: a case the
    random choice of the first sweep reaches with a small chance only — e.g. a one-day
    incapacity on a public holiday, the later date of a boundary often being 1 January,
    considered on that day), the other facts drawn from a random part of its own."""
    vocabulary = kb.vocabularies[jurisdiction].facts
    names = sorted(n for n in set(facts) if n in vocabulary)
    constants = Constants(kb, sorted(rules, key=lambda r: r.id))
    longs = sorted({d + e for d in constants.days if d >= LONG_DAYS for e in (-1, 0, 1)})
    if not longs:
        longs = [LONG_DAYS]
    starts = [later, later + timedelta(days=1), later - timedelta(days=31),
              later - timedelta(days=365)]
    digest = hashlib.sha256(repr((jurisdiction, names, later.isoformat(), longs,
                                  constants.numbers, [str(a) for a in constants.amounts])
                                 ).encode())
    rng = random.Random(int.from_bytes(digest.digest()[:8], "big"))
    # (gap, length of the last period, its start, days of the constant left for the last
    # period, length of the long one, its split), the nicest first
    shapes = [(gap, short, start, left, length - left, split) for split in SPLITS
              for left in OFFSETS for gap in GAPS for short in SHORT_DAYS for start in starts
              for length in longs
              if length - left > 1 and (left == 0 or not short or short > left)]
    shapes.sort(key=lambda s: (SPLITS.index(s[5]) + OFFSETS.index(s[3]) + GAPS.index(s[0])
                               + SHORT_DAYS.index(s[1]), s[2] != later, starts.index(s[2]),
                               s[4], s[5]))
    if anchored:
        # the anchored sweep: the shapes whose last period is one day, every date on it, a
        # random part of its own
        shapes = [s for s in shapes if s[1] == 1]
        rng = random.Random(int.from_bytes(digest.digest()[8:16], "big"))
    out: list[dict[str, Any]] = []
    for gap, short, start, left, length, split in shapes[:anchored or POOL_SIZE]:
        history = _history(start, gap, short or length + left + 1, length, split)
        # the day the constant is reached in the last period (else its second day), the
        # start of the last period, the other landmarks of the history
        day = start + timedelta(days=left - 1 if left else 1)
        marks = [start, history[-1].end, history[0].start, history[-2].end]
        case: dict[str, Any] = {}
        for name in names:
            kind = vocabulary[name].type.kind
            if kind == "periods":
                case[name] = history
            elif kind == "date" and anchored:
                case[name] = start
            elif kind == "date":
                # the start of the last period or the day the constant is reached most
                # often (the start of the incapacity, the day considered), else an early
                # date (a birth date: the calendar's horizon must hold the dates computed
                # from it, an age limit included) or another landmark of the history
                roll = rng.random()
                case[name] = start if roll < 0.3 else day if roll < 0.5 else \
                    EARLY if roll < 0.9 else rng.choice(marks)
            else:
                value = _scalar(rng, kind, vocabulary[name].type.values, constants)
                if value is not None:
                    case[name] = value
        out.append(case)
    return out


def beside(kb: KnowledgeBase, jurisdiction: str, facts: Sequence[str],
           rules: Sequence[Rule], templates: Sequence[dict[str, Any]]
           ) -> list[dict[str, Any]]:
    """The anchored sweep's templates again, each integer fact set beside the integer
    literals of the versions that read it (the literal, one more, one less): one copy of
    each template, the values of each fact taken in turn (none when no integer fact of
    ``facts`` is read by a version with such a literal).

    Why: the numbers of :func:`pool` come from the rules' parameters (and 0 and 1), so a
    region whose condition is a threshold written into a rule's expression (the total
    hours of a month, ``floor((mutualite_total_minutes + 30) / 60)``, above zero: 30
    minutes or more) has no candidate, and its witness is the solver's search alone
    (0.5 s on 2008-12-31 → 2009-01-01).  These copies come after the anchored sweep's
    own templates and use no random draw: every case of :func:`pool` stays as it was."""
    vocabulary = kb.vocabularies[jurisdiction].facts
    integers = sorted(n for n in set(facts)
                      if n in vocabulary and vocabulary[n].type.kind == "integer")
    if not integers or not templates:
        return []
    literals: dict[str, set[int]] = {n: set() for n in integers}
    for rule in sorted(rules, key=lambda r: r.id):
        for version in rule.versions:
            read = {ref.target for ref in version_refs(version) if ref.kind == "fact"}
            found = set(_integer_literals(version))
            for name in integers:
                if name in read:
                    literals[name] |= found
    values: dict[str, list[int]] = {}
    for name in integers:
        out: list[int] = []
        for literal in sorted(literals[name]):
            for value in (literal, literal + 1, literal - 1):
                if value >= 0 and value not in out:
                    out.append(value)
        if out:
            values[name] = out
    if not values:
        return []
    copies: list[dict[str, Any]] = []
    for i, template in enumerate(templates):
        case = dict(template)
        for name, choices in values.items():
            case[name] = choices[i % len(choices)]
        copies.append(case)
    return copies


def _integer_literals(version: RuleVersion) -> list[int]:
    """The integer literals of a version's expressions (its lets, conditions and
    conclusions), in the order written."""
    return [node.value for expr in version_exprs(version, transitional=False)
            for node in iter_nodes(expr)
            if isinstance(node, Literal) and node.type.kind == "integer"
            and isinstance(node.value, int) and not isinstance(node.value, bool)]


def _history(start: date, gap: int, last: int, length: int, split: int
             ) -> tuple[Period, ...]:
    """A long period of ``length`` days (in two, the first ``length // split`` days long, when
    ``split``), ``gap`` days before the last period, which starts on ``start`` and lasts
    ``last`` days."""
    end = start - timedelta(days=gap)
    begin = end - timedelta(days=length - 1)
    long: tuple[Period, ...] = (Period(begin, end),)
    if split:
        cut = begin + timedelta(days=length // split - 1)
        long = (Period(begin - timedelta(days=gap), cut - timedelta(days=gap)),
                Period(cut + timedelta(days=1), end))
    return (*long, Period(start, start + timedelta(days=last - 1)))


def lean(template: dict[str, Any], missing: Callable[[dict[str, Any]], list[str] | None],
         start: Sequence[str] = ()) -> dict[str, Any] | None:
    """The facts of ``template`` the evaluator asks for: from the facts ``start`` (those of
    the template), the facts ``missing`` names (None: the case is decided, nothing is
    missing) are added from the template, round by round; None when it names a fact the
    template lacks or does not settle within :data:`LEAN_ROUNDS`."""
    case: dict[str, Any] = {name: template[name] for name in start if name in template}
    for _ in range(LEAN_ROUNDS):
        wanted = missing(case)
        if not wanted:
            return case
        new = [name for name in wanted if name not in case]
        if not new or any(name not in template for name in new):
            return None
        for name in new:
            case[name] = template[name]
    return None


def _scalar(rng: random.Random, kind: str, values: tuple[str, ...], constants: Constants
            ) -> Any | None:
    """A value of a scalar fact (None: left out): false, the first enum values most often,
    a constant."""
    if kind == "boolean":
        return rng.random() < 0.2
    if kind == "enum":
        return rng.choice(values) if values else None
    if kind == "duration":
        return Duration(rng.choice([0, *constants.days]))
    if kind == "months":
        return Months(rng.choice([0, *constants.months]))
    if kind == "integer":
        return rng.choice([0, 1, *constants.numbers])
    if kind in GRAIN:
        return rng.choice([Fraction(0), *constants.amounts])
    return None


__all__ = ["ANCHORED_SIZE", "POOL_SIZE", "beside", "lean", "pool"]
