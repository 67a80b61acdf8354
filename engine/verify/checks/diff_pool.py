"""Stage 5 (verify): the witnesses of one ``lexlux diff``, tried again on other outputs.

Most outputs that differ between two dates differ because an output they read differs
(``contract_ends_automatically_on`` because ``sickness_benefit_exhausted_from`` moved
from 52 to 78 weeks).  A witness of the output read is often a witness of the output
that reads it, and the evaluator tells at once: so the diff takes the outputs in the
order of their dependencies (:func:`dependency_order`), keeps every witness case it has
found (:class:`Pool`), and before asking the solver replays them on each new output.  A
case on which the evaluator gives the output different results under the two laws is a
witness as it is — the evaluator, the reference, shows the difference — and its region
is the versions the evaluator applied.  The solver then looks only for the regions no
case showed, and is the only one that may conclude that there are no more.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ...compile.graph import _output_edges
from ...compile.model import KnowledgeBase
from ...evaluate.case import Case
from ...evaluate.interpreter import OutputResult
from .confirm import laws_differ
from .findings import Finding
from .witness import describe, write_case


def dependency_order(kb: KnowledgeBase, jurisdiction: str, names: Sequence[str]
                     ) -> list[str]:
    """``names`` with every output after the outputs it reads (otherwise as given): of the
    outputs whose inputs among ``names`` are all placed, the first in ``names`` comes next
    (the order networkx's ``lexicographical_topological_sort`` gives on the output graph
    of :func:`.graph.build_output_graph`, without importing networkx — 0.1 s of a diff —
    or building the graph)."""
    rank = {name: i for i, name in enumerate(names)}
    prefix = f"{jurisdiction}."
    needs: dict[str, set[str]] = {name: set() for name in rank}   # output -> its inputs
    for kind, source, target, _ in _output_edges(kb):
        if kind == "edge" and source.startswith(prefix) and target.startswith(prefix):
            a, b = source[len(prefix):], target[len(prefix):]
            if a in rank and b in rank:
                needs[b].add(a)
    readers: dict[str, list[str]] = {name: [] for name in rank}
    for name, inputs in needs.items():
        for source in inputs:
            readers[source].append(name)
    waiting = {name: len(inputs) for name, inputs in needs.items()}
    ready = [(rank[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for reader in readers[name]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, (rank[reader], reader))
    if len(order) < len(rank):          # a circle (LX311 at compile): as given
        return list(names)
    return order


class Pool:
    """The witness cases of one diff (of two dates, replayed on ``as_of``; under
    ``reading``, if given: checks/reading_diff.py)."""

    def __init__(self, kb: KnowledgeBase, jurisdiction: str, first: date, second: date,
                 reading: str | None = None) -> None:
        self.kb, self.jurisdiction, self.reading = kb, jurisdiction, reading
        self.first, self.second = first, second
        self.as_of = max(first, second)
        self.cases: list[Case] = []
        self.found_for: list[str] = []      # the output each case is a witness for

    def add(self, facts: dict[str, Any], output: str) -> None:
        case = Case("a witness of this diff", self.jurisdiction, self.as_of, dict(facts))
        if all(c.facts != case.facts for c in self.cases):
            self.cases.append(case)
            self.found_for.append(output)

    def seeds(self, outputs: set[str], facts: set[str], skip: Sequence[Case]
              ) -> list[Case]:
        """The witnesses of ``outputs`` that give one of ``facts``, but not ``skip``:
        partial cases from which the solver may complete a witness (the latest first)."""
        shown = [other.facts for other in skip]
        return [case for case, output in zip(reversed(self.cases), reversed(self.found_for),
                                             strict=True)
                if output in outputs and facts & case.facts.keys()
                and {k: v for k, v in case.facts.items() if k in facts} not in shown]

    def regions(self, name: str, facts: set[str]
                ) -> Iterator[tuple[Case, OutputResult, OutputResult]]:
        """The cases, cut down to ``facts`` (those the output may read), on which the
        evaluator gives ``name`` different results under the two laws, with those
        results."""
        for case in self.cases:
            if not facts & case.facts.keys():
                continue
            cut = Case(case.name, case.jurisdiction, case.as_of,
                       {k: v for k, v in case.facts.items() if k in facts})
            found = laws_differ(self.kb, cut, self.as_of, name, self.first, self.second,
                                reading=self.reading)
            if found is not None:
                yield cut, *found

    def witness(self, finding: Finding, case: Case, results: Sequence[OutputResult],
                witness_dir: Path | None) -> Finding:
        """Fill in the witness of ``finding``: ``case``, whose ``results`` under the law of
        the first and the second date the evaluator has just given."""
        named = Case(f"witness {finding.fingerprint}: {finding.message}", self.jurisdiction,
                     self.as_of, dict(case.facts))
        finding.facts = dict(named.facts)
        finding.as_of = self.as_of.isoformat()
        finding.witness_path, finding.witness_yaml = write_case(
            self.kb, named, witness_dir, finding.fingerprint)
        read = f", reading={self.reading}" if self.reading else ""
        finding.replay = "; ".join(
            f"{describe(result)} [law_as_of={day}{read}]"
            for result, day in zip(results, (self.first, self.second), strict=True)) \
            + " — confirmed"
        return finding


__all__ = ["Pool", "dependency_order"]
