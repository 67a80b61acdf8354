"""The seeded witness pass (checks/seeds.py, checks/seed_cases.py): candidates generated
from the knowledge base, evaluated by the evaluator under both readings, confirmed by the
solver with the case fixed, before the readings query of a timeline output."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lexlux.calendar.dates import month_index
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks import seeds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import Finding
from lexlux.verify.checks.rules import _check_readings
from lexlux.verify.checks.seed_cases import POOL_SIZE, pool
from lexlux.verify.checks.timeline_notes import timeline_notes
from test_timeline_checks import clean_with_payer

SOURCE = 'source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt"}'
#: The payer under reading "year": the days of incapacity of the twelve months ending with
#: the month; under reading "quarter": of the three months. A single period never tells
#: them apart (its days in the last three months are the days since it began, up to 40);
#: a period, a pause of months, then another one does.
YEAR = ("if days_in_window(incapacity, months_window_start(month, ref), end_of_month(month))"
        " >= 40 then 'cns' else 'employer'")
QUARTER = ("if days_in_window(incapacity, months_window_start(month, 3), end_of_month(month))"
           " >= 40 then 'cns' else 'employer'")
START = date(2017, 1, 1)


def rule(rule_id: str, value: str, reading: str) -> str:
    return "\n".join([
        f"id: lu.code_du_travail.{rule_id}", "jurisdiction: lu",
        f"citation: {{instrument: Code du travail, article: {rule_id}}}",
        "title: {fr: Payeur}", "authority: law", f"reading: {reading}", "versions:",
        '  - valid_from: "1995-01-01"',
        '    amended_by: {act: "Loi test", date: "1995-01-01"}', f"    {SOURCE}",
        "    parameters: {ref: lu.reference.reference_months}",
        "    then:", "      - output: monthly_payer",
        '        each_month: {from: "first_day(incapacity)", until: "last_day(incapacity)"}',
        f'        value: "{value}"', ""])


PARAMETER = "\n".join([
    "jurisdiction: lu", "parameters:", "  reference_months:",
    "    title: {fr: Mois de référence, en: Reference months}", "    type: integer",
    "    unit: months", "    citation: {instrument: Code du travail, article: T}",
    "    values:", '      - from: "1990-01-01"', "        value: 12",
    '        amended_by: {act: "Loi test", date: "1990-01-01"}', ""])


def kb_with(tmp_path: Path, second: str) -> KnowledgeBase:
    root = clean_with_payer(tmp_path / "rules")
    folder = root / "lu" / "code_du_travail"
    (folder / "R1.yaml").write_text(rule("R1", YEAR, "year"), encoding="utf-8")
    (folder / "R2.yaml").write_text(rule("R2", second, "quarter"), encoding="utf-8")
    (root / "lu" / "parameters" / "reference.yaml").write_text(PARAMETER, encoding="utf-8")
    loaded = load_knowledge_base([root])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return kb_with(tmp_path_factory.mktemp("seeds"), QUARTER)


@pytest.fixture(scope="module")
def agreeing(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return kb_with(tmp_path_factory.mktemp("seeds"), YEAR)


def asked_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions (``what``) of the queries the audit asks the solver from now on."""
    asked: list[str] = []
    query = Audit.query

    def counted(self: Audit, *args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("what", ""))
        return query(self, *args, **kwargs)
    monkeypatch.setattr(Audit, "query", counted)
    return asked


def readings(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
             ) -> tuple[list[Finding], Finding, list[str]]:
    """The readings findings on monthly_payer, its timeline note, and the queries the
    check asked the solver."""
    audit = Audit(kb, "lu")
    asked = asked_queries(monkeypatch)
    found = [f for f in _check_readings(audit) if f.output == "monthly_payer"]
    [note] = [f for f in timeline_notes(audit) if f.output == "monthly_payer"]
    return found, note, asked


