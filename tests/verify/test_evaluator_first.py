"""The dead-rule check's evaluator-first pass (checks/evaluator_first.py): a version the
evaluator shows able to apply is answered before anything is encoded or solved, with the
findings, query count and timeline notes of the solver's path; a dead version still goes
to the solver and is reported with its unsat core; the candidates are a pure function of
their inputs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import z3
from lexlux.compile.model import KnowledgeBase
from lexlux.verify.checks import rules as rules_module
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.dead_cases import POOL_CASES, pool_cases, reads
from lexlux.verify.checks.evaluator_first import evaluator_first
from lexlux.verify.checks.findings import to_json
from lexlux.verify.checks.rules import check_dead
from lexlux.verify.checks.timeline_notes import timeline_notes
from test_prefilter import knowledge_base
from test_seeds import asked_queries
from test_timeline_checks import EMPLOYER, kb_with, rule

LIVE = [
    ("live", [("2000-01-01", "days_off >= 20 and contract != 'cdi'"),
              ("2018-01-01", "days_off < -4")]),
    ("live", [("2000-01-01", "received <= nth_day(start, 3) and days_off == 2")]),
    ("live", [("2000-01-01", "end_of_month(start) >= received")]),
]
DEAD = [
    ("dead", [("2000-01-01", "days_off < 5 and days_off > 7")]),
    ("dead", [("2000-01-01", "contract == 'cdi' and contract == 'cdd'")]),
]


def _z3_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of Z3's ``check`` (any solver, any query of any check), recorded."""
    checks: list[str] = []
    check = z3.Solver.check

    def spy(self: z3.Solver, *args: Any) -> Any:
        checks.append("check")
        return check(self, *args)
    monkeypatch.setattr(z3.Solver, "check", spy)
    return checks


def _encoded_outputs(audit: Audit) -> list[str]:
    return sorted(name for enc in audit._encodings.values() for name in enc.outputs)


def test_a_version_that_can_apply_is_answered_without_z3_or_encoding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = knowledge_base(tmp_path, LIVE)
    checks, asked = _z3_checks(monkeypatch), asked_queries(monkeypatch)
    audit = Audit(kb, "lu")
    assert list(check_dead(audit)) == []
    assert checks == [] and asked == []
    assert _encoded_outputs(audit) == []          # nothing encoded for the check
    assert audit.queries == 4                     # one answered question per version


def test_the_case_found_is_one_the_evaluator_applies_the_conclusion_to(
        tmp_path: Path) -> None:
    from lexlux.verify.checks.confirm import conclusion_applies
    kb = knowledge_base(tmp_path, LIVE)
    audit = Audit(kb, "lu")
    for rule_id in sorted(kb.rules):
        rule = kb.rules[rule_id]
        for version in rule.versions:
            found = evaluator_first(audit, rule, version)
            assert found is not None, version.id
            assert conclusion_applies(kb, found.case, found.as_of, rule.id, version.id,
                                      found.index)
            # the version is selected by its fact "start", inside its window
            assert version.in_force_on(found.case.facts["start"])


def test_a_dead_version_is_still_reported_with_its_unsat_core(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = knowledge_base(tmp_path, [*DEAD, *LIVE])
    asked = asked_queries(monkeypatch)
    audit = Audit(kb, "lu")
    found = [to_json(kb, f) for f in check_dead(audit)]
    assert [[v["id"] for v in f["versions"]] for f in found] == [["lu.gen.r0@2000-01-01"],
                                                                 ["lu.gen.r1@2000-01-01"]]
    assert all(f["code"] == "LX504" and f["core"] for f in found), found
    assert len(asked) == 2                        # the solver asked about the dead ones only
    # the same findings and the same number of questions as the solver's path alone
    monkeypatch.setattr(rules_module, "evaluator_first", lambda *_: None)
    solver = Audit(kb, "lu")
    assert [to_json(kb, f) for f in check_dead(solver)] == found
    assert solver.queries == audit.queries


def test_a_timeline_rule_keeps_its_note_without_a_solver_query(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER),
                            "P4": rule("P4", "'cns'", when="contract_type == 'cdd'")})

    def dead_and_notes() -> tuple[list[Any], list[Any], int]:
        audit = Audit(kb, "lu")
        found = [to_json(kb, f) for f in check_dead(audit)]
        notes = [to_json(kb, f) for f in timeline_notes(audit)]
        return found, notes, audit.queries

    checks = _z3_checks(monkeypatch)
    quick = dead_and_notes()
    assert checks == []
    monkeypatch.setattr(rules_module, "evaluator_first", lambda *_: None)
    solved = dead_and_notes()
    assert checks                                  # the solver's path asks Z3
    assert quick == solved
    notes = quick[1]
    payer = [n for n in notes if n["output"] == "monthly_payer"]
    assert [n["code"] for n in payer] == ["LX522"]
    lines = [d for d in payer[0]["details"] if d.startswith("dead rule:")]
    assert len(lines) == 2 and all(d.endswith("a case found (the evaluator replays it)")
                                   for d in lines), lines


def _candidates_digest(kb: KnowledgeBase, as_of: date | None) -> str:
    """A digest of the pool's candidates and of the case the pass finds, for a few
    bundled versions (a timeline rule, a rule reading an output, one of 2009)."""
    audit = Audit(kb, "lu", as_of=as_of)
    info = reads(audit)
    text = []
    for rule_id in ("lu.code_du_travail.L125-4.payer", "lu.statuts_cns.art-185",
                    "lu.code_du_travail.L551-2.p3"):
        rule = kb.rules[rule_id]
        version = rule.versions[0]
        name = version.conclusions[0].output
        slice_rules, slice_facts, _ = info.output(name)
        cases = list(pool_cases(kb, "lu", rule, version, info.version_facts(rule, version),
                                slice_facts, slice_rules, as_of))
        assert 0 < len(cases) <= POOL_CASES
        text += [repr((sorted(facts.items()), day)) for facts, day in cases]
        found = evaluator_first(audit, rule, version)
        assert found is not None, rule_id
        text.append(repr((found.output, found.index, sorted(found.case.facts.items()),
                          found.as_of)))
    return hashlib.sha256("\n".join(text).encode()).hexdigest()


DIGEST = """
import sys
from datetime import date
sys.path.insert(0, sys.argv[1])
from lexlux.pipeline import load_knowledge_base
from test_evaluator_first import _candidates_digest
print(_candidates_digest(load_knowledge_base(None).kb, None))
"""


def test_the_candidates_are_the_same_in_every_process(bundled: Any) -> None:
    kb = bundled.kb
    here = _candidates_digest(kb, None)
    assert _candidates_digest(kb, None) == here
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", DIGEST, str(Path(__file__).parent)],
                          env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == here


def test_with_an_as_of_date_every_candidate_is_as_of_it(bundled: Any) -> None:
    kb = bundled.kb
    day = date(2019, 6, 1)
    audit = Audit(kb, "lu", as_of=day)
    info = reads(audit)
    for rule_id in ("lu.code_du_travail.L125-4.payer",      # selected by a fact
                    "lu.statuts_cns.art-185"):               # selected on the as-of date
        rule = kb.rules[rule_id]
        version = rule.versions[0]
        name = version.conclusions[0].output
        slice_rules, slice_facts, _ = info.output(name)
        days = {d for _, d in pool_cases(kb, "lu", rule, version,
                                         info.version_facts(rule, version), slice_facts,
                                         slice_rules, day)}
        assert days == {day}
        found = evaluator_first(audit, rule, version)
        assert found is not None and found.as_of == day and found.case.as_of == day
