"""What each version reads (compile/version_reads.py) is what the dependency graph gives as
the fact and output predecessors of its node (compile/graph.py), on the bundled rules."""

from __future__ import annotations

from lexlux.compile.graph import build_graph
from lexlux.compile.version_reads import version_reads
from lexlux.pipeline import load_knowledge_base


def test_the_reads_are_the_graphs_predecessors() -> None:
    kb = load_knowledge_base().kb
    graph = build_graph(kb)
    seen = 0
    for rule in kb.rules.values():
        prefix = {k: f"{k}:{rule.jurisdiction}." for k in ("fact", "output")}
        for version in rule.versions:
            preds = list(graph.predecessors(f"version:{version.id}"))
            wanted = {k: {p[len(v):] for p in preds if p.startswith(v)}
                      for k, v in prefix.items()}
            reads = version_reads(kb, version.id)
            assert (set(reads.facts), set(reads.outputs)) == (wanted["fact"],
                                                              wanted["output"]), version.id
            seen += bool(reads.outputs)
    assert seen > 10                 # versions reading outputs are compared, not only facts
