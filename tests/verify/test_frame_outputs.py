"""The outputs no frame reads, taken by a frame twin from the first twin of its month
(encoding/frame_outputs.py): the payer's cone in the frame of 18 months, with the outputs
it reads taken from the frame of 36 months, is constraint for constraint the cone encoded
there as before; the payer itself (a timeline) is never taken; and an output whose
journaled calendar reads would find another entry is encoded, not taken."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.calendar.dates import month_index, to_day_number
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding import frame_outputs
from lexlux.verify.encoding.encode import query_constraints
from lexlux.verify.encoding.facts import Interner
from lexlux.verify.encoding.frame_outputs import FrameTwin
from lexlux.verify.encoding.shared import Shared
from lexlux.verify.encoding.timelines import Frame

FIRST, SECOND = date(2018, 12, 31), date(2019, 1, 1)
MONTH = month_index(SECOND)
PAYER = "monthly_payer"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok and loaded.kb is not None
    return loaded.kb


def _twins(kb: KnowledgeBase, interner: Interner, donors: dict[Any, FrameTwin],
           reading: str | None, months: int, as_of: Any) -> list[FrameTwin]:
    """The two laws' twins in the frame of ``months`` months from January 2019 (one set of
    facts), as :func:`lexlux.verify.checks.timeline_search.frame_twin` makes them."""
    shared = Shared(kb, "lu", interner=interner)
    return [FrameTwin(shared, as_of, law_as_of=law, reading=reading, tag=tag,
                      timelines=True, frame=Frame(months, MONTH), donors=donors)
            for law, tag in ((FIRST, "L1|"), (SECOND, "L2|"))]


def _query(twins: list[FrameTwin]) -> tuple[list[Any], list[Any], set[str]]:
    constraints, calls, facts = query_constraints(list(twins), {0: {PAYER}, 1: {PAYER}})
    return [f for _, f in constraints], [c.result for c in calls], facts


def _same_terms(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(x.eq(y) for x, y in zip(a, b, strict=True))


def _both(kb: KnowledgeBase, reading: str | None, before: str | bool | None = False
          ) -> tuple[tuple[list[Any], list[Any], set[str]], list[FrameTwin]]:
    """The query of the 18-month frame after the 36-month one, as a diff asks them (a
    fresh interner: no memo of another test is read); with ``before`` (a reading), the
    36-month frame's query under that reading is asked first, with an interner of its
    own, as the diff asks the readings one after the other."""
    donors: dict[Any, FrameTwin] = {}
    as_of = z3.IntVal(to_day_number(SECOND))
    if before is not False:
        assert before is None or isinstance(before, str)
        _query(_twins(kb, Interner(), donors, before, 36, as_of))
    interner = Interner()
    _query(_twins(kb, interner, donors, reading, 36, as_of))
    narrow = _twins(kb, interner, donors, reading, 18, as_of)
    return _query(narrow), narrow


@pytest.mark.parametrize(("reading", "before"), [(None, False),
                                                 ("ccss_worked_example", False),
                                                 ("ccss_worked_example", None)])
def test_the_taken_outputs_give_the_very_same_query(
        kb: KnowledgeBase, reading: str | None, before: str | bool | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (taken, calls, facts), narrow = _both(kb, reading, before)
    if before is not False:                  # the donor: the other reading's 36 months
        assert all(t.donors[t.donor_key()].reading != reading for t in narrow)
    for twin in narrow:
        donor = twin.donors[twin.donor_key()]
        assert donor is not twin and twin.taken > 0
        assert any(out is donor.outputs.get(n) for n, out in twin.outputs.items())
        assert twin.outputs[PAYER] is not donor.outputs[PAYER]     # never the timeline
    monkeypatch.setattr(frame_outputs, "ENABLED", [False])
    (built, built_calls, built_facts), plain = _both(kb, reading, before)
    assert sum(t.taken for t in plain) == 0
    assert _same_terms(taken, built) and _same_terms(calls, built_calls)
    assert facts == built_facts
    for mine, theirs in zip(narrow, plain, strict=True):
        assert sorted(mine.outputs) == sorted(theirs.outputs)
        for name, out in mine.outputs.items():
            other = theirs.outputs[name]
            assert (out.deps, out.facts) == (other.deps, other.facts)
            assert _same_terms(out.unknown, other.unknown)
            assert _same_terms([f for _, f in out.constraints],
                               [f for _, f in other.constraints])
            cal, other_cal = mine.shared.calendar, theirs.shared.calendar
            assert _same_terms(cal.by_owner.get(out.owner, []),
                               other_cal.by_owner.get(other.owner, []))


def test_an_output_is_encoded_when_a_read_would_find_another_entry(
        kb: KnowledgeBase) -> None:
    interner, donors = Interner(), {}
    as_of = z3.IntVal(to_day_number(SECOND))
    _query(_twins(kb, interner, donors, None, 36, as_of))
    narrow = _twins(kb, interner, donors, None, 18, as_of)
    donor = donors[narrow[0].donor_key()]
    # a read of a unit that found no entry finds one now: that unit cannot be taken
    units = [u for u in donor._units.values() if u.free and any(
        kind == "get" and table == "month_of" and found is None
        for kind, table, _, found, _ in u.journal)]
    assert units
    calendar = narrow[0].shared.calendar
    for unit in units:
        for kind, table, key, found, _ in unit.journal:
            if kind == "get" and table == "month_of" and found is None:
                calendar._month_of[key] = z3.IntVal(MONTH)   # another entry
                break
    root = units[0].names[0]
    assert frame_outputs._replayable(calendar, units[0].journal) is False
    assert narrow[0].output(root) is not donor.outputs[root]    # encoded here
    assert root in narrow[0]._units


def test_nothing_is_taken_from_an_interner_with_other_codes(kb: KnowledgeBase) -> None:
    donors: dict[Any, FrameTwin] = {}
    as_of = z3.IntVal(to_day_number(SECOND))
    _query(_twins(kb, Interner(), donors, None, 36, as_of))
    same, other = Interner(), Interner()
    same_twins = _twins(kb, same, donors, None, 18, as_of)
    _query(same_twins)
    other_twins = _twins(kb, other, donors, None, 18, as_of)
    other.code("a value no rule has")            # a code the donor's interner lacks
    _query(other_twins)
    assert sum(t.taken for t in same_twins) > 0
    assert sum(t.taken for t in other_twins) == 0
