"""The terms a timeline encoding builds once (encoding/encode_periods.period_function_of
and the pinned-frame memo of timelines.charged_exact, per set of facts; a parameter on a
day, per encoding): the payer rules each read the same days of the window, the same CCSS
recurrence month and the same parameters in every month, and the encoding with these kept
is term for term the encoding without them (Z3 hash-conses terms: the very same ASTs),
only built with fewer calls."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.calendar.dates import month_index, to_day_number
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding import encode_periods, month_values, timelines
from lexlux.verify.encoding.encode import LawEncoding, query_constraints
from lexlux.verify.encoding.shared import Shared
from lexlux.verify.encoding.timelines import FULL, Frame

LAW = date(2019, 1, 1)
PINNED = Frame(36, month_index(LAW))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok and loaded.kb is not None
    return loaded.kb


def _encoded(kb: KnowledgeBase, reading: str | None, frame: Frame
             ) -> tuple[list[Any], LawEncoding]:
    """The constraints of the payer's cone (a fresh set of facts, so no memo is shared)."""
    enc = LawEncoding(Shared(kb, "lu"), z3.IntVal(to_day_number(LAW)), law_as_of=LAW,
                      reading=reading, tag="L1|", timelines=True, frame=frame)
    constraints, _, _ = query_constraints([enc], {0: {"monthly_payer"}})
    return [formula for _, formula in constraints], enc


def _encode(kb: KnowledgeBase, reading: str | None, frame: Frame) -> list[Any]:
    return _encoded(kb, reading, frame)[0]


def _counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"periods": 0, "charged": 0}
    periods, charged = encode_periods.period_function, timelines._charged_exact

    def period_function(name: str, t: list[Any]) -> tuple[Any, Any]:
        calls["periods"] += 1
        return periods(name, t)

    def charged_exact(*args: Any) -> tuple[Any, Any, Any]:
        calls["charged"] += 1
        return charged(*args)
    monkeypatch.setattr(encode_periods, "period_function", period_function)
    monkeypatch.setattr(timelines, "_charged_exact", charged_exact)
    return calls


@pytest.mark.parametrize("reading", [None, "ccss_worked_example"])
def test_the_kept_aggregates_give_the_very_same_terms(
        kb: KnowledgeBase, reading: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _encode(kb, reading, PINNED)
    with monkeypatch.context() as m:          # every aggregate built again, as before
        m.setattr(encode_periods, "period_function_of",
                  lambda memo, name, t: encode_periods.period_function(name, t))
        m.setattr(timelines, "charged_exact",
                  lambda scope, name, t: timelines._charged_exact(scope, name, *t))
        m.setattr(LawEncoding, "_parameter", LawEncoding._parameter_on)
        rebuilt = _encode(kb, reading, PINNED)
    assert len(kept) == len(rebuilt) > 0
    assert all(a.eq(b) for a, b in zip(kept, rebuilt, strict=True))


@pytest.mark.parametrize("reading", [None, "ccss_worked_example"])
def test_each_aggregate_is_built_once_per_set_of_facts_and_frame(
        kb: KnowledgeBase, reading: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = {"periods": 0, "charged": 0}
    of, exact = encode_periods.period_function_of, timelines.charged_exact

    def period_function_of(memo: dict[Any, Any], name: str, t: list[Any]) -> Any:
        asked["periods"] += 1
        return of(memo, name, t)

    def charged_exact(scope: Any, name: str, t: list[Any]) -> Any:
        asked["charged"] += 1
        return exact(scope, name, t)
    monkeypatch.setattr(encode_periods, "period_function_of", period_function_of)
    monkeypatch.setattr(timelines, "charged_exact", charged_exact)
    # the month values kept (month_values.py) would ask each of them once: not kept here
    monkeypatch.setattr(month_values, "ENABLED", [False])
    _, enc = _encoded(kb, reading, PINNED)
    kept = enc.shared.calendar.__dict__
    # the payer rules read the days of the same windows (or the same month of the
    # recurrence, under the CCSS reading), month by month: each is built once
    built = len(kept["_period_functions"])
    assert 0 < built < asked["periods"]
    if reading is not None:
        assert 0 < len(kept["_charged_exact"]) < asked["charged"]


def test_without_a_pinned_month_the_recurrence_is_built_per_call(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the full frame the month of a date is calendar arithmetic, whose assumptions are
    recorded per output being encoded: nothing is kept across calls there."""
    calls = _counted(monkeypatch)
    asked = {"charged": 0}
    exact = timelines.charged_exact

    def charged_exact(scope: Any, name: str, t: list[Any]) -> Any:
        asked["charged"] += 1
        return exact(scope, name, t)
    monkeypatch.setattr(timelines, "charged_exact", charged_exact)
    _encode(kb, "ccss_worked_example", FULL)
    assert calls["charged"] == asked["charged"] > 0


def test_a_parameter_read_again_gives_the_same_terms_and_its_unknown_value_again(
        kb: KnowledgeBase) -> None:
    """A parameter read on the same day by two outputs (or twice by one) gives the same
    terms, and each reading output records the "known?" of an unknown value, as when it
    was built each time."""
    from lexlux.verify.encoding.encode import OutputEnc
    [param_id] = [p for p in kb.parameters if p.endswith("social_minimum_wage")]
    enc = LawEncoding(Shared(kb, "lu"), z3.IntVal(to_day_number(LAW)), law_as_of=LAW)
    day = z3.IntVal(to_day_number(LAW))
    outs = [OutputEnc(f"o{i}", kb.parameters[param_id].type, f"o{i}") for i in range(2)]
    first = enc._parameter(outs[0], param_id, day)
    again = [enc._parameter(out, param_id, day) for out in outs]
    built = OutputEnc("o", kb.parameters[param_id].type, "o")
    fresh = enc._parameter_on(built, param_id, day)
    for found in (first, *again):
        assert found.term.eq(fresh.term) and found.bad.eq(fresh.bad)
    assert len(built.unknown) == 1
    assert [len(o.unknown) for o in outs] == [2, 1]
    assert all(k.eq(built.unknown[0]) for o in outs for k in o.unknown)


@pytest.mark.parametrize("absent", [[], ["insured_incapacity"],
                                    ["insured_incapacity", "therapeutic_half_time"]])
def test_the_narrow_query_without_facts_substitutes_as_z3_does(
        kb: KnowledgeBase, absent: list[str]) -> None:
    """timeline_search._without builds the arrays of its substitution once for all the
    constraints: each constraint becomes the very term ``z3.substitute`` gives."""
    from lexlux.verify.checks.timeline_search import _substitution
    formulas, enc = _encoded(kb, None, PINNED)
    pairs = [(enc.shared.facts.get(f).given, z3.BoolVal(False)) for f in absent]
    substitute = _substitution(pairs)
    changed = 0
    for formula in formulas:
        expected = z3.substitute(formula, *pairs)
        assert substitute(formula).eq(expected)
        changed += not expected.eq(formula)
    assert (changed > 0) == bool(absent)
