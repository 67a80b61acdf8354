"""What-if: --set, reforms (applied to a copy, never to the baseline), batch."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.evaluate.case import load_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import LoadResult, load_knowledge_base
from lexlux.whatif.compare import compare
from lexlux.whatif.reform import apply_reform

HERE = Path(__file__).parent
KB = HERE.parent / "evaluate" / "kb" / "rules"


@pytest.fixture(scope="module")
def baseline() -> LoadResult:
    result = load_knowledge_base([KB])
    assert result.ok
    return result


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--rules", str(KB)], out, err)
    return code, out.getvalue() + err.getvalue()


def test_a_reform_changes_a_copy_and_never_the_baseline(baseline: LoadResult) -> None:
    reformed = apply_reform(baseline, HERE / "back-to-52.reform.yaml")
    assert reformed.ok, [d.message for d in reformed.diagnostics]
    case, _ = load_case(HERE / "onset-2027.case.yaml", baseline.kb)
    assert case is not None
    before = evaluate(baseline.kb, case, date(2027, 6, 1))
    after = evaluate(reformed.kb, case, date(2027, 6, 1))
    assert before.value("limit_weeks") == 78 and after.value("limit_weeks") == 52
    # the new version of art-2.crime no longer excuses a letter received during the incapacity
    assert before.value("sanction") == "lawful" and after.value("sanction") == "abusive"
    assert len(baseline.kb.parameters["lu.limits.weeks"].values) == 2
    assert len(baseline.kb.rules["lu.test_code.art-2.crime"].versions) == 1
    changed = {c.output: c for c in compare(before, after)}
    assert set(changed) == {"limit_weeks", "sanction"}
    assert "parameter lu.limits.weeks: 78 → 52" in changed["limit_weeks"].divergence


def test_whatif_set_shows_only_what_changes_and_the_first_divergence() -> None:
    code, out = cli("whatif", str(HERE / "onset-2027.case.yaml"), "--set", "crime=false")
    assert code == 0, out
    assert "1 output(s) change" in out
    assert "sanction" in out
    assert "lu.test_code.art-2.crime@2009-01-01 no longer applies: fact crime: true → false" in out


def test_eval_with_a_reform_compares_both_laws() -> None:
    code, out = cli("eval", str(HERE / "onset-2027.case.yaml"), "--reform",
                    str(HERE / "back-to-52.reform.yaml"), "--format", "json")
    assert code == 0, out
    changes = {c["output"]: c for c in json.loads(out)["changes"]}
    assert changes["limit_weeks"]["before"] == 78 and changes["limit_weeks"]["after"] == 52


@pytest.mark.parametrize(("argv", "code", "words"), [
    (["--set", "crimes=true"], "LX314", "did you mean 'crime'?"),
    (["--set", "onset=2027-02-30"], "LX314", "February 2027 has 28 days"),
    (["--reform", str(HERE / "bad" / "LX315-unknown-rule.reform.yaml")], "LX315",
     "did you mean 'lu.test_code.art-2.crime'?"),
    (["--reform", str(HERE / "bad" / "LX203-wrong-type.reform.yaml")], "LX203", "fifty-two"),
    (["--set", "crime=false", "--output", "sanctions"], "LX404", "did you mean 'sanction'?"),
])
def test_a_new_users_mistakes_get_one_clear_message(argv: list[str], code: str,
                                                    words: str) -> None:
    exit_code, out = cli("whatif", str(HERE / "onset-2027.case.yaml"), *argv)
    assert exit_code == 1, out
    assert out.count(f"error[{code}]") == 1 and words in out, out
    assert "Traceback" not in out


def test_batch_counts_the_cases_a_reform_changes(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = (HERE / "onset-2027.case.yaml").read_text()
    (folder / "a.case.yaml").write_text(text)
    earlier = text.replace('onset: "2027-03-01"', 'onset: "2026-03-01"')
    assert earlier != text
    (folder / "b.case.yaml").write_text(earlier)
    code, out = cli("batch", str(folder), "--reform", str(HERE / "back-to-52.reform.yaml"),
                    "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["cases"] == 2
    assert report["outputs"]["limit_weeks"]["changed"] == 1       # only the 2027 onset
    assert report["outputs"]["limit_weeks"]["total_before"] == "156"
    assert report["outputs"]["limit_weeks"]["total_after"] == "130"


def test_verify_and_diff_audit_the_reformed_law() -> None:
    # the new rule says 'abusive' where art-2.crime says 'lawful', with no exception_to
    code, out = cli("verify", "--check", "conflicts", "--reform",
                    str(HERE / "conflicting.reform.yaml"), "--format", "json")
    assert code == 1, out
    findings = json.loads(out)["findings"]
    assert any(f["code"] == "LX501" and "lu.test_code.art-3.new@2027-01-01" in
               {v["id"] for v in f["versions"]} for f in findings)
    code, out = cli("verify", "--check", "conflicts", "--format", "json")
    assert code == 0, out                              # the baseline has no conflict
    code, out = cli("diff", "--from", "2026-12-31", "--to", "2027-01-01", "--output", "sanction",
                    "--reform", str(HERE / "conflicting.reform.yaml"), "--format", "json")
    assert code == 1 and json.loads(out)["outputs"][0]["status"] == "differ"
