"""Stage 3 (compile): event types (from the vocabulary) and derivation rules.

Event types are declared under ``events:`` in a vocabulary file; their declarations are
checked here (LX360: a ``date``, ``period`` or ``order`` naming a field the type does not
have, or a field of the wrong type).  Derivation rules (``rules/<j>/derivations/*.yaml``)
are compiled and type-checked (LX361 for their structure; conditions and values are
expressions of the rule language on the event's fields, checked with the same type checker
as rules: LX301-LX304).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import PurePosixPath
from typing import Any

from ..calendar.dates import parse_date
from ..diagnostics import Diagnostic, Span, error
from ..load.yaml_source import PathKey, SourceDocument
from .events_model import (
    Derivation,
    DerivationVersion,
    DeriveItem,
    EventField,
    EventType,
    OrderConstraint,
)
from .from_source import RuleBuilder, build_act, build_citation
from .model import BOOLEAN, PERIODS, KnowledgeBase, Type, Typed, Vocabulary, VocabularyEntry
from .typecheck import Scope

#: A field of type ``time`` or ``text`` or ``event`` is read in conditions as a text.
_SCALAR_FOR_EXPR = {"time": "string", "text": "string", "event": "string"}


def build_event_types(doc: SourceDocument) -> tuple[list[EventType], list[Diagnostic]]:
    """The event types a vocabulary file declares, with their declaration problems."""
    data = doc.data
    out: list[EventType] = []
    problems: list[Diagnostic] = []
    for name, raw in (data.get("events") or {}).items():
        base: PathKey = ("events", name)
        fields: dict[str, EventField] = {}
        for fname, fraw in raw["fields"].items():
            ftype = Type(fraw["type"], tuple(fraw.get("values", ())))
            span = doc.span_at((*base, "fields", fname), key=True)
            if ftype.kind == "enum" and not ftype.values:
                problems.append(error("LX360", f"the enum field {name}.{fname} has no values",
                                      span, expected="values: [a, b, ...]"))
            if ftype.kind == "event" and "of" not in fraw:
                problems.append(error("LX360", f"the event reference {name}.{fname} needs "
                                      "'of' (the type of the event it names)", span,
                                      expected="of: request"))
            fields[fname] = EventField(fname, ftype, fraw.get("of"), bool(fraw.get("required")),
                                       fraw["description"], span)
        date_field = raw["date"]
        if fields.get(date_field) is None or fields[date_field].type.kind != "date":
            problems.append(error("LX360", f"the event type {name!r} is dated by "
                                  f"{date_field!r}, which is not one of its date fields",
                                  doc.span_at((*base, "date")),
                                  expected="one of: " + ", ".join(
                                      f for f, e in fields.items() if e.type.kind == "date")))
        period = tuple(raw["period"]) if "period" in raw else None
        if period is not None:
            for i, fname in enumerate(period):
                if fields.get(fname) is None or fields[fname].type.kind != "date":
                    problems.append(error("LX360", f"the period of {name!r} names {fname!r}, "
                                          "which is not one of its date fields",
                                          doc.span_at((*base, "period", i)),
                                          expected="[first-day field, last-day field]"))
        order = []
        for i, oraw in enumerate(raw.get("order", ())):
            for key in ("first", "then"):
                head, _, rest = oraw[key].partition(".")
                field = fields.get(head)
                ok = field is not None and (field.type.kind == "date" if not rest
                                            else field.type.kind == "event")
                if not ok:
                    problems.append(error(
                        "LX360", f"the order constraint of {name!r} names {oraw[key]!r}, "
                        "which is not a date field (or reference.field) of the event",
                        doc.span_at((*base, "order", i, key)),
                        expected="a date field, or a field of type event followed by "
                                 ".date_field"))
            order.append(OrderConstraint(oraw["first"], oraw["then"], oraw["message"],
                                         doc.span_at((*base, "order", i))))
        out.append(EventType(name, data["jurisdiction"], raw["description"], fields, date_field,
                             (period[0], period[1]) if period else None, tuple(order),
                             doc.span_at(base, key=True)))
    return out, problems


def check_event_references(kb: KnowledgeBase) -> list[Diagnostic]:
    """Event references name declared event types; ``ref.field`` names a date field."""
    out: list[Diagnostic] = []
    for types in kb.event_types.values():
        for etype in types.values():
            for field in etype.fields.values():
                if field.type.kind == "event" and field.of not in types:
                    out.append(error("LX360", f"{etype.name}.{field.name} refers to the event "
                                     f"type {field.of!r}, which is not declared", field.span,
                                     expected="one of: " + ", ".join(sorted(types))))
            for constraint in etype.order:
                for path in (constraint.first, constraint.then):
                    head, _, rest = path.partition(".")
                    ref = etype.fields.get(head)
                    if not rest or ref is None or ref.of is None or ref.of not in types:
                        continue
                    target = types[ref.of].fields.get(rest)
                    if target is None or target.type.kind != "date":
                        out.append(error("LX360", f"{path!r}: the event type {ref.of!r} has "
                                         f"no date field {rest!r}", constraint.span))
    return out


# ----------------------------------------------------------------- derivations

def expected_derivation_id(display_path: str) -> str | None:
    parts = PurePosixPath(display_path).with_suffix("").parts
    if "derivations" not in parts or parts.index("derivations") < 1:
        return None
    at = parts.index("derivations")
    return ".".join(parts[at - 1:])


def _fields_vocabulary(etype: EventType, file: str) -> Vocabulary:
    """The event's fields as the names an expression on one event may read."""
    facts = {}
    for name, field in etype.fields.items():
        kind = _SCALAR_FOR_EXPR.get(field.type.kind, field.type.kind)
        facts[name] = VocabularyEntry(name, "fact", Type(kind, field.type.values),
                                      field.description, None, None, False, field.span)
    return Vocabulary(etype.jurisdiction, facts, {}, etype.jurisdiction.upper(), file)


