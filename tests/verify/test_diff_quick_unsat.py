"""The slice solver's budget on the diff's queries of which only its UNSAT is read
(checks/context.py ``Audit._quick_budget``, checks/versions.py ``QUICK_UNSAT_RLIMIT``).

On the bundled rules, 2015-12-31 -> 2016-01-01: the first frame of
``reclassification_dismissal_nullity`` (its ``cm_referral_date`` on the boundary, the
protection's end twelve months after a free date) is decided by none of the slice solver,
the nicer query and the query within the frame's 50,000 units; the slice spent all of them
for nothing.  A slice's "sat" on such a query leads to what "undecided" leads to (the
nicer query with the whole budget, then the query), so only its UNSAT counts, and the
UNSAT answers it gives the diff's queries take far less than the frame's budget."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import versions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import to_json
from lexlux.verify.checks.nicer_first import NICER_FIRST_RLIMIT
from lexlux.verify.checks.quick import Slices
from lexlux.verify.checks.versions import diff_versions

BEFORE, AFTER = date(2015, 12, 31), date(2016, 1, 1)
UNDECIDED = "reclassification_dismissal_nullity"       # its first frame is undecided
SLICE_SAT = "reexamination_request_deadline"           # its frame's slice says "sat"
DECIDE = Slices.decide                                  # not a spy of an earlier diff


def _diff(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, name: str,
          cap: int | None, sat_as_undecided: bool = False
          ) -> tuple[list[dict[str, Any]], str, list[tuple[int, int, str | None]]]:
    """The findings (as JSON) and status of ``name``'s diff with ``QUICK_UNSAT_RLIMIT`` =
    ``cap``, and (the query's budget, the slice's budget, its answer) for each query;
    ``sat_as_undecided``: the slice's "sat" is handed on as "undecided"."""
    monkeypatch.setattr(versions, "QUICK_UNSAT_RLIMIT", cap)
    asked: list[tuple[int, int, str | None]] = []
    audits: list[Audit] = []

    def spy(self: Slices, owners: Any, key: Any, constraints: Any, extra: Any, goals: Any,
            calls: Any, rlimit: int = 0) -> str | None:
        answer = DECIDE(self, owners, key, constraints, extra, goals, calls, rlimit)
        asked.append((audits[0].rlimit, rlimit, answer))
        return None if sat_as_undecided and answer == "sat" else answer

    monkeypatch.setattr(Slices, "decide", spy)
    audit = Audit(kb, "lu", max_regions=3)
    audits.append(audit)
    [result] = diff_versions(audit, BEFORE, AFTER, [name])
    return [to_json(kb, f) for f in result.findings], result.status, asked


def test_the_slice_of_an_undecided_frame_spends_the_smaller_budget(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    kb, cap = bundled.kb, versions.QUICK_UNSAT_RLIMIT
    assert cap is not None and cap < versions.FRAME_RLIMIT
    found, status, asked = _diff(kb, monkeypatch, UNDECIDED, cap)
    before, status_before, asked_before = _diff(kb, monkeypatch, UNDECIDED, None)
    assert status == status_before == "differ"
    assert found == before                       # the same region, witness and lines
    frame = versions.FRAME_RLIMIT
    # the first frame: undecided by the slice either way, within less now
    # then the seeded pass shows the region and the query after it is UNSAT, from the
    # slice within the smaller budget too: both queries are read for the slice's UNSAT
    assert asked == [(frame, cap, None), (frame, cap, "unsat")]
    assert asked_before == [(frame, frame, None), (frame, frame, "unsat")]


def test_a_slice_sat_on_a_frame_leads_where_undecided_leads(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    # why only the slice's UNSAT is read: "sat" asks the nicer query with the whole
    # budget, "undecided" asks it first within min(NICER_FIRST_RLIMIT, budget) — the same
    # query in fresh contexts, so the same witness
    kb = bundled.kb
    found, _, asked = _diff(kb, monkeypatch, SLICE_SAT, None)
    assert (versions.FRAME_RLIMIT, versions.FRAME_RLIMIT, "sat") in asked
    undecided, _, _ = _diff(kb, monkeypatch, SLICE_SAT, None, sat_as_undecided=True)
    assert found and undecided == found


def test_the_budget_is_bounded_only_where_the_slice_s_sat_is_not_read(
        planted: KnowledgeBase) -> None:
    audit = Audit(planted, "lu", rlimit=50_000, quick_rlimit=60_000)
    assert audit._quick_budget(cores=False, proof=False) == 50_000   # not set: as before
    audit.quick_unsat_rlimit = 20_000
    assert audit._quick_budget(cores=False, proof=False) == 20_000
    # a core query reads the slice's "sat"; a proof asks the nicer query after the query
    assert audit._quick_budget(cores=True, proof=False) == 50_000
    assert audit._quick_budget(cores=False, proof=True) == 50_000
    # beyond NICER_FIRST_RLIMIT the nicer query tried first has a smaller budget than
    # the one a slice's "sat" leads to: the slice keeps its own
    audit.rlimit = NICER_FIRST_RLIMIT + 1
    assert audit._quick_budget(cores=False, proof=False) == 60_000
