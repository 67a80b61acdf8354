"""lexlux diff: the order of a plain output's queries (checks/versions.py ``_diff_output``).

Once a query of the output ends undecided (a partial witness, a frame or the gate), the
seeded pass (checks/diff_seeds.py) comes before any other query; after each region it
shows, a query within a frame's budget asks whether any is left (UNSAT ends the diff).  An
output whose queries are all decided never asks it.  The regions are the same whichever
query or pass found them.

kb/diff (tests/verify/test_diff_replay.py): a limit of 364 counted days raised to 546 on
1 January 2019; and the bundled ``sickness_benefit_paid_on_day`` on that boundary."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import versions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.diff_seeds import SEEDED, SeededRegions
from lexlux.verify.checks.versions import DiffResult, diff_versions

from conftest import load

BEFORE, AFTER = date(2018, 12, 31), date(2019, 1, 1)

Event = tuple[Any, ...]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load("diff")


def _run(kb: KnowledgeBase | LoadResult, name: str, monkeypatch: pytest.MonkeyPatch,
         first: date = BEFORE, second: date = AFTER, max_regions: int = 3
         ) -> tuple[DiffResult, list[Event]]:
    """The diff of ``name`` (at most ``max_regions`` regions), and each query (its budget
    and answer) and each call of the seeded pass (whether it found a region), in order."""
    events: list[Event] = []
    query, seeded = Audit.query, SeededRegions.next

    def spy_query(self: Audit, *args: Any, **kwargs: Any) -> Any:
        answer = query(self, *args, **kwargs)
        events.append(("query", self.rlimit, answer[0].status))
        return answer

    def spy_seeded(self: SeededRegions, *args: Any, **kwargs: Any) -> Any:
        found = seeded(self, *args, **kwargs)
        events.append(("seeded", found is not None))
        return found

    monkeypatch.setattr(Audit, "query", spy_query)
    monkeypatch.setattr(SeededRegions, "next", spy_seeded)
    audit = Audit(kb.kb if isinstance(kb, LoadResult) else kb, "lu",
                  max_regions=max_regions)
    [result] = diff_versions(audit, first, second, [name])
    return result, events


def _first_undecided(events: list[Event]) -> int:
    return next(i for i, e in enumerate(events) if e[0] == "query" and e[2] == "unknown")


def test_an_undecided_frame_hands_over_to_the_seeded_pass(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result, events = _run(kb, "exhausted_from", monkeypatch, max_regions=2)
    undecided = _first_undecided(events)
    # only frames before it (the frame of incapacity_start: one region, then undecided)
    assert {e[1] for e in events[:undecided + 1]} == {versions.FRAME_RLIMIT}
    # the seeded pass next, before the gate (which the old order asked first): it shows
    # the second region, and the diff ends there (two regions at most)
    assert events[undecided + 1:] == [("seeded", True)]
    assert result.status == "differ"
    assert [SEEDED in f.details for f in result.findings] == [False, True]
    assert all(f.replay.endswith("— confirmed") for f in result.findings)


def test_after_a_seeded_region_a_query_asks_whether_any_is_left(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # that query with a budget of its own (one unit under the full query's, which it
    # then decides): right after the seeded region it proves that no region is left,
    # and nothing is asked after it (no gate, no full query)
    big = Audit(kb, "lu").rlimit - 1
    monkeypatch.setattr(versions, "AFTER_SEED_RLIMIT", big)
    result, events = _run(kb, "exhausted_from", monkeypatch, max_regions=3)
    seeded = events.index(("seeded", True))
    assert events[seeded + 1:] == [("query", big, "unsat")]
    assert not any(e[:2] == ("query", versions.GATE_RLIMIT) for e in events)
    assert result.status == "differ"
    r1 = "lu.code_du_travail.R1@1990-01-01"
    # over the limit under both laws (364 and 546 days); under 2018's only
    assert sorted(f.key.split("|", 2)[2] for f in result.findings) == [f"{r1}|",
                                                                      f"{r1}|{r1}"]
    assert all(f.replay.endswith("— confirmed") for f in result.findings)


def test_an_output_whose_queries_are_decided_never_asks_the_seeded_pass(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    # the 2016 reclassification reform (L.551-2): the gate finds the region, then proves
    # that there is no other
    result, events = _run(bundled, "internal_reclassification_obligation", monkeypatch,
                          date(2015, 12, 31), date(2016, 1, 1))
    assert result.status == "differ" and len(result.findings) == 1
    assert all(e[0] == "query" and e[2] != "unknown" for e in events)
    assert events[-1][2] == "unsat"


def test_paid_on_day_the_seeded_pass_right_after_the_first_undecided_frame(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    # sickness_benefit_paid_on_day (CSS art. 9): its frames and its gate end undecided
    # (0.4 s each at 500,000 units); the seeded pass shows its three regions at once
    result, events = _run(bundled, "sickness_benefit_paid_on_day", monkeypatch)
    undecided = _first_undecided(events)
    assert events[undecided + 1] == ("seeded", True)
    assert not any(e[:2] == ("query", versions.GATE_RLIMIT) for e in events)
    payment = "lu.code_securite_sociale.art-009.payment@2016-01-01"
    assert result.status == "differ"
    assert sorted(f.key.split("|", 2)[2] for f in result.findings) == sorted(
        [f"{payment}|", f"|{payment}", f"{payment}|{payment}"])
    assert sorted(f.fingerprint for f in result.findings) == [   # those of main's diff
        "LX507-1bada011b8", "LX507-48eeca1464", "LX507-a777f69222"]
    assert all(f.replay.endswith("— confirmed") for f in result.findings)
