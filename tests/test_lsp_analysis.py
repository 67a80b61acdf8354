"""The language server's analysis, in process: diagnostics of unsaved texts within their
knowledge base, and the names around a position."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from lexlux.cli.main import run
from lexlux.lsp.analysis import Workspace, knowledge_base_root, word_at

from paths import REPO

RULE = (REPO / "rules" / "lu" / "code_du_travail" / "L121-6" / "p2.yaml").resolve()
VOCABULARY = (REPO / "rules" / "lu" / "vocabulary" / "employment.yaml").resolve()
QUERY = (REPO / "examples" / "fourth-day-certificate.query.yaml").resolve()


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace()


def test_word_at() -> None:
    text = "id: lu.code_du_travail.L121-6.p2\n  value: a <= nth_day(b, day)\n"
    assert word_at(text, 0, 10) == ("lu.code_du_travail.L121-6.p2", "lu.cod")
    assert word_at(text, 1, 17) == ("nth_day", "nth")
    assert word_at(text, 5, 0) == ("", "")


def test_a_rule_file_belongs_to_the_rules_folder_above_it() -> None:
    assert knowledge_base_root(RULE) == (REPO / "rules").resolve()
    assert knowledge_base_root(Path("/tmp/x/lu/a.yaml")) == Path("/tmp/x/lu")


def test_a_change_in_the_vocabulary_shows_in_the_open_rule(workspace: Workspace) -> None:
    rule = RULE.read_text(encoding="utf-8")
    vocabulary = VOCABULARY.read_text(encoding="utf-8").replace(
        "  certificate_received_on:", "  certificate_reached_employer_on:")
    found = workspace.check_open(VOCABULARY, {VOCABULARY: vocabulary, RULE: rule})
    assert [d.code for d in found[RULE]] == ["LX301"]
    assert all(d.span is not None and d.span.file.endswith("p2.yaml") for d in found[RULE])
    clean = workspace.check_open(RULE, {RULE: rule})
    assert clean == {RULE: []}


def test_broken_yaml_is_a_diagnostic(workspace: Workspace) -> None:
    text = RULE.read_text(encoding="utf-8").replace("authority: law", "authority: [law")
    problems = workspace.diagnostics(RULE, {RULE: text})
    assert [d.code for d in problems] == ["LX101"]
    workspace.diagnostics(RULE, {RULE: RULE.read_text(encoding="utf-8")})


def test_a_query_file_with_an_unknown_output(workspace: Workspace) -> None:
    text = QUERY.read_text(encoding="utf-8")
    assert workspace.diagnostics(QUERY, {QUERY: text}) == []
    wrong = text.replace("outputs:", "outputz:")
    assert [d.code for d in workspace.diagnostics(QUERY, {QUERY: wrong})] == ["LX201"]


def test_type_names_complete_in_a_vocabulary(workspace: Workspace) -> None:
    text = VOCABULARY.read_text(encoding="utf-8")
    line = text.splitlines().index("    type: date")
    labels = [c.label for c in workspace.completions(VOCABULARY, text, line, len("    type: d"),
                                                     {VOCABULARY: text})]
    assert labels == ["decimal", "date", "duration"]


def test_rule_ids_complete_after_exception_to(workspace: Workspace) -> None:
    text = "versions:\n  - exception_to:\n      - rule: lu.code_du_travail.L121-6.p\n"
    items = workspace.completions(RULE, text, 2, len("      - rule: lu.code_du_travail.L121-6.p"),
                                  {RULE: RULE.read_text(encoding="utf-8")})
    labels = {c.label for c in items}
    assert "lu.code_du_travail.L121-6.p2" in labels
    assert all(label.startswith("lu.code_du_travail.L121-6.p") for label in labels)


def test_hover_on_an_output_names_its_provisions(workspace: Workspace) -> None:
    text = RULE.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines()) if "output: certificate_in_time"
                in row)
    hover = workspace.hover(RULE, text, line, text.splitlines()[line].index("certificate") + 2,
                            {RULE: text})
    assert hover is not None
    assert "output, boolean" in hover and "lu.code_du_travail.L121-6.p2" in hover


def test_lsp_without_pygls_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    monkeypatch.delitem(sys.modules, "lexlux.lsp.server", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert run(["lsp"], out, err) == 1
    assert "pip install 'lexlux[lsp]'" in err.getvalue()


#: an editor sends text, not bytes: a file that is not UTF-8 is the editor's to report
FIXTURES = sorted(p for p in (REPO / "tests" / "diagnostics" / "bad").glob("*/rules")
                  if p.parent.name != "LX104-not-utf8")


@pytest.mark.parametrize("rules", FIXTURES, ids=lambda p: p.parent.name)
def test_the_server_reports_what_lexlux_check_reports(rules: Path) -> None:
    """For every file of every bad fixture: the same diagnostics as ``lexlux check``."""
    from lexlux.load.discover import display_path
    from lexlux.pipeline import load_knowledge_base

    checked = load_knowledge_base([rules])
    workspace = Workspace()
    for path in sorted(rules.rglob("*.yaml")):
        path = path.resolve()
        text = path.read_text(encoding="utf-8", errors="replace")
        expected = [(d.code, d.message, d.span) for d in checked.diagnostics
                    if d.span is not None and d.span.file == display_path(path)]
        found = [(d.code, d.message, d.span) for d in workspace.diagnostics(path, {path: text})]
        assert found == expected, path
