"""The seeded witness pass in ``lexlux diff`` of a timeline output (checks/timeline_diff.py,
checks/seeds.py): a difference between the law of two dates that shows only on a history of
several periods is found by a candidate of the pool (as of the later date), confirmed by the
solver, replayed by the evaluator and reported as a region; the same region whether the
output is asked alone or after the others."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from lexlux.cli.main import run
from lexlux.pipeline import load_knowledge_base
from test_seeds import PARAMETER
from test_timeline_checks import clean_with_payer

SOURCE = 'source: {file: 000_0000000000000000.txt, lines: [1, 1], excerpt: "a test excerpt"}'
#: The payer under the law of 1995: the days of incapacity of the twelve months ending with
#: the month; under the law of 2010: of the three months.  A single period never tells them
#: apart (its days in the last three months are the days since it began, up to 40); a
#: period, a pause of months, then another one does.
YEAR = ("if days_in_window(incapacity, months_window_start(month, ref), end_of_month(month))"
        " >= 40 then 'cns' else 'employer'")
QUARTER = ("if days_in_window(incapacity, months_window_start(month, 3), end_of_month(month))"
           " >= 40 then 'cns' else 'employer'")
RULE = "\n".join([
    "id: lu.code_du_travail.P1", "jurisdiction: lu",
    "citation: {instrument: Code du travail, article: P1}", "title: {fr: Payeur}",
    "authority: law", "versions:",
    *[line for start, value in (("1995-01-01", YEAR), ("2010-01-01", QUARTER)) for line in (
        f'  - valid_from: "{start}"', f'    amended_by: {{act: "Loi test", date: "{start}"}}',
        f"    {SOURCE}", "    parameters: {ref: lu.reference.reference_months}",
        "    then:", "      - output: monthly_payer",
        '        each_month: {from: "first_day(incapacity)", until: "last_day(incapacity)"}',
        f'        value: "{value}"')], ""])
SEEDED = "diff, a case of the seeded pass, as of 2015-01-01"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = clean_with_payer(tmp_path_factory.mktemp("diffseeds") / "rules")
    (folder / "lu" / "code_du_travail" / "P1.yaml").write_text(RULE, encoding="utf-8")
    (folder / "lu" / "parameters" / "reference.yaml").write_text(PARAMETER, encoding="utf-8")
    assert load_knowledge_base([folder]).ok
    return folder


def diff(root: Path, *outputs: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    args = [a for name in outputs for a in ("--output", name)]
    code = run(["diff", "--from", "2005-01-01", "--to", "2015-01-01", "--rules", str(root),
                "--max-regions", "1", *args, "--format", "json"], out, err)
    assert code == 1, err.getvalue()
    [payer] = [r for r in json.loads(out.getvalue())["outputs"]
               if r["output"] == "monthly_payer"]
    assert isinstance(payer, dict)
    return payer


def regions(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["code"] == "LX507"]


def test_a_difference_on_a_history_of_periods_is_found_by_the_seeded_pass(root: Path
                                                                          ) -> None:
    result = diff(root, "monthly_payer")
    assert result["status"] == "differ"
    [region] = regions(result)
    assert len(region["witness"]["facts"]["incapacity"]) >= 2    # one period never differs
    assert region["replay"].endswith("— confirmed")
    assert "law_as_of=2005-01-01" in region["replay"]
    assert "law_as_of=2015-01-01" in region["replay"]
    [note] = [f for f in result["findings"] if f["code"] == "LX522"]
    assert note["details"][0] == f"{SEEDED}: a case found (the evaluator replays it)"
    # --max-regions 1: nothing else was asked once the seeded region was reported
    assert not [d for d in note["details"][1:] if d.startswith("diff")], note["details"]


def test_the_seeded_region_is_the_same_alone_and_after_the_other_outputs(root: Path
                                                                         ) -> None:
    kb = load_knowledge_base([root]).kb
    others = sorted(n for n in kb.vocabularies["lu"].outputs if n != "monthly_payer")
    alone = regions(diff(root, "monthly_payer"))
    after = regions(diff(root, *others, "monthly_payer"))
    assert alone == after and len(alone) == 1
