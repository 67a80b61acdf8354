"""Properties of derived periods: whatever the order, overlaps and gaps of the events, the
derived periods cover exactly the events' days up to the as-of date, sorted, with at least
one free day between two periods (touching periods merged: statuts CNS art. 169, 002 lines
5728-5729); leave minus incapacity never shares a day with the incapacity."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.compile.events_model import Event
from lexlux.diagnostics import Span
from lexlux.evaluate.derive import derive_facts
from lexlux.pipeline import load_knowledge_base

KB = load_knowledge_base().kb
START = date(2019, 1, 1)
AS_OF = date(2019, 6, 30)
SPAN = Span("<events>", 1, 1, 1, 1)

spans = st.tuples(st.integers(0, 200), st.integers(0, 40), st.booleans())


def _events(kind: str, items: list[tuple[int, int, bool]], first: int) -> list[Event]:
    out = []
    for i, (offset, length, is_open) in enumerate(items):
        values: dict[str, object] = {"from": START + timedelta(offset)}
        if not is_open or kind == "annual_leave":
            values["to"] = START + timedelta(offset + length)
        if kind == "incapacity":
            values["cause"] = "sickness"
        out.append(Event(first + i, kind, None, values, SPAN, {}))
    return out


def _days(periods: object) -> set[date]:
    assert isinstance(periods, tuple)
    return {p.start + timedelta(k) for p in periods for k in range((p.end - p.start).days + 1)}


@settings(max_examples=150, deadline=None)
@given(st.lists(spans, min_size=1, max_size=6), st.lists(spans, max_size=3))
def test_derived_periods_are_the_events_days_merged(
        sick: list[tuple[int, int, bool]], leave: list[tuple[int, int, bool]]) -> None:
    events = _events("incapacity", sick, 1) + _events("annual_leave", leave, len(sick) + 1)
    facts, origins, problems = derive_facts(KB, "lu", tuple(events), AS_OF, None)
    assert problems == []
    expected: set[date] = set()
    for event in events[:len(sick)]:
        start = event.values["from"]
        end = event.values.get("to", AS_OF)
        assert isinstance(start, date) and isinstance(end, date)
        expected |= {start + timedelta(k) for k in range((end - start).days + 1)}
    periods = facts.get("incapacity", ())
    assert _days(periods) == expected
    assert isinstance(periods, tuple)
    for before, after in pairwise(periods):
        assert (after.start - before.end).days >= 2          # a free day between two periods
    if expected:
        assert set(origins["incapacity"].events) <= set(range(1, len(sick) + 1))
    if leave:
        leave_days = _days(facts.get("annual_leave", ()))
        assert not leave_days & expected
