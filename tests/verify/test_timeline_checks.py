"""The checks other than the readings check on a timeline output (abstraction
timeline_bounded_proof, checks/timeline_search.py): in a small knowledge base with a monthly
payer timeline, each check finds a planted problem with a witness the evaluator replays,
and on the same knowledge base without the problem it finds none, and the note LX522 says
within which frames "none" is proved.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.calendar.dates import month_index
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import Finding
from lexlux.verify.checks.rules import (
    check_conflicts,
    check_dead,
    check_encodable,
    check_gaps,
    check_hierarchy,
)
from lexlux.verify.checks.timeline_notes import timeline_notes
from lexlux.verify.encoding.abstractions import ABSTRACTIONS
from lexlux.verify.encoding.pinned import evaluate_encoded
from lexlux.verify.encoding.timelines import Frame

from conftest import KB

SOURCE = 'source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt"}'
#: The frames of a bounded proof when the audit has no date (the months of 2017).
BOUND = "start in a month from 2017-01 to 2017-12 and span at most 36 months"


def rule(rule_id: str, value: str, *, when: str | None = None, authority: str = "law",
         exception_to: str | None = None) -> str:
    return "\n".join([
        f"id: lu.code_du_travail.{rule_id}", "jurisdiction: lu",
        f"citation: {{instrument: Code du travail, article: {rule_id}}}",
        "title: {fr: Payeur}", f"authority: {authority}", "versions:",
        '  - valid_from: "1995-01-01"',
        '    amended_by: {act: "Loi test", date: "1995-01-01"}', f"    {SOURCE}",
        *([f"    exception_to: [{{rule: lu.code_du_travail.{exception_to}}}]"]
          if exception_to else []),
        *([f'    when: "{when}"'] if when else []),
        "    then:", "      - output: monthly_payer",
        '        each_month: {from: "first_day(incapacity)", until: "last_day(incapacity)"}',
        f'        value: "{value}"', ""])


def clean_with_payer(root: Path, *, total: bool = False) -> Path:
    """The clean test knowledge base copied to ``root``, its vocabulary declaring the
    timeline output ``monthly_payer`` (employer or cns each month)."""
    shutil.copytree(KB / "clean" / "rules", root)
    vocabulary = root / "lu" / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + (
        "  monthly_payer: {type: timeline, of: {type: enum, values: [employer, cns]}, "
        + ("total: true, " if total else "")
        + "description: {fr: Payeur., en: Payer.}}\n"), encoding="utf-8")
    return root


def kb_with(tmp_path: Path, rules: dict[str, str], *, total: bool = False
            ) -> KnowledgeBase:
    return load_with(clean_with_payer(tmp_path / "rules", total=total), rules)


def load_with(root: Path, rules: dict[str, str]) -> KnowledgeBase:
    """The knowledge base of ``root`` with ``rules`` (id: YAML text) added to its Code du
    travail, loaded without a diagnostic."""
    for rule_id, text in rules.items():
        (root / "lu" / "code_du_travail" / f"{rule_id}.yaml").write_text(text,
                                                                          encoding="utf-8")
    loaded = load_knowledge_base([root])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def audit_of(kb: KnowledgeBase, check: object) -> tuple[list[Finding], Finding | None]:
    """The findings of ``check`` on the payer rules and the payer's timeline note."""
    audit = Audit(kb, "lu")
    found = [f for f in check(audit)  # type: ignore[operator]
             if f.output == "monthly_payer" or "monthly_payer" in (f.output or "")]
    notes = [f for f in timeline_notes(audit) if f.output == "monthly_payer"]
    assert len(notes) == 1, notes
    return found, notes[0]


def replayed(finding: Finding) -> None:
    assert finding.facts is not None and "incapacity" in finding.facts, finding.facts
    assert finding.replay is not None and finding.replay.endswith("— confirmed")


def proved_within_bound(note: Finding, what: str) -> None:
    assert note.code == "LX522"
    assert BOUND in note.message, note.message
    lines = [d for d in note.details if d.startswith(what)]
    assert lines and all(d.endswith("no case within the frames") for d in lines), note.details


EMPLOYER = "'employer'"


def test_a_conflict_on_a_timeline_is_found_with_a_replayed_witness(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER),
                            "P2": rule("P2", "'cns'", when="contract_type == 'cdd'")})
    found, note = audit_of(kb, check_conflicts)
    assert [f.code for f in found] == ["LX501"]
    replayed(found[0])
    assert found[0].facts is not None and found[0].facts["contract_type"] == "cdd"
    assert note.code == "LX522" and any("a case found" in d for d in note.details)


def test_no_conflict_on_a_timeline_is_proved_within_the_frames_only(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER, when="contract_type == 'cdi'"),
                            "P2": rule("P2", "'cns'", when="contract_type == 'cdd'")})
    found, note = audit_of(kb, check_conflicts)
    assert found == []
    proved_within_bound(note, "conflicts:")


def test_a_lower_authority_timeline_is_found_with_a_replayed_witness(tmp_path: Path
                                                                     ) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER),
                            "P3": rule("P3", "if contract_type == 'cdd' then 'cns' else "
                                       "'employer'", authority="commentary")})
    found, _ = audit_of(kb, check_hierarchy)
    assert [f.code for f in found] == ["LX502"]
    replayed(found[0])


def test_a_lower_authority_that_agrees_has_no_finding(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER),
                            "P3": rule("P3", EMPLOYER, authority="commentary")})
    found, note = audit_of(kb, check_hierarchy)
    assert found == []
    proved_within_bound(note, "hierarchy:")


