"""Stage 5 (verify): the facts an output's encoding reads, and the outputs of its cone,
told from the rules without encoding them.

Why: the diff of a timeline output whose regions the witnesses of earlier outputs already
show (:func:`lexlux.verify.checks.timeline_diff._known_in_pool`) needs only the facts its
cone reads (each witness is cut down to them) and the rules' versions; it used to encode
the cone in a one-month frame under both laws for those facts alone (about 0.2 s of the
2008-12-31 → 2009-01-01 boundary, under two readings: the timeline's months, the counted
days and periods of the outputs it reads, all built and never solved).

What the encoding reads (:class:`~.encode.LawEncoding`), and so what is walked here: the
rules taking part for the output (:meth:`~.encode.LawEncoding.candidates`, the reading's);
of each, every version's conclusions of the output (each version is encoded, whichever is
in force: the law's date only selects among them), with the version's ``when``, the
conclusion's ``when``, value, deadline, start, end and months; the ``let`` they use (and
those these use); the ``when`` of the versions of other rules that may disapply it and of
those disapplications; and a rule's selecting fact (``selected_by``) where
``LawEncoding._select`` reads it: always without a law's date, with one only when the rule
is left out without it (``selected_if_missing: not_applicable``).  A fact is read where an
expression refers to it or asks ``given(fact)`` (whose argument is not encoded: a name,
not a value); an output where an expression refers to it (its cone).  The encoder encodes
every part of every expression (both branches of a condition, both operands), so for an
output that can be encoded these are exactly the facts and outputs it records
(``OutputEnc.facts``, ``deps``) — in every frame, each month encoding the same
expressions; ``tests/verify/test_reads.py`` compares them for every output of the bundled
rules, under each reading and the law of several dates.  (Of an output that cannot be
encoded, the encoder records only what it read before it stopped.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ...compile.model import Call, Expr, Ref
from ...compile.refs import iter_nodes

if TYPE_CHECKING:
    from ...compile.model import KnowledgeBase, Rule, RuleVersion


def _expr_reads(expr: Expr, lets: dict[str, Expr], facts: set[str], outputs: set[str],
                done: set[str]) -> None:
    """Add to ``facts`` and ``outputs`` what ``expr`` reads, with the ``lets`` it uses
    (``done``: the lets already walked, each read once as the encoder encodes it once)."""
    stack = [expr]
    while stack:
        top = stack.pop()
        nodes = iter_nodes(top)
        for node in nodes:
            if isinstance(node, Call) and node.function == "given":
                target = node.args[0]
                assert isinstance(target, Ref)
                facts.add(target.target)
                for _ in iter_nodes(target):   # a name, not encoded: skipped
                    next(nodes, None)
                continue
            if not isinstance(node, Ref):
                continue
            if node.kind == "fact":
                facts.add(node.target)
            elif node.kind == "output":
                outputs.add(node.target)
            elif node.kind == "local" and node.target in lets and node.target not in done:
                done.add(node.target)
                stack.append(lets[node.target])


def _version_reads(version: RuleVersion, exprs: Iterable[Expr], facts: set[str],
                   outputs: set[str]) -> None:
    lets = {name: typed.expr for name, typed in version.lets}
    done: set[str] = set()
    for expr in exprs:
        _expr_reads(expr, lets, facts, outputs, done)


def _selecting(rule: Rule, law_dated: bool) -> str | None:
    """The selecting fact ``LawEncoding._select`` reads for ``rule``."""
    if rule.selected_by and (not law_dated or rule.selected_if_missing == "not_applicable"):
        return rule.selected_by
    return None


def _transitional(rule: Rule, law_dated: bool, facts: set[str], outputs: set[str]
                  ) -> None:
    """What the transitional clauses of ``rule``'s versions read: ``LawEncoding._select``
    encodes them when no law's date chooses the version."""
    if law_dated:
        return
    for version in rule.versions:
        if version.transitional is not None:
            _version_reads(version, [version.transitional[0].expr], facts, outputs)


def output_reads(kb: KnowledgeBase, rules: Iterable[Rule], name: str, law_dated: bool
                 ) -> tuple[set[str], set[str]]:
    """The facts and the outputs the encoding of ``name`` reads, whose rules taking part
    are ``rules`` (``law_dated``: encoded under the law of a date, ``law_as_of``)."""
    facts: set[str] = set()
    outputs: set[str] = set()
    disapplying = [r for r in kb.rules.values() if any(v.disapplications for v in r.versions)]
    for rule in rules:
        if (fact := _selecting(rule, law_dated)) is not None:
            facts.add(fact)
        for other in disapplying:
            versions = [v for v in other.versions
                        if any(d.covers(rule.id) for d in v.disapplications)]
            if not versions or other.jurisdiction != rule.jurisdiction or other.id == rule.id:
                continue
            if (fact := _selecting(other, law_dated)) is not None:
                facts.add(fact)
            _transitional(other, law_dated, facts, outputs)
            for version in versions:
                _version_reads(version, [t.expr for d in version.disapplications
                                         if d.covers(rule.id)
                                         for t in (version.when, d.when) if t is not None],
                               facts, outputs)
        _transitional(rule, law_dated, facts, outputs)
        for version in rule.versions:
            for c in version.conclusions:
                if c.output != name:
                    continue
                parts = [version.when, c.when, c.value, c.deadline, c.start, c.end,
                         *(c.each_month or ())]
                _version_reads(version, [t.expr for t in parts if t is not None], facts,
                               outputs)
    return facts, outputs


def cone_reads(kb: KnowledgeBase, candidates: Callable[[str], list[Rule]],
               names: Iterable[str], law_dated: bool) -> tuple[set[str], set[str]]:
    """The facts the cone of ``names`` reads, and the cone (``names`` and every output
    their rules read, and so on), by :func:`output_reads` (``candidates``: the rules taking
    part for an output, as :meth:`~.encode.LawEncoding.candidates`)."""
    facts: set[str] = set()
    cone: set[str] = set()
    todo = sorted(names)
    while todo:
        name = todo.pop()
        if name in cone:
            continue
        cone.add(name)
        read, outputs = output_reads(kb, candidates(name), name, law_dated)
        facts |= read
        todo += sorted(outputs - cone)
    return facts, cone


__all__ = ["cone_reads", "output_reads"]
