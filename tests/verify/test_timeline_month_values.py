"""The month values of a timeline kept across the rules, laws and frames of one query
(encoding/month_values.py): the payer's cone under each law, in the frames of 36 and 18
months from the same month (the diff's frames), sharing one interner, is term for term the
cone built without them (Z3 hash-conses terms: the very same ASTs), and the values that
read the frame's length (the CCSS recurrence) are not taken from a frame of another
length."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.calendar.dates import month_index, to_day_number
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding import month_values
from lexlux.verify.encoding.encode import LawEncoding, query_constraints
from lexlux.verify.encoding.month_values import MonthValues, _same, _shape
from lexlux.verify.encoding.shared import Shared
from lexlux.verify.encoding.timelines import Frame

LATER = date(2019, 1, 1)
LAWS = ((date(2018, 12, 31), "L1|"), (LATER, "L2|"))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok and loaded.kb is not None
    return loaded.kb


def _cones(kb: KnowledgeBase, reading: str | None, enabled: bool,
           frames: tuple[int, ...] = (36, 18)) -> tuple[list[list[Any]], Any]:
    """The payer's constraints (and unknown parameters, facts, dependencies) under each
    law, in each frame (fresh facts and interner: nothing kept from another test)."""
    saved = month_values.ENABLED[0]
    month_values.ENABLED[0] = enabled
    try:
        interner = Shared(kb, "lu").interner
        found: list[list[Any]] = []
        for months in frames:
            shared = Shared(kb, "lu", interner=interner)
            for law, tag in LAWS:
                enc = LawEncoding(shared, z3.IntVal(to_day_number(LATER)), law_as_of=law,
                                  reading=reading, tag=tag, timelines=True,
                                  frame=Frame(months, month_index(LATER)))
                constraints, calls, facts = query_constraints([enc], {0: {"monthly_payer"}})
                payer = enc.output("monthly_payer")
                found.append([*(f for _, f in constraints), *payer.unknown,
                              sorted(facts), sorted(payer.deps), len(calls)])
        return found, interner.__dict__.get("_month_values")
    finally:
        month_values.ENABLED[0] = saved


def _equal(a: list[list[Any]], b: list[list[Any]]) -> bool:
    return len(a) == len(b) and all(
        len(x) == len(y) and all(p.eq(q) if isinstance(p, z3.AstRef) else p == q
                                 for p, q in zip(x, y, strict=True))
        for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("reading", [None, "ccss_worked_example"])
def test_the_kept_month_values_give_the_very_same_terms(kb: KnowledgeBase,
                                                        reading: str | None) -> None:
    rebuilt, none = _cones(kb, reading, enabled=False)
    kept, memo = _cones(kb, reading, enabled=True)
    assert none is None or none.hits == 0
    assert isinstance(memo, MonthValues) and memo.hits > 0     # some were reused
    assert _equal(kept, rebuilt)


def test_a_value_reading_the_frame_length_is_not_taken_from_another_frame(
        kb: KnowledgeBase) -> None:
    """The CCSS recurrence's month is a chain over the frame's months: built in the
    36-month frame first, the 18-month frame's values are its own (the frames in the
    other order give the same terms too)."""
    reading = "ccss_worked_example"
    for frames in ((36, 18), (18, 36)):
        rebuilt, _ = _cones(kb, reading, enabled=False, frames=frames)
        kept, _ = _cones(kb, reading, enabled=True, frames=frames)
        assert _equal(kept, rebuilt)


def test_same_compares_nodes_and_shape_ignores_positions(kb: KnowledgeBase) -> None:
    x, y = z3.Int("x"), z3.Int("y")
    assert _same(x + 1, x + 1) and not _same(x + 1, y + 1)
    assert not _same(x, 1) and _same("a", "a")
    payer = next(r for r in kb.rules.values() if r.id.endswith("L125-4.payer"))
    [statute] = [c.value.expr for v in payer.versions for c in v.conclusions
                 if c.output == "monthly_payer" and c.value is not None]
    assert _shape(statute) == _shape(statute)
    assert "span" not in repr(_shape(statute))
