"""Stage 5 (verify): differences of ``lexlux diff`` that are only the knowledge base's
horizon.

A region of disagreement in which one date has no provision at all, and the provision of
the other date starts where the knowledge base starts (``valid_from_basis: horizon``: the
sources do not say since when it applies), with no parameter changing value, is not an
amendment: ``lexlux diff`` hides such regions unless ``--show-horizon``.

When that holds of every region an output can have (:func:`horizon_only_output`: on one
date no provision concluding it is in force at all), the diff does not search for them:
the output is "horizon" at once, as an output whose law is the same text on both dates is
"same" at once (:mod:`.same_law`).  Its witnesses would have been hidden; what is lost is
only their cases in the diff's pool of witnesses, which later outputs try first.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .findings import Finding

if TYPE_CHECKING:
    from ...compile.model import KnowledgeBase


#: How the reason of an output not compared (:func:`horizon_only_output`) begins.
NOT_COMPARED = "not compared: "


def not_compared(status: str, reason: str) -> bool:
    """Whether a diff result is "horizon" because it was not compared (no search made),
    not because every region its search found was hidden."""
    return status == "horizon" and reason.startswith(NOT_COMPARED)


def horizon_only(finding: Finding) -> bool:
    if finding.code != "LX507":
        return False
    details = finding.details
    empty_side = any(line.endswith(": no provision applies") for line in details[:2])
    horizon = any(line.startswith("note: ") and "valid_from_basis: horizon" in line
                  for line in details)
    changed = any(line.startswith("parameter ") for line in details)
    return empty_side and horizon and not changed


def horizon_only_output(kb: KnowledgeBase, jurisdiction: str, name: str, first: date,
                        second: date) -> str:
    """Why every difference of ``name`` between the law of ``first`` and of ``second``
    would be hidden as the knowledge base's horizon (:func:`horizon_only`), or "" when
    that is not known before a search.

    It is known when, on one of the two dates, no rule concluding ``name`` has a version
    in force (so no provision applies there, whatever the case: under the law of a date
    the evaluator takes the version in force on that date), at least one version in force
    on the other date starts where the knowledge base starts (``valid_from_basis:
    horizon``, the note every region of such an output carries), and no parameter read by
    any version in force on the other date changes value between the dates (so no region
    can name one; a parameter the knowledge base starts on the other date, with no
    amending act, is only a note).  Those are the three tests of :func:`horizon_only`,
    taken over every version that can win instead of the ones a region's witness shows:
    every region the search could find is one ``lexlux diff`` hides, and the search is
    not made."""
    from .versions import parameter_changes
    rules = kb.rules_concluding(jurisdiction, name)
    if not rules:
        return ""
    for empty_day, full_day in ((first, second), (second, first)):
        if any(rule.version_on(empty_day) is not None for rule in rules):
            continue
        present = [v for v in (rule.version_on(full_day) for rule in rules) if v is not None]
        starts = sorted({v.id for v in present if v.valid_from_basis == "horizon"})
        if not starts:
            continue
        if any(not line.startswith("note: ")
               for line in parameter_changes(kb, tuple(v.id for v in present), first, second)):
            continue
        return (f"{NOT_COMPARED}no provision concluding it is in force on {empty_day}, and "
                f"on {full_day} {', '.join(starts)} start(s) where the knowledge base "
                "starts (valid_from_basis: horizon, the sources do not say since when), "
                "with no parameter changing value (one that starts there with no amending "
                "act is the horizon too): any difference is the knowledge base's "
                "starting point, which lexlux diff hides (--show-horizon compares it)")
    return ""
