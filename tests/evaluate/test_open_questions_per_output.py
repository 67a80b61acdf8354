"""Open questions are shown on the answers they bear on: the outputs and rule versions an open
question names in its coverage file (issue 13; engine/evaluate/caveats.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from lexlux.cli import run

REPO = Path(__file__).resolve().parents[2]


def _json(*argv: str) -> dict:   # type: ignore[type-arg]
    out, err = io.StringIO(), io.StringIO()
    assert run(["eval", *argv, "--format", "json"], out, err) == 0, err.getvalue()
    return json.loads(out.getvalue())    # type: ignore[no-any-return]


def test_the_readme_example_shows_only_the_questions_on_the_sanction_and_the_ban() -> None:
    answer = _json(str(REPO / "examples" / "dismissal-during-sickness.case.yaml"),
                   "--output", "dismissal_sanction")
    # the guide's points on the certificate's language, prolongations, leave, the employer-side
    # certificate days and fixed-term contracts bear on other outputs of the same rules
    assert answer["outputs"]["dismissal_sanction"]["open_questions"] == [
        "OQ-CT7", "OQ-CT11", "OQ-G-FIRSTDAY", "OQ-G-COUNTER"]


def test_a_question_on_another_output_of_the_rule_is_not_shown() -> None:
    answer = _json(str(REPO / "examples" / "dismissal-during-sickness.case.yaml"),
                   "--output", "certificate_in_time", "--output", "certificate_deadline")
    in_time = answer["outputs"]["certificate_in_time"]["open_questions"]
    deadline = answer["outputs"]["certificate_deadline"]["open_questions"]
    # OQ-G-LANG is about certificate_language_acceptable only (its meanwhile says so)
    assert "OQ-G-LANG" not in in_time and "OQ-G-LANG" not in deadline
    # OQ-G-LEAVE bears on the law's deadline (abroad during leave the guide gives no date)
    assert "OQ-G-LEAVE" in deadline and "OQ-G-LEAVE" not in in_time


def _limit_case(tmp_path: Path, start: str) -> Path:
    case = tmp_path / "limit.case.yaml"
    case.write_text(f"""case: A long illness, told as events
jurisdiction: lu
as_of: "2021-12-31"
events:
  - {{type: incapacity, from: "{start}", cause: sickness}}
""", encoding="utf-8")
    return case


def test_a_question_on_the_2019_version_is_not_shown_under_the_2016_version(
        tmp_path: Path) -> None:
    # OQ-CSS2 (78 weeks from 2019, known only from the commentary) names the 2019 versions
    before = _json(str(_limit_case(tmp_path, "2018-06-01")),
                   "--output", "sickness_benefit_exhausted_from")
    after = _json(str(_limit_case(tmp_path, "2019-06-03")),
                  "--output", "sickness_benefit_exhausted_from")
    assert "OQ-CSS2" not in before["outputs"]["sickness_benefit_exhausted_from"]["open_questions"]
    assert "OQ-CSS2" in after["outputs"]["sickness_benefit_exhausted_from"]["open_questions"]
    # the questions without rule_versions are shown under both
    assert "OQ-CSS3" in before["outputs"]["sickness_benefit_exhausted_from"]["open_questions"]
    assert "OQ-CSS3" in after["outputs"]["sickness_benefit_exhausted_from"]["open_questions"]
