"""The dependency graph around a rule, as a clickable SVG for its page.

Rules are linked through what they read: rule A *depends on* rule B when a version of A
reads an output that a version of B concludes, is an exception to B, or is disapplied by B
(from the compiler's graph, :func:`lexlux.compile.graph.build_graph`, collapsed from versions
to rules).  The picture shows the rule, the rules it depends on (left) and the rules that depend
on it (right), each edge labelled with the outputs it carries, each node a link to its page.

Graphviz's ``dot`` lays it out when it is installed (``.ci/run`` installs it; the SVG is made
when a page is rendered, and cached); otherwise a small three-column layout written here
draws the same nodes, edges and links.  No asset is fetched from anywhere.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any


@dataclass
class RuleGraph:
    """Rule-to-rule dependencies: ``uses[a][b]`` = the outputs (or relations) by which rule
    ``a`` depends on rule ``b``; an edge is drawn from ``b`` to ``a``, its label read along
    it ("b — act_banned → a", "b — has exception → a", "b — disapplies → a")."""

    uses: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def depends_on(self, rule_id: str) -> dict[str, set[str]]:
        return self.uses.get(rule_id, {})

    def used_by(self, rule_id: str) -> dict[str, set[str]]:
        return {a: labels[rule_id] for a, labels in self.uses.items() if rule_id in labels}


def rule_graph(kb: Any) -> RuleGraph:
    from ..compile.graph import build_graph
    graph = kb.graph if kb.graph is not None else build_graph(kb)
    concluders: dict[str, set[str]] = defaultdict(set)      # output node -> rules
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "version":
            for out in graph.successors(node):
                if out.startswith("output:"):
                    concluders[out].add(data["rule"])
    uses: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "version":
            continue
        reader = data["rule"]
        for source in graph.predecessors(node):
            if source.startswith("output:"):
                name = source.split(".", 1)[1] if "." in source else source
                for rule in concluders.get(source, ()):
                    if rule != reader:
                        uses[reader][rule].add(name)
            elif source.startswith("version:"):     # a disapplication: whether this rule
                other = graph.nodes[source].get("rule")   # applies depends on the other
                if other and other != reader:
                    uses[reader][other].add("disapplies")
    for rule in kb.rules.values():
        for version in rule.versions:
            for exc in version.exceptions:
                if exc.rule in kb.rules and exc.rule != rule.id:
                    uses[rule.id][exc.rule].add("has exception")
    return RuleGraph({a: dict(b) for a, b in uses.items()})


def _label(labels: set[str]) -> str:
    shown = sorted(labels)
    return ", ".join(shown[:2]) + (f" +{len(shown) - 2}" if len(shown) > 2 else "")


def graph_svg(rule_id: str, graph: RuleGraph, url: Callable[[str], str],
              title: Callable[[str], str], use_dot: bool = True) -> str:
    """The SVG (an ``<svg>`` element, to inline in a page) of the graph around ``rule_id``."""
    return graphs_svg([rule_id], graph, url, title, use_dot)[rule_id]


def graphs_svg(rule_ids: list[str], graph: RuleGraph, url: Callable[[str], str],
               title: Callable[[str], str], use_dot: bool = True) -> dict[str, str]:
    """The SVG of the graph around each of ``rule_ids``: laid out by one run of ``dot`` for
    all of them when it is installed, else by :func:`_three_columns`."""
    out: dict[str, str] = {}
    if use_dot and shutil.which("dot"):
        sources = [_dot_source(r, graph.depends_on(r), graph.used_by(r), url, title)
                   for r in rule_ids]
        svgs = _run_dot("\n".join(sources), len(rule_ids))
        if svgs is not None:
            out = dict(zip(rule_ids, svgs, strict=True))
    for r in rule_ids:
        if r not in out:
            out[r] = _three_columns(r, graph.depends_on(r), graph.used_by(r), url, title)
    return out


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run_dot(source: str, count: int) -> list[str] | None:
    try:
        done = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    svgs = []
    for chunk in done.stdout.split("</svg>")[:-1]:
        if "<svg" not in chunk:
            return None
        svg = chunk[chunk.index("<svg"):] + "</svg>"
        svgs.append(svg.replace("<svg ", '<svg class="dep-graph" role="img" ', 1))
    return svgs if len(svgs) == count else None


def _dot_source(rule_id: str, left: dict[str, set[str]], right: dict[str, set[str]],
                url: Callable[[str], str], title: Callable[[str], str]) -> str:
    lines = ["digraph G {", "rankdir=LR; bgcolor=transparent;",
             'node [shape=box, style="rounded,filled", fillcolor="#eef3fa", color="#1f5fa8", '
             'fontname="Helvetica", fontsize=10];',
             'edge [color="#5b6472", fontname="Helvetica", fontsize=9, fontcolor="#5b6472"];']
    nodes = {rule_id, *left, *right}
    for node in sorted(nodes):
        extra = ', fillcolor="#1f5fa8", fontcolor="white", penwidth=2' if node == rule_id else ""
        lines.append(f"{_dot_id(node)} [URL={_dot_id(url(node))}, target=\"_top\", "
                     f"tooltip={_dot_id(title(node))}, id={_dot_id('node-' + node)}{extra}];")
    for other, labels in sorted(left.items()):
        lines.append(f"{_dot_id(other)} -> {_dot_id(rule_id)} [label={_dot_id(_label(labels))}];")
    for other, labels in sorted(right.items()):
        lines.append(f"{_dot_id(rule_id)} -> {_dot_id(other)} [label={_dot_id(_label(labels))}];")
    lines.append("}")
    return "\n".join(lines)


def _three_columns(rule_id: str, left: dict[str, set[str]], right: dict[str, set[str]],
                   url: Callable[[str], str], title: Callable[[str], str]) -> str:
    """The fallback layout: dependencies, the rule, dependents, in three columns."""
    width, box_w, box_h, gap = 900, 250, 26, 10
    rows = max(len(left), len(right), 1)
    height = rows * (box_h + gap) + 20
    cx = (width - box_w) // 2
    cy = (height - box_h) // 2
    parts = [f'<svg class="dep-graph" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}">']

    def box(node: str, x: int, y: int, main: bool = False) -> None:
        fill, ink = ("#1f5fa8", "#fff") if main else ("#eef3fa", "#1d2430")
        link = escape(url(node))
        parts.append(f'<g id="node-{escape(node)}" class="node"><a xlink:href="{link}" '
                     f'href="{link}" target="_top"><title>{escape(title(node))}'
                     f'</title><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="5" '
                     f'fill="{fill}" stroke="#1f5fa8"/><text x="{x + box_w / 2}" '
                     f'y="{y + 17}" text-anchor="middle" font-size="10" fill="{ink}">'
                     f'{escape(_short(node))}</text></a></g>')

    def edge(x1: int, y1: int, x2: int, y2: int, labels: set[str]) -> None:
        parts.append(f'<g class="edge"><line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
                     f'stroke="#5b6472" marker-end="url(#arrow)"/><text x="{(x1 + x2) / 2}" '
                     f'y="{(y1 + y2) / 2 - 3}" text-anchor="middle" font-size="9" '
                     f'fill="#5b6472">{escape(_label(labels))}</text></g>')
    parts.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
                 'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
                 'fill="#5b6472"/></marker></defs>')
    for column, items, x in ((0, left, 0), (2, right, width - box_w)):
        top = (height - len(items) * (box_h + gap)) // 2
        for i, (other, labels) in enumerate(sorted(items.items())):
            y = top + i * (box_h + gap)
            if column == 0:
                edge(x + box_w, y + box_h // 2, cx, cy + box_h // 2, labels)
            else:
                edge(cx + box_w, cy + box_h // 2, x, y + box_h // 2, labels)
            box(other, x, y)
    box(rule_id, cx, cy, main=True)
    parts.append("</svg>")
    return "".join(parts)


def _short(rule_id: str) -> str:
    return rule_id if len(rule_id) <= 40 else "…" + rule_id[-39:]
