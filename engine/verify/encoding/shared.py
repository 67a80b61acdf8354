"""Stage 5 (verify): what the encodings of one query share (the case's facts, the
calendar, the rules of each output) and small typing helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from ...calendar.dates import to_day_number
from ...compile.model import KnowledgeBase, Rule, RuleVersion, Type
from .calendar_terms import Calendar
from .facts import FactVars, Interner, vocabulary_values
from .fast_terms import and_all, ge, lt
from .terms import NotEncodable


@dataclass
class Shared:
    """What the encodings of one query share: the case's facts and the calendar."""

    kb: KnowledgeBase
    jurisdiction: str
    #: (one without codes is given the knowledge base's enum values in sorted order:
    #: facts.Interner)
    interner: Interner = field(default_factory=Interner)
    calendar: Calendar = field(default_factory=Calendar)
    facts: FactVars = field(init=False)

    #: the rules concluding each output, found on first use (a run whose checks all come
    #: from the cache builds no dependency graph)
    by_output: dict[str, list[Rule]] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if not self.interner.codes:
            self.interner.seed(vocabulary_values(self.kb, self.jurisdiction))
        self.facts = FactVars(self.kb.vocabularies[self.jurisdiction], self.interner)

    def concluding(self, name: str) -> list[Rule]:
        if self.by_output is None:
            self.by_output = rules_by_output(self.kb, self.jurisdiction)
        return self.by_output.get(name, [])


def rules_by_output(kb: KnowledgeBase, jurisdiction: str) -> dict[str, list[Rule]]:
    """The rules concluding each output (the version → output edges of the dependency
    graph, read from the rules without building it), in the knowledge base's order (the
    evaluator's)."""
    found: dict[str, list[Rule]] = {}
    for rule in kb.rules.values():
        if rule.jurisdiction != jurisdiction:
            continue
        for name in dict.fromkeys(c.output for v in rule.versions for c in v.conclusions):
            found.setdefault(name, []).append(rule)
    return found


def value_sorts(vtype: Type) -> tuple[Any, ...]:
    kind = vtype.kind
    if kind == "boolean":
        return (z3.BoolSort(),)
    if kind in ("decimal", "percentage", "money"):
        return (z3.RealSort(),)
    if kind in ("prohibition", "right"):
        return (z3.IntSort(), z3.IntSort())
    if kind == "timeline" and vtype.of is not None:
        from .timelines import timeline_sorts  # abstraction timeline_horizon
        return timeline_sorts(value_sorts(vtype.of))
    if kind in ("periods", "timeline"):
        raise NotEncodable(f"an output of type {kind}", timeline=kind == "timeline")
    return (z3.IntSort(),)


def _coerce(term: Any, sort: Any) -> Any:
    return z3.ToReal(term) if sort == z3.RealSort() and z3.is_int(term) else term


def in_force(version: RuleVersion, day: Any) -> Any:
    """``day >= start`` (and ``day < until``): built by :mod:`.fast_terms`, the same terms."""
    start = to_day_number(version.valid_from)
    if version.valid_until is None:
        return ge(day, start)
    return and_all([ge(day, start), lt(day, to_day_number(version.valid_until))])


def _zero(kind: str) -> Any:
    from ...compile.model import Duration, Months
    return {"boolean": False, "date": date(1970, 1, 1), "duration": Duration(0),
            "months": Months(0), "enum": ""}.get(kind, 0)
