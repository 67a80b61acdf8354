"""docs/writing-rules.md and docs/time.md: the timeline examples run as written."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.compile.model import PERIODS
from lexlux.evaluate.case import load_case
from lexlux.evaluate.derive import prepare_case
from lexlux.evaluate.values import to_json
from lexlux.pipeline import load_knowledge_base

from paths import REPO


def test_writing_rules_timeline_output_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    found = re.search(r"```sh\n(lexlux eval tests/cases/good/timeline[^\n]*)\n```\n\n"
                      r"<!-- output of the command above; tests/test_docs_timeline.py checks "
                      r"it -->\n```text\n(.*?)```", text, flags=re.S)
    assert found
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.chdir(REPO)
    assert run(shlex.split(found.group(1))[1:], out, err) == 0, err.getvalue()
    assert out.getvalue() == found.group(2)


def test_time_md_timeline_examples_give_the_periods_shown(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each ```yaml block of docs/time.md §9 is a case; the ```text block after it shows the
    periods lexlux derives."""
    monkeypatch.chdir(REPO)
    kb = load_knowledge_base().kb
    text = (REPO / "docs" / "time.md").read_text(encoding="utf-8")
    section = text.split("## 9.", 1)[1]
    pairs = re.findall(r"```yaml\n(.*?)```\n+```text\n(.*?)```", section, flags=re.S)
    assert len(pairs) >= 2
    for case_text, shown in pairs:
        path = tmp_path / "doc.case.yaml"
        path.write_text(case_text, encoding="utf-8")
        case, problems = load_case(path, kb)
        assert case is not None and case.as_of is not None, problems
        _, derived, problems = prepare_case(kb, case, case.as_of, None)
        assert problems == []
        for line in shown.strip().splitlines():
            name, _, written = line.partition(" = ")
            periods = to_json(derived.facts.get(name.strip()), PERIODS) or []
            assert ", ".join(f"{p['from']} to {p['to']}" for p in periods) == written.strip(), \
                name
