"""Stage 3 (compile): invariant files (``rules/<jurisdiction>/invariants/*.yaml``).

An invariant is a property over facts, outputs and parameters that must hold for every
case and every as-of date between ``from`` and ``until``: "the opposition period of CSS
art. 47 equals the appeal period of L.121-6 (3)", "a later version never shortens X".
Each states the sources it rests on and ``why`` it must hold.  Its expressions are parsed
and type-checked like a rule's (same scope: facts, outputs, parameter short names,
``let``); ``lexlux verify`` proves it with Z3 or gives a witness (``verify/invariants.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..calendar.dates import parse_date
from ..diagnostics import Diagnostic, Span, error
from ..load.yaml_source import SourceDocument
from .model import BOOLEAN, KnowledgeBase, SourceRef, Typed


@dataclass(frozen=True)
class Invariant:
    id: str                                  # <jurisdiction>.<file stem>.<name>
    jurisdiction: str
    title: dict[str, str]
    why: str
    sources: tuple[SourceRef, ...]
    start: Any                               # date: first as-of date
    end: Any                                 # date | None: last as-of date
    parameters: dict[str, str]               # short name -> parameter id
    lets: tuple[tuple[str, Typed], ...]
    when: Typed | None
    holds: Typed
    file: str
    span: Span
    assumption: bool = False        # a plausibility constraint on facts, not a property

    @property
    def name(self) -> str:
        return self.id.rsplit(".", 1)[1]

    @property
    def citation(self) -> str:
        lines = "; ".join(f"{s.file} lines {s.first_line}-{s.last_line}" for s in self.sources)
        return f"invariant {self.id} — {self.title.get('en') or self.title['fr']}" + (
            f" — source {lines}" if lines else "")


def build_invariants(doc: SourceDocument, kb: KnowledgeBase) -> list[Diagnostic]:
    """Compile the invariants of ``doc`` into ``kb.invariants``; the problems found."""
    # not imported with Invariant: a cached knowledge base is read without the compiler
    from .from_source import RuleBuilder
    from .typecheck import Scope
    data = doc.data
    jurisdiction = data["jurisdiction"]
    vocabulary = kb.vocabularies.get(jurisdiction)
    if vocabulary is None:
        return [error("LX301", f"no vocabulary for the jurisdiction {jurisdiction!r}",
                      doc.span_at(("jurisdiction",)),
                      hint=f"invariants speak of the outputs of rules/{jurisdiction}/")]
    stem = PurePosixPath(doc.path).stem
    diagnostics: list[Diagnostic] = []
    entries = [("invariants", n, r) for n, r in data.get("invariants", {}).items()] + \
        [("assumptions", n, r) for n, r in data.get("assumptions", {}).items()]
    for section, name, raw in entries:
        builder = RuleBuilder(doc, kb)
        base = (section, name)
        scope = Scope(vocabulary, kb.parameters,
                      where={e.name: e.span for e in (*vocabulary.facts.values(),
                                                      *vocabulary.outputs.values())})
        for alias, param_id in raw.get("parameters", {}).items():
            if param_id not in kb.parameters:
                import difflib
                close = difflib.get_close_matches(param_id, list(kb.parameters), n=1)
                builder.diagnostics.append(error(
                    "LX302", f"unknown parameter {param_id!r}",
                    doc.span_at((*base, "parameters", alias)),
                    hint=f"did you mean {close[0]!r}?" if close else
                    "define it in a file under rules/<jurisdiction>/parameters/"))
                scope.broken.add(alias)
            else:
                scope.aliases[alias] = param_id
        lets: list[tuple[str, Typed]] = []
        for let_name, text in raw.get("let", {}).items():
            typed = builder.expr((*base, "let", let_name), text, scope)
            if typed is None:
                scope.broken.add(let_name)
                continue
            lets.append((let_name, typed))
            scope.locals[let_name] = typed.type
            scope.where[let_name] = doc.span_at((*base, "let", let_name), key=True)
        when = builder.expr((*base, "when"), raw["when"], scope, BOOLEAN,
                            "'when' says which cases the invariant speaks of") \
            if "when" in raw else None
        holds = builder.expr((*base, "holds"), raw["holds"], scope, BOOLEAN,
                             "'holds' is the property: a condition")
        start = parse_date(raw.get("from", "1990-01-01"))
        end = parse_date(raw["until"]) if "until" in raw else None
        if section == "assumptions" and holds is not None:
            outputs = sorted(_outputs_read(holds.expr))
            if outputs:
                builder.diagnostics.append(error(
                    "LX336", f"the assumption {name!r} reads the output {outputs[0]!r}",
                    doc.span_at((*base, "holds")), expected="a condition on facts only",
                    hint="an assumption says which cases are plausible; a property of the "
                         "rules' answers is an invariant"))
        if end is not None and end < start:
            builder.diagnostics.append(error(
                "LX336", f"the invariant {name!r} ends ({end}) before it starts ({start})",
                doc.span_at((*base, "until")), expected=f"a date on or after {start}"))
        diagnostics += builder.diagnostics
        if builder.diagnostics or builder.failed or holds is None:
            continue
        inv_id = f"{jurisdiction}.{stem}.{name}"
        if inv_id in kb.invariants:
            diagnostics.append(error("LX306", f"the invariant {inv_id!r} is defined twice",
                                     doc.span_at(base, key=True),
                                     related=[("first defined here",
                                               kb.invariants[inv_id].span)]))
            continue
        kb.invariants[inv_id] = Invariant(
            inv_id, jurisdiction, raw["title"], raw["why"],
            builder.sources(base, raw["source"]) if "source" in raw else (), start, end,
            dict(scope.aliases), tuple(lets), when, holds, doc.path,
            doc.span_at(base, key=True), section == "assumptions")
    return diagnostics


def _outputs_read(expr: Any) -> set[str]:
    from .model import Ref
    if isinstance(expr, Ref):
        return {expr.target} if expr.kind == "output" else set()
    import dataclasses
    found: set[str] = set()
    for f in dataclasses.fields(expr):
        value = getattr(expr, f.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if hasattr(item, "span") and not isinstance(item, Span):
                found |= _outputs_read(item)
    return found


@dataclass(frozen=True)
class TotalCondition:
    """``total: {when, why}`` of an output: the cases in which the law must answer."""
    output: str
    when: Typed
    why: str
    span: Span


def build_total_conditions(doc: SourceDocument, kb: KnowledgeBase) -> list[Diagnostic]:
    """Type-check the ``total: {when}`` conditions of a vocabulary file (after every
    vocabulary file is merged) into ``kb.total_when``."""
    from .from_source import RuleBuilder
    from .typecheck import Scope
    data = doc.data
    vocabulary = kb.vocabularies.get(data["jurisdiction"])
    if vocabulary is None:
        return []
    diagnostics: list[Diagnostic] = []
    for name, raw in data.get("outputs", {}).items():
        total = raw.get("total")
        if not isinstance(total, dict):
            continue
        builder = RuleBuilder(doc, kb)
        scope = Scope(vocabulary, kb.parameters)
        when = builder.expr(("outputs", name, "total", "when"), total["when"], scope, BOOLEAN,
                            "'total: when' says in which cases the law must answer")
        diagnostics += builder.diagnostics
        if when is not None:
            kb.total_when[(vocabulary.jurisdiction, name)] = TotalCondition(
                name, when, total["why"], doc.span_at(("outputs", name, "total"), key=True))
    return diagnostics
