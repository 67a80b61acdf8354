"""``lexlux test``: the scenario files run without pytest, with filters, summary, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lexlux.cli import run

from goldens import Golden

HERE = Path(__file__).parent
REPO = HERE.parent.parent
BAD = sorted(p for p in (HERE / "bad").iterdir() if p.is_dir())


def cli(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_bundled_scenarios_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = cli("test", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] >= 300
    assert {s["status"] for s in report["scenarios"]} == {"passed"}


def test_a_filter_selects_scenarios_by_file_or_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = cli("test", "tests/law/lu", "-k", "twenty-six weeks", "-v")
    assert code == 0
    listed = [line for line in out.splitlines() if ": passed " in line]
    assert listed and all("twenty-six weeks" in line.lower() for line in listed)
    code, _, err = cli("test", "tests/law", "-k", "no scenario is named like this")
    assert code == 2 and "no scenario matches" in err


@pytest.mark.parametrize("fixture", BAD, ids=[p.name for p in BAD])
def test_bad_fixture_gives_its_diagnostic(fixture: Path, golden: Golden,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture)
    code, out, _ = cli("test", ".")
    assert code == 1 and out.count(f"[{fixture.name[:5]}]") == 1 and "Traceback" not in out
    text = "\n".join(line for line in out.splitlines() if not line.startswith("lexlux test:"))
    golden.check(fixture / "expected.txt", text + "\n")


def test_a_failing_scenario_is_reported_in_json_with_its_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE / "bad" / "LX610-expectation-not-met")
    code, out, _ = cli("test", ".", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["summary"] | {"seconds": 0} == {
        "passed": 1, "failed": 1, "files": 1, "scenarios": 2, "seconds": 0}
    failed = [s for s in report["scenarios"] if s["status"] == "failed"]
    assert failed[0]["failures"] == ["certificate_in_time: expected True, got False "
                                     "(by lu.code_du_travail.L121-6.p2@2009-01-01)"]
