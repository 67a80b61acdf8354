"""Stage 5 (verify): pairs of conclusions that provably never apply together, told from
the rules' text before any solver query.

Of the pairs of conclusions of one output that the conflict and hierarchy checks compare,
most cannot overlap: their versions are in force on disjoint windows of one selection
day, they ask disjoint ranges of one integer or date fact (``days_off < 20`` and
``days_off >= 20``), or different values of one enum fact.  Each such pair used to cost a
Z3 query (UNSAT) — and, for an output all of whose pairs are such, a solver built for it.

:func:`cannot_overlap` answers True only when :mod:`.simple_conditions` finds one fact
(or selection day) that the two conclusions restrict to sets with no common value: every
case in which a conclusion applies satisfies its restrictions (the simple parts of its
conjunctive conditions, its version's window), so no case makes both apply, and the
query's goals (both conclusions apply, or win, and differ) are unsatisfiable — the answer
the solver would give.  Anything it cannot read restricts nothing, so it never skips a
pair that could overlap (tests/verify/test_prefilter.py, including a property test
against Z3 on random pairs).  A skipped pair counts as a query answered
(:attr:`.context.Audit.queries`), as a query answered UNSAT.
"""

from __future__ import annotations

from typing import Any

from ..encoding.encode import ConclusionEnc, LawEncoding
from .simple_conditions import Restriction, conclusion_conditions, disjoint, restrictions


def conclusion_restrictions(enc: LawEncoding, c: ConclusionEnc) -> dict[str, Restriction]:
    """The facts' restrictions where ``c`` applies (cached on the encoding)."""
    cache: dict[Any, dict[str, Restriction]] = enc.__dict__.setdefault(
        "_simple_restrictions", {})
    index = c.version.conclusions.index(c.conclusion)
    key = (c.version.id, index)
    if key not in cache:
        cache[key] = restrictions(enc.vocabulary.facts, c.rule, c.version,
                                  conclusion_conditions(c.version, index),
                                  windows=enc.law_as_of is None)
    return cache[key]


def cannot_overlap(audit: Any, enc: LawEncoding, a: ConclusionEnc, b: ConclusionEnc
                   ) -> bool:
    """True only if no case makes both ``a`` and ``b`` apply; then counted as a query
    answered on ``audit``.  Not for a pair in the timeline encoding: its queries are
    listed, with their answers, in the output's LX522 note, which stays as it was."""
    if enc.timelines:
        return False
    if disjoint(conclusion_restrictions(enc, a), conclusion_restrictions(enc, b)) is None:
        return False
    audit.queries += 1
    audit.__dict__["prefiltered"] = audit.__dict__.get("prefiltered", 0) + 1
    return True


__all__ = ["cannot_overlap", "conclusion_restrictions"]
