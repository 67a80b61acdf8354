"""Each planted problem is found, with a witness replayed by the evaluator; the clean
knowledge base gives no finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import load_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import Finding
from lexlux.verify.checks.rules import (
    check_conflicts,
    check_dead,
    check_encodable,
    check_gaps,
    check_hierarchy,
)
from lexlux.verify.checks.versions import check_versions, diff_versions

from conftest import KB, load

ALL = (check_encodable, check_conflicts, check_hierarchy, check_dead, check_gaps,
       check_versions)


def run_all(kb: KnowledgeBase, **options: object) -> list[Finding]:
    audit = Audit(kb, "lu", **options)  # type: ignore[arg-type]
    return [f for check in ALL for f in check(audit)]


def only(findings: list[Finding], code: str) -> Finding:
    ours = [f for f in findings if f.code == code]
    assert len(ours) == 1, [(f.code, f.message) for f in findings]
    return ours[0]


def test_clean_knowledge_base_has_no_finding(clean: KnowledgeBase) -> None:
    assert run_all(clean) == []
    assert run_all(clean, as_of=date(2020, 1, 1)) == []


def test_planted_conflict_is_found_and_replayed(planted: KnowledgeBase, tmp_path: Path
                                               ) -> None:
    finding = only(run_all(planted, witness_dir=tmp_path), "LX501")
    assert finding.output == "payer"
    assert finding.versions == ("lu.code_du_travail.L121-7@2000-01-01",
                                "lu.code_du_travail.L121-8@2000-01-01")
    assert finding.facts is not None and 70 <= finding.facts["worked_days"] < 77
    assert finding.replay and "conflict" in finding.replay
    # the witness file is a case the evaluator reads back, with the same conflict
    assert finding.witness_path is not None
    case, problems = load_case(finding.witness_path, planted)
    assert case is not None and problems == []
    outcome = evaluate(planted, case, date.fromisoformat(finding.as_of or ""))
    assert outcome.results["payer"].status == "conflict"


def test_planted_hierarchy_breach_is_found(planted: KnowledgeBase) -> None:
    finding = only(run_all(planted), "LX502")
    assert finding.versions[0] == "lu.statuts_cns.art-10@2000-01-01"
    assert finding.facts == {"contract_type": "cdd"}
    assert "exception_to" in finding.details[0]


def test_reading_disagreement_is_not_a_conflict(planted: KnowledgeBase) -> None:
    findings = run_all(planted)
    finding = only(findings, "LX503")
    assert finding.output == "waiting_days"
    assert not any(f.code == "LX501" and f.output == "waiting_days" for f in findings)
    assert finding.replay and "reading=guide_a" in finding.replay


def test_planted_dead_rule_has_an_unsat_core_of_citations(planted: KnowledgeBase) -> None:
    finding = only(run_all(planted), "LX504")
    assert finding.versions == ("lu.code_du_travail.L121-10@2009-01-01",)
    assert finding.core == ("lu.code_du_travail.L121-10@2009-01-01",)


def test_planted_gap_is_found_with_a_witness(planted: KnowledgeBase) -> None:
    finding = only(run_all(planted), "LX506")
    assert finding.output == "covered"
    assert finding.facts == {"contract_type": "cdd"}
    assert finding.replay and "no value" in finding.replay


def test_planted_version_hole_is_found(planted: KnowledgeBase) -> None:
    finding = only(run_all(planted), "LX505")
    assert "2010-01-01 to 2012-01-01" in finding.message


def test_version_disagreement_is_found_and_replayed(planted: KnowledgeBase,
                                                    tmp_path: Path) -> None:
    audit = Audit(planted, "lu", witness_dir=tmp_path)
    results = {r.output: r for r in diff_versions(audit, date(2015, 1, 1), date(2020, 1, 1),
                                                  None)}
    assert results["certificate_in_time"].status == "differ"
    assert results["payer"].status == "same"
    finding = results["certificate_in_time"].findings[0]
    facts = finding.facts or {}
    # the certificate arrives on the third day: in time in 2015 (3 days), late in 2020 (2)
    assert (facts["certificate_received_on"] - facts["absence_start"]).days == 2
    assert finding.witness_path is not None and finding.witness_path.is_file()


def test_rule_filter_keeps_only_findings_of_that_rule(planted: KnowledgeBase) -> None:
    findings = run_all(planted, rule="lu.code_du_travail.L121-10")
    assert [f.code for f in findings] == ["LX504"]


def test_missing_facts_are_not_findings(planted: KnowledgeBase) -> None:
    # defined_cases: every witness gives the facts its conclusions read
    for finding in run_all(planted):
        if finding.facts is not None:
            assert finding.replay and "missing" not in finding.replay


def test_fingerprints_are_stable(planted: KnowledgeBase) -> None:
    first = sorted(f.fingerprint for f in run_all(planted))
    second = sorted(f.fingerprint for f in run_all(load("planted")))
    assert first == second


@pytest.mark.parametrize("name", ["clean", "planted", "functions"])
def test_every_output_of_the_test_kbs_is_encodable(name: str) -> None:
    kb = load(name)
    assert list(check_encodable(Audit(kb, "lu"))) == []


def test_timeline_output_is_reported_not_verified(tmp_path: Path) -> None:
    import shutil
    rules = tmp_path / "rules"
    shutil.copytree(KB / "clean" / "rules", rules)
    vocabulary = rules / "lu" / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + (
        "  monthly_payer: {type: timeline, of: {type: enum, values: [employer, cns]}, "
        "description: {fr: Payeur., en: Payer.}}\n"), encoding="utf-8")
    rule = rules / "lu" / "code_du_travail" / "L121-9.yaml"
    rule.write_text((rules / "lu" / "code_du_travail" / "L121-7.yaml").read_text(
        encoding="utf-8").replace("L121-7", "L121-9").split("    then:")[0] + (
        "    then:\n      - output: monthly_payer\n        each_month: {from: "
        "\"first_day(incapacity)\", until: \"last_day(incapacity)\"}\n"
        "        value: \"'employer'\"\n"), encoding="utf-8")
    from lexlux.pipeline import load_knowledge_base
    result = load_knowledge_base([rules])
    assert result.ok, [d.message for d in result.diagnostics]
    audit = Audit(result.kb, "lu")
    assert list(check_encodable(audit)) == []      # timeline outputs: after the checks
    from lexlux.verify.checks.timeline_notes import timeline_notes
    assert [f.code for f in timeline_notes(audit)] == ["LX521"]      # no check asked
    list(check_dead(audit))
    assert [f.code for f in timeline_notes(audit)] == ["LX522"]      # the dead check did


def test_a_witness_the_evaluator_does_not_reproduce_fails_loudly(
        planted: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import lexlux.verify.checks.context as context
    from lexlux.cli import run
    from lexlux.evaluate.interpreter import OutputResult
    from lexlux.verify.checks.witness import EncodingUnsound

    def wrong(kb: KnowledgeBase, case: object, as_of: date, output: str,
              **_: object) -> OutputResult:
        return OutputResult(output, "no_value", None, kb.vocabularies["lu"].outputs[
            output].type)
    monkeypatch.setattr(context, "replay", wrong)
    with pytest.raises(EncodingUnsound, match="the encoding predicted conflict"):
        list(check_conflicts(Audit(planted, "lu")))
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", "--rules", str(KB / "planted" / "rules"), "--check",
                "conflicts"], out, err)
    assert code == 3 and "EncodingUnsound" in err.getvalue()


def test_unknown_parameter_values_are_free_for_dead_rules() -> None:
    kb = load("functions")
    audit = Audit(kb, "lu", rule="lu.code_du_travail.F9")
    assert list(check_dead(audit)) == []          # some minimum wage lets it apply
    assert list(check_conflicts(Audit(kb, "lu"))) == []   # never 'missing' in a witness
