"""The three mistakes that `lexlux check` and the suite once let through (issue 12), each now
caught; and --explain gives the reason of a "no"."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from lexlux.cli import run

from paths import REPO, SOURCES


def cli(*argv: str | Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue() + err.getvalue()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_three_mistakes_are_each_caught(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if not SOURCES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the legal sources are not at {SOURCES}: in CI this test must run")
        pytest.skip(f"the legal sources are not at {SOURCES}")
    monkeypatch.chdir(tmp_path)
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    assert cli("check", rules, "--sources", SOURCES)[0] == 0
    # 1. an excerpt that runs over a line break of the source, past the cited line
    _edit(rules / "lu" / "code_du_travail" / "L121-6" / "p2.yaml",
          '      lines: [3862, 3863]\n      excerpt: (2) Le troisième jour de son absence au '
          'plus tard',
          '      lines: [3866, 3866]\n      excerpt: "la résiliation de son contrat de travail"')
    # 2. a typo in a coverage row's rule id
    _edit(rules / "lu" / "coverage" / "code_du_travail.yaml",
          "rules: [lu.code_du_travail.L121-6.p2]", "rules: [lu.code_du_travail.L121-6.p22]")
    # 3. an exception_to whose rule shares no output with its target
    _edit(rules / "lu" / "code_du_travail" / "L121-6" / "p2.yaml",
          "    parameters: {day: lu.incapacity.certificate_day}",
          "    exception_to: [{rule: lu.code_du_travail.L121-6.p1}]\n"
          "    parameters: {day: lu.incapacity.certificate_day}")
    code, out = cli("check", rules, "--sources", SOURCES)
    assert code == 1
    assert out.count("error[LX316]") == 1
    assert "the excerpt runs on to line 3867: cite lines: [3866, 3867]" in out
    assert out.count("error[LX318]") == 1 and "did you mean 'lu.code_du_travail.L121-6.p2'" in out
    assert out.count("error[LX319]") == 1
    assert out.count("error[") == 3


def test_explain_gives_the_reason_of_a_no(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out = cli("eval", "examples/late-certificate.case.yaml", "--output",
                    "certificate_in_time", "--explain")
    assert code == 0 and "certificate_in_time = false" in out, out
    assert "false: certificate_received_on <= last_day" in out
