"""Invariants: proved per version window, or a violation with a replayed witness."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.invariants import check_invariants, prove

from conftest import KB

INVARIANT = """\
jurisdiction: lu
invariants:
  {name}:
    title: {{fr: Titre, en: Title}}
    why: A test.
    source: {{file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt of the law"}}
    from: "{start}"
{extra}    holds: "{holds}"
"""


def kb_with(tmp_path: Path, holds: str, *, start: str = "1995-01-01", extra: str = "",
            name: str = "prop") -> KnowledgeBase:
    shutil.copytree(KB / "clean" / "rules", tmp_path / "rules")
    folder = tmp_path / "rules" / "lu" / "invariants"
    folder.mkdir()
    (folder / "test.yaml").write_text(INVARIANT.format(name=name, start=start, extra=extra,
                                                       holds=holds), encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def test_a_true_invariant_is_proved_in_every_window(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, "pay_rate >= 80% and pay_rate <= 100%")
    results, note = prove(Audit(kb, "lu"), kb.invariants["lu.test.prop"])
    assert note is None
    assert [r.status for r in results] == ["proved"]
    assert results[0].start == date(1995, 1, 1)


def test_a_false_invariant_gives_a_replayed_witness(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, "pay_rate == 100%")
    [finding] = check_invariants(Audit(kb, "lu"))
    assert finding.code == "LX511"
    assert finding.facts == {"contract_type": "cdd"}
    assert finding.replay is not None and "holds = False" in finding.replay


def test_when_restricts_the_cases(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, "pay_rate == 100%", extra="    when: contract_type == 'cdi'\n")
    assert list(check_invariants(Audit(kb, "lu"))) == []


def test_parameters_are_read_on_the_as_of_date(tmp_path: Path) -> None:
    extra = "    parameters: {day: lu.incapacity.certificate_day, n: lu.incapacity.employer_days}\n"
    kb = kb_with(tmp_path, "n == 77 and day == 3", extra=extra)
    assert list(check_invariants(Audit(kb, "lu"))) == []
    kb = kb_with(tmp_path / "b", "n == 78", extra=extra)
    [finding] = check_invariants(Audit(kb, "lu"))
    assert finding.code == "LX511" and finding.versions == ()


def test_the_range_is_cut_at_version_changes(tmp_path: Path) -> None:
    kb_with(tmp_path, "contract_type == 'cdd' or pay_rate == 100%")
    rule = tmp_path / "rules" / "lu" / "code_du_travail" / "L121-7.yaml"
    text = rule.read_text(encoding="utf-8")
    second = text[text.index("  - valid_from"):].replace('"1990-01-01"', '"2019-01-01"') \
        .replace("value: 100%", "value: 90%")
    rule.write_text(text + second, encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    kb = loaded.kb
    results, _ = prove(Audit(kb, "lu"), kb.invariants["lu.test.prop"])
    assert [(r.start.isoformat(), r.status) for r in results] == [
        ("1995-01-01", "proved"), ("2019-01-01", "violated")]
    assert results[1].finding is not None
    assert results[1].finding.versions == ("lu.code_du_travail.L121-7@2019-01-01",)


def test_the_bundled_invariants_hold() -> None:
    loaded = load_knowledge_base()
    assert len(loaded.kb.invariants) >= 3
    audit = Audit(loaded.kb, "lu", as_of=date(2020, 1, 1))
    from lexlux.verify.checks.accepted import apply_accepted, default_path, load_accepted
    findings = apply_accepted(list(check_invariants(audit)), load_accepted(default_path(None)),
                              report_stale=False, where=default_path(None))
    # undecided (LX510) only where audit/accepted.yaml says why; never violated (LX511)
    assert [f.code for f in findings if f.is_problem] == []
    assert "LX511" not in [f.code for f in findings]


def _vocabulary_total(tmp_path: Path, total: str) -> KnowledgeBase:
    shutil.copytree(KB / "clean" / "rules", tmp_path / "rules")
    vocabulary = tmp_path / "rules" / "lu" / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace(
        "  pay_rate: {type: percentage,", f"  pay_rate: {{total: {total}, type: percentage,"),
        encoding="utf-8")
    rule = tmp_path / "rules" / "lu" / "code_du_travail" / "L121-7.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "      - output: pay_rate\n", "      - output: pay_rate\n        when: given(salary)\n"),
        encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def test_total_when_restricts_the_gap_check_to_its_cases(tmp_path: Path) -> None:
    from lexlux.verify.checks.rules import check_gaps
    kb = _vocabulary_total(tmp_path / "a", "{when: \"given(salary)\", why: a test}")
    assert list(check_gaps(Audit(kb, "lu"))) == []
    kb = _vocabulary_total(tmp_path / "b", "{when: \"contract_type == 'cdi'\", why: a test}")
    [finding] = check_gaps(Audit(kb, "lu"))
    assert finding.code == "LX506" and finding.facts is not None
    assert finding.facts["contract_type"] == "cdi" and "salary" not in finding.facts
    assert any(line.startswith("total when: contract_type == 'cdi'") for line in finding.details)


ASSUMPTION = """\
jurisdiction: lu
assumptions:
  received_after_absence:
    title: {fr: Titre, en: Title}
    why: A test.
    holds: "HOLDS"
"""


def test_assumptions_restrict_the_cases_the_solver_considers(tmp_path: Path) -> None:
    kb = kb_with(tmp_path, "certificate_in_time",
                 extra="    when: certificate_received_on <= absence_start\n")
    assert list(check_invariants(Audit(kb, "lu"))) == []   # received early: in time
    kb = kb_with(tmp_path / "b", "certificate_received_on <= absence_start + 2 days",
                 extra="    when: certificate_in_time\n")
    assert list(check_invariants(Audit(kb, "lu"))) == []
    kb = kb_with(tmp_path / "c", "certificate_received_on >= absence_start",
                 extra="    when: certificate_in_time\n")
    [finding] = check_invariants(Audit(kb, "lu"))
    assert finding.code == "LX511"
    (tmp_path / "c" / "rules" / "lu" / "invariants" / "plausible.yaml").write_text(
        ASSUMPTION.replace("HOLDS", "certificate_received_on >= absence_start"),
        encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "c" / "rules"])
    assert loaded.ok
    assert list(check_invariants(Audit(loaded.kb, "lu"))) == []


def test_an_assumption_may_not_read_outputs(tmp_path: Path) -> None:
    kb_with(tmp_path, "true")
    (tmp_path / "rules" / "lu" / "invariants" / "plausible.yaml").write_text(
        ASSUMPTION.replace("HOLDS", "certificate_in_time"), encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert [d.code for d in loaded.diagnostics] == ["LX336"]
    assert "reads the output 'certificate_in_time'" in loaded.diagnostics[0].message
