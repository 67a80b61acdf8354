"""Every verify code (LX5xx) has a bad fixture under tests/verify/bad/<code>-<what>/: the
clean test knowledge base plus the fixture's files gives exactly that finding (golden
text in the fixture's expected.txt, `pytest --update-goldens` to rewrite it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lexlux.diagnostics import CODES
from lexlux.pipeline import load_knowledge_base

from conftest import KB
from goldens import Golden

BAD = Path(__file__).resolve().parent / "bad"
FIXTURES = sorted(p for p in BAD.iterdir() if p.is_dir())
#: Codes that are notes, not problems: the run exits 0.
NOTES = {"LX521", "LX512", "LX522"}


def assemble(fixture: Path, into: Path) -> Path:
    shutil.copytree(KB / "clean" / "rules", into / "rules")
    for part in ("rules", "audit"):
        if (fixture / part).is_dir():
            shutil.copytree(fixture / part, into / part, dirs_exist_ok=True)
    return into / "rules"


def command(fixture: Path) -> list[str]:
    path = fixture / "command.txt"
    return path.read_text(encoding="utf-8").split() if path.is_file() else ["verify"]


def test_every_verify_code_has_a_fixture() -> None:
    codes = {c for c in CODES if c.startswith("LX5")}
    assert codes == {p.name.split("-", 1)[0] for p in FIXTURES}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_bad_fixture_gives_its_finding(fixture: Path, tmp_path: Path, golden: Golden
                                       ) -> None:
    code = fixture.name.split("-", 1)[0]
    rules = assemble(fixture, tmp_path)
    loaded = load_knowledge_base([rules])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    argv = [*command(fixture), "--rules", "rules"]
    # a fresh process: Z3's models (the witnesses) depend on the terms created before
    done = subprocess.run([sys.executable, "-m", "lexlux", *argv], capture_output=True,
                          text=True, cwd=tmp_path, check=False)
    heads = re.findall(r"^(finding|note|accepted)\[(LX\d+)", done.stdout, re.MULTILINE)
    assert code in [c for _, c in heads], done.stdout + done.stderr
    assert {c for kind, c in heads if kind == "finding"} <= {code}, heads
    assert done.returncode == (0 if code in NOTES else 1), done.stderr
    text = "\n".join(line for line in done.stdout.splitlines()
                     if not line.startswith(("lexlux verify:", "lexlux diff:")))
    golden.check(fixture / "expected.txt", text.rstrip() + "\n")
