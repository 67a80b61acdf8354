"""Stage 3 (compile): the dependency graph of facts, parameters, rule versions and outputs.

Nodes are strings: ``fact:lu.absence_start``, ``parameter:lu.incapacity.employer_period_days``,
``version:lu.code_du_travail.L121-6.p2@2009-01-01``, ``output:lu.certificate_in_time``.
Edges point from what is used to what uses it, and carry the :class:`Span` of the first
use.  Circles between outputs are reported (LX311) naming every rule in the circle;
references to unknown rules in ``exception_to`` (LX310) and outputs no rule concludes
(LX313) are reported too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Span, error, warning
from .model import (
    Conclusion,
    KnowledgeBase,
    Ref,
    RuleVersion,
)
from .refs import iter_refs, version_refs

# networkx is imported where a graph is built (0.1 s): building a knowledge base needs
# none unless it has a circle (check_cycles); the graph is made on first use (graph_of)
if TYPE_CHECKING:
    import networkx as nx


def graph_of(kb: KnowledgeBase) -> nx.DiGraph:
    """The knowledge base's dependency graph, built on first use (a compiled or cached
    knowledge base comes without it)."""
    if kb.graph is None:
        kb.graph = build_graph(kb)
    return kb.graph


def build_graph(kb: KnowledgeBase) -> nx.DiGraph:
    import networkx as nx
    graph = nx.DiGraph()
    for rule in kb.rules.values():
        jur = rule.jurisdiction
        for version in rule.versions:
            vnode = f"version:{version.id}"
            graph.add_node(vnode, kind="version", rule=rule.id, span=version.span)
            if rule.selected_by:
                graph.add_edge(f"fact:{jur}.{rule.selected_by}", vnode, span=rule.span)
            for ref in version_refs(version):
                if ref.kind in ("fact", "output"):
                    source = f"{ref.kind}:{jur}.{ref.target}"
                elif ref.kind == "parameter":
                    source = f"parameter:{ref.target}"
                else:
                    continue
                if not graph.has_edge(source, vnode):
                    graph.add_node(source, kind=ref.kind)
                    graph.add_edge(source, vnode, span=ref.span)
            for conclusion in version.conclusions:
                onode = f"output:{jur}.{conclusion.output}"
                graph.add_node(onode, kind="output")
                graph.add_edge(vnode, onode, span=conclusion.span)
    for rule in kb.rules.values():      # a disapplication decides whether its target applies
        for version in rule.versions:
            for dis in version.disapplications:
                for target in (v for r in kb.rules.values() if r.id != rule.id
                               and dis.covers(r.id) for v in r.versions):
                    graph.add_edge(f"version:{version.id}", f"version:{target.id}",
                                   span=dis.span)
    return graph


def _conclusion_refs(version: RuleVersion, conclusion: Conclusion) -> Iterator[Ref]:
    shared = [t for _, t in version.lets] + [t for t in (version.when,) if t is not None]
    if version.transitional:
        shared.append(version.transitional[0])
    own = [t for t in (conclusion.when, conclusion.value, conclusion.deadline, conclusion.start,
                       conclusion.end) if t is not None]
    if conclusion.each_month:
        own += list(conclusion.each_month)
    for typed in (*shared, *own):
        yield from iter_refs(typed.expr)


def build_output_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """Output → output edges: B depends on A if a conclusion for B uses A."""
    import networkx as nx
    graph = nx.DiGraph()
    for kind, source, target, data in _output_edges(kb):
        if kind == "node":
            graph.add_node(target)
        elif not graph.has_edge(source, target):
            graph.add_edge(source, target, **data)
    return graph


def _output_edges(kb: KnowledgeBase) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """The nodes ("node", "", output, {}) and edges ("edge", source, target, attributes) of
    :func:`build_output_graph`, in its order."""
    for rule in kb.rules.values():
        for version in rule.versions:
            for conclusion in version.conclusions:
                target = f"{rule.jurisdiction}.{conclusion.output}"
                yield "node", "", target, {}
                for ref in _conclusion_refs(version, conclusion):
                    if ref.kind != "output":
                        continue
                    source = f"{rule.jurisdiction}.{ref.target}"
                    yield "edge", source, target, {"span": ref.span, "rule": rule.id,
                                                   "version": version.span}
            for dis in version.disapplications:     # its conditions decide the target's outputs
                conditions = [t for t in (version.when, dis.when) if t is not None]
                covered = {o for r in kb.rules.values() if r.id != rule.id and dis.covers(r.id)
                           for o in r.outputs}
                for output in sorted(covered):
                    target = f"{rule.jurisdiction}.{output}"
                    for ref in (r for t in conditions for r in iter_refs(t.expr)):
                        source = f"{rule.jurisdiction}.{ref.target}"
                        if ref.kind == "output":
                            yield "edge", source, target, {"span": ref.span,
                                                           "rule": rule.id,
                                                           "version": version.span}


def _has_cycle(kb: KnowledgeBase) -> bool:
    """Whether the output graph has a circle (the standard library's topological sort:
    no networkx when there is none, the usual case)."""
    import graphlib
    needs: dict[str, set[str]] = {}
    for kind, source, target, _ in _output_edges(kb):
        needs.setdefault(target, set())
        if kind == "edge":
            needs[target].add(source)
    try:
        graphlib.TopologicalSorter(needs).prepare()
    except graphlib.CycleError:
        return True
    return False


def check_cycles(kb: KnowledgeBase) -> list[Diagnostic]:
    if not _has_cycle(kb):
        return []
    import networkx as nx
    graph = build_output_graph(kb)
    diagnostics: list[Diagnostic] = []
    for found in sorted(nx.simple_cycles(graph), key=lambda c: (len(c), min(c))):
        start = found.index(min(found))          # a stable order for stable messages
        cycle = found[start:] + found[:start]
        related: list[tuple[str, Span]] = []
        rules: list[str] = []
        for i, node in enumerate(cycle):
            nxt = cycle[(i + 1) % len(cycle)]
            edge = graph.edges[node, nxt]
            rules.append(edge["rule"])
            related.append((f"'{node.split('.', 1)[1]}' is used here in the definition of "
                            f"'{nxt.split('.', 1)[1]}' ({edge['rule']})", edge["span"]))
        first = graph.edges[cycle[0], cycle[1 % len(cycle)]]["span"]
        diagnostics.append(error(
            "LX311", "these rules depend on each other in a circle: "
                     + " → ".join(dict.fromkeys(rules)), first, related=related,
            hint="an output cannot depend, through other rules, on itself; compute one of "
                 "them from facts instead"))
        if len(diagnostics) >= 10:
            break
    return diagnostics


def check_references(kb: KnowledgeBase) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for rule in kb.rules.values():
        for version in rule.versions:
            for exc in version.exceptions:
                target = kb.rules.get(exc.rule)
                if target is None:
                    import difflib
                    close = difflib.get_close_matches(exc.rule, list(kb.rules), n=1)
                    diagnostics.append(error(
                        "LX310", f"exception_to names a rule that does not exist: {exc.rule!r}",
                        exc.span, hint=f"did you mean {close[0]!r}?" if close else None))
                    continue
                shared = rule.outputs & target.outputs
                for out in exc.outputs:
                    if out not in shared:
                        diagnostics.append(error(
                            "LX310", f"{rule.id} is declared an exception to {exc.rule} on "
                            f"{out!r}, but they do not both conclude it", exc.span,
                            expected="one of: " + (", ".join(sorted(shared)) or "(none)")))
    for jur, vocabulary in kb.vocabularies.items():
        concluded = {o for r in kb.rules.values() if r.jurisdiction == jur for o in r.outputs}
        for name, entry in vocabulary.outputs.items():
            if name not in concluded:
                diagnostics.append(warning(
                    "LX313", f"the output {name!r} is declared but no rule concludes it",
                    entry.span, hint="write the rule, or remove the declaration"))
    return diagnostics
