"""lexlux check with a sources folder: excerpts compared with the source (whitespace and line
breaks normalised); each bad fixture gives exactly one diagnostic of its code (golden)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.validate.excerpts import find_sources

from goldens import Golden

HERE = Path(__file__).parent
BAD = sorted(p for p in (HERE / "bad").iterdir() if p.is_dir())


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def assemble(fixture: Path | None, into: Path) -> None:
    shutil.copytree(HERE / "base", into, dirs_exist_ok=True)
    if fixture is not None:
        shutil.copytree(fixture / "rules", into / "rules", dirs_exist_ok=True)


def test_an_excerpt_over_a_line_break_of_the_cited_lines_is_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEXLUX_SOURCES", raising=False)
    assemble(None, tmp_path)
    code, out, _ = check("rules", "--sources", "sources")
    assert code == 0 and "1 excerpts checked against sources" in out, out


@pytest.mark.parametrize("fixture", BAD, ids=[p.name for p in BAD])
def test_bad_fixture_gives_one_diagnostic_of_its_code(
        fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEXLUX_SOURCES", raising=False)
    assemble(fixture, tmp_path)
    code, out, err = check("rules", "--sources", "sources")
    assert code == 1 and "Traceback" not in out + err
    assert out.count("error[") == 1 and f"error[{fixture.name[:5]}]" in out
    text = "\n".join(line for line in out.splitlines()
                     if not line.startswith("lexlux check:")) + "\n"
    golden.check(fixture / "expected.txt", text)


def test_without_sources_check_says_once_that_excerpts_are_not_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEXLUX_SOURCES", raising=False)
    assemble(HERE / "bad" / "LX316-excerpt-over-a-line-break", tmp_path)
    code, out, _ = check("rules")
    assert code == 0 and out.count("excerpts not checked: no sources folder") == 1


def test_the_sources_folder_comes_from_the_option_the_environment_or_pyproject(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEXLUX_SOURCES", raising=False)
    (tmp_path / "project" / "rules").mkdir(parents=True)
    (tmp_path / "project" / "pyproject.toml").write_text(
        '[tool.lexlux]\nsources = "../texts"\n', encoding="utf-8")
    inside = tmp_path / "project" / "rules"
    assert find_sources(None, inside).folder == tmp_path / "project" / "../texts"
    monkeypatch.setenv("LEXLUX_SOURCES", str(tmp_path / "env"))
    assert find_sources(None, inside).folder == tmp_path / "env"
    assert find_sources(tmp_path / "given", inside).folder == tmp_path / "given"
    monkeypatch.delenv("LEXLUX_SOURCES")
    assert find_sources(None, tmp_path).folder is None
