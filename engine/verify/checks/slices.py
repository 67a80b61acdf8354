"""Stage 5 (verify): the content digest of what a check reads, computed before encoding.

A check's queries about an output read the rules concluding it, and through them the
facts, parameters and outputs they use, the rules disapplying them, and so on: the
output's *slice*, its ancestors in the compiled dependency graph
(:func:`lexlux.compile.graph.build_graph`; walked here on the knowledge base itself, so
that a knowledge base read from its cache needs no graph).  Its digest is the
SHA-256 of a canonical text of every object in the slice:

* each rule (all its versions: a query may select any of them), the vocabulary entry of
  each fact and output, each parameter with its dated values;
* the invariants and totality conditions the check proves (given by the caller), and the
  plausibility constraints (``assumptions:``) that a query about the slice may assume:
  those reading a fact of the slice (themselves or through an output), or no fact
  themselves (a query assumes those whose facts are all among its own);
* the jurisdiction's calendar of public holidays.

The text is canonical: objects in a fixed order (rules in the knowledge base's order, which
is the sorted order of their files; everything else sorted by id), dictionaries sorted,
no file path (a span gives its line, column and YAML path only, so a copy of the rules in
another folder has the same digests) and no object identity.  An edit to a rule file
changes the digest of exactly the slices that hold the rule.  Lines count: an edit that
moves a rule down a file changes its digest (the findings cite its lines).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from typing import Any

from ...compile.model import KnowledgeBase, Rule
from ...compile.refs import iter_refs, version_refs
from ...diagnostics import Span

#: Fields left out of the canonical text: where a file is (its content is what counts).
_SKIPPED = frozenset({"file"})
_FIELDS: dict[type, tuple[str, ...]] = {}


class NotCanonicalError(Exception):
    """An object whose text would depend on the process (its ``repr`` has an address)."""


def canonical(obj: Any) -> str:
    """The canonical text of a compiled object (dataclasses, containers, scalars)."""
    parts: list[str] = []
    _feed(obj, parts)
    return "".join(parts)


def _feed(obj: Any, out: list[str]) -> None:
    kind = type(obj)
    if obj is None or kind in (bool, int, float, str):
        out.append(f"{kind.__name__[0]}{obj!r};")
    elif kind is Span:
        out.append(f"@{obj.line}:{obj.column}-{obj.end_line}:{obj.end_column}"
                   f"{obj.yaml_path};")
    elif kind in (list, tuple):
        out.append("[")
        for item in obj:
            _feed(item, out)
        out.append("]")
    elif kind is dict:
        out.append("{")
        for key in sorted(obj, key=repr):
            _feed(key, out)
            _feed(obj[key], out)
        out.append("}")
    elif kind in (set, frozenset):
        out.append("{" + "".join(sorted(canonical(x) for x in obj)) + "}")
    elif dataclasses.is_dataclass(obj):
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj)
                                          if f.name not in _SKIPPED
                                          and not f.name.startswith("_"))
        out.append(kind.__name__ + "(")
        for name in names:
            out.append(name + "=")
            _feed(getattr(obj, name), out)
        out.append(")")
    else:
        text = repr(obj)
        if " at 0x" in text:
            raise NotCanonicalError(text)
        out.append(f"{kind.__name__}:{text};")


class Slices:
    """Digests of the slices of one knowledge base (memoised per object)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._digests: dict[str, str] = {}
        self._order = {rule_id: i for i, rule_id in enumerate(kb.rules)}
        self._reads: dict[str, tuple[set[str], set[str], set[str]]] = {}
        self._closures: dict[tuple[str, str], tuple[set[str], set[str], set[str],
                                                    set[str]]] = {}
        self._rule_refs: dict[str, tuple[set[str], set[str], set[str]]] = {}
        self._disapplied_by: dict[str, set[str]] | None = None
        self._slices: dict[Any, str] = {}
        self._direct: dict[str, set[str]] = {}      # the facts a condition reads itself

    def _digest(self, node: str, obj: Any) -> str:
        known = self._digests.get(node)
        if known is None:
            text = f"{node}\n{canonical(obj)}"
            known = self._digests[node] = hashlib.sha256(text.encode()).hexdigest()
        return known

    def rules(self, jurisdiction: str, outputs: Iterable[str]) -> tuple[list[Rule],
                                                                         set[str], set[str],
                                                                         set[str]]:
        """The slice of ``outputs``: its rules (in the knowledge base's order), and the
        facts, parameters and outputs they read (outputs included)."""
        rules: set[str] = set()
        facts: set[str] = set()
        params: set[str] = set()
        outs: set[str] = set()
        for name in outputs:
            r, f, p, o = self._closure(jurisdiction, name)
            rules |= r
            facts |= f
            params |= p
            outs |= o
        ordered = sorted((self.kb.rules[r] for r in rules), key=lambda r: self._order[r.id])
        return ordered, facts, params, outs

    def _closure(self, jurisdiction: str, name: str
                 ) -> tuple[set[str], set[str], set[str], set[str]]:
        """The rule ids, facts, parameters and outputs of one output's slice (memoised):
        the ancestors of the output in the dependency graph (:func:`build_graph`: rules
        concluding an output, what their versions read, the rules disapplying them), with
        every version of each rule reached."""
        known = self._closures.get((jurisdiction, name))
        if known is not None:
            return known
        kb = self.kb
        rules: set[str] = set()
        facts: set[str] = set()
        params: set[str] = set()
        outs: set[str] = set()
        todo_outputs = [name]
        todo_rules: list[str] = []
        while todo_outputs or todo_rules:
            if todo_outputs:
                output = todo_outputs.pop()
                if output in outs:
                    continue
                outs.add(output)
                todo_rules += [r.id for r in kb.rules_concluding(jurisdiction, output)]
                continue
            rule_id = todo_rules.pop()
            if rule_id in rules:
                continue
            rules.add(rule_id)
            more_facts, more_params, more_outputs = self._rule_reads(rule_id)
            facts |= more_facts
            params |= more_params
            todo_outputs += sorted(more_outputs)
            todo_rules += sorted(self._disapplying().get(rule_id, ()))
        known = self._closures[(jurisdiction, name)] = (rules, facts, params, outs)
        return known

    def _disapplying(self) -> dict[str, set[str]]:
        """The rules whose versions disapply each rule (by id)."""
        if self._disapplied_by is None:
            found: dict[str, set[str]] = {}
            rules = self.kb.rules.values()
            for rule in rules:
                for version in rule.versions:
                    for dis in version.disapplications:
                        for target in rules:
                            if target.id != rule.id and dis.covers(target.id):
                                found.setdefault(target.id, set()).add(rule.id)
            self._disapplied_by = found
        return self._disapplied_by

    def _rule_reads(self, rule_id: str) -> tuple[set[str], set[str], set[str]]:
        """The facts, parameters and outputs a rule's versions read."""
        known = self._rule_refs.get(rule_id)
        if known is None:
            rule = self.kb.rules[rule_id]
            facts = {rule.selected_by} if rule.selected_by else set()
            params: set[str] = set()
            outputs: set[str] = set()
            for version in rule.versions:
                params |= set(version.parameters.values())
                _sort_refs(version_refs(version), facts, params, outputs)
            known = self._rule_refs[rule_id] = (facts, params, outputs)
        return known

    def digest(self, jurisdiction: str, outputs: Iterable[str], *,
               invariants: Iterable[str] = (), totals: Iterable[str] = ()) -> str:
        """The digest of the slice of ``outputs`` with the invariants ``invariants`` and
        the totality conditions of the outputs ``totals`` (and what these read)."""
        key = (jurisdiction, tuple(sorted(outputs)), tuple(sorted(invariants)),
               tuple(sorted(totals)))
        known = self._slices.get(key)
        if known is None:
            known = self._slices[key] = self._compute(*key)
        return known

    def _compute(self, jurisdiction: str, outputs: tuple[str, ...],
                 invariants: tuple[str, ...], totals: tuple[str, ...]) -> str:
        kb = self.kb
        names, facts, params = set(outputs), set(), set()
        extra: list[tuple[str, Any]] = []
        for inv_id in invariants:
            inv = kb.invariants[inv_id]
            extra.append((f"invariant:{inv_id}", inv))
            f, p, o = self._reads_of(f"invariant:{inv_id}", inv)
            facts |= f
            params |= p
            names |= o
        for name in totals:
            total = kb.total_when.get((jurisdiction, name))
            if total is not None:
                extra.append((f"total:{jurisdiction}.{name}", total))
                f, p, o = self._reads_of(f"total:{jurisdiction}.{name}", total)
                facts |= f
                params |= p
                names |= o
        rules, more_facts, more_params, outs = self.rules(jurisdiction, sorted(names))
        facts |= more_facts
        params |= more_params
        vocabulary = kb.vocabularies[jurisdiction]
        lines = [f"jurisdiction {jurisdiction} holidays {vocabulary.holidays}"]
        lines += [self._digest(f"rule:{r.id}", r) for r in rules]
        for name in sorted(facts):
            entry = vocabulary.facts.get(name)
            lines.append(f"fact {name} " + (self._digest(f"fact:{jurisdiction}.{name}", entry)
                                            if entry is not None else "-"))
        for name in sorted(outs):
            entry = vocabulary.outputs.get(name)
            lines.append(f"output {name} " + (
                self._digest(f"output:{jurisdiction}.{name}", entry)
                if entry is not None else "-"))
        for pid in sorted(params):
            param = kb.parameters.get(pid)
            lines.append(f"parameter {pid} " + (self._digest(f"parameter:{pid}", param)
                                                if param is not None else "-"))
        lines += [f"{node} {self._digest(node, obj)}" for node, obj in extra]
        for inv_id in sorted(kb.invariants):        # plausibility constraints
            inv = kb.invariants[inv_id]
            if not getattr(inv, "assumption", False) or inv.jurisdiction != jurisdiction:
                continue
            read, _, _ = self._reads_of(f"invariant:{inv_id}", inv)
            if not self._direct[f"invariant:{inv_id}"] or read & facts:
                lines.append(f"assumption {inv_id} {self._digest(f'invariant:{inv_id}', inv)}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def _reads_of(self, node: str, obj: Any) -> tuple[set[str], set[str], set[str]]:
        """The facts, parameters and outputs an invariant or a condition reads (with the
        facts of the outputs' slices)."""
        known = self._reads.get(node)
        if known is not None:
            return known
        typed = [t for _, t in getattr(obj, "lets", ())]
        typed += [t for t in (getattr(obj, "when", None), getattr(obj, "holds", None))
                  if t is not None]
        facts: set[str] = set()
        params: set[str] = set(getattr(obj, "parameters", {}).values())
        outs: set[str] = set()
        for t in typed:
            _sort_refs(iter_refs(t.expr), facts, params, outs)
        self._direct[node] = set(facts)
        if outs:
            jurisdiction = obj.jurisdiction if hasattr(obj, "jurisdiction") else \
                node.partition(":")[2].partition(".")[0]
            _, more, _, _ = self.rules(jurisdiction, sorted(outs))
            facts |= more
        self._reads[node] = (facts, params, outs)
        return facts, params, outs


def _sort_refs(refs: Iterable[Any], facts: set[str], params: set[str],
               outputs: set[str]) -> None:
    """Add each reference's target to the set of its kind (other kinds are left out)."""
    into = {"fact": facts, "parameter": params, "output": outputs}
    for ref in refs:
        found = into.get(ref.kind)
        if found is not None:
            found.add(ref.target)
