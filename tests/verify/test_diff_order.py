"""The order in which ``lexlux diff`` takes the outputs (:func:`.diff_pool.dependency_order`):
each output after the outputs it reads, and otherwise as asked — the order networkx's
lexicographical topological sort gives on the output graph, now worked out without it."""

from __future__ import annotations

import networkx as nx
import pytest
from lexlux.compile.graph import build_output_graph
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import LoadResult
from lexlux.verify.checks.diff_pool import dependency_order

from conftest import load


def _networkx_order(kb: KnowledgeBase, names: list[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(names)}
    ours = nx.DiGraph()
    ours.add_nodes_from(names)
    for source, target in build_output_graph(kb).edges:
        a, b = source.partition(".")[2], target.partition(".")[2]
        if source.startswith("lu.") and target.startswith("lu.") and a in rank and b in rank:
            ours.add_edge(a, b)
    return list(nx.lexicographical_topological_sort(ours, key=lambda n: rank[n]))


@pytest.mark.parametrize("turn", [0, 1, 7])
def test_the_bundled_outputs_in_networkx_order(bundled: LoadResult, turn: int) -> None:
    kb = bundled.kb
    names = sorted({c.output for r in kb.rules.values() if r.jurisdiction == "lu"
                    for v in r.versions for c in v.conclusions})
    names = names[turn:] + names[:turn]        # other orders asked: other ties broken
    if turn == 7:
        names.reverse()
    order = dependency_order(kb, "lu", names)
    assert order == _networkx_order(kb, names)
    assert sorted(order) == sorted(names)
    # an output is never before an output it reads (one edge checked by name)
    assert order.index("sickness_benefit_exhausted_from") < \
        order.index("contract_ends_automatically_on")


def test_outputs_that_do_not_read_each_other_keep_the_order_asked() -> None:
    kb = load("diff")
    names = sorted({c.output for r in kb.rules.values() for v in r.versions
                    for c in v.conclusions})
    order = dependency_order(kb, "lu", names)
    assert order == _networkx_order(kb, names)
    assert order.index("exhausted_from") < order.index("contract_ends_on")
    assert dependency_order(kb, "lu", ["reclassification_duty"]) == ["reclassification_duty"]
