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
    "LX800": "tests/serve/test_api.py::test_a_body_larger_than_the_limit_is_refused",
    "LX801": "tests/serve/test_api.py::test_an_unknown_rule_is_a_404_with_did_you_mean",
    "LX802": "tests/serve/test_site.py::test_without_the_web_extra_the_commands_say_how_to_install",
    "LX803": "tests/serve/test_site.py::test_a_site_that_cannot_be_written_is_a_diagnostic",
    "LX804": "tests/serve/test_api_verify.py::test_jobs_are_bounded_and_can_be_cancelled",
    "LX805": "tests/serve/test_api_verify.py::test_an_unknown_job_is_lx805",
    "LX702": "tests/whatif/test_population.py::test_parquet_without_pyarrow_is_a_clear_error",
    "LX703": "tests/whatif/test_distributed.py::test_dask_without_distributed_is_a_clear_error",
    "LX704": "tests/vector/test_batch_vector.py::test_vector_without_numpy_is_a_clear_error",
    "LX105": "tests/reliability/test_limits.py (a fixture would have to be 10 MB)",
    "LX108": "tests/reliability/test_limits.py (a fixture would need 100,000 items)",
    "LX109": "tests/reliability/test_defects.py::test_d11_* (a fixture cannot hold a symlink)",
    "LX110": "tests/reliability/test_defects.py::test_d6_* (an output path, not an input)",
    "LX111": "tests/reliability/test_defects.py::test_d4_* (CSV tables of lexlux batch)",
    "LX112": "tests/reliability/test_defects.py::test_d5_* (git revisions of lexlux impact)",
    "LX113": "tests/reliability/test_equivalent_mutants.py (needs a lexlux mutate run)",
    "LX114": "tests/reliability/test_equivalent_mutants.py (needs a lexlux mutate run)",
}
#: Codes about case and query files, whose fixtures live with the evaluator tests.
CASE_FIXTURES = REPO / "tests" / "cases" / "bad"
REFORM_FIXTURES = REPO / "tests" / "whatif" / "bad"
VERIFY_FIXTURES = REPO / "tests" / "verify" / "bad"
#: Codes of the stricter check with sources, of lexlux fmt and of lexlux test.
TOOL_FIXTURES = (REPO / "tests" / "sources" / "bad", REPO / "tests" / "fmt" / "bad",
                 REPO / "tests" / "scenario_runner" / "bad")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_doc_page(code: str) -> None:
    page = REPO / "docs" / "diagnostics" / f"{code}.md"
    assert page.is_file(), f"write {page}"
    assert page.read_text(encoding="utf-8").startswith(f"# {code}: ")


@pytest.mark.parametrize("code", sorted(set(CODES) - set(NOT_FROM_A_FILE)))
def test_every_code_has_a_bad_fixture(code: str) -> None:
    found = [p for folder in (FIXTURES, CASE_FIXTURES, REFORM_FIXTURES, VERIFY_FIXTURES,
                              *TOOL_FIXTURES)
             for p in folder.glob(f"{code}-*")]
    assert found, f"add a fixture tests/diagnostics/bad/{code}-<what>/ (or tests/cases/bad/)"


def test_codes_are_grouped_by_stage() -> None:
    stages = {"1": "load", "2": "validate", "3": "compile", "4": "evaluate", "5": "verify",
              "6": "tools", "7": "populations (batch)", "8": "serve", "9": "internal"}
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
