"""lexlux audit: one Markdown report grouped by article, texts quoted, witnesses as tables."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lexlux.cli import run
from test_planted import PLANTED, assemble, load_case


def audit(rules: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["audit", "--rules", str(rules), *extra], out, err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


def test_a_clean_slice_gives_a_report_with_its_invariants_proved() -> None:
    code, text = audit(PLANTED / "base" / "rules")
    assert code == 0
    assert text.startswith("# Audit of the rules")
    assert "No finding." in text
    assert "| `lu.cross_references.appeal_is_opposition_period`" in text
    assert "2015-09-01 to 2060-12-31: proved" in text


def test_a_finding_is_filed_under_its_article_with_quotes_and_witness(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(load_case(PLANTED / "cases" / "e24-guide-more-than-25.yaml"), tmp_path)
    code, text = audit(rules, "--output", "report.md")
    assert code == 1 and "report written to report.md" in text
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Code du travail, art. L.551-2" not in report   # filed under the first version
    assert "## Guide du reclassement, art. 3" in report
    assert "### finding LX502 (hierarchy)" in report
    assert "> «(1) L’employeur qui occupe au jour de la saisine" in report
    assert "| `headcount` | 25 |" in report
    assert "Replayed by the evaluator:" in report


def test_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(load_case(PLANTED / "cases" / "e11-opposition-drifts-from-appeal.yaml"),
                     tmp_path)
    code, text = audit(rules, "--format", "json")
    data = json.loads(text)
    assert code == 1 and data["summary"]["problems"] >= 1
    windows = {i["id"]: i["windows"] for i in data["invariants"]}
    assert windows["lu.cross_references.appeal_is_opposition_period"][0]["status"] == "violated"


class _Page(__import__("html.parser").parser.HTMLParser):
    """The structure of an HTML page: open tags, links to other files, text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.external: list[str] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in ("meta", "br", "link", "img"):
            self.stack.append(tag)
        if tag == "td":
            self._cell = True
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)
        if tag in ("script", "link", "img", "iframe"):
            self.external.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)
        self.stack.pop()
        if tag == "td":
            self._cell = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell:
            self.cells.append(data)


def test_html_has_the_markdown_content_in_one_self_contained_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(load_case(PLANTED / "cases" / "e24-guide-more-than-25.yaml"), tmp_path)
    code, _ = audit(rules, "--output", "report.md", "--html", "report.html")
    assert code == 1
    page = _Page()
    page.feed((tmp_path / "report.html").read_text(encoding="utf-8"))
    page.close()
    assert page.stack == [] and page.tags[0] == "html"        # every tag closed, in order
    assert page.external == []                                # no script, no asset
    body = " ".join(page.text)
    assert "Guide du reclassement, art. 3" in body
    assert "finding LX502 (hierarchy)" in body
    assert "«(1) L’employeur qui occupe au jour de la saisine" in body
    assert page.cells[page.cells.index("headcount") + 1] == "25"   # the witness table
    assert "Replayed by the evaluator:" in body
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert markdown.count("### ") == page.tags.count("h3")   # the same findings
    assert "blockquote" in page.tags and "table" in page.tags


def test_html_on_stdout_escapes_the_rules_text() -> None:
    code, text = audit(PLANTED / "base" / "rules", "--format", "html")
    assert code == 0 and text.startswith("<!DOCTYPE html>")
    assert "No finding." in text and "<script" not in text
    page = _Page()
    page.feed(text)
    assert page.stack == []
