"""Bad case files: one clear diagnostic each from `lexlux eval`, never a traceback (golden)."""

from __future__ import annotations

import io
import shlex
from pathlib import Path

import pytest
from lexlux.cli import run

from goldens import Golden

HERE = Path(__file__).parent
KB = HERE / "evaluate" / "kb" / "rules"
BAD = sorted(p for p in (HERE / "cases" / "bad").iterdir() if p.is_dir())


@pytest.mark.parametrize("fixture", BAD, ids=[p.name for p in BAD])
def test_bad_case_gives_one_clear_diagnostic(fixture: Path, golden: Golden,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    code = fixture.name.split("-", 1)[0]
    monkeypatch.chdir(HERE.parent)
    args = ["eval", str((fixture / "case.case.yaml").relative_to(HERE.parent)),
            "--rules", str(KB.relative_to(HERE.parent))]
    if (fixture / "rules").is_dir():
        args += ["--rules", str((fixture / "rules").relative_to(HERE.parent))]
    if (fixture / "args").is_file():
        args += shlex.split((fixture / "args").read_text())
    out, err = io.StringIO(), io.StringIO()
    exit_code = run(args, out, err)
    text = out.getvalue()
    assert exit_code == 1, text + err.getvalue()
    assert "Traceback" not in text + err.getvalue()
    assert text.count(f"error[{code}]") == 1, text
    golden.check(fixture / "expected.txt", text)
