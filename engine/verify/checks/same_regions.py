"""Stage 5 (verify): regions of a diff in which the output cannot differ, by the text of the
law (:mod:`.same_law`, applied to one version instead of a whole output).

A region of an output's diff is the versions that give the output under each law
(:func:`.versions._versions_won`).  In the region where one version ``V`` alone gives the
output under both laws, the result under each law is ``V``'s conclusion, computed from the
facts, the values of the parameters ``V`` reads on the law's date and the outputs ``V``
reads.  When ``V`` reads the same parameter values on both dates and every output it reads
has the same law on both dates (:func:`.same_law.same_law`: its whole cone), the two
computations are the same on every case: the output has the same result under both laws
in that region.  That is a proof, by the argument of :mod:`.same_law` (the evaluator and the
encoding choose versions and parameter values by the law's date alone), so such a region is
left out of the diff's query (:func:`same_version_goals`) — no witness can lie in it.

Why: on 2015-12-31 → 2016-01-01 the payer of CSS art. 9 and of L.125-4 start (the
knowledge base's horizon): the rule of the 77 days (L.121-6 (3) al. 2) is the only payer
rule under the older law, the diff finds the two regions where a new rule applies, and
what is left is the region where the 77-day rule applies under both laws — with the same
version, its parameters unchanged.  The solver's search for a case there (the narrow
attempts, then the final query: 4·10⁶ units each) ends undecided, since a difference in it
would have to come from the counted days of the 77-day rule; with that region left out the
search is about which rule applies.

What is claimed: nothing is reported for these regions; the goals of the queries that
follow are narrower by regions where no case can be found.  The cone read is wider than the
one the evaluator walks (:mod:`.same_law`), so a region is left out only when it is sure.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any

from ..encoding.encode import OutputEnc
from ..encoding.encode_expr import and_, not_
from .same_law import LawAt, same_law
from .versions import _versions_won

if TYPE_CHECKING:
    from ...compile.model import RuleVersion


def unchanged_versions(first: LawAt, second: LawAt, a: OutputEnc, b: OutputEnc
                       ) -> list[str]:
    """The versions in force on both dates that may give the output under both laws
    (``a`` under the law of ``first``, ``b`` under that of ``second``), read the same
    parameter values on both dates, and read only outputs whose law is the same on both
    dates (sorted).  (An encoding holds the conclusions of every version, each given only
    under the law of a date it is in force on: a version in force on one date only can
    give the output under one law only, and is not named.)"""
    return unchanged_among(first, second, {c.version.id: c.version for c in a.conclusions},
                           {c.version.id for c in b.conclusions})


def unchanged_among(first: LawAt, second: LawAt, versions_a: dict[str, RuleVersion],
                    ids_b: Collection[str]) -> list[str]:
    """:func:`unchanged_versions` of the versions concluding the output under the law of
    ``first`` (``versions_a``, by id) and of ``second`` (``ids_b``): those of an encoding's
    conclusions, or of the rules taking part (:func:`lexlux.verify.checks.timeline_diff.
    _known_in_pool`, which encodes nothing)."""
    ids_a = versions_a
    kept: list[str] = []
    for vid in sorted(ids_a.keys() & ids_b):
        version = ids_a[vid]
        if not (version.in_force_on(first.day) and version.in_force_on(second.day)):
            continue                   # it gives the output under one law at most
        reads_a: list[str] = []
        reads_b: list[str] = []
        if first._version(version, reads_a) != second._version(version, reads_b):
            continue                   # a parameter's value changes
        if all(same_law(first, second, name) for name in sorted(set(reads_a))):
            kept.append(vid)
    return kept


def same_version_goals(kb: Any, jurisdiction: str, first: date, second: date,
                       a: OutputEnc, b: OutputEnc) -> tuple[list[str], list[Any]]:
    """The versions of :func:`unchanged_versions` and, for each, the goal that leaves out
    the region where it alone gives the output under both laws."""
    laws = LawAt(kb, jurisdiction, first), LawAt(kb, jurisdiction, second)
    kept = unchanged_versions(*laws, a, b)
    return kept, [not_(and_(_versions_won(a, [v]), _versions_won(b, [v]))) for v in kept]


__all__ = ["same_version_goals", "unchanged_among", "unchanged_versions"]
