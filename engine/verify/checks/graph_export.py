"""Stage 5 (verify): the dependency graph (``compile.graph.build_graph``) as DOT, GraphML
or JSON, whole or around one node (``--focus``, ``--depends-on``, ``--used-by``).

>>> print(quote('a"b'))
"a\\"b"
>>> print(quote("line\\nbreak"))
"line\\nbreak"
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from ...compile.graph import build_graph
from ...compile.model import KnowledgeBase

SHAPES = {"fact": "ellipse", "parameter": "note", "version": "box", "output": "doubleoctagon"}
COLOURS = {"fact": "#dbeafe", "parameter": "#fef3c7", "version": "#e5e7eb",
           "output": "#dcfce7"}


def quote(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, newlines as DOT line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def resolve(graph: nx.DiGraph, wanted: str) -> list[str]:
    """Nodes named by ``wanted``: a node id, a rule id (all its versions), a version id,
    or a fact/output/parameter name with or without its jurisdiction."""
    if wanted in graph:
        return [wanted]
    found = [n for n in graph if n.split(":", 1)[1] == wanted
             or n.split(":", 1)[1].split(".", 1)[-1] == wanted
             or graph.nodes[n].get("rule") == wanted]
    return sorted(found)


def select(kb: KnowledgeBase, *, focus: str | None = None, depends_on: str | None = None,
           used_by: str | None = None) -> tuple[nx.DiGraph, list[str]]:
    graph = kb.graph if kb.graph is not None else build_graph(kb)
    keep: set[str] | None = None
    missing: list[str] = []
    for wanted, mode in ((focus, "focus"), (depends_on, "down"), (used_by, "up")):
        if wanted is None:
            continue
        nodes = resolve(graph, wanted)
        if not nodes:
            missing.append(wanted)
            continue
        chosen: set[str] = set(nodes)
        for node in nodes:
            if mode in ("focus", "down"):
                chosen |= nx.descendants(graph, node)
            if mode in ("focus", "up"):
                chosen |= nx.ancestors(graph, node)
        keep = chosen if keep is None else keep & chosen
    sub = graph if keep is None else graph.subgraph(keep)
    return sub, missing


def _label(node: str, data: dict[str, Any]) -> str:
    kind, _, name = node.partition(":")
    return f"{name}\n({kind})" if kind != "version" else name.replace("@", "\n@")


def to_dot(graph: nx.DiGraph) -> str:
    out = io.StringIO()
    out.write("digraph lexlux {\n  rankdir=LR;\n  node [style=filled, fontname=Helvetica];\n")
    for node in sorted(graph):
        data = graph.nodes[node]
        kind = data.get("kind", node.partition(":")[0])
        out.write(f"  {quote(node)} [label={quote(_label(node, data))}, "
                  f"shape={SHAPES.get(kind, 'ellipse')}, "
                  f"fillcolor={quote(COLOURS.get(kind, '#ffffff'))}];\n")
    for a, b in sorted(graph.edges):
        out.write(f"  {quote(a)} -> {quote(b)};\n")
    out.write("}\n")
    return out.getvalue()


def _plain(graph: nx.DiGraph) -> nx.DiGraph:
    plain = nx.DiGraph()
    for node in sorted(graph):
        data = graph.nodes[node]
        span = data.get("span")
        plain.add_node(node, kind=data.get("kind", node.partition(":")[0]),
                       label=node.partition(":")[2], file=span.file if span else "",
                       line=span.line if span else 0)
    for a, b in sorted(graph.edges):
        span = graph.edges[a, b].get("span")
        plain.add_edge(a, b, file=span.file if span else "", line=span.line if span else 0)
    return plain


def to_graphml(graph: nx.DiGraph) -> str:
    return "\n".join(nx.generate_graphml(_plain(graph))) + "\n"


def to_json(graph: nx.DiGraph) -> str:
    plain = _plain(graph)
    data = {"nodes": [{"id": n, **plain.nodes[n]} for n in plain],
            "edges": [{"from": a, "to": b, **plain.edges[a, b]} for a, b in plain.edges]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
