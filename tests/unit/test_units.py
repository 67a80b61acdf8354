"""Counts keep their unit through expressions (LX338)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lexlux.pipeline import load_knowledge_base

DIAGNOSTICS = Path(__file__).resolve().parent.parent / "diagnostics"
FIXTURE = DIAGNOSTICS / "bad" / "LX338-weeks-as-days"


def codes_for(tmp_path: Path, value: str) -> list[str]:
    for layer in (DIAGNOSTICS / "base", DIAGNOSTICS / "good", FIXTURE):
        shutil.copytree(layer / "rules", tmp_path / "rules", dirs_exist_ok=True)
    rule = tmp_path / "rules" / "lu" / "code_du_travail" / "L121-6-p3.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("days_between(absence_start, nth_day(absence_start, ban))",
                                 value), encoding="utf-8")
    # unused facts of the fixture (LX320, LX321: warnings) are not what these tests are about
    return [d.code for d in load_knowledge_base([tmp_path / "rules"]).diagnostics
            if d.code not in ("LX320", "LX321")]


@pytest.mark.parametrize(("value", "codes"), [
    ("days_between(absence_start, nth_day(absence_start, ban * 7))", []),
    ("day_count(weeks(ban))", []),
    ("ban + days_between(absence_start, certificate_received_on)", ["LX338"]),
    ("if ban > days_between(absence_start, certificate_received_on) then 1 else 0", ["LX338"]),
    ("max(ban, days_inclusive(absence_start, certificate_received_on))", ["LX338"]),
    ("day_count(days(ban))", ["LX338"]),
    ("days_between(absence_start, add_months(absence_start, ban, 'clamp'))", ["LX338"]),
    ("ban - 1", []),
])
def test_units(tmp_path: Path, value: str, codes: list[str]) -> None:
    assert codes_for(tmp_path, value) == codes
