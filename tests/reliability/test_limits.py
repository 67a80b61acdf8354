"""Input limits (docs/limits.md): each gives its diagnostic, and each can be changed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.limits import Limits, LimitSyntaxError, parse_limits, using
from lexlux.load.yaml_source import load_text

from paths import REPO

TEST_KB = REPO / "tests" / "evaluate" / "kb" / "rules"
CASE = """case: three periods
jurisdiction: lu
as_of: "2019-06-01"
facts:
  onset: "2019-03-01"
  incapacity:
    - {from: "2019-03-01", to: "2019-03-05"}
    - {from: "2019-03-10", to: "2019-03-12"}
    - {from: "2019-04-01", to: "2019-04-02"}
""" + "".join(f'    - {{from: "2019-05-{d:02d}", to: "2019-05-{d:02d}"}}\n'
              for d in range(1, 31, 2))


def lexlux(*args: object, env: dict[str, str] | None = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out, err)
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text and "LX900" not in text, text
    return code, text


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEXLUX_LIMITS", raising=False)
    path = tmp_path / "c.case.yaml"
    path.write_text(CASE, encoding="utf-8")
    return path


def test_the_case_is_read_under_the_default_limits(case: Path) -> None:
    code, text = lexlux("eval", case.name, "--rules", TEST_KB)
    assert code == 0, text


def test_a_list_longer_than_max_list_items_is_lx108(case: Path) -> None:
    code, text = lexlux("--limit", "max_list_items=17", "eval", case.name, "--rules", TEST_KB)
    assert code == 1 and "c.case.yaml:7:5: error[LX108]: the list has 18 items" in text


def test_the_environment_sets_a_limit_and_the_option_overrides_it(
        case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEXLUX_LIMITS", "max_list_items=17")
    code, text = lexlux("eval", case.name, "--rules", TEST_KB)
    assert code == 1 and "error[LX108]" in text
    code, text = lexlux("--limit", "max_list_items=18", "eval", case.name, "--rules", TEST_KB)
    assert code == 0, text


def test_a_file_larger_than_max_file_bytes_is_lx105(case: Path) -> None:
    code, text = lexlux("--limit", "max_file_bytes=100", "eval", case.name, "--rules", TEST_KB)
    assert code == 1 and "error[LX105]: the file is larger than the limit of 100 bytes" in text


def test_nesting_deeper_than_max_depth_is_lx107(case: Path) -> None:
    with using(Limits(max_depth=3)):
        _, problems = load_text(case.read_text(encoding="utf-8"), "c.case.yaml")
    assert problems and {p.code for p in problems} == {"LX107"}
    assert str(problems[0].span) == "c.case.yaml:7:14"
    code, text = lexlux("--limit", "max_depth=3", "check", TEST_KB)   # the rules too
    assert code == 1 and "error[LX107]" in text


@pytest.mark.parametrize("setting", ["max_list_items=0", "max_lists=3", "max_depth=x",
                                     "max_depth", "max_depth=" + "9" * 30])
def test_a_bad_limit_is_a_usage_error(case: Path, setting: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert lexlux("--limit", setting, "check")[0] == 2
    monkeypatch.setenv("LEXLUX_LIMITS", setting)
    assert lexlux("check")[0] == 2


def test_limits_parse_and_apply_to_the_loader() -> None:
    assert parse_limits(" max_depth = 80 ,max_list_items=1_000") == Limits(
        max_depth=80, max_list_items=1000)
    with pytest.raises(LimitSyntaxError):
        parse_limits("max_depth=-1")
    with using(Limits(max_number_digits=3)):
        _, problems = load_text("a: 1234\nb: 123\n", "x.yaml")
    assert [(p.code, p.span.line if p.span else 0) for p in problems] == [("LX106", 1)]
    _, problems = load_text("a: 1234\n", "x.yaml")
    assert problems == []
