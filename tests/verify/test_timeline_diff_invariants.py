"""``lexlux diff`` and invariants on a timeline output, in bounded frames (abstraction
timeline_bounded_proof, checks/timeline_diff.py and checks/timeline_invariants.py): a planted
difference between two dates (a violated invariant) is found with a witness the evaluator
replays; without it the answer is "same" ("holds") within the stated bound only, never
"proved".
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from lexlux.cli.main import run
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.invariants import check_invariants, prove
from lexlux.verify.checks.timeline_invariants import HOLDS_BOUNDED
from lexlux.verify.checks.timeline_notes import timeline_notes
from test_timeline_checks import clean_with_payer

SOURCE = 'source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt"}'
#: The frames of the diff of 2005 and 2015: anchored on the month of the later date.
DIFF_BOUND = ("histories whose timelines start in a month from 2015-01 to 2015-12 and span "
              "at most 36 months")
#: The frames of an invariant's window when the audit has no date (the months of 2017).
INVARIANT_BOUND = "start in a month from 2017-01 to 2017-12 and span at most 36 months"
EACH_MONTH = '        each_month: {from: "first_day(incapacity)", until: "last_day(incapacity)"}'
INVARIANT = """\
jurisdiction: lu
invariants:
  payer:
    title: {fr: Un mois payé par l'employeur, en: A month the employer pays}
    why: A test.
    source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt of the law"}
    from: "1995-01-01"
    holds: "has_month_with(monthly_payer, 'employer', first_day(incapacity))"
"""


def payer_rule(*values: str) -> str:
    """A payer timeline with one version per value, from 1995 and (a second) from 2010."""
    lines = ["id: lu.code_du_travail.P1", "jurisdiction: lu",
             "citation: {instrument: Code du travail, article: P1}", "title: {fr: Payeur}",
             "authority: law", "versions:"]
    starts = ["1995-01-01", "2010-01-01"]
    for i, value in enumerate(values):
        lines += [f'  - valid_from: "{starts[i]}"',
                  f'    amended_by: {{act: "Loi test {i}", date: "{starts[i]}"}}',
                  f"    {SOURCE}", "    then:", "      - output: monthly_payer", EACH_MONTH,
                  f'        value: "{value}"']
    return "\n".join([*lines, ""])


def kb_with(tmp_path: Path, rule: str, *, invariant: bool = False) -> Path:
    root = clean_with_payer(tmp_path / "rules")
    (root / "lu" / "code_du_travail" / "P1.yaml").write_text(rule, encoding="utf-8")
    if invariant:
        (root / "lu" / "invariants").mkdir(exist_ok=True)
        (root / "lu" / "invariants" / "payer.yaml").write_text(INVARIANT, encoding="utf-8")
    return root


def loaded(root: Path) -> KnowledgeBase:
    result = load_knowledge_base([root])
    assert result.ok, [d.message for d in result.diagnostics]
    return result.kb


def diff(root: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", "2005-01-01", "--to", "2015-01-01", "--rules", str(root),
                "--output", "monthly_payer", *extra], out, err)
    return code, out.getvalue()


CDD_CNS = "if contract_type == 'cdd' then 'cns' else 'employer'"


def test_a_planted_timeline_difference_is_found_with_a_replayed_witness(tmp_path: Path
                                                                        ) -> None:
    code, text = diff(kb_with(tmp_path, payer_rule("'employer'", CDD_CNS)), "--format",
                      "json")
    assert code == 1
    [result] = json.loads(text)["outputs"]
    assert result["status"] == "differ" and "bound" not in result
    regions = [f for f in result["findings"] if f["code"] == "LX507"]
    assert len(regions) == 1
    witness = regions[0]
    facts = witness["witness"]["facts"]
    assert facts["contract_type"] == "cdd" and "incapacity" in facts
    assert witness["replay"].endswith("— confirmed")
    assert "law_as_of=2005-01-01" in witness["replay"]
    [note] = [f for f in result["findings"] if f["code"] == "LX522"]
    # one version of the payer in force on each date, with no condition: the region found
    # is the only one the rules allow (checks/region_space.py), exact, no bound
    assert DIFF_BOUND not in note["message"] and "is exact, not bounded" in note["message"]
    assert any(d.endswith("a case found (the evaluator replays it)") for d in note["details"])
    assert note["details"][-1].endswith(
        "it can differ in 1 region(s) at most; 1 found, each with a witness replayed by the "
        "evaluator (exact, no search needed)"), note["details"]


def test_a_timeline_without_difference_is_same_within_the_bound_only(tmp_path: Path
                                                                      ) -> None:
    same = "if contract_type == 'cdd' then 'employer' else 'employer'"
    root = kb_with(tmp_path, payer_rule("'employer'", same))
    code, text = diff(root, "--format", "json")
    assert code == 0
    [result] = json.loads(text)["outputs"]
    assert result["status"] == "same" and result["bound"] == DIFF_BOUND
    assert [f["code"] for f in result["findings"]] == ["LX522"]
    assert result["findings"][0]["details"][0].endswith("no case within the frames")
    code, text = diff(root)
    assert code == 0
    assert "same[monthly_payer]: only within bounded timeline frames, not proved beyond" \
        in text and DIFF_BOUND in text and "proved —" not in text


def test_an_invariant_over_a_timeline_holds_within_the_frames_only(tmp_path: Path) -> None:
    kb = loaded(kb_with(tmp_path, payer_rule("'employer'"), invariant=True))
    audit = Audit(kb, "lu")
    results, note = prove(audit, kb.invariants["lu.payer.payer"])
    assert [w.status for w in results] == [HOLDS_BOUNDED]
    assert note is not None and note.code == "LX522" and INVARIANT_BOUND in note.message
    assert list(check_invariants(Audit(kb, "lu"))) == [note]
    # the LX522 note of the timeline output says what was asked
    [output_note] = [f for f in timeline_notes(audit) if f.output == "monthly_payer"]
    assert output_note.code == "LX522"
    assert any(d.startswith("invariant lu.payer.payer") and d.endswith("no case within the frames")
               for d in output_note.details), output_note.details


def test_a_violated_invariant_over_a_timeline_has_a_replayed_witness(tmp_path: Path
                                                                      ) -> None:
    kb = loaded(kb_with(tmp_path, payer_rule(CDD_CNS), invariant=True))
    findings = list(check_invariants(Audit(kb, "lu")))
    [violation] = [f for f in findings if f.code == "LX511"]
    assert violation.facts is not None and violation.facts["contract_type"] == "cdd"
    assert violation.replay is not None and violation.replay.endswith(
        "the evaluator gives holds = False — confirmed")
    [note] = [f for f in findings if f.code == "LX522"]
    assert any("a violation found" in d for d in note.details)
