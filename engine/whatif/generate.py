"""What-if: a seeded generator of synthetic incapacity histories (2015–2025), for examples
and benchmarks.  Not statistics of Luxembourg: a plausible mix of short and long sick
leaves, late certificates and the odd dismissal letter, reproducible from a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from ..compile.model import Period, Value, Vocabulary
from ..evaluate.case import Case

FIRST, LAST = date(2015, 1, 1), date(2025, 12, 31)


def _episode_length(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.55:
        return rng.randint(1, 5)          # a few days
    if roll < 0.85:
        return rng.randint(6, 30)
    if roll < 0.97:
        return rng.randint(31, 120)
    return rng.randint(121, 500)          # long illness


def history(rng: random.Random) -> tuple[Period, ...]:
    """Incapacity periods of one person: non-overlapping, in date order, 2015–2025."""
    periods: list[Period] = []
    day = FIRST + timedelta(days=rng.randint(0, 900))
    while day <= LAST and len(periods) < 12:
        length = _episode_length(rng)
        end = min(day + timedelta(days=length - 1), LAST)
        periods.append(Period(day, end))
        day = end + timedelta(days=rng.randint(2, 400))
    return tuple(periods)


def generate_cases(n: int, vocabulary: Vocabulary, seed: int = 2026) -> Iterator[Case]:
    """``n`` cases with the facts the Luxembourg vocabulary declares (others are left out)."""
    rng = random.Random(seed)
    facts_known = vocabulary.facts
    for i in range(n):
        periods = history(rng)
        last = periods[-1]
        facts: dict[str, Value] = {
            "incapacity": periods,
            "insured_incapacity": periods,
            "incapacity_start": last.start,
            "absence_start": last.start,
            "employer_notified_on": last.start + timedelta(days=rng.choice((0, 0, 0, 0, 1))),
            "certificate_received_on": last.start + timedelta(
                days=rng.choice((0, 1, 1, 2, 2, 2, 3, 5))),
            "incapacity_caused_by_crime": rng.random() < 0.01,
        }
        if rng.random() < 0.1:
            facts["employer_act"] = "dismissal"
            facts["act_notified_on"] = last.start + timedelta(days=rng.randint(-10, 200))
            facts["act_letter_received_on"] = facts["act_notified_on"]
        kept = {k: v for k, v in facts.items() if k in facts_known and
                _fits(v, facts_known[k].type.kind, facts_known[k].type.values)}
        yield Case(f"synthetic person {i + 1} (seed {seed})", vocabulary.jurisdiction,
                   last.end + timedelta(days=30), kept)


def _fits(value: Value, kind: str, values: tuple[str, ...]) -> bool:
    if kind == "enum":
        return isinstance(value, str) and value in values
    expected = {"date": date, "boolean": bool, "periods": tuple}.get(kind)
    return expected is not None and isinstance(value, expected)
