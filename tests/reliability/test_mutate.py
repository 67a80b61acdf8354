"""The legal mutation score (engine/report/mutate.py, ``lexlux mutate``)."""

from __future__ import annotations

import io
import json

from lexlux.cli import run
from lexlux.load.discover import FileKind
from lexlux.load.yaml_source import load_text
from lexlux.report.mutate import mutants_of, mutated_document

RULE = """id: lu.x.y
versions:
  - valid_from: "2009-01-01"
    valid_from_basis: horizon
    exception_to: [{rule: lu.x.z}]
    when: "a < b and c >= d"
    then:
      - output: o
        value: "if e <= date('2019-01-01') or f then 'a < b' else 'x'"
  - valid_from: "2019-01-01"
    then:
      - output: o
        value: "1"
"""


def test_each_operator_date_and_exception_gives_its_mutants() -> None:
    doc, problems = load_text(RULE, "rules/lu/x/y.yaml")
    assert doc is not None and not problems
    found = [(m.kind, m.after) for m in mutants_of(doc, FileKind.RULE)]
    assert ("comparison", "a <= b and c >= d") in found
    assert ("comparison", "a < b and c > d") in found
    assert ("connective", "a < b or c >= d") in found
    assert ("connective", "if e <= date('2019-01-01') and f then 'a < b' else 'x'") in found
    assert ("date", "if e <= date('2019-01-02') or f then 'a < b' else 'x'") in found
    assert ("horizon", "2009-01-02") in found and ("date", "2018-12-31") in found
    assert ("exception", None) in found
    # the '<' inside the quoted text 'a < b' is not an operator
    assert not any("'a <= b'" in str(after) for _, after in found)


def test_a_removed_exception_leaves_a_valid_version() -> None:
    doc, _ = load_text(RULE, "rules/lu/x/y.yaml")
    assert doc is not None
    mutant = next(m for m in mutants_of(doc, FileKind.RULE) if m.kind == "exception")
    assert "exception_to" not in mutated_document(doc, mutant).data["versions"][0]
    assert "exception_to" in doc.data["versions"][0]        # the original is untouched


def test_lexlux_mutate_reports_the_score_of_one_provision() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["mutate", "--only", "L121-6/p2.yaml", "--format", "json"], out, err)
    report = json.loads(out.getvalue())
    assert code == 0, err.getvalue()
    assert report["mutants"] == report["killed"] + report["survived"] + report["rejected"] \
        + report["horizon_not_scored"] >= 1
    assert report["by_kind"]["comparison"]["killed"] >= 1
    assert report["failing_scenarios"] == []
