"""lexlux audit: one Markdown report grouped by article, texts quoted, witnesses as tables."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lexlux.cli import run
from test_planted import PLANTED, assemble, load_case


def audit(rules: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["audit", "--rules", str(rules), *extra], out, err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


def test_a_clean_slice_gives_a_report_with_its_invariants_proved() -> None:
    code, text = audit(PLANTED / "base" / "rules")
    assert code == 0
    assert text.startswith("# Audit of the rules")
    assert "No finding." in text
    assert "| `lu.cross_references.appeal_is_opposition_period`" in text
    assert "2015-09-01 to 2060-12-31: proved" in text


def test_a_finding_is_filed_under_its_article_with_quotes_and_witness(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(load_case(PLANTED / "cases" / "e24-guide-more-than-25.yaml"), tmp_path)
    code, text = audit(rules, "--output", "report.md")
    assert code == 1 and "report written to report.md" in text
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Code du travail, art. L.551-2" not in report   # filed under the first version
    assert "## Guide du reclassement, art. 3" in report
    assert "### finding LX502 (hierarchy)" in report
    assert "> «(1) L’employeur qui occupe au jour de la saisine" in report
    assert "| `headcount` | 25 |" in report
    assert "Replayed by the evaluator:" in report


def test_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(load_case(PLANTED / "cases" / "e11-opposition-drifts-from-appeal.yaml"),
                     tmp_path)
    code, text = audit(rules, "--format", "json")
    data = json.loads(text)
    assert code == 1 and data["summary"]["problems"] >= 1
    windows = {i["id"]: i["windows"] for i in data["invariants"]}
    assert windows["lu.cross_references.appeal_is_opposition_period"][0]["status"] == "violated"
