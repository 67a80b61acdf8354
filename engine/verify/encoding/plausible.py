"""Stage 5 (verify): the plausibility constraints every query assumes.

``assumptions:`` in invariant files (a receipt after its sending, a decision after its
request) are declared once; each query assumes those that read only facts the query is
about, so that witnesses are cases that can happen and proofs speak of such cases (a proof
holds for the cases satisfying the assumptions: docs/verification.md).
"""

from __future__ import annotations

from typing import Any

from ...compile.model import KnowledgeBase


def plausible(kb: KnowledgeBase, enc: Any, facts: set[str]) -> list[Any]:
    if not any(getattr(i, "assumption", False) for i in kb.invariants.values()):
        return []
    from ..checks.invariants import assumptions_for  # invariants imports context: import late
    return assumptions_for(kb, enc, facts)
