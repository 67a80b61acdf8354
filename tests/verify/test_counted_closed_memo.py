"""The closed form of ``first_day_counted_over`` kept per interner
(encoding/abstract_calls.counted_closed_form_of): the payer rules ask it with the same
arguments in many months, under both laws of a diff and in both frames (18 and 36 months)
of its timeline queries.  Kept, the cone is term for term the cone built without it (Z3
hash-conses terms: the very same ASTs), with fewer calls."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.calendar.dates import month_index, to_day_number
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding import abstract_calls
from lexlux.verify.encoding.encode import LawEncoding, query_constraints
from lexlux.verify.encoding.facts import Interner, PeriodsVar
from lexlux.verify.encoding.shared import Shared
from lexlux.verify.encoding.timelines import Frame

FIRST, SECOND = date(2018, 12, 31), date(2019, 1, 1)
MONTH = month_index(SECOND)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok and loaded.kb is not None
    return loaded.kb


def _cone(kb: KnowledgeBase, reading: str | None) -> list[list[Any]]:
    """The payer's cone under both laws, in the frames of 36 then 18 months from January
    2019, the frames sharing one interner as the diff's twins do (a fresh interner: no
    memo of an earlier test is read)."""
    interner = Interner()
    found = []
    for months in (36, 18):
        shared = Shared(kb, "lu", interner=interner)
        encodings = [LawEncoding(shared, z3.IntVal(to_day_number(SECOND)), law_as_of=law,
                                 reading=reading, tag=tag, timelines=True,
                                 frame=Frame(months, MONTH))
                     for law, tag in ((FIRST, "L1|"), (SECOND, "L2|"))]
        constraints, _, _ = query_constraints(encodings, {0: {"monthly_payer"},
                                                          1: {"monthly_payer"}})
        found.append([formula for _, formula in constraints])
    return found


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built = [0]
    closed = abstract_calls._counted_closed_form

    def counted(name: str, t: list[Any]) -> Any:
        built[0] += 1
        return closed(name, t)
    monkeypatch.setattr(abstract_calls, "_counted_closed_form", counted)
    return built


@pytest.mark.parametrize("reading", [None, "ccss_worked_example"])
def test_the_kept_closed_forms_give_the_very_same_terms(
        kb: KnowledgeBase, reading: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting(monkeypatch)
    kept = _cone(kb, reading)
    once = built[0]
    with monkeypatch.context() as m:          # every closed form built again, as before
        m.setattr(abstract_calls, "counted_closed_form_of",
                  lambda memo, name, t: abstract_calls._counted_closed_form(name, t))
        rebuilt = _cone(kb, reading)
    again = built[0] - once
    assert 0 < once < again                   # built fewer times, and asked at all
    for a, b in zip(kept, rebuilt, strict=True):
        assert len(a) == len(b) > 0
        assert all(x.eq(y) for x, y in zip(a, b, strict=True))


def test_the_key_is_the_terms_of_the_periods_not_the_object() -> None:
    memo: dict[Any, Any] = {}
    count, starts, ends = z3.Int("n"), (z3.Int("s0"),), (z3.Int("e0"),)
    other = z3.Int("s1")

    def args(days: PeriodsVar) -> list[Any]:
        return [days, days, z3.RealVal(1), z3.IntVal(10), z3.Int("w"), z3.IntVal(0),
                z3.Int("a"), z3.Int("b")]
    first = abstract_calls.counted_closed_form_of(
        memo, "first_day_counted_over", args(PeriodsVar(count, starts, ends)))
    again = abstract_calls.counted_closed_form_of(
        memo, "first_day_counted_over", args(PeriodsVar(count, starts, ends)))
    assert first is not None and again is first            # the same terms: kept
    moved = abstract_calls.counted_closed_form_of(
        memo, "first_day_counted_over", args(PeriodsVar(count, (other,), ends)))
    assert moved is not None and not moved[0].eq(first[0])  # other terms: built anew
    has = abstract_calls.counted_closed_form_of(
        memo, "has_first_day_counted_over", args(PeriodsVar(count, starts, ends)))
    assert has is not None and not has[0].eq(first[0])      # the function is in the key
    assert len(memo) == 3
