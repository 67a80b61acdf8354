"""Stage 5 (verify): the verifier's public functions for other stages' commands.

``lexlux impact`` compares the audit findings of two revisions by their fingerprints.
"""

from __future__ import annotations

from ...compile.model import KnowledgeBase
from .context import Audit
from .invariants import check_invariants
from .rules import check_conflicts, check_dead, check_encodable, check_gaps, check_hierarchy
from .timeline_notes import timeline_notes
from .versions import check_versions


def finding_fingerprints(kb: KnowledgeBase) -> dict[str, str]:
    """Every finding of a full audit (all checks, all dates): fingerprint → one line."""
    out: dict[str, str] = {}
    for jurisdiction in sorted(kb.vocabularies):
        audit = Audit(kb, jurisdiction)
        for check in (check_encodable, check_conflicts, check_hierarchy, check_dead,
                      check_gaps, check_versions, check_invariants, timeline_notes):
            for finding in check(audit):
                if finding.is_problem:
                    out[finding.fingerprint] = f"{finding.code} {finding.message}"
    return out
