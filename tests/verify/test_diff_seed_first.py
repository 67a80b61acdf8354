"""The anchored sweep of the diff's seeded pass before the partial witnesses of a plain
output (checks/versions.py ``SEEDED_FIRST``, checks/diff_seeds.py ``anchored_only``).

On the bundled rules, 2018-12-31 -> 2019-01-01: the first region of
``sickness_benefit_paid_on_day`` was the solver's completion of a witness of
``sickness_benefit_limit_exceeded_on_day`` (a query within 500,000 units, about 0.4 s);
the anchored sweep shows it, with the two others, on generated histories that the solver
confirms with the case fixed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import diff_seeds, versions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.diff_seeds import SEEDED, SeededRegions
from lexlux.verify.checks.versions import DiffResult, diff_versions

BEFORE, AFTER = date(2018, 12, 31), date(2019, 1, 1)
OUTPUT = "sickness_benefit_paid_on_day"
READ = "sickness_benefit_limit_exceeded_on_day"     # read by OUTPUT, diffed first
PAYMENT = "sickness_benefit_payment_date"              # reads OUTPUT


def _diff(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, first: bool,
          last: str = OUTPUT) -> tuple[DiffResult, list[tuple[int, str]]]:
    """The diff of READ, OUTPUT (and ``last``), with the anchored sweep first or not; and
    the budget and answer of each query of the audit asked for ``last``."""
    monkeypatch.setattr(versions, "SEEDED_FIRST", first)
    asked: list[tuple[int, str]] = []
    query = Audit.query

    def spy(self: Audit, encodings: Any, names: Any, *args: Any, **kwargs: Any) -> Any:
        found = query(self, encodings, names, *args, **kwargs)
        if names[0] == {last}:
            asked.append((self.rlimit, found[0].status))
        return found

    monkeypatch.setattr(Audit, "query", spy)
    audit = Audit(kb, "lu", max_regions=3)
    results = list(diff_versions(audit, BEFORE, AFTER, list(dict.fromkeys(
        [READ, OUTPUT, last]))))
    assert results[0].status == "differ" and results[0].findings
    return results[-1], asked


def test_the_anchored_sweep_comes_before_the_partial_witnesses(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = bundled.kb
    before, asked_before = _diff(kb, monkeypatch, first=False)
    after, asked_after = _diff(kb, monkeypatch, first=True)
    # before: the first region is the solver's completion of READ's witness
    assert versions.SEED_RLIMIT in [budget for budget, _ in asked_before]
    assert SEEDED not in before.findings[0].details
    # now: every region from the anchored sweep, no partial witness asked
    assert versions.SEED_RLIMIT not in [budget for budget, _ in asked_after]
    assert len(asked_after) < len(asked_before)
    assert after.status == before.status == "differ"
    assert all(SEEDED in f.details for f in after.findings)
    assert all(f.replay.endswith("— confirmed") for f in after.findings)
    # the same regions, in the same order
    assert [f.fingerprint for f in after.findings] == \
        [f.fingerprint for f in before.findings]


def test_after_its_first_region_the_anchored_pass_asks_whether_any_is_left(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """payment_date: one region from the pool (a witness of paid_on_day, replayed), the
    second from the anchored sweep; then the query within a frame's budget is UNSAT, and
    the diff ends there, without the rest of the sweep, the partial witnesses or the
    frames."""
    kb = bundled.kb
    before, asked_before = _diff(kb, monkeypatch, first=False, last=PAYMENT)
    after, asked_after = _diff(kb, monkeypatch, first=True, last=PAYMENT)
    assert asked_after == [(versions.AFTER_SEED_RLIMIT, "unsat")]
    assert len(asked_before) > 1 and asked_before[-1][1] == "unsat"
    assert after.status == before.status == "differ"
    assert [f.fingerprint for f in after.findings] == \
        [f.fingerprint for f in before.findings]
    assert [SEEDED in f.details for f in after.findings] == [False, True]
    assert [f.facts for f in after.findings] == [f.facts for f in before.findings]


def _regions(kb: KnowledgeBase) -> SeededRegions:
    audit = Audit(kb, "lu")
    one = audit.encoding(law_as_of=BEFORE, tag="L1|")
    two = audit.encoding(law_as_of=AFTER, shared=one.shared, tag="L2|")
    uses = set().union(*(one.output(n).facts for n in one.cone({OUTPUT})))
    return SeededRegions(audit, one, two, OUTPUT, BEFORE, AFTER, uses, None)


def test_anchored_only_stops_at_the_end_of_the_anchored_sweep_and_goes_on_from_there(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = bundled.kb
    monkeypatch.setattr(diff_seeds, "SCAN_TURNS", 200)      # a short main pool
    full = [facts for facts, _ in _regions(kb).candidates()]
    monkeypatch.setattr(diff_seeds, "SCAN_TURNS", 0)        # the anchored sweep alone
    anchored = [facts for facts, _ in _regions(kb).candidates()]
    monkeypatch.setattr(diff_seeds, "SCAN_TURNS", 200)
    assert anchored and len(anchored) < len(full)
    regions = _regions(kb)
    regions.anchored_only = True
    first = [facts for facts, _ in regions.candidates()]
    assert first == anchored
    assert [facts for facts, _ in regions.candidates()] == anchored    # still paused
    regions.anchored_only = False
    assert [facts for facts, _ in regions.candidates()] == full


def test_an_anchored_pass_that_finds_nothing_leaves_the_seeded_pass_for_later(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_seeds, "SCAN_TURNS", 0)        # the anchored sweep alone
    regions = _regions(bundled.kb)
    regions.anchored_only = True
    seen = {region for _, region in regions.candidates()}    # every region shown: none new
    assert seen
    assert regions.next([], seen, lambda case, day: True) is None
    assert not regions.spent and regions.tries == 0   # the rest is still to be read
    regions.anchored_only = False
    assert regions.next([], seen, lambda case, day: True) is None
    assert regions.spent                               # nothing left at all