class DerivationBuilder(RuleBuilder):
    def build_derivation(self) -> Derivation | None:
        data = self.doc.data
        jurisdiction = data["jurisdiction"]
        vocabulary = self.kb.vocabularies.get(jurisdiction)
        types = self.kb.event_types.get(jurisdiction, {})
        if vocabulary is None:
            self.diagnostics.append(error("LX301", f"no vocabulary for the jurisdiction "
                                          f"{jurisdiction!r}", self.doc.span_at(("jurisdiction",))))
            return None
        expected = expected_derivation_id(self.doc.path)
        if expected is not None and data["id"] != expected:
            self.diagnostics.append(error(
                "LX305", f"the derivation id {data['id']!r} does not match the file's place",
                self.doc.span_at(("id",)), expected=expected,
                hint="the id mirrors the path: rules/lu/derivations/x.yaml is lu.derivations.x"))
        versions: list[DerivationVersion] = []
        for index, raw in enumerate(data["versions"]):
            version = self.derivation_version(index, raw, vocabulary, types)
            if version is not None:
                versions.append(version)
        if len(versions) != len(data["versions"]):
            return None
        for i, (before, after) in enumerate(pairwise(versions)):
            if after.valid_from <= before.valid_from:
                self.diagnostics.append(error(
                    "LX307", f"version {i + 2} of {data['id']} starts on {after.valid_from}, "
                    f"not after version {i + 1} ({before.valid_from})", after.span,
                    expected="versions listed in order of valid_from"))
                return None
        ended = tuple(
            DerivationVersion(v.rule_id, v.valid_from,
                              versions[i + 1].valid_from if i + 1 < len(versions) else None,
                              v.amended_by, v.valid_from_basis, v.sources, v.notes, v.items,
                              v.span, v.citation)
            for i, v in enumerate(versions))
        return Derivation(data["id"], jurisdiction, build_citation(data["citation"]),
                          data["title"], data["authority"],
                          data.get("selected_by", "event_date") == "event_date", ended,
                          self.doc.path, self.doc.span_at(("id",)))

    def derivation_version(self, index: int, raw: dict[str, Any], vocabulary: Vocabulary,
                           types: dict[str, EventType]) -> DerivationVersion | None:
        base: PathKey = ("versions", index)
        before = len(self.diagnostics)
        items = [self.item((*base, "derive", i), item, vocabulary, types)
                 for i, item in enumerate(raw["derive"])]
        if len(self.diagnostics) != before or self.failed or any(i is None for i in items):
            return None
        if "amended_by" not in raw and raw.get("valid_from_basis") != "horizon":
            self.diagnostics.append(error(
                "LX361", "a version needs amended_by, unless valid_from_basis is horizon",
                self.doc.span_at(base), expected="amended_by: {act: ..., date: ...}"))
            return None
        return DerivationVersion(
            self.doc.data["id"], parse_date(raw["valid_from"]), None,
            build_act(raw["amended_by"]) if "amended_by" in raw else None,
            raw.get("valid_from_basis", "stated"), self.sources(base, raw["source"]),
            raw.get("notes"), tuple(i for i in items if i is not None), self.doc.span_at(base),
            build_citation(raw["citation"]) if "citation" in raw else None)

    def item(self, path: PathKey, raw: dict[str, Any], vocabulary: Vocabulary,
             types: dict[str, EventType]) -> DeriveItem | None:
        name = raw["fact"]
        entry = vocabulary.facts.get(name)
        if entry is None:
            hint = (f"{name!r} is an output: rules conclude outputs, derivations give facts"
                    if name in vocabulary.outputs else
                    f"declare it under facts: in the vocabulary of {vocabulary.jurisdiction!r}")
            self.diagnostics.append(error("LX301", f"unknown fact {name!r}",
                                          self.doc.span_at((*path, "fact")), hint=hint))
            return None
        combine = raw["combine"]
        wanted = {"periods": "periods", "any": "boolean", "earliest": "date",
                  "latest": "date"}.get(combine)
        if wanted is not None and entry.type.kind != wanted:
            self.diagnostics.append(error(
                "LX361", f"combine: {combine} gives a {wanted}, but {name!r} is a {entry.type}",
                self.doc.span_at((*path, "combine")),
                expected=f"a {entry.type.kind} fact" if wanted is None else
                f"a {wanted} fact", hint="periods for periods facts, any for booleans, "
                "earliest/latest for dates, only for any single value"))
            return None
        if (combine == "open") != ("open_question" in raw):
            self.diagnostics.append(error(
                "LX361", "combine: open needs open_question: (why the sources leave the fact "
                "unsettled), and only combine: open takes one",
                self.doc.span_at((*path, "combine"))))
            return None
        if ("value" in raw) != (combine in ("earliest", "latest", "only")):
            self.diagnostics.append(error(
                "LX361", f"combine: {combine} " + ("needs a value: (an expression on the "
                                                   "event's fields)" if "value" not in raw
                                                   else "takes no value:"),
                self.doc.span_at((*path, "combine"))))
            return None
        for key in ("minus", "period"):
            if key in raw and combine != "periods":
                self.diagnostics.append(error("LX361", f"{key}: is only for combine: periods",
                                              self.doc.span_at((*path, key))))
                return None
        for i, other in enumerate(raw.get("minus", ())):
            other_entry = vocabulary.facts.get(other)
            if other_entry is None or other_entry.type != PERIODS:
                self.diagnostics.append(error("LX361", f"minus: {other!r} is not a periods fact",
                                              self.doc.span_at((*path, "minus", i))))
                return None
        wheres: dict[str, Typed] = {}
        values: dict[str, Typed] = {}
        for i, ename in enumerate(raw["from_events"]):
            etype = types.get(ename)
            if etype is None:
                import difflib
                close = difflib.get_close_matches(ename, list(types), n=1)
                self.diagnostics.append(error(
                    "LX361", f"unknown event type {ename!r}",
                    self.doc.span_at((*path, "from_events", i)),
                    expected="an event type declared under events: in the vocabulary",
                    hint=f"did you mean {close[0]!r}?" if close else None))
                return None
            if combine == "periods" and etype.period is None and "period" not in raw:
                self.diagnostics.append(error(
                    "LX361", f"the event type {ename!r} does not last (no period:), so it "
                    "cannot give periods", self.doc.span_at((*path, "from_events", i)),
                    hint="name the first-day and last-day fields: period: [start, end]"))
                return None
            for j, fname in enumerate(raw.get("period", ())):
                field = etype.fields.get(fname)
                if field is None or field.type.kind != "date":
                    self.diagnostics.append(error(
                        "LX361", f"period: {fname!r} is not a date field of {ename!r}",
                        self.doc.span_at((*path, "period", j))))
                    return None
            scope = Scope(_fields_vocabulary(etype, self.doc.path), {})
            if "where" in raw:
                where = self.expr((*path, "where"), raw["where"], scope, BOOLEAN,
                                  "'where' is a condition on the event's fields")
                if where is None:
                    return None
                wheres[ename] = where
            if "value" in raw:
                value = self.expr((*path, "value"), raw["value"], scope, entry.type,
                                  f"{name} is declared as {entry.type} in {entry.span}")
                if value is None:
                    return None
                values[ename] = value
        period = raw.get("period")
        return DeriveItem(name, entry.type, tuple(raw["from_events"]), wheres, combine, values,
                          tuple(raw.get("minus", ())), self.doc.span_at(path),
                          (period[0], period[1]) if period else None, raw.get("open_question"))


