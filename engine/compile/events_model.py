"""The IR of events and of the rules that derive facts from them (leaf module).

A case may be written as a timeline of events, one per real happening (an incapacity, a
certificate, a letter, a decision ...).  Each event has a type declared in the vocabulary
(:class:`EventType`) with typed fields.  The facts that rules read are derived from the
events by derivation rules of the knowledge base (:class:`Derivation`), versioned and cited
like every rule, so that the law of the date decides the legal qualification of a neutral
happening (a part-time resumption of work is a mi-temps thérapeutique under the law before
2019 and a progressive return to work from 2019).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..diagnostics import Span
from .model import Act, Citation, InForce, SourceRef, Type, Typed

#: Types an event field may have: the scalar types of facts, plus ``time`` (HH:MM), ``text``
#: (free words) and ``event`` (the ``id`` of another event of the case, of type ``of``).
EVENT_FIELD_KINDS = ("boolean", "integer", "decimal", "percentage", "money", "date",
                     "duration", "enum", "time", "text", "event")

#: How the contributions of several events to one fact combine.
COMBINE_MODES = ("periods", "earliest", "latest", "only", "any", "open")


@dataclass(frozen=True, slots=True)
class EventField:
    name: str
    type: Type
    of: str | None             # for an event reference: the referenced event type
    required: bool
    description: dict[str, str]
    span: Span


@dataclass(frozen=True, slots=True)
class OrderConstraint:
    """``first`` must not be later than ``then`` (each a field, or ``ref.field`` through an
    event reference); a case where it is later is contradictory (LX441)."""

    first: str
    then: str
    message: dict[str, str]
    span: Span


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    jurisdiction: str
    description: dict[str, str]
    fields: dict[str, EventField]
    date_field: str                     # the field that dates the event
    period: tuple[str, str] | None      # first-day and last-day fields (last may be open)
    order: tuple[OrderConstraint, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Event:
    """One happening of a case: its 1-based number in the timeline, type and field values."""

    number: int
    type: str
    id: str | None
    values: dict[str, Any]
    span: Span
    field_spans: dict[str, Span]

    def anchor(self, event_type: EventType) -> date | None:
        value = self.values.get(event_type.date_field)
        return value if isinstance(value, date) else None


@dataclass(frozen=True, slots=True)
class DeriveItem:
    """One fact derived from events of the given types, under a condition."""

    fact: str
    fact_type: Type
    events: tuple[str, ...]
    where_by_type: dict[str, Typed]     # the condition, compiled for each event type
    combine: str                        # one of COMBINE_MODES
    value_by_type: dict[str, Typed]     # for earliest / latest / only
    minus: tuple[str, ...]              # for periods: facts whose days are taken out
    span: Span
    period: tuple[str, str] | None = None   # for periods: other fields than the type's period
    open_question: str | None = None    # combine: open — why the sources do not settle it


@dataclass(frozen=True, slots=True)
class DerivationVersion(InForce):
    rule_id: str
    valid_from: date
    valid_until: date | None            # exclusive
    amended_by: Act | None
    valid_from_basis: str
    sources: tuple[SourceRef, ...]
    notes: str | None
    items: tuple[DeriveItem, ...]
    span: Span
    citation: Citation | None = None    # where this version's text stands, if not the rule's



@dataclass(frozen=True, slots=True)
class Derivation:
    id: str
    jurisdiction: str
    citation: Citation
    title: dict[str, str]
    authority: str
    by_event_date: bool        # each event is qualified by the version in force on its date
    versions: tuple[DerivationVersion, ...]
    file: str
    span: Span

    def version_on(self, day: date) -> DerivationVersion | None:
        for version in self.versions:
            if version.in_force_on(day):
                return version
        return None

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(item.fact for v in self.versions for item in v.items)
