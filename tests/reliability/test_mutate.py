"""The legal mutation score (engine/report/mutate.py, ``lexlux mutate``)."""

from __future__ import annotations

import io
import json

from lexlux.cli import run
from lexlux.load.discover import FileKind
from lexlux.load.yaml_source import load_text
from lexlux.pipeline import LoadResult
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


def test_a_mutant_knowledge_base_keeps_events_derivations_and_invariants(
        bundled: LoadResult) -> None:
    """Only the mutated file changes: a mutant that lost the event types would fail every
    scenario told with events, and count as killed by it."""
    from datetime import date

    from lexlux.evaluate.case import case_from_text
    from lexlux.evaluate.interpreter import evaluate
    from lexlux.report.mutate import mutated_kb
    doc = bundled.documents["rules/lu/parameters/mutualite.yaml"]
    # the class 1 share is 4 % for 2010-2012 and from 2013: moving the 2013 date changes nothing
    mutant = next(m for m in mutants_of(doc, FileKind.PARAMETERS)
                  if m.path[1] == "surcharge_share_class_1" and m.after == "2012-12-31")
    kb = mutated_kb(bundled.kb, mutated_document(doc, mutant), FileKind.PARAMETERS)
    assert kb is not None
    assert kb.parameters["lu.mutualite.surcharge_share_class_1"].values[2].start == \
        date(2012, 12, 31)
    assert (kb.event_types, kb.derivations, kb.invariants, kb.total_when) == (
        bundled.kb.event_types, bundled.kb.derivations, bundled.kb.invariants,
        bundled.kb.total_when)
    case, problems = case_from_text("""case: sickness in a trial period, told with events
jurisdiction: lu
events:
  - {type: contract, start: "2019-01-02", kind: cdi, trial_until: "2019-04-01"}
  - {type: incapacity, from: "2019-02-11", to: "2019-02-20", cause: sickness}
""", kb)
    assert case is not None, problems
    outcome = evaluate(kb, case, date(2019, 12, 31), outputs=["mutualite_reimbursement_rate"])
    assert outcome.results["mutualite_reimbursement_rate"].status == "value"
