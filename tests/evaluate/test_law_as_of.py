"""--law-as-of chooses the version in force on that date; it never switches off whether a
rule applies (a rule selected_by a fact with if_missing: not_applicable stays inapplicable
to a case without that fact).  Goldens: the README example at each version boundary."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.evaluate.case import load_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import LoadResult

from goldens import Golden
from paths import REPO

GOLDENS = Path(__file__).parent / "goldens"
EXAMPLE = "examples/dismissal-during-sickness.case.yaml"


@pytest.mark.parametrize("law_as_of", ["2015-09-01", "2016-01-01", "2019-01-01"])
def test_readme_example_under_each_version_boundary(
        law_as_of: str, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out, err = io.StringIO(), io.StringIO()
    code = run(["eval", EXAMPLE, "--output", "dismissal_sanction", "--law-as-of", law_as_of,
                "--explain"], out, err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert "dismissal_sanction = abusive" in out.getvalue()
    assert "refusal_appealed" not in out.getvalue()
    golden.check(GOLDENS / f"readme-example-law-as-of-{law_as_of}.txt", out.getvalue())


def test_with_a_refusal_the_refusal_sentences_apply_again_under_law_as_of(
        bundled: LoadResult) -> None:
    """The guard removes a not_applicable rule only when its fact is absent: with a CNS
    refusal in the case, the refusal sentences are considered under --law-as-of and ask for
    what they need."""
    kb = bundled.kb
    case, problems = load_case(REPO / EXAMPLE, kb)
    assert case is not None, problems
    with_refusal = case.with_facts({"cns_refusal_notified_on": date(2019, 4, 1)})
    outcome = evaluate(kb, with_refusal, date(2019, 5, 1), law_as_of=date(2016, 1, 1),
                       outputs=["dismissal_sanction"])
    result = outcome.results["dismissal_sanction"]
    assert result.status == "missing"
    assert "refusal_appealed" in result.missing
    without = evaluate(kb, case, date(2019, 5, 1), law_as_of=date(2016, 1, 1),
                       outputs=["dismissal_sanction"])
    assert without.value("dismissal_sanction") == "abusive"


def test_eval_without_output_shows_values_and_counts_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out, err = io.StringIO(), io.StringIO()
    assert run(["eval", EXAMPLE], out, err) == 0
    text = out.getvalue()
    assert "dismissal_sanction = abusive" in text
    assert "Cannot be answered" not in text and "cannot be answered" not in text
    needing = [line for line in text.splitlines() if "need more facts" in line]
    assert len(needing) == 1
    assert needing[0].endswith(f"run lexlux needs {EXAMPLE} --output NAME")
    out = io.StringIO()
    run(["eval", EXAMPLE, "--format", "json"], out, err)
    import json
    outputs = json.loads(out.getvalue())["outputs"]
    count = int(needing[0].split()[0])
    assert sum(1 for o in outputs.values() if o["status"] == "missing") == count


def test_a_reading_asked_for_is_said_to_be_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    base = ["eval", "examples/ccss-worked-example.case.yaml", "--output", "monthly_payer"]
    out, err = io.StringIO(), io.StringIO()
    run([*base, "--reading", "ccss_worked_example"], out, err)
    assert "the reading ccss_worked_example, asked for" in out.getvalue()
    assert "highest authority" not in out.getvalue()
    out = io.StringIO()
    run(base, out, err)
    assert "the reading statute, the highest authority, unless --reading" in out.getvalue()


def test_before_the_horizon_the_answer_says_where_the_knowledge_base_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "quota.case.yaml"
    # the disabled-worker rules start on 2014-01-29 (the coordinated texts source 004 cites)
    case.write_text('case: an employer in June 2013\njurisdiction: lu\nas_of: "2013-06-01"\n'
                    "facts: {}\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    run(["eval", str(case), "--output", "disabled_quota_minimum"], out, err)
    assert "disabled_quota_minimum: no value — no provision in force on 2013-06-01: the " \
        "knowledge base starts on 2014-01-29 for this output" in out.getvalue()


def test_an_answer_names_the_open_questions_of_its_provisions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out, err = io.StringIO(), io.StringIO()
    run(["eval", EXAMPLE, "--output", "dismissal_sanction", "--format", "json"], out, err)
    import json
    found = json.loads(out.getvalue())["outputs"]["dismissal_sanction"]["open_questions"]
    assert "OQ-CT11" in found        # the 26 weeks of the ban (act_banned, relied on)
    out = io.StringIO()
    run(["eval", EXAMPLE, "--output", "dismissal_sanction"], out, err)
    assert "open legal questions on the provisions behind this answer: " in out.getvalue()
