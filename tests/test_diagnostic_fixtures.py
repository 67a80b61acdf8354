"""Every bad fixture gives exactly one diagnostic of its code, at the right place (golden)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.diagnostics import Severity
from lexlux.pipeline import load_knowledge_base

from fixture_kb import DIAGNOSTICS, assemble
from goldens import Golden

BAD = sorted(p for p in (DIAGNOSTICS / "bad").iterdir() if p.is_dir())


def test_good_fixture_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(DIAGNOSTICS / "good", tmp_path)
    result = load_knowledge_base([rules])
    # contract_type is declared for the verifier's fixtures (tests/verify/bad), which add the
    # rules that read it: here it is rightly reported unused, and nothing else is reported
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("LX320", "the fact 'contract_type' is declared but no rule reads it")]


@pytest.mark.parametrize("fixture", BAD, ids=[p.name for p in BAD])
def test_bad_fixture_gives_one_diagnostic_of_its_code(
        fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    code = fixture.name.split("-", 1)[0]
    monkeypatch.chdir(tmp_path)
    rules = assemble(fixture, tmp_path)
    result = load_knowledge_base([rules])
    ours = [d for d in result.diagnostics if d.code == code]
    others = [d for d in result.diagnostics
              if d.code != code and d.severity is Severity.ERROR]
    assert len(ours) == 1, [d.message for d in result.diagnostics]
    assert others == [], [f"{d.code} {d.message}" for d in others]
    assert ours[0].span is not None and ours[0].span.line >= 1
    out, err = io.StringIO(), io.StringIO()
    exit_code = run(["check", "rules"], out, err)
    assert exit_code == (1 if ours[0].severity is Severity.ERROR else 0)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    text = "\n".join(line for line in out.getvalue().splitlines()
                     if not line.startswith("lexlux check:")) + "\n"
    golden.check(fixture / "expected.txt", text)
