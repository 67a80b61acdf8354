"""checks/last_query.py: the first query of a plain output's diff whose witness would end
the search asks its nicer query before the slice solver — no slice is made when it has
a witness, and the diff's answers are those of the slice first.

On the bundled rules, 2015-12-31 -> 2016-01-01: ``compensation_tax_opposition_deadline``
has no provision on 2015-12-31 and one region, found by its first query (a frame) in its
nicer query, whose slice said "sat" — a slice made and never read;
``risk_post_cm_referral_possible`` the same, but its query (a gate) has no nicer query
(no date fact): the query itself is then asked first; ``professional_waiting_allowance``
can have one region but has none, its first query is UNSAT."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import versions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import to_json
from lexlux.verify.checks.last_query import nicer_before_slice, one_left
from lexlux.verify.checks.nicer_first import NICER_FIRST_RLIMIT
from lexlux.verify.checks.quick import Slices

BEFORE, AFTER = date(2015, 12, 31), date(2016, 1, 1)
ONE_REGION = "compensation_tax_opposition_deadline"
NO_NICER = "risk_post_cm_referral_possible"
NO_REGION = "professional_waiting_allowance"
DECIDE = Slices.decide


def test_one_left_counts_the_regions_not_found() -> None:
    possible = [frozenset({"a"}), frozenset({"b"}), frozenset({"a", "b"})]
    assert not one_left(None, set())                       # not known: never
    assert not one_left(possible, set())
    assert not one_left(possible, {(("a",), ())})
    assert one_left(possible, {(("a",), ()), ((), ("b",))})
    assert one_left(possible, {(("a",), ()), (("a",), ("b",))})   # a region is the union
    assert not one_left(possible, {(("a",), ()), (("b",), ()), (("a", "b"), ())})
    assert one_left([frozenset({"a"})], set())


def test_nicer_first_only_with_the_whole_budget_and_a_last_region() -> None:
    audit: Any = SimpleNamespace(rlimit=60_000_000, max_regions=3)
    one: Any = SimpleNamespace(findings=[1])
    two: Any = SimpleNamespace(findings=[1, 2])
    assert not nicer_before_slice(audit, 50_000, one, None, set())   # a region may follow
    assert nicer_before_slice(audit, 50_000, two, None, set())       # the third is the last
    assert nicer_before_slice(audit, 50_000, one, [frozenset({"a"})], set())
    # the diff's final query: the nicer query first would have a smaller budget than
    # the one the slice's "sat" leads to
    assert not nicer_before_slice(audit, NICER_FIRST_RLIMIT + 1, two, None, set())
    audit.rlimit = 40_000
    assert nicer_before_slice(audit, NICER_FIRST_RLIMIT + 1, two, None, set())


def _diff(bundled: LoadResult, monkeypatch: pytest.MonkeyPatch, name: str, early: bool
          ) -> tuple[list[dict[str, Any]], str, list[str | None]]:
    """The findings (as JSON), status and the slice's answers of ``name``'s diff, with
    the nicer query before the slice where a witness would end the search (``early``) or
    never."""
    asked: list[str | None] = []

    def spy(self: Slices, *args: Any, **kw: Any) -> str | None:
        answer = DECIDE(self, *args, **kw)
        asked.append(answer)
        return answer

    monkeypatch.setattr(Slices, "decide", spy)
    if not early:
        monkeypatch.setattr(versions, "nicer_before_slice", lambda *_: False)
    audit = Audit(bundled.kb, "lu", max_regions=3)
    [result] = versions.diff_versions(audit, BEFORE, AFTER, [name])
    monkeypatch.undo()
    return [to_json(bundled.kb, f) for f in result.findings], result.status, asked


@pytest.mark.parametrize("name", [ONE_REGION, NO_NICER])
def test_a_last_region_found_first_needs_no_slice(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    found, status, asked = _diff(bundled, monkeypatch, name, early=True)
    before, status_before, asked_before = _diff(bundled, monkeypatch, name, early=False)
    assert asked_before == ["sat"]               # made for a query it did not decide
    assert asked == []                           # not made
    assert status == status_before == "differ"
    assert found == before and len(found) == 1   # the same witness and lines


def test_an_unsat_first_query_still_takes_the_slice_s_answer(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    found, status, asked = _diff(bundled, monkeypatch, NO_REGION, early=True)
    before, status_before, asked_before = _diff(bundled, monkeypatch, NO_REGION,
                                                early=False)
    assert asked == asked_before == ["unsat"]
    assert status == status_before == "same" and found == before == []
