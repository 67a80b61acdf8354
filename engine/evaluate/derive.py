"""Stage 4 (evaluate): the facts of a timeline case, derived from its events by the
derivation rules of the knowledge base.

Each event is qualified by the version of each derivation rule in force on the event's own
date (tempus regit actum: a part-time resumption of 2018 is a mi-temps thérapeutique, one
of 2019 a progressive return to work), on the as-of date for rules ``selected_by: as_of``,
and on the ``--law-as-of`` date for every event when the law of one date is asked for.
The contributions of the events to one fact are combined as its derivation says:
``periods`` (the days covered, touching periods merged, an open period running to the
as-of date, the days of ``minus`` facts taken out), ``earliest``/``latest``, ``only``
(events that disagree: LX442) or ``any``.  Facts the case gives under ``facts:`` are
taken as given.  Every derived fact keeps its origin (the events and the rule version) for
the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ..calendar.periods import Period, merge_periods
from ..compile.events_model import Derivation, DerivationVersion, DeriveItem, Event
from ..compile.model import KnowledgeBase, Value
from ..diagnostics import Diagnostic, error
from .builtins import EvaluationError, table
from .case import Case
from .expressions import Env, MissingFactError, UndeterminedError
from .expressions import evaluate as evaluate_expr
from .trace import TraceNode


@dataclass(frozen=True)
class FactOrigin:
    """Where a derived fact comes from: the events (1-based numbers) and rule versions."""

    events: tuple[int, ...]
    versions: tuple[DerivationVersion, ...]
    derivations: tuple[Derivation, ...]

    def words(self) -> str:
        numbers = [str(n) for n in self.events]
        listed = numbers[0] if len(numbers) == 1 else \
            ", ".join(numbers[:-1]) + " and " + numbers[-1]
        by = "; ".join(f"{d.id}, {v.citation or d.citation} — version of {v.valid_from}"
                       for d, v in zip(self.derivations, self.versions, strict=True))
        if not numbers:
            return f"derived from the events (none counts) by {by}"
        return f"derived from event{'s' if len(numbers) > 1 else ''} {listed} by {by}"


@dataclass
class _Contribution:
    event: Event
    derivation: Derivation
    version: DerivationVersion
    value: Any


def derive_facts(kb: KnowledgeBase, jurisdiction: str, events: tuple[Event, ...],
                 as_of: date, law_as_of: date | None
                 ) -> tuple[dict[str, Value], dict[str, FactOrigin], list[Diagnostic]]:
    """The facts the events give under the law chosen, with their origins."""
    functions = table(jurisdiction)
    types = kb.event_types.get(jurisdiction, {})
    contributions: dict[str, list[_Contribution]] = {}
    items: dict[str, DeriveItem] = {}
    considered: dict[str, list[tuple[Derivation, DerivationVersion, Event]]] = {}
    unsettled: dict[str, tuple[Event, DeriveItem]] = {}
    diagnostics: list[Diagnostic] = []
    derivations = [d for d in kb.derivations.values() if d.jurisdiction == jurisdiction]
    for event in events:
        etype = types[event.type]
        for derivation in derivations:
            day = law_as_of or (event.anchor(etype) if derivation.by_event_date else None) \
                or as_of
            version = derivation.version_on(day)
            if version is None:
                continue
            for item in version.items:
                if event.type not in item.events:
                    continue
                if item.combine != "open":
                    items.setdefault(item.fact, item)
                considered.setdefault(item.fact, []).append((derivation, version, event))
                try:
                    value = _contribution(item, event, item.period or etype.period, as_of,
                                          functions)
                except EvaluationError as exc:
                    diagnostics.append(error("LX442", f"event {event.number} ({event.type}): "
                                             f"{item.fact}: {exc}", event.span))
                    continue
                if value is not None and item.combine == "open":
                    unsettled.setdefault(item.fact, (event, item))
                elif value is not None:
                    contributions.setdefault(item.fact, []).append(
                        _Contribution(event, derivation, version, value))
    facts: dict[str, Value] = {}
    origins: dict[str, FactOrigin] = {}
    for name, (event, item) in unsettled.items():
        diagnostics.append(error(
            "LX444", f"event {event.number} ({event.type}) does not settle {name}: "
            f"{item.open_question}", event.span,
            hint=f"give {name} under facts: with the reading the case relies on"))
    for name, item in items.items():
        if name in unsettled:
            continue
        found = contributions.get(name, [])
        value = _combine(item, found, diagnostics)
        if value is None:
            continue
        facts[name] = value
        used = found or []
        pairs = list(dict.fromkeys((c.derivation.id, c.version.valid_from) for c in used)) or \
            list(dict.fromkeys((d.id, v.valid_from) for d, v, _ in considered[name]))
        by_key = {(d.id, v.valid_from): (d, v) for d, v, _ in considered[name]}
        origins[name] = FactOrigin(tuple(sorted({c.event.number for c in used})),
                                   tuple(by_key[p][1] for p in pairs),
                                   tuple(by_key[p][0] for p in pairs))
    for name, item in items.items():    # periods minus other periods, once all are known
        if item.combine == "periods" and item.minus and name in facts:
            taken = [p for other in item.minus for p in _periods(facts.get(other))]
            facts[name] = _subtract(_periods(facts[name]), taken)
    return facts, origins, diagnostics


def _periods(value: Any) -> tuple[Period, ...]:
    return value if isinstance(value, tuple) else ()


def _contribution(item: DeriveItem, event: Event, period: tuple[str, str] | None,
                  as_of: date, functions: dict[str, Any]) -> Any:
    """What one event gives to the fact (None: it does not count)."""
    values = event.values
    env = Env(fact=lambda name: _field(values, name), parameter=_no_parameter,
              output=_no_output, functions=functions, given=lambda name: name in values,
              lets={}, node=TraceNode(item.fact, None, "", None, None, ""))  # type: ignore[arg-type]
    where = item.where_by_type.get(event.type)
    if where is not None:
        try:
            if not evaluate_expr(where.expr, env):
                return None
        except MissingFactError:
            return None            # an event that does not give what the condition reads
    if item.combine in ("any", "open"):
        return True
    if item.combine == "periods":
        assert period is not None
        if period[0] not in values:
            return None
        start = values[period[0]]
        end = values.get(period[1], as_of)       # open: still running on the as-of date
        if end < start:
            return None                          # begins after the as-of date
        return Period(start, end)
    try:
        return evaluate_expr(item.value_by_type[event.type].expr, env)
    except MissingFactError:
        return None
    except UndeterminedError as exc:
        raise EvaluationError(str(exc)) from None


def _field(values: dict[str, Any], name: str) -> Any:
    if name in values:
        return values[name]
    raise MissingFactError((name,))


def _no_parameter(name: str) -> Any:
    raise EvaluationError(f"a derivation reads no parameter ({name})")


def _no_output(name: str) -> Any:
    raise EvaluationError(f"a derivation reads no output ({name})")


def _combine(item: DeriveItem, found: list[_Contribution], diagnostics: list[Diagnostic]
             ) -> Any:
    mode = item.combine
    if mode == "any":
        return bool(found)
    if not found:
        return None
    if mode == "periods":
        return tuple(merge_periods([c.value for c in found], join_touching=True))
    if mode == "earliest":
        return min(c.value for c in found)
    if mode == "latest":
        return max(c.value for c in found)
    first = found[0]
    other = next((c for c in found if c.value != first.value), None)
    if other is not None:
        diagnostics.append(error(
            "LX442", f"events {first.event.number} and {other.event.number} give different "
            f"values for {item.fact} ({first.value} and {other.value})", other.event.span,
            related=[(f"event {first.event.number}", first.event.span)],
            hint=f"{item.fact} has one value: correct one of the events, or give "
                 f"{item.fact} under facts:"))
        return None
    return first.value


def _subtract(periods: tuple[Period, ...], taken: list[Period]) -> tuple[Period, ...]:
    out: list[Period] = []
    for period in periods:
        pieces = [period]
        for cut in taken:
            nxt = []
            for piece in pieces:
                if cut.end < piece.start or cut.start > piece.end:
                    nxt.append(piece)
                    continue
                if piece.start < cut.start:
                    nxt.append(Period(piece.start, date.fromordinal(cut.start.toordinal() - 1)))
                if cut.end < piece.end:
                    nxt.append(Period(date.fromordinal(cut.end.toordinal() + 1), piece.end))
            pieces = nxt
        out.extend(pieces)
    return tuple(out)


def prepare_case(kb: KnowledgeBase, case: Case, as_of: date, law_as_of: date | None
                 ) -> tuple[KnowledgeBase, Case, list[Diagnostic]]:
    """The knowledge base and case an evaluation reads: the facts derived from the case's
    events (a fact given under ``facts:`` is taken as given), and the parameter values the
    case gives where the sources leave them unknown."""
    if case.parameters:
        kb = replace(kb, parameters={**kb.parameters, **case.parameters}, _concluding=None)
    if not case.events:
        return kb, case, []
    facts, origins, problems = derive_facts(kb, case.jurisdiction, case.events, as_of,
                                            law_as_of)
    given = dict(case.facts)
    merged = {**{k: v for k, v in facts.items() if k not in given}, **given}
    kept = {k: v for k, v in origins.items() if k not in given}
    derived_case = replace(case, facts=merged, origins=kept)
    return kb, derived_case, problems
