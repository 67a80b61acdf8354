"""Date outputs agree with day outputs (CSS art. 14 (2); statuts CNS art. 186): over random
incapacity histories, with and without half-time days, whenever
``sickness_benefit_limit_exceeded_on_day`` is true on a day, ``sickness_benefit_exhausted_from``
has a value on or before that day (and the limit is exceeded on it); under the statute's
reading (the default) ``sickness_benefit_limit_reached_on`` has a value too, and a day of
the new period is over the limit exactly from ``sickness_benefit_exhausted_from`` on."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

_KB: list[KnowledgeBase] = []
DAY, EXHAUSTED, REACHED = ("sickness_benefit_limit_exceeded_on_day",
                           "sickness_benefit_exhausted_from", "sickness_benefit_limit_reached_on")


def kb() -> KnowledgeBase:
    if not _KB:
        loaded = load_knowledge_base()
        assert loaded.ok
        _KB.append(loaded.kb)
    return _KB[0]


@st.composite
def histories(draw: st.DrawFn) -> dict[str, object]:
    start = draw(st.dates(date(2016, 1, 1), date(2021, 12, 31)))
    periods = []
    for _ in range(draw(st.integers(1, 4))):
        length = draw(st.integers(1, 420))
        periods.append(Period(start, start + timedelta(days=length - 1)))
        start += timedelta(days=length + draw(st.integers(1, 150)))
    facts: dict[str, object] = {"insured_incapacity": tuple(periods),
                                "incapacity_start": draw(st.sampled_from(periods)).start}
    if draw(st.booleans()):
        inside = draw(st.sampled_from(periods))
        a = inside.start + timedelta(days=draw(st.integers(0, inside.day_count - 1)))
        b = min(inside.end, a + timedelta(days=draw(st.integers(0, 150))))
        facts["therapeutic_half_time"] = (Period(a, b),)
    return facts


def outcome(facts: dict[str, object], day: date, reading: str | None) -> dict[str, object]:
    case = Case("random", "lu", day, {**facts, "day_considered": day})
    results = evaluate(kb(), case, day, outputs=[DAY, EXHAUSTED, REACHED],
                       reading=reading).results
    return {name: r.value if r.status == "value" else None for name, r in results.items()}


@settings(max_examples=40, deadline=None)
@given(facts=histories(), reading=st.sampled_from([None, "statuts_daily_window"]),
       data=st.data())
def test_the_dates_agree_with_the_per_day_test(facts: dict[str, object], reading: str | None,
                                                data: st.DataObject) -> None:
    start = facts["incapacity_start"]
    assert isinstance(start, date)
    end = next(p.end for p in facts["insured_incapacity"]   # type: ignore[attr-defined]
               if p.start == start)
    day = data.draw(st.one_of(st.just(end), st.dates(start, end)))
    seen = outcome(facts, day, reading)
    exhausted = seen[EXHAUSTED]
    if seen[DAY] is True:
        assert isinstance(exhausted, date) and exhausted <= day
        assert outcome(facts, exhausted, reading)[DAY] is True
        if reading is None:
            assert isinstance(seen[REACHED], date) and seen[REACHED] < exhausted
    if reading is None and seen[DAY] is not None:
        # the statute's window is fixed: over the limit exactly from the exhaustion date
        assert seen[DAY] == (exhausted is not None and day >= exhausted)