def test_a_disagreement_on_a_history_of_periods_is_found_by_seeds_and_replayed(
        disagreeing: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    found, note, asked = readings(disagreeing, monkeypatch)
    assert [f.code for f in found] == ["LX503"]
    finding = found[0]
    assert seeds.SEEDED in finding.details
    assert asked == []                       # the solver's own search was not needed
    assert finding.replay is not None and finding.replay.endswith("— confirmed")
    assert "[reading=year]" in finding.replay and "[reading=quarter]" in finding.replay
    assert finding.facts is not None and len(finding.facts["incapacity"]) >= 2
    assert any("a case found" in d for d in note.details), note.details


def test_readings_that_agree_have_no_finding_and_the_query_still_runs(
        agreeing: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    found, note, asked = readings(agreeing, monkeypatch)
    assert found == []
    assert asked == ["readings: quarter and year"]
    assert any(d.endswith("no case within the frames") for d in note.details), note.details


def test_a_candidate_the_solver_does_not_confirm_is_ignored(
        agreeing: KnowledgeBase) -> None:
    # a test that passes every candidate: fixed in the query, none is a case where the
    # readings differ, so the pass gives nothing (and the check would ask its query)
    audit = Audit(agreeing, "lu")
    one = audit.encoding(reading="quarter", tag="R1|", timelines=True)
    two = audit.encoding(reading="year", shared=one.shared, tag="R2|", timelines=True)
    a, b = one.output("monthly_payer"), two.output("monthly_payer")
    from lexlux.verify.encoding.encode_expr import and_, not_
    differ = not_(and_(*[x == y for x, y in zip(a.value, b.value, strict=True)]))
    tested: list[dict[str, Any]] = []

    def anything(facts: dict[str, Any], as_of: date) -> bool:
        tested.append(facts)
        return True
    answer = seeds.seeded_query(audit, [one, two], [{"monthly_payer"}] * 2,
                                [a.has_value, b.has_value, differ], anything)
    assert answer is None
    assert len(tested) == seeds.SEED_TRIES
    assert audit.queries == 0


def _pool(kb: KnowledgeBase) -> list[tuple[dict[str, Any], date]]:
    rules = sorted(kb.rules_concluding("lu", "monthly_payer"), key=lambda r: r.id)
    return pool(kb, "lu", ["contract_type", "incapacity"], ["incapacity"], rules,
                month_index(START), 36, None)


def test_the_pool_is_a_function_of_its_inputs(disagreeing: KnowledgeBase) -> None:
    first, again = _pool(disagreeing), _pool(disagreeing)
    assert first == again and len(first) == POOL_SIZE
    histories = [c["incapacity"] for c, _ in first]
    assert all(h[0].start.year == 2017 and h[0].start.month == 1 for h in histories)
    assert any(len(h) == 3 for h in histories)
    # the twelve months of the parameter give gaps of about a year between periods
    assert any(month_index(b.start) - month_index(a.end) >= 8
               for h in histories for a, b in itertools.pairwise(h))


def test_the_pool_does_not_depend_on_the_hash_seed(disagreeing: KnowledgeBase,
                                                   tmp_path: Path) -> None:
    rules = Path(next(iter(disagreeing.rules.values())).file).parents[2]
    script = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from lexlux.pipeline import load_knowledge_base\n"
        "from lexlux.calendar.dates import month_index\n"
        "from lexlux.verify.checks.seed_cases import pool\n"
        "from datetime import date\n"
        "kb = load_knowledge_base([Path(sys.argv[1])]).kb\n"
        "rules = sorted(kb.rules_concluding('lu', 'monthly_payer'), key=lambda r: r.id)\n"
        "cases = pool(kb, 'lu', ['contract_type', 'incapacity'], ['incapacity'], rules,\n"
        "             month_index(date(2017, 1, 1)), 36, None)\n"
        "print(hashlib.sha256(repr(cases).encode()).hexdigest())\n")
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(rules)], env=env,
                              capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    import hashlib
    assert digests == {hashlib.sha256(repr(_pool(disagreeing)).encode()).hexdigest()}


def test_the_oq_ct1_outputs_get_a_replayed_seeded_witness(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # OQ-CT1 (the 77-day rule, statute against the CCSS worked example): the three outputs
    # the timeline search leaves undecided get a witness from the seeded pass
    loaded = load_knowledge_base()
    assert loaded.ok
    audit = Audit(loaded.kb, "lu")
    outputs = ["salary_continuation_end", "seventy_seventh_day", "new_right_opens_on"]
    monkeypatch.setattr(audit, "outputs", lambda: outputs)
    found = {f.output: f for f in _check_readings(audit)}
    assert sorted(found) == sorted(outputs)
    for name, finding in found.items():
        assert finding.code == "LX503", finding
        assert seeds.SEEDED in finding.details
        assert finding.replay is not None and finding.replay.endswith("— confirmed")
        assert "[reading=statute]" in finding.replay, finding.replay
        assert finding.facts is not None and "incapacity_start" in finding.facts, name


def test_a_timeline_rule_that_can_apply_is_shown_alive_by_seeds(
        disagreeing: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    # the dead-rule check: a candidate to which the evaluator applies the rule's conclusion,
    # confirmed with the case fixed, shows that the rule can apply; no solver search
    from lexlux.verify.checks.rules import check_dead
    audit = Audit(disagreeing, "lu")
    asked = asked_queries(monkeypatch)
    found = [f for f in check_dead(audit) if f.output == "monthly_payer"]
    assert found == []
    assert not [w for w in asked if "code_du_travail.R" in w], asked
    [note] = [f for f in timeline_notes(audit) if f.output == "monthly_payer"]
    dead = [d for d in note.details if d.startswith("dead rule:")]
    assert len(dead) == 2 and all(d.endswith("a case found (the evaluator replays it)")
                                  for d in dead), note.details
