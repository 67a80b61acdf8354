"""Stage 5 (verify): the regions of a diff whose output has no provision on one of its
two dates, known before any search.

Under the law of a date, the evaluator (``--law-as-of``) and the encoding (``law_as_of``)
take the version of each rule that is in force on that date.  When no rule concluding an
output has a version in force on date D that concludes it, the output has no value under
the law of D, whatever the case: no conclusion can win there.  The laws of the two dates
then disagree exactly where the law of the other date gives the output a value or a
conflict, and every region of the diff (the versions that give the output under each law,
:func:`.versions._key`) is "no provision" on D and a non-empty set W of the versions in
force on the other date, among the rules the reading lets take part.

So the regions an output *can* have are known before the solver is asked: one for each
such W (:func:`possible_regions`).  Once each has been found, with its witness replayed
by the evaluator, no region is left, and the diff's closing query ("outside the N
region(s) found") is UNSAT by construction: each conclusion that can win is one of a
version in W, and each W is blocked (:func:`.versions._versions_won`).  The diff stops
there (:func:`all_found`), without that query, which for a timeline output is a proof
in a dozen timeline frames of 36 months (``timeline_bounded_proof``), and without the
seeded pass or the narrow attempts that would look for regions that cannot exist.  The
answer is then exact, not bounded: no frame is involved in it.

This is how the knowledge base's first date (2009-01-01, when the provisions of the
single status came into force) is diffed: every output that differs there has no
provision on 2008-12-31.  The sets W are enumerated only when there are at most
:data:`MAX_VERSIONS` versions in force (at most 7 regions); otherwise the search goes on
as before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...compile.model import Rule

#: A region of a diff: the versions giving the output under the law of each date.
Region = tuple[tuple[str, ...], tuple[str, ...]]
#: The most versions in force on the other date for which the regions are enumerated.
MAX_VERSIONS = 3


def in_force(rules: Iterable[Rule], name: str, day: date) -> list[str]:
    """The ids of the versions in force on ``day`` that conclude ``name``, of ``rules``
    (the rules that take part for ``name`` under the diff's reading)."""
    found = []
    for rule in rules:
        version = rule.version_on(day)
        if version is not None and any(c.output == name for c in version.conclusions):
            found.append(version.id)
    return found


def possible_regions(rules: Collection[Rule], name: str, first: date, second: date
                     ) -> list[frozenset[str]] | None:
    """Every region the diff of ``name`` between the law of ``first`` and of ``second``
    can have, as the set of the versions giving it on the date that has a provision, when
    on the other date none concluding it is in force (module docstring); None when that
    is not known before a search (both dates have a provision, or too many versions)."""
    one, two = in_force(rules, name, first), in_force(rules, name, second)
    if (one and two) or not (one or two):
        return None
    present = one or two
    if len(present) > MAX_VERSIONS:
        return None
    return [frozenset(subset) for size in range(1, len(present) + 1)
            for subset in combinations(present, size)]


def all_found(possible: list[frozenset[str]] | None, seen: Collection[Region]) -> bool:
    """Whether each region of ``possible`` is among the regions ``seen`` (found and
    blocked): then no region is left to search for."""
    if possible is None:
        return False
    found = {frozenset(a) | frozenset(b) for a, b in seen}
    return all(region in found for region in possible)


def none_left(first: date, second: date, rules: Collection[Rule], name: str) -> str:
    """What the diff says instead of its closing query, when every region was found."""
    empty = first if not in_force(rules, name, first) else second
    other = second if empty == first else first
    return (f"none left: no provision concluding it is in force on {empty}, so every "
            f"region is one set of the provisions in force on {other} that give it, and "
            "each of those has been found (exact, no search needed)")
