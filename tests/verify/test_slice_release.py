"""checks/quick.py ``Slices.release`` and the diff: an output's slice solver is dropped
when the output's diff ends (its context freed at once), others are kept, and the answers
are those of a diff that keeps every slice (kb/diff)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.verify.checks import quick
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.versions import diff_versions

from conftest import load


def test_release_drops_that_slice_only() -> None:
    slices = quick.Slices()
    x = z3.Int("x")
    owners_a, owners_b = (object(),), (object(),)
    constraints = [(None, x > 0)]
    assert slices.decide(owners_a, "k", constraints, [], [x < 0], []) == "unsat"
    assert slices.decide(owners_b, "k", constraints, [], [x > 3], []) == "sat"
    kept = dict(slices._slices)
    slices.release(owners_a, "k")
    assert list(slices._slices.values()) == [kept[(id(owners_b[0]),), "k"]]
    slices.release(owners_a, "k")               # nothing left to drop: no error
    slices.release(owners_b, "other key")
    assert len(slices._slices) == 1


def _diff(monkeypatch: pytest.MonkeyPatch, release: bool) -> tuple[Audit, Any, set[Any]]:
    made: set[Any] = set()
    decide = quick.Slices.decide

    def recorded(self: quick.Slices, owners: Any, key: Any, *args: Any, **kw: Any) -> Any:
        made.add((tuple(id(o) for o in owners), key))
        return decide(self, owners, key, *args, **kw)
    monkeypatch.setattr(quick.Slices, "decide", recorded)
    if not release:
        monkeypatch.setattr(quick.Slices, "release", lambda *_: None)
    audit = Audit(load("diff"), "lu", max_regions=2)
    found = [(r.output, r.status, sorted(f.key for f in r.findings), [f.details for f in
                                                                         r.findings])
             for r in diff_versions(audit, date(2018, 12, 31), date(2019, 1, 1),
                                    ["exhausted_from"])]
    return audit, found, made


def test_the_diff_drops_an_output_slice_when_done(monkeypatch: pytest.MonkeyPatch) -> None:
    audit, found, made = _diff(monkeypatch, release=True)
    assert made                                  # the output's queries had a slice
    assert not made & set(audit._slices._slices)  # and it is gone
    kept_audit, kept, made_kept = _diff(monkeypatch, release=False)
    assert made_kept & set(kept_audit._slices._slices)   # kept without the release
    assert found == kept
    assert found[0][1] == "differ"
