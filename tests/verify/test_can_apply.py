"""The dead-rule check's "can apply" question (verify/checks/can_apply.py): earlier
witnesses replayed by the evaluator, then a simple case, then the query itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.verify.checks import can_apply as module
from lexlux.verify.checks.can_apply import Seed, can_apply, seeds, simple_witness
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import _applies, check_dead
from lexlux.verify.encoding.encode_expr import not_
from lexlux.verify.encoding.solve import SolveResult
from test_timeline_checks import load_with

from conftest import KB

SOURCE = 'source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt"}'
#: The certificate is received during the incapacity, 40 working days or more after the
#: absence (a working_days call: the query has abstract calendar calls, so the simple case
#: is tried).
REACHED = ("in_periods(incapacity, certificate_received_on) and certificate_received_on >= "
           "nth_counted_day(absence_start, 40, 'jours_ouvres')")
LIMIT = "lu.code_du_travail.LIMIT"
VERSION = f"{LIMIT}@1995-01-01"


def rule(rule_id: str, when: str) -> str:
    return "\n".join([
        f"id: lu.code_du_travail.{rule_id}", "jurisdiction: lu",
        f"citation: {{instrument: Code du travail, article: {rule_id}}}",
        "title: {fr: Fin du maintien}", "authority: law", "versions:",
        '  - valid_from: "1995-01-01"',
        '    amended_by: {act: "Loi test", date: "1995-01-01"}', f"    {SOURCE}",
        f'    when: "{when}"', "    then:", "      - output: continued_pay_until",
        "        value: absence_start + 40 days", ""])


def kb_with(tmp_path: Path, rules: dict[str, str]) -> KnowledgeBase:
    root = tmp_path / "rules"
    shutil.copytree(KB / "clean" / "rules", root)
    return load_with(root, rules)


@pytest.fixture(scope="module")
def limit_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return kb_with(tmp_path_factory.mktemp("can_apply"), {"LIMIT": rule("LIMIT", REACHED)})


def ask(audit: Audit) -> tuple[SolveResult, Any]:
    """The dead-rule check's question about the LIMIT rule, as check_dead asks it."""
    enc = audit.encoding()
    out = enc.output("continued_pay_until")
    [c] = [c for c in out.conclusions if c.version.id == VERSION]
    test = _applies(audit, LIMIT, VERSION, 0, None)
    result = can_apply(audit, enc, [{out.name}], [c.applies, not_(c.bad)], test,
                       f"dead rule: whether {VERSION} can apply", 1_000_000)
    return result, test


def case(days: int) -> Case:
    """Absent from 2 March 2020, the certificate received ``days`` days later."""
    start = date(2020, 3, 2)
    return Case("a seed", "lu", date(2021, 1, 1),
                {"absence_start": start, "certificate_received_on": start + timedelta(days),
                 "incapacity": (Period(start, start + timedelta(days=200)),)})


def no_solver(*_: Any, **__: Any) -> Any:
    raise AssertionError("the solver was asked")


def test_a_seed_the_evaluator_replays_answers_without_the_solver(
        limit_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = Audit(limit_kb, "lu")
    seeds(audit).append(Seed(case(90), date(2021, 1, 1), None))    # 40 working days reached
    monkeypatch.setattr(module, "solve", no_solver)
    monkeypatch.setattr(Audit, "query", no_solver)
    result, _ = ask(audit)
    assert result.status == "sat"
    assert "earlier witness" in result.reason
    assert audit.queries == 1                    # counted as the query it answers


def test_a_seed_that_does_not_replay_is_ignored_and_z3_decides(
        limit_kb: KnowledgeBase) -> None:
    audit = Audit(limit_kb, "lu")
    seeds(audit).append(Seed(case(10), date(2021, 1, 1), None))    # not reached
    result, test = ask(audit)
    assert result.status == "sat" and result.model is not None
    assert "earlier witness" not in result.reason
    found = seeds(audit)[-1]                     # the new witness is kept as a seed ...
    assert found.case.facts != case(10).facts
    assert test(found.case, found.as_of)         # ... and the evaluator applies the rule


def test_a_seed_of_another_reading_is_not_replayed(
        limit_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = Audit(limit_kb, "lu")
    seeds(audit).append(Seed(case(90), date(2021, 1, 1), "another reading"))
    asked: list[int] = []
    original = module.simple_witness

    def counted(*args: Any, **kwargs: Any) -> Any:
        asked.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, "simple_witness", counted)
    result, _ = ask(audit)
    assert result.status == "sat" and asked == [1]


def test_the_simple_case_is_a_witness_of_the_query(limit_kb: KnowledgeBase) -> None:
    audit = Audit(limit_kb, "lu")
    enc = audit.encoding()
    out = enc.output("continued_pay_until")
    [c] = [c for c in out.conclusions if c.version.id == VERSION]
    test = _applies(audit, LIMIT, VERSION, 0, None)
    found = simple_witness(audit, enc, [{out.name}], [c.applies, not_(c.bad)], test)
    assert found is not None
    result, facts = found
    module.keep(audit, enc, result, facts)
    seed = seeds(audit)[-1]
    assert len(seed.case.facts["incapacity"]) <= module.SIMPLE_PERIODS
    assert test(seed.case, seed.as_of)           # the evaluator applies the conclusion


def test_a_dead_rule_is_still_reported_with_its_core(tmp_path: Path) -> None:
    """The simple case finds nothing (UNSAT): the query itself decides, with its core."""
    kb = kb_with(tmp_path, {"LIMIT": rule("LIMIT", f"{REACHED} and absence_start > "
                                          "absence_start + 1 days")})
    findings = list(check_dead(Audit(kb, "lu")))
    [dead] = [f for f in findings if f.code == "LX504"]
    assert dead.versions == (VERSION,)
    assert VERSION in dead.core


SCRIPT = """
import json, sys
from pathlib import Path
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.can_apply import seeds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import check_dead
kb = load_knowledge_base([Path(sys.argv[1])]).kb
audit = Audit(kb, "lu")
findings = [f.fingerprint for f in check_dead(audit)]
print(json.dumps([findings, audit.queries,
                  [[s.as_of.isoformat(), repr(sorted(s.case.facts.items()))]
                   for s in seeds(audit)]]))
"""


def test_the_answers_and_seeds_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    kb_with(tmp_path, {"LIMIT": rule("LIMIT", REACHED),
                       "LIMIT2": rule("LIMIT2", f"{REACHED} and absence_start >= "
                                      "certificate_received_on")})
    runs = []
    for seed in ("1", "4242"):
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "rules")],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]
    assert runs[0][2]                            # witnesses were kept as seeds