def test_a_timeline_rule_that_cannot_apply_is_dead_within_the_frames(tmp_path: Path
                                                                       ) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER),
                            "P4": rule("P4", "'cns'",
                                       when="last_day(incapacity) < first_day(incapacity)")})
    found, note = audit_of(kb, check_dead)
    assert [(f.code, f.versions) for f in found] == [
        ("LX504", ("lu.code_du_travail.P4@1995-01-01",))]
    assert any(BOUND in d for d in found[0].details), found[0].details
    assert note.code == "LX522"


def test_a_timeline_rule_that_can_apply_is_alive(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER),
                            "P4": rule("P4", "'cns'", when="contract_type == 'cdd'")})
    found, note = audit_of(kb, check_dead)
    assert found == []
    assert note.code == "LX522"
    assert all(d.endswith("a case found (the evaluator replays it)")
               for d in note.details if d.startswith("dead rule:")), note.details


def test_a_total_timeline_with_a_gap_is_found_with_a_replayed_witness(tmp_path: Path
                                                                      ) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER, when="contract_type == 'cdi'")},
                 total=True)
    found, _ = audit_of(kb, check_gaps)
    assert [f.code for f in found] == ["LX506"]
    replayed(found[0])
    assert found[0].facts is not None and found[0].facts["contract_type"] == "cdd"


def test_a_total_timeline_without_a_gap_is_proved_within_the_frames_only(tmp_path: Path
                                                                          ) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER, when="contract_type == 'cdi'"),
                            "P2": rule("P2", "'cns'", when="contract_type == 'cdd'")},
                 total=True)
    found, note = audit_of(kb, check_gaps)
    assert found == []
    proved_within_bound(note, "gaps:")


def test_a_timeline_output_no_check_asks_about_stays_lx521(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, {"P1": rule("P1", EMPLOYER)})
    audit = Audit(kb, "lu")
    assert [f.code for f in check_encodable(audit)] == []
    assert [f.code for f in timeline_notes(audit)] == ["LX521"]
    assert "timeline_bounded_proof" in ABSTRACTIONS


_PLANTED: list[KnowledgeBase] = []


@settings(max_examples=10, deadline=None)
@given(month=st.integers(0, 11), days=st.lists(st.integers(1, 200), min_size=1, max_size=3),
       gap=st.integers(2, 90), contract=st.sampled_from(["cdi", "cdd", None]))
def test_the_frames_of_a_bounded_proof_agree_with_the_evaluator(
        tmp_path_factory: pytest.TempPathFactory, month: int, days: list[int], gap: int,
        contract: str | None) -> None:
    # the frames a bounded proof covers (36 months from each month of 2017): for a history
    # starting in that month, the frame's encoding gives the evaluator's status and value
    # (a conflict, a value or no value) for the planted conflict of the first test (periods
    # at least two days apart: abstraction bounded_periods; one day apart cannot be pinned)
    if not _PLANTED:
        _PLANTED.append(kb_with(tmp_path_factory.mktemp("planted"), {
            "P1": rule("P1", EMPLOYER),
            "P2": rule("P2", "'cns'", when="contract_type == 'cdd'")}))
    kb = _PLANTED[0]
    start = date(2017, 1 + month, 1) + timedelta(days=days[0] % 28)
    periods = []
    for length in days:
        periods.append(Period(start, start + timedelta(days=length - 1)))
        start = start + timedelta(days=length - 1 + gap)
    facts: dict[str, Any] = {"incapacity": tuple(periods)}
    if contract is not None:
        facts["contract_type"] = contract
    as_of = date(2021, 6, 1)
    frame = Frame(36, month_index(date(2017, 1 + month, 1)))
    status, value = evaluate_encoded(kb, "lu", facts, as_of, ["monthly_payer"],
                                     timelines=True, frame=frame)["monthly_payer"]
    result = evaluate(kb, Case("t", "lu", as_of, facts, {}, None), as_of,
                      outputs=["monthly_payer"]).results["monthly_payer"]
    if month_index(periods[-1].end) - frame.first_month + 1 > 36:   # type: ignore[operator]
        assert status == "beyond horizon"
    else:
        assert (status, value) == (result.status, result.value)


def test_a_warm_cache_gives_the_same_timeline_notes(tmp_path: Path) -> None:
    """The answers about timelines are kept with the cached units that asked them: a
    warm run (no unit runs) reports the same LX522 note, not LX521."""
    from lexlux.cli import run
    kb_with(tmp_path, {"P1": rule("P1", EMPLOYER, when="contract_type == 'cdi'"),
                       "P2": rule("P2", "'cns'", when="contract_type == 'cdd'")})

    def verify() -> dict[str, Any]:
        out, err = io.StringIO(), io.StringIO()
        code = run(["verify", "--rules", str(tmp_path / "rules"), "--check", "conflicts",
                    "--cache", str(tmp_path / "cache"), "--format", "json"], out, err)
        assert code in (0, 1), err.getvalue()
        result: dict[str, Any] = json.loads(out.getvalue())
        return result

    cold, warm = verify(), verify()
    assert warm["summary"]["units"]["run"] == 0 < cold["summary"]["units"]["run"]
    notes = [f for f in cold["findings"] if f["output"] == "monthly_payer"]
    assert [f["code"] for f in notes] == ["LX522"], notes
    assert warm["findings"] == cold["findings"]
