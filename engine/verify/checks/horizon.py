"""Stage 5 (verify): differences of ``lexlux diff`` that are only the knowledge base's
horizon.

A region of disagreement in which one date has no provision at all, and the provision of
the other date starts where the knowledge base starts (``valid_from_basis: horizon``: the
sources do not say since when it applies), with no parameter changing value, is not an
amendment: ``lexlux diff`` hides such regions unless ``--show-horizon``.
"""

from __future__ import annotations

from .findings import Finding


def horizon_only(finding: Finding) -> bool:
    if finding.code != "LX507":
        return False
    details = finding.details
    empty_side = any(line.endswith(": no provision applies") for line in details[:2])
    horizon = any(line.startswith("note: ") and "valid_from_basis: horizon" in line
                  for line in details)
    changed = any(line.startswith("parameter ") for line in details)
    return empty_side and horizon and not changed
