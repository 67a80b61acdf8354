"""A case that passed its schema check is not checked again (lexlux.validate.passed): only
passing data is remembered, by content, so a case with a problem is reported every time."""

from __future__ import annotations

from pathlib import Path

import pytest
from lexlux.evaluate.case import load_case
from lexlux.pipeline import load_knowledge_base

GOOD = """case: remembered
jurisdiction: lu
as_of: "2019-05-01"
facts:
  incapacity_start: "2019-03-04"
"""


def test_a_passing_case_is_remembered_and_a_failing_one_is_checked_each_time(
        cache: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base().kb
    good = tmp_path / "good.case.yaml"
    good.write_text(GOOD, encoding="utf-8")
    case, problems = load_case(good, kb)
    assert case is not None and problems == []
    assert len(list((cache / "checked").iterdir())) == 1
    case, problems = load_case(good, kb)                 # from the mark: the same case
    assert case is not None and case.facts and problems == []

    bad = tmp_path / "bad.case.yaml"
    bad.write_text(GOOD.replace("case: remembered", "cas: remembered"), encoding="utf-8")
    for _ in range(2):                                   # never remembered: reported again
        case, problems = load_case(bad, kb)
        assert case is None and [p.code for p in problems] and problems[0].span is not None
    assert len(list((cache / "checked").iterdir())) == 1


def test_no_marks_without_the_cache(cache: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEXLUX_NO_CACHE", "1")
    good = tmp_path / "good.case.yaml"
    good.write_text(GOOD, encoding="utf-8")
    case, _ = load_case(good, load_knowledge_base().kb)
    assert case is not None and not (cache / "checked").exists()
