"""lexlux diff: each region of disagreement is summarised as fact ranges (the region's
projection on each fact), beside its witness; a conflict prints its overlap the same way."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from lexlux.cli import run
from test_planted import PLANTED


def test_a_threshold_moved_by_one_is_one_headcount_only(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(PLANTED / "base" / "rules", rules)
    params = rules / "lu" / "parameters" / "incapacity.yaml"
    text = params.read_text(encoding="utf-8")
    source = ('un effectif d’au moins vingt-cinq"}\n')
    assert text.count(source) == 1
    params.write_text(text.replace(source, source + """      - from: "2020-01-01"
        value: 26
        amended_by: {act: "Loi fictive", date: "2019-12-01"}
"""), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", "2015-01-01", "--to", "2021-01-01", "--output",
                "reclassification_duty", "--rules", str(rules)], out, err)
    assert code == 1, err.getvalue()
    text = out.getvalue()
    assert "parameter lu.incapacity.reclassification_headcount (threshold): 25" in text
    region = next(line for line in text.splitlines() if "region (each fact's range" in line)
    assert "headcount: 25 only" in region
    assert "witness" in text and "headcount = 25" in text
