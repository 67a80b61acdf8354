"""Every diagnostic code is documented and exercised by a bad fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from lexlux.diagnostics import CODES

from goldens import Golden

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "diagnostics" / "bad"
#: Codes that no input file can trigger, with the test that covers each instead.
NOT_FROM_A_FILE = {
    "LX900": "tests/test_cli.py::test_internal_error_is_reported_without_traceback",
    "LX105": "tests/reliability/test_limits.py (a fixture would have to be 10 MB)",
    "LX108": "tests/reliability/test_limits.py (a fixture would need 100,000 items)",
    "LX109": "tests/reliability/test_defects.py::test_d11_* (a fixture cannot hold a symlink)",
    "LX110": "tests/reliability/test_defects.py::test_d6_* (an output path, not an input)",
    "LX111": "tests/reliability/test_defects.py::test_d4_* (CSV tables of lexlux batch)",
    "LX112": "tests/reliability/test_defects.py::test_d5_* (git revisions of lexlux impact)",
}
#: Codes about case and query files, whose fixtures live with the evaluator tests.
CASE_FIXTURES = REPO / "tests" / "cases" / "bad"
REFORM_FIXTURES = REPO / "tests" / "whatif" / "bad"
VERIFY_FIXTURES = REPO / "tests" / "verify" / "bad"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_doc_page(code: str) -> None:
    page = REPO / "docs" / "diagnostics" / f"{code}.md"
    assert page.is_file(), f"write {page}"
    assert page.read_text(encoding="utf-8").startswith(f"# {code}: ")


@pytest.mark.parametrize("code", sorted(set(CODES) - set(NOT_FROM_A_FILE)))
def test_every_code_has_a_bad_fixture(code: str) -> None:
    found = [p for folder in (FIXTURES, CASE_FIXTURES, REFORM_FIXTURES, VERIFY_FIXTURES)
             for p in folder.glob(f"{code}-*")]
    assert found, f"add a fixture tests/diagnostics/bad/{code}-<what>/ (or tests/cases/bad/)"


def test_codes_are_grouped_by_stage() -> None:
    stages = {"1": "load", "2": "validate", "3": "compile", "4": "evaluate", "5": "verify",
              "9": "internal"}
    assert all(code[2] in stages for code in CODES)


def test_writing_rules_examples_are_the_files_the_tests_load() -> None:
    import re

    text = (REPO / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- include: (\S+) -->\n```\w*\n(.*?)```\n", text, flags=re.S)
    assert len(blocks) >= 5
    for path, block in blocks:
        assert (REPO / path).read_text(encoding="utf-8") == block, f"{path} changed: update " \
            "docs/writing-rules.md"


def test_writing_rules_lists_every_function() -> None:
    from lexlux.compile.functions import markdown_table

    text = (REPO / "docs" / "writing-rules.md").read_text(encoding="utf-8")
    generated = "<!-- functions:begin (generated from engine/compile/functions.py) -->\n" \
        + markdown_table() + "<!-- functions:end -->"
    assert generated in text, "paste lexlux.compile.functions.markdown_table() into the docs"


def test_coverage_and_open_questions_pages_are_up_to_date(golden: Golden) -> None:
    from lexlux.pipeline import load_knowledge_base
    from lexlux.report.coverage import render_markdown, render_open_questions

    loaded = load_knowledge_base()
    assert loaded.ok
    golden.check(REPO / "docs" / "coverage.md", render_markdown(loaded))
    golden.check(REPO / "docs" / "open-questions.md", render_open_questions(loaded))