def build_derivation(doc: SourceDocument, kb: KnowledgeBase
                     ) -> tuple[Derivation | None, list[Diagnostic]]:
    builder = DerivationBuilder(doc, kb)
    derivation = builder.build_derivation()
    return derivation, builder.diagnostics


def check_derivations(kb: KnowledgeBase) -> list[Diagnostic]:
    """Two derivation rules (or items) of one fact must combine it the same way."""
    out: list[Diagnostic] = []
    seen: dict[tuple[str, str], tuple[str, Span]] = {}
    for derivation in kb.derivations.values():
        for version in derivation.versions:
            for item in version.items:
                if item.combine == "open":
                    continue
                key = (derivation.jurisdiction, item.fact)
                first = seen.setdefault(key, (item.combine, item.span))
                if first[0] != item.combine:
                    out.append(error(
                        "LX361", f"{item.fact!r} is derived with combine: {item.combine} here "
                        f"and combine: {first[0]} elsewhere", item.span,
                        related=[("the other derivation", first[1])],
                        hint="one fact, one way of combining the events"))
    return out


def event_sources_of_facts(kb: KnowledgeBase, jurisdiction: str
                           ) -> dict[str, list[tuple[str, str]]]:
    """For each fact some derivation gives: the (event type, derivation id) pairs it can come
    from, in a stable order (for questionnaires that group the missing facts by event)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for derivation in sorted(kb.derivations.values(), key=lambda d: d.id):
        if derivation.jurisdiction != jurisdiction:
            continue
        for version in derivation.versions:
            for item in version.items:
                for event in item.events:
                    pair = (event, derivation.id)
                    if pair not in out.setdefault(item.fact, []):
                        out[item.fact].append(pair)
    return out
