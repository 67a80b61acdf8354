"""``lexlux diff`` under each reading (issue 14, section 2; checks/reading_diff.py): an
output whose rules follow two readings is diffed under the default reading (as before)
and under the other one, both dates read under it; a version change that matters under
one reading only is found under that reading, with a witness the evaluator replays with
``--reading``, and not under the other."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

from lexlux.cli.main import run
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

from conftest import KB

SOURCE = 'source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt"}'


def reading_rule(name: str, authority: str, reading: str, values: list[str]) -> str:
    """A rule concluding waiting_days under ``reading``, one version per value (from 2000,
    then 2010), each when more than 10 days were worked."""
    lines = [f"id: lu.guidance.{name}", "jurisdiction: lu",
             "citation: {instrument: Guide CSL, article: carence}", f"title: {{fr: {name}}}",
             f"authority: {authority}", f"reading: {reading}", "versions:"]
    for start, value in zip(["2000-01-01", "2010-01-01"], values, strict=False):
        lines += [f'  - valid_from: "{start}"',
                  f'    amended_by: {{act: "Loi test", date: "{start}"}}', f"    {SOURCE}",
                  "    then:", "      - output: waiting_days", "        when: worked_days > 10",
                  f"        value: {value}"]
    return "\n".join([*lines, ""])


def planted(tmp_path: Path, guide_b: list[str]) -> Path:
    """The clean knowledge base with waiting_days read two ways: guide_a (official
    guidance, the default) never changes; guide_b (commentary) has ``guide_b``'s values."""
    root = tmp_path / "rules"
    shutil.copytree(KB / "clean" / "rules", root)
    vocabulary = root / "lu" / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8").replace("facts:\n", (
        "facts:\n  worked_days: {type: integer, description: {fr: Jours travaillés., "
        "en: Days worked.}}\n"), 1)
    vocabulary.write_text(text + (
        "  waiting_days: {type: integer, description: {fr: Jours de carence., "
        "en: Waiting days.}}\n"), encoding="utf-8")
    guidance = root / "lu" / "guidance"
    guidance.mkdir()
    (guidance / "a.yaml").write_text(reading_rule("a", "official_guidance", "guide_a", ["3"]),
                                     encoding="utf-8")
    (guidance / "b.yaml").write_text(reading_rule("b", "commentary", "guide_b", guide_b),
                                     encoding="utf-8")
    return root


def diff(root: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", "2005-01-01", "--to", "2015-01-01", "--rules", str(root),
                "--output", "waiting_days", *extra], out, err)
    return code, out.getvalue()


def test_a_change_under_the_other_reading_only_is_found_under_that_reading(
        tmp_path: Path) -> None:
    root = planted(tmp_path, ["2", "4"])
    code, text = diff(root, "--format", "json")
    assert code == 1
    default, other = json.loads(text)["outputs"]
    # the default reading (guide_a, the higher authority): the same, no key "reading"
    assert default["output"] == "waiting_days" and "reading" not in default
    assert default["status"] == "same" and default["findings"] == []
    # guide_b: the 2010 version changed 2 to 4 days
    assert other["output"] == "waiting_days" and other["reading"] == "guide_b"
    assert other["status"] == "differ"
    [region] = other["findings"]
    assert region["code"] == "LX507" and "under the reading 'guide_b'" in region["message"]
    assert region["replay"].endswith("— confirmed")
    assert "law_as_of=2005-01-01, reading=guide_b" in region["replay"]
    assert "law_as_of=2015-01-01, reading=guide_b" in region["replay"]
    worked = int(region["witness"]["facts"]["worked_days"])
    assert worked > 10
    # the evaluator, asked directly, shows the difference under guide_b only
    kb = load_knowledge_base([root]).kb
    case = Case("w", "lu", date(2015, 1, 1), {"worked_days": worked})

    def value(law: str, reading: str | None) -> object:
        return evaluate(kb, case, case.as_of, law_as_of=date.fromisoformat(law),
                        outputs=["waiting_days"],
                        reading=reading).results["waiting_days"].value
    assert (value("2005-01-01", "guide_b"), value("2015-01-01", "guide_b")) == (2, 4)
    assert value("2005-01-01", None) == value("2015-01-01", None) == 3
    # the fingerprint is not the default reading's
    code, text = diff(root)
    assert "same[waiting_days]: proved" in text
    assert "finding[LX507 version diff]: the law of 2005-01-01 and the law of 2015-01-01 give " \
        "'waiting_days' different results under the reading 'guide_b'" in text
    assert "1 of 2 output(s) differ" in text


def test_no_change_under_any_reading_is_the_same_under_each(tmp_path: Path) -> None:
    code, text = diff(planted(tmp_path, ["2", "2"]), "--format", "json")
    assert code == 0
    default, other = json.loads(text)["outputs"]
    assert "reading" not in default and other["reading"] == "guide_b"
    assert default["status"] == other["status"] == "same"
    code, text = diff(planted(tmp_path / "again", ["2", "2"]))
    assert "same[waiting_days]: proved" in text
    assert "same[waiting_days, reading guide_b]: proved" in text


def test_an_output_with_one_reading_is_diffed_once(tmp_path: Path) -> None:
    root = planted(tmp_path, ["2", "4"])
    (root / "lu" / "guidance" / "a.yaml").unlink()        # guide_b is the only reading
    code, text = diff(root, "--format", "json")
    assert code == 1
    [only] = json.loads(text)["outputs"]
    assert "reading" not in only and only["status"] == "differ"


def test_a_timeline_output_is_diffed_under_each_reading(tmp_path: Path) -> None:
    """The payer timeline (in bounded frames, checks/timeline_diff.py): the statute's rule
    never changes, the commentary's makes the CNS pay a fixed-term contract from 2010."""
    from test_timeline_diff_invariants import CDD_CNS, DIFF_BOUND, kb_with, payer_rule
    statute = payer_rule("'employer'").replace("authority: law\n",
                                               "authority: law\nreading: statute\n")
    root = kb_with(tmp_path, statute)
    commentary = payer_rule("'employer'", CDD_CNS).replace(
        "authority: law\n", "authority: commentary\nreading: ccss\n").replace(
        "lu.code_du_travail.P1", "lu.code_du_travail.P2")
    (root / "lu" / "code_du_travail" / "P2.yaml").write_text(commentary, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", "2005-01-01", "--to", "2015-01-01", "--rules", str(root),
                "--output", "monthly_payer", "--format", "json"], out, err)
    assert code == 1, err.getvalue()
    default, other = json.loads(out.getvalue())["outputs"]
    assert "reading" not in default and default["status"] == "same"
    # under the statute's reading one version gives the payer on both dates, unchanged:
    # its region is left out and no other exists (checks/region_space.py): exact, no bound
    assert "bound" not in default and DIFF_BOUND not in json.dumps(default)
    [same] = [f for f in default["findings"] if f["code"] == "LX522"]
    assert "is exact, not bounded" in same["message"]
    assert same["details"][-1].endswith(
        "it can differ in 1 region(s) at most; 1 left out: one provision alone, with the same "
        "parameter values and outputs read, under both laws (exact, no search needed)")
    assert other["reading"] == "ccss" and other["status"] == "differ"
    [region] = [f for f in other["findings"] if f["code"] == "LX507"]
    assert region["witness"]["facts"]["contract_type"] == "cdd"
    assert "law_as_of=2005-01-01, reading=ccss" in region["replay"]
    assert region["replay"].endswith("— confirmed")
    [note] = [f for f in other["findings"] if f["code"] == "LX522"]
    assert "under the reading 'ccss'" in note["message"]
