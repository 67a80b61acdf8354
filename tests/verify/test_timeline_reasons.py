"""The reason of an undecided timeline query (LX510) names the horizons actually tried:
the checks other than the readings check search the widest frame only (CHECK_HORIZONS)."""

from __future__ import annotations

from pathlib import Path

from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.invariants import check_invariants
from lexlux.verify.checks.timeline_search import (
    CHECK_HORIZONS,
    HORIZONS,
    NO_NARROW_WITNESS,
    no_narrow_witness,
)
from test_timeline_diff_invariants import CDD_CNS, kb_with, loaded, payer_rule


def test_the_reason_names_the_horizons_given() -> None:
    assert "(first month pinned, horizons 6, 18 and 36 months)" in no_narrow_witness((6, 18, 36))
    assert "(first month pinned, horizon 36 months)" in no_narrow_witness((36,))
    assert no_narrow_witness(HORIZONS) == NO_NARROW_WITNESS


def test_an_undecided_invariant_names_only_the_widest_frame(tmp_path: Path) -> None:
    kb = loaded(kb_with(tmp_path, payer_rule(CDD_CNS), invariant=True))
    [undecided] = [f for f in check_invariants(Audit(kb, "lu", rlimit=1)) if f.code == "LX510"]
    assert undecided.message.endswith(no_narrow_witness(CHECK_HORIZONS))
    assert "6, 18" not in undecided.message
