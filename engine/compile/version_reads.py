"""Stage 3 (compile): what each rule version reads — the facts and outputs of its own
jurisdiction — without the dependency graph.

The verify checks that walk from an output to what its rules read (the seeded pass's core
facts, :func:`lexlux.verify.checks.timeline_search.core_facts`; whether a readings query
reads a timeline output, :mod:`lexlux.verify.checks.seeded_readings`) asked the graph of
:func:`.graph.build_graph` for the fact and output predecessors of a version node.  Those
are exactly the version's ``selected_by`` fact and the facts and outputs its expressions
refer to (:func:`.refs.version_refs`), so they are read here from the rules themselves: the
bundled audit then neither imports networkx (about 0.1 s) nor builds the whole graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import KnowledgeBase
from .refs import version_refs


@dataclass(frozen=True)
class Reads:
    """The facts and the outputs (names, within the rule's jurisdiction) a version reads."""

    facts: frozenset[str]
    outputs: frozenset[str]


def version_reads(kb: KnowledgeBase, version_id: str) -> Reads:
    """What version ``version_id`` reads: its rule's ``selected_by`` fact and the facts and
    outputs its expressions refer to (the fact and output predecessors of its node in
    :func:`.graph.build_graph`); kept per knowledge base."""
    kept = next((m for k, m in _MEMO if k is kb), None)
    if kept is None:
        kept = _reads_of(kb)
        _MEMO[:] = [*_MEMO[-3:], (kb, kept)]
    return kept[version_id]


#: The reads of the last knowledge bases asked about (a knowledge base has slots: no
#: attribute of its own to keep them in).
_MEMO: list[tuple[KnowledgeBase, dict[str, Reads]]] = []


def _reads_of(kb: KnowledgeBase) -> dict[str, Reads]:
    memo: dict[str, Reads] = {}
    for rule in kb.rules.values():
        for version in rule.versions:
            facts = {rule.selected_by} if rule.selected_by else set()
            outputs = set()
            for ref in version_refs(version):
                if ref.kind == "fact":
                    facts.add(ref.target)
                elif ref.kind == "output":
                    outputs.add(ref.target)
            memo[version.id] = Reads(frozenset(facts), frozenset(outputs))
    return memo
