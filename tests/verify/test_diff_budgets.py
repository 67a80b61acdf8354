"""lexlux diff: the slice solver (checks/quick.py) gets a smaller budget for the diff's
queries than for the rest of the audit, and the audit's own is restored afterwards; the
answers are those of the full budget (kb/diff: the limit of 364 days raised to 546)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.verify.checks import quick, versions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.versions import diff_versions

from conftest import load


def _run(monkeypatch: pytest.MonkeyPatch, diff_quick: int) -> tuple[Audit, dict[str, Any],
                                                                    list[int]]:
    limits: list[int] = []
    decide = quick.Slices.decide

    def recorded(self: quick.Slices, *args: Any, **kwargs: Any) -> Any:
        limits.append(args[-1] if len(args) >= 7 else kwargs.get("rlimit", 0))
        return decide(self, *args, **kwargs)
    monkeypatch.setattr(quick.Slices, "decide", recorded)
    monkeypatch.setattr(versions, "QUICK_RLIMIT", diff_quick)
    audit = Audit(load("diff"), "lu", max_regions=2)
    found = {r.output: (r.status, sorted(f.key for f in r.findings))
             for r in diff_versions(audit, date(2018, 12, 31), date(2019, 1, 1),
                                                ["exhausted_from"])}
    return audit, found, limits


def test_the_diff_gives_the_slice_solver_less_and_finds_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    audit, small, limits = _run(monkeypatch, versions.QUICK_RLIMIT)
    assert limits and max(limits) <= versions.QUICK_RLIMIT < quick.QUICK_RLIMIT
    assert audit.quick_rlimit == quick.QUICK_RLIMIT          # restored
    _, large, _ = _run(monkeypatch, quick.QUICK_RLIMIT)
    assert small == large
    assert small["exhausted_from"][0] == "differ"
