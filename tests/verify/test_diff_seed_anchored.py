"""The anchored sweep of the diff's seeded pass (checks/diff_seed_cases.py ``pool(...,
anchored=N)``, scanned by checks/diff_seeds.py before the main pool): one-day last
periods with every date on that day.

On the bundled rules it reaches the region of ``sickness_benefit_paid_on_day`` between
2016-01-01 and 2020-01-01 where the law of 2016 gives no value and that of 2020 gives one
(a one-day incapacity on 1 January, a public holiday, so no benefit start; half-time
periods counted in full from 2019 only), which the first sweep's random dates miss and
the solver's own search took 3-5 s to find."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import diff_seeds
from lexlux.verify.checks.confirm import laws_differ
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.diff_seed_cases import ANCHORED_SIZE, POOL_SIZE, pool
from lexlux.verify.checks.diff_seeds import SeededRegions

FIRST, LATER = date(2016, 1, 1), date(2020, 1, 1)
OUTPUT = "sickness_benefit_paid_on_day"
PAYMENT = "lu.code_securite_sociale.art-009.payment@2016-01-01"


def _pool(kb: KnowledgeBase, anchored: int) -> list[dict[str, Any]]:
    rules = [kb.rules[r] for r in sorted(kb.rules)]
    return pool(kb, "lu", sorted(kb.vocabularies["lu"].facts), rules, LATER,
                anchored=anchored)


def test_the_second_sweep_puts_every_date_on_a_one_day_last_period(
        bundled: LoadResult) -> None:
    kb = bundled.kb
    vocabulary = kb.vocabularies["lu"].facts
    anchored = _pool(kb, ANCHORED_SIZE)
    assert 0 < len(anchored) <= ANCHORED_SIZE
    for template in anchored:
        periods = [v for n, v in template.items() if vocabulary[n].type.kind == "periods"]
        dates = {v for n, v in template.items() if vocabulary[n].type.kind == "date"}
        assert periods and all(p == periods[0] for p in periods)
        last = periods[0][-1]
        assert last.start == last.end                  # one day
        assert dates == {last.start}                   # every date on it
    # a pure function of its inputs, and the first sweep is not changed by it
    assert _pool(kb, ANCHORED_SIZE) == anchored
    first = _pool(kb, 0)
    assert len(first) == POOL_SIZE and first != anchored[:len(first)]


def _candidates(kb: KnowledgeBase) -> Iterator[tuple[dict[str, Any], Any]]:
    """The seeded pass's candidates for paid_on_day, 2016 → 2020, in its order."""
    audit = Audit(kb, "lu")
    one = audit.encoding(law_as_of=FIRST, tag="L1|")
    two = audit.encoding(law_as_of=LATER, shared=one.shared, tag="L2|")
    uses = set().union(*(one.output(n).facts for n in one.cone({OUTPUT})))
    return SeededRegions(audit, one, two, OUTPUT, FIRST, LATER, uses, None).candidates()


def test_the_second_sweep_reaches_a_region_the_first_misses(bundled: LoadResult) -> None:
    kb = bundled.kb
    vocabulary = kb.vocabularies["lu"].facts
    candidates = _candidates(kb)
    facts = next((f for f, region in candidates if region == ((), (PAYMENT,))), None)
    assert facts is not None, "the region is reached"
    # the first candidate of the region is one of the second sweep: a one-day last
    # period (1 January 2020, a public holiday) and every date on it
    periods = [v for n, v in facts.items() if vocabulary[n].type.kind == "periods"]
    dates = {v for n, v in facts.items() if vocabulary[n].type.kind == "date"}
    assert periods and periods[0][-1].start == periods[0][-1].end == LATER
    assert dates == {LATER}
    # the evaluator shows it: no value under the law of 2016, a value under 2020's
    shown = laws_differ(kb, Case("candidate", "lu", LATER, dict(facts)), LATER, OUTPUT,
                        FIRST, LATER)
    assert shown is not None
    assert shown[0].status != "value" and shown[1].status == "value"


def test_without_the_second_sweep_the_pass_scans_the_first_only(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = diff_seeds.pool

    def spy(*args: Any, anchored: int = 0, **kwargs: Any) -> list[dict[str, Any]]:
        calls.append(anchored)
        return real(*args, anchored=anchored, **kwargs)

    monkeypatch.setattr(diff_seeds, "pool", spy)
    monkeypatch.setattr(diff_seeds, "ANCHORED_SIZE", 0)
    monkeypatch.setattr(diff_seeds, "SCAN_TURNS", 3)
    kb = bundled.kb
    audit = Audit(kb, "lu")
    one = audit.encoding(law_as_of=FIRST, tag="L1|")
    two = audit.encoding(law_as_of=LATER, shared=one.shared, tag="L2|")
    list(SeededRegions(audit, one, two, "sickness_benefit_entitled", FIRST, LATER,
                       set(one.output("sickness_benefit_entitled").facts), None).candidates())
    assert calls == [0]


def test_the_anchored_sweep_is_scanned_first(bundled: LoadResult) -> None:
    # every candidate of the pass up to the last region's first one comes from the
    # anchored sweep (a one-day last period, every date on it), and there are the three
    # regions of paid_on_day (the main pool needed 2,753 turns for the second one)
    vocabulary = bundled.kb.vocabularies["lu"].facts
    regions: set[Any] = set()
    for facts, region in _candidates(bundled.kb):
        periods = [v for n, v in facts.items() if vocabulary[n].type.kind == "periods"]
        dates = {v for n, v in facts.items() if vocabulary[n].type.kind == "date"}
        last = periods[0][-1]
        assert last.start == last.end and dates <= {last.start}
        regions.add(region)
        if len(regions) == 3:
            break
    assert regions == {((PAYMENT,), ()), ((), (PAYMENT,)), ((PAYMENT,), (PAYMENT,))}
