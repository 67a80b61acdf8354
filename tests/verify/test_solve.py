"""lexlux solve: witnesses replayed by the evaluator, proofs naming the provisions, optima."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lexlux.cli import run

from paths import REPO

HERE = Path(__file__).parent / "solve"
KB = REPO / "tests" / "evaluate" / "kb" / "rules"


def solve(query: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["solve", str(query), *extra], out, err)
    return code, out.getvalue() + err.getvalue()


def test_an_impossible_value_is_proved_with_the_provision_responsible() -> None:
    code, out = solve(HERE / "limit-60.query.yaml", "--rules", str(KB), "--format", "json")
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "proved"
    assert any(label.startswith("lu.test_code.art-1.limit@") for label in answer["core"])


def test_a_witness_is_found_and_replayed() -> None:
    code, out = solve(HERE / "limit-78.query.yaml", "--rules", str(KB), "--format", "json")
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "witness"
    assert answer["case"]["facts"]["onset"] >= "2019-01-01"      # the 78-week parameter
    assert answer["replayed"][0].startswith("limit_weeks = 78")


def test_the_latest_onset_with_52_weeks_is_the_eve_of_the_2019_value() -> None:
    code, out = solve(HERE / "latest-52.query.yaml", "--rules", str(KB), "--format", "json")
    answer = json.loads(out)
    assert code == 0, out
    assert answer["optimum"] == "2018-12-31"


def test_the_earliest_lawful_dismissal_is_the_day_after_the_incapacity_l121_6() -> None:
    # L.121-6 (3) al. 1: the ban runs "vingt-six semaines au plus" from the onset and ends
    # with the incapacity (30 April 2019): the earliest lawful notification is 1 May 2019
    code, out = solve(REPO / "examples" / "earliest-lawful-dismissal.query.yaml",
                      "--format", "json")
    answer = json.loads(out)
    assert code == 0, out
    assert answer["optimum"] == "2019-05-01"
    assert answer["replayed"] == [
        "dismissal_sanction = lawful (lu.code_du_travail.L121-6.p3.a4@2009-01-01)"]


@pytest.mark.parametrize(("query", "code", "words"), [
    ("unknown-output.query.yaml", "LX404", "did you mean 'limit_weeks'?"),
    ("timeline.query.yaml", "LX520", "cannot answer"),
])
def test_questions_the_solver_cannot_take_get_one_clear_message(query: str, code: str,
                                                                words: str) -> None:
    exit_code, out = solve(HERE / query, "--rules", str(KB))
    assert exit_code == 1, out
    assert out.count(f"error[{code}]") == 1 and words in out and "Traceback" not in out
