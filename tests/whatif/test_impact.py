"""lexlux impact: an amendment's changed provisions and the scenarios whose results change."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from lexlux.cli import run

KB = Path(__file__).parent.parent / "evaluate" / "kb" / "rules"
SCENARIO = """provision: [lu.test_code.art-1.limit]
checked_against: "test"
scenarios:
  - name: "an incapacity that begins in March 2027 has a limit of 78 weeks"
    cites: "Code test art. 1"
    as_of: "2027-06-01"
    facts: {onset: "2027-03-01"}
    expect: {limit_weeks: 78}
"""


def test_impact_lists_the_changed_parameter_and_the_scenario_it_breaks(tmp_path: Path) -> None:
    for side in ("base", "head"):
        shutil.copytree(KB, tmp_path / side / "rules")
        law = tmp_path / side / "tests" / "law" / "lu"
        law.mkdir(parents=True)
        (law / "limit.yaml").write_text(SCENARIO)
    limits = tmp_path / "head" / "rules" / "lu" / "parameters" / "limits.yaml"
    limits.write_text(limits.read_text() + '      - {from: "2027-01-01", value: 52, amended_by: '
                      '{act: "Projet de loi (test)", date: "2026-10-01"}}\n')
    out, err = io.StringIO(), io.StringIO()
    report = tmp_path / "impact.md"
    code = run(["impact", "--base-rules", str(tmp_path / "base" / "rules"), "--head-rules",
                str(tmp_path / "head" / "rules"), "--format", "json", "--report", str(report)],
               out, err)
    assert code == 0, out.getvalue() + err.getvalue()
    impact = json.loads(out.getvalue())
    assert impact["parameters_changed"] == ["lu.limits.weeks"]
    assert impact["rules"]["changed"] == []
    [changed] = impact["scenarios_changed"]
    assert changed["outputs"] == {"limit_weeks": {"base": 78, "head": 52}}
    assert changed["passes_base"] and not changed["passes_head"]
    assert "now FAILS" in report.read_text()
    assert impact["audit"] == {"new": [], "resolved": []}      # the verifier ran on both


def test_impact_needs_both_sides() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["impact", "--base", "HEAD"], out, err) == 1
    assert "error[LX104]" in out.getvalue()


def test_impact_reports_the_conflict_an_amendment_introduces(tmp_path: Path) -> None:
    conflict = KB.parent.parent.parent / "cases" / "bad" / "LX402-conflict" / "rules"
    shutil.copytree(KB, tmp_path / "base" / "rules")
    shutil.copytree(KB, tmp_path / "head" / "rules")
    shutil.copytree(conflict, tmp_path / "head" / "rules", dirs_exist_ok=True)
    out, err = io.StringIO(), io.StringIO()
    code = run(["impact", "--base-rules", str(tmp_path / "base" / "rules"), "--head-rules",
                str(tmp_path / "head" / "rules"), "--format", "json"], out, err)
    assert code == 0, out.getvalue() + err.getvalue()
    impact = json.loads(out.getvalue())
    assert impact["rules"]["added"] == ["lu.test_code.art-3.other"]
    assert any(" LX501 " in f" {line}" for line in impact["audit"]["new"]), impact["audit"]
    assert impact["audit"]["resolved"] == []
