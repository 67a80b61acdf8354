"""Stage 4 (evaluate): the ``events:`` of a case file, checked against their types.

Each event is read against the event type the vocabulary declares: an unknown type or
field, a missing required field or a value of the wrong type is LX440 at the event; dates
that cannot come in that order (a certificate received before it was sent, a decision
notified before its request, a birth after the maternity incapacity ended) are LX441 at the
later field.  The ``parameters:`` of a case (values of parameters the sources leave
unknown, issue 13 §6) are read here too (LX443).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..calendar.dates import parse_date
from ..compile.events_model import Event, EventType
from ..compile.model import UNKNOWN, Act, KnowledgeBase, Parameter, ParameterValue
from ..compile.parameter_values import convert_parameter_value
from ..diagnostics import Diagnostic, error
from ..load.yaml_source import PathKey, SourceDocument
from .values import ValueProblemError, from_written

#: The "act" of a value a case gives: explanations print it after the value's date.
CASE_ACT = Act("given by the case (the sources leave this value unknown)", date(1900, 1, 1))

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_RESERVED = ("type", "id", "note")


def read_events(doc: SourceDocument, base: PathKey, raw: list[Any], kb: KnowledgeBase,
                jurisdiction: str) -> tuple[tuple[Event, ...], list[Diagnostic]]:
    types = kb.event_types.get(jurisdiction, {})
    problems: list[Diagnostic] = []
    events: list[Event] = []
    for i, item in enumerate(raw):
        path: PathKey = (*base, "events", i)
        event = _read_event(doc, path, i + 1, item, types, problems)
        if event is not None:
            events.append(event)
    if problems:
        return (), problems
    ids: dict[str, Event] = {}
    for event in events:
        if event.id is None:
            continue
        if event.id in ids:
            problems.append(error("LX440", f"two events have the id {event.id!r}",
                                  event.field_spans.get("id", event.span),
                                  related=[("the other event", ids[event.id].span)],
                                  hint="give each event its own id"))
        ids[event.id] = event
    for event in events:
        etype = types[event.type]
        for name, field in etype.fields.items():
            if field.type.kind != "event" or name not in event.values:
                continue
            target = ids.get(event.values[name])
            if target is None or target.type != field.of:
                problems.append(error(
                    "LX440", f"event {event.number} ({event.type}): {name} names "
                    f"{event.values[name]!r}, which is not the id of a {field.of} event",
                    event.field_spans[name],
                    expected=f"the id of a {field.of} event of this case",
                    hint="give the other event an id: and write that id here"))
    if problems:
        return (), problems
    for event in events:
        problems += _check_order(event, types[event.type], ids)
    return tuple(events), problems


def _read_event(doc: SourceDocument, path: PathKey, number: int, item: dict[str, Any],
                types: dict[str, EventType], problems: list[Diagnostic]) -> Event | None:
    name = item["type"]
    etype = types.get(name)
    span = doc.span_at(path)
    if etype is None:
        import difflib  # (a misspelt name only)
        close = difflib.get_close_matches(name, list(types), n=1, cutoff=0.6)
        problems.append(error(
            "LX440", f"event {number}: unknown event type {name!r}",
            doc.span_at((*path, "type")), expected="one of: " + ", ".join(sorted(types)),
            hint=f"did you mean {close[0]!r}?" if close else
            "the event types are declared under events: in the vocabulary"))
        return None
    values: dict[str, Any] = {}
    spans = {key: doc.span_at((*path, key)) for key in item}
    before = len(problems)
    for key, written in item.items():
        if key in _RESERVED:
            continue
        field = etype.fields.get(key)
        if field is None:
            import difflib  # (a misspelt name only)
            close = difflib.get_close_matches(key, list(etype.fields), n=1, cutoff=0.6)
            problems.append(error(
                "LX440", f"event {number} ({name}): {key!r} is not a field of the event "
                f"type {name!r}",
                doc.span_at((*path, key), key=True),
                expected="one of: " + ", ".join(etype.fields),
                hint=f"did you mean {close[0]!r}?" if close else None))
            continue
        kind = field.type.kind
        try:
            if kind == "time":
                if not (isinstance(written, str) and _TIME.match(written)):
                    raise ValueProblemError(f"expected a time HH:MM, found {written!r}",
                                            "write the time as 09:30 (quoted)")
                value: Any = written
            elif kind in ("text", "event"):
                if not isinstance(written, str):
                    raise ValueProblemError(f"expected words, found {written!r}")
                value = written
            else:
                value = from_written(written, field.type)
        except ValueProblemError as exc:
            problems.append(error("LX440", f"event {number} ({name}): {key}: {exc.message}",
                                  spans[key], expected=f"a {field.type}", hint=exc.hint))
            continue
        values[key] = value
    for fname, field in etype.fields.items():
        if field.required and fname not in item:
            problems.append(error(
                "LX440", f"event {number} ({name}) does not give {fname!r}", span,
                expected=f"{fname}: ({field.type}) — "
                + (field.description.get("en") or field.description["fr"])))
    if len(problems) != before:
        return None
    return Event(number, name, item.get("id"), values, span, spans)


def _resolve(event: Event, path: str, ids: dict[str, Event]) -> date | None:
    head, _, rest = path.partition(".")
    if not rest:
        value = event.values.get(head)
    else:
        target = ids.get(event.values.get(head, ""))
        value = target.values.get(rest) if target else None
    return value if isinstance(value, date) else None


def _check_order(event: Event, etype: EventType, ids: dict[str, Event]) -> list[Diagnostic]:
    out = []
    for constraint in etype.order:
        first, then = _resolve(event, constraint.first, ids), _resolve(event, constraint.then, ids)
        if first is None or then is None or first <= then:
            continue
        words = constraint.message.get("en") or constraint.message["fr"]
        field = constraint.then.partition(".")[0]
        other = constraint.first.partition(".")[0]
        out.append(error(
            "LX441", f"event {event.number} ({event.type}): {words} "
            f"({constraint.first} {first}, {constraint.then} {then})",
            event.field_spans.get(field, event.span),
            related=[(constraint.first, event.field_spans.get(other, event.span))],
            hint="correct one of the two dates"))
    return out


# ------------------------------------------------------------- case parameters

def read_case_parameters(doc: SourceDocument, base: PathKey, raw: dict[str, Any],
                         kb: KnowledgeBase, jurisdiction: str
                         ) -> tuple[dict[str, Parameter], list[Diagnostic]]:
    """Parameters whose value the sources leave unknown, as the case gives them: each a copy
    of the knowledge base's parameter with the case's values on the unknown dates."""
    out: dict[str, Parameter] = {}
    problems: list[Diagnostic] = []
    for pid, values in raw.items():
        path: PathKey = (*base, "parameters", pid)
        param = kb.parameters.get(pid)
        if param is None or param.jurisdiction != jurisdiction:
            import difflib  # (a misspelt name only)
            close = difflib.get_close_matches(pid, list(kb.parameters), n=1)
            problems.append(error("LX443", f"unknown parameter {pid!r}",
                                  doc.span_at(path, key=True),
                                  hint=f"did you mean {close[0]!r}?" if close else
                                  "the parameters are defined under rules/<jurisdiction>/"
                                  "parameters/"))
            continue
        given: list[ParameterValue] = []
        for i, item in enumerate(values):
            start = parse_date(item["from"])
            known = param.value_on(start)
            span = doc.span_at((*path, i))
            if known is None or known.value is not UNKNOWN:
                problems.append(error(
                    "LX443", f"{pid}: the sources give its value on {start}"
                    if known is not None and known.value is not None else
                    f"{pid} is not in force on {start}", span,
                    hint="a case may only give a parameter on dates where the knowledge base "
                         "says value: unknown; to change the law, write a reform"))
                continue
            written = item["value"]
            if param.type.kind == "duration" and isinstance(written, int) and param.unit:
                converted = convert_parameter_value(written, param.type, param.unit)
                value: Any = converted[0] if isinstance(converted, tuple) else None
            else:
                try:
                    value = from_written(written, param.type)
                except ValueProblemError as exc:
                    problems.append(error("LX443", f"{pid}: {exc.message}",
                                          doc.span_at((*path, i, "value")),
                                          expected=f"a {param.type}", hint=exc.hint))
                    continue
            given.append(ParameterValue(start, value, CASE_ACT, span))
        if given:
            merged = sorted([*param.values, *given], key=lambda v: v.start)
            out[pid] = Parameter(param.id, param.jurisdiction, param.title, param.type,
                                 param.unit, param.citation, _dedupe(merged), param.span)
    return out, problems


def _dedupe(values: list[ParameterValue]) -> tuple[ParameterValue, ...]:
    """Keep the case's value where it starts on the same day as the unknown one."""
    out: dict[date, ParameterValue] = {}
    for value in values:
        if value.start not in out or value.amended_by is CASE_ACT:
            out[value.start] = value
    return tuple(out[d] for d in sorted(out))
