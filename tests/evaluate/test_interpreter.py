"""The evaluator's mechanisms, on a small test knowledge base (tests/evaluate/kb).

Version selection (tempus regit actum, transitional clauses, --law-as-of), parameters on
the selection date, exceptions, conflicts, missing facts and monthly timelines.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lexlux.compile.model import Deontic, KnowledgeBase, Period, Timeline
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

KB_DIR = Path(__file__).parent / "kb" / "rules"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    result = load_knowledge_base([KB_DIR])
    assert result.ok, [d.message for d in result.diagnostics]
    return result.kb


def case(**facts: Any) -> Case:
    return Case("test", "lu", None, facts)


def test_version_and_parameter_follow_the_onset_date_tempus_regit_actum(kb: KnowledgeBase) -> None:
    before = evaluate(kb, case(onset=date(2018, 11, 5)), date(2019, 6, 1))
    after = evaluate(kb, case(onset=date(2019, 1, 1)), date(2019, 6, 1))
    assert before.value("limit_weeks") == 52
    assert after.value("limit_weeks") == 78
    assert before.results["limit_weeks"].trace[0].parameters["lu.limits.weeks"].value_from \
        == "2009-01-01"


def test_law_as_of_applies_the_later_law_to_an_earlier_case(kb: KnowledgeBase) -> None:
    outcome = evaluate(kb, case(onset=date(2018, 11, 5)), date(2019, 6, 1),
                       law_as_of=date(2019, 1, 1))
    assert outcome.value("limit_weeks") == 78
    assert "law as of 2019-01-01" in outcome.results["limit_weeks"].trace[0].selection


def test_a_transitional_clause_brings_a_december_2018_onset_under_the_2019_version(
        kb: KnowledgeBase) -> None:
    reached = evaluate(kb, case(onset=date(2018, 12, 15)), date(2019, 6, 1))
    ban = reached.value("ban")
    assert isinstance(ban, Deontic)
    assert (ban.start, ban.end) == (date(2018, 12, 15), date(2019, 12, 13))   # 52 weeks
    assert reached.results["ban"].version_ids == ("lu.test_code.art-1.ban@2019-01-01",)
    assert "transitional clause" in reached.results["ban"].trace[0].selection
    not_reached = evaluate(kb, case(onset=date(2018, 11, 15)), date(2019, 6, 1))
    assert not_reached.value("ban").end == date(2019, 5, 15)                   # 26 weeks
    counterfactual = evaluate(kb, case(onset=date(2018, 12, 15)), date(2019, 6, 1),
                              law_as_of=date(2018, 6, 1))
    assert counterfactual.value("ban").end == date(2019, 6, 14)


def test_an_exception_prevails_over_the_rule_it_names(kb: KnowledgeBase) -> None:
    facts = {"onset": date(2019, 3, 1), "letter_received": date(2019, 3, 5),
             "incapacity": (Period(date(2019, 3, 1), date(2019, 3, 20)),)}
    assert evaluate(kb, case(**facts, crime=False), date(2019, 4, 1)).value("sanction") \
        == "abusive"
    outcome = evaluate(kb, case(**facts, crime=True), date(2019, 4, 1))
    assert outcome.value("sanction") == "lawful"
    assert outcome.results["sanction"].trace[0].prevails_over == ["lu.test_code.art-1.ban"]


def test_a_missing_fact_is_reported_by_name_only_when_needed(kb: KnowledgeBase) -> None:
    outcome = evaluate(kb, case(crime=False, incapacity=()), date(2019, 4, 1),
                       outputs=["limit_weeks", "sanction"])
    assert outcome.results["limit_weeks"].status == "missing"
    assert outcome.results["limit_weeks"].missing == ("onset",)
    assert "does not say when the incapacity began" in str(outcome.results["limit_weeks"].message)
    assert [d.code for d in outcome.diagnostics].count("LX401") == 2
    # with the crime exception applying, the letter date is not needed at all
    lawful = evaluate(kb, case(onset=date(2019, 3, 1), crime=True, incapacity=()),
                      date(2019, 4, 1), outputs=["sanction"])
    assert lawful.value("sanction") == "lawful"


def test_no_applicable_provision_gives_no_value(kb: KnowledgeBase) -> None:
    outcome = evaluate(kb, case(onset=date(2019, 3, 1), crime=False,
                                letter_received=date(2019, 5, 1),
                                incapacity=(Period(date(2019, 3, 1), date(2019, 3, 20)),)),
                       date(2019, 6, 1), outputs=["sanction"])
    assert outcome.results["sanction"].status == "no_value"


def test_two_provisions_without_priority_are_a_conflict(tmp_path: Path) -> None:
    shutil.copytree(KB_DIR, tmp_path / "rules")
    extra = (KB_DIR / "lu" / "test_code" / "art-2" / "crime.yaml").read_text()
    extra = extra.replace("art-2.crime", "art-2.other").replace(
        "    exception_to: [{rule: lu.test_code.art-1.ban, outputs: [sanction]}]\n", "").replace(
        "'lawful'", "'abusive'")
    (tmp_path / "rules" / "lu" / "test_code" / "art-2" / "other.yaml").write_text(extra)
    result = load_knowledge_base([tmp_path / "rules"])
    assert result.ok
    outcome = evaluate(result.kb, case(onset=date(2019, 3, 1), crime=True,
                                       letter_received=date(2019, 3, 5),
                                       incapacity=(Period(date(2019, 3, 1),
                                                          date(2019, 3, 9)),)),
                       date(2019, 4, 1), outputs=["sanction"])
    # art-2.crime (lawful) beats art-1.ban, but nothing orders it against art-2.other
    # (abusive): a conflict naming both citations, not a silent first-wins
    assert outcome.results["sanction"].status == "conflict"
    conflict = [d for d in outcome.diagnostics if d.code == "LX402"]
    assert len(conflict) == 1 and "Code test, art. 2" in conflict[0].message


def test_a_monthly_timeline_is_computed_month_by_month(kb: KnowledgeBase) -> None:
    incapacity = (Period(date(2019, 1, 1), date(2019, 2, 20)),)
    outcome = evaluate(kb, case(incapacity=incapacity), date(2019, 6, 1), outputs=["payer"])
    payer = outcome.value("payer")
    assert isinstance(payer, Timeline)
    assert payer.entries == ((date(2019, 1, 1), date(2019, 1, 31), "employer"),
                             (date(2019, 2, 1), date(2019, 2, 28), "cns"))


def test_the_12_month_window_crosses_the_year_end(kb: KnowledgeBase) -> None:
    incapacity = (Period(date(2018, 1, 31), date(2018, 2, 2)),   # 31 Jan 2018 is outside
                  Period(date(2018, 12, 30), date(2019, 1, 2)))
    outcome = evaluate(kb, case(onset=date(2019, 1, 2), incapacity=incapacity),
                       date(2019, 6, 1), outputs=["counted_days"])
    # months_window_start(2019-01-02, 12) = 2018-02-01: 2 days in Feb 2018 + 4 days
    assert outcome.value("counted_days") == 6


def test_eval_json_follows_its_published_schema(kb: KnowledgeBase) -> None:
    from jsonschema import Draft202012Validator
    from lexlux.evaluate.explain import render_json
    from lexlux.load.discover import bundled_root
    from lexlux.validate.schemas import _registry_and_schemas

    registry, schemas = _registry_and_schemas()
    validator = Draft202012Validator(schemas["eval-output.schema.json"], registry=registry)
    outcome = evaluate(kb, case(onset=date(2018, 12, 15), crime=True,
                                letter_received=date(2018, 12, 20),
                                incapacity=(Period(date(2018, 12, 15), date(2019, 2, 1)),)),
                       date(2019, 6, 1))
    payload = render_json(outcome)
    errors = [e.message for e in validator.iter_errors(payload)]
    assert errors == []
    assert payload["outputs"]["ban"]["value"] == {"kind": "prohibition", "holder": "employer",
                                                  "from": "2018-12-15", "until": "2019-12-13"}
    assert payload["outputs"]["payer"]["value"][0] == {"from": "2018-12-01",
                                                       "to": "2018-12-31", "value": "employer"}
    assert bundled_root("schemas").is_dir()


def test_a_rule_selected_by_an_absent_optional_fact_does_not_apply(tmp_path: Path) -> None:
    shutil.copytree(KB_DIR, tmp_path / "rules")
    limit = tmp_path / "rules" / "lu" / "test_code" / "art-1" / "limit.yaml"
    limit.write_text(limit.read_text().replace(
        "selected_by: onset", "selected_by: {fact: onset, if_missing: not_applicable}"))
    result = load_knowledge_base([tmp_path / "rules"])
    assert result.ok, [d.message for d in result.diagnostics]
    outcome = evaluate(result.kb, case(), date(2019, 6, 1), outputs=["limit_weeks"])
    assert outcome.results["limit_weeks"].status == "no_value"
    assert outcome.diagnostics == []


def test_first_month_with_searches_a_timeline(tmp_path: Path) -> None:
    shutil.copytree(KB_DIR, tmp_path / "rules")
    vocabulary = tmp_path / "rules" / "lu" / "vocabulary" / "test.yaml"
    vocabulary.write_text(vocabulary.read_text() + "  cns_from: {type: date, description: "
                          "{fr: Début CNS.}}\n")
    payer = tmp_path / "rules" / "lu" / "test_code" / "art-2" / "payer.yaml"
    payer.write_text(payer.read_text() + "      - output: cns_from\n"
                     "        when: has_month_with(payer, 'cns', first_day(incapacity))\n"
                     "        value: first_month_with(payer, 'cns', first_day(incapacity))\n")
    result = load_knowledge_base([tmp_path / "rules"])
    assert result.ok, [d.message for d in result.diagnostics]
    long_one = (Period(date(2019, 1, 10), date(2019, 3, 20)),)
    short = (Period(date(2019, 1, 10), date(2019, 1, 20)),)
    assert evaluate(result.kb, case(incapacity=long_one), date(2019, 6, 1),
                    outputs=["cns_from"]).value("cns_from") == date(2019, 2, 1)
    assert evaluate(result.kb, case(incapacity=short), date(2019, 6, 1),
                    outputs=["cns_from"]).results["cns_from"].status == "no_value"


def test_an_unknown_parameter_value_is_reported_never_made_up(tmp_path: Path) -> None:
    shutil.copytree(KB_DIR, tmp_path / "rules")
    limits = tmp_path / "rules" / "lu" / "parameters" / "limits.yaml"
    limits.write_text(limits.read_text() + '      - {from: "2030-01-01", value: unknown, '
                      'amended_by: {act: "Loi C", date: "2029-01-01"}}\n')
    result = load_knowledge_base([tmp_path / "rules"])
    assert result.ok, [d.message for d in result.diagnostics]
    outcome = evaluate(result.kb, case(onset=date(2030, 2, 1)), date(2030, 6, 1),
                       outputs=["limit_weeks"])
    limit = outcome.results["limit_weeks"]
    assert limit.status == "missing" and limit.missing == ("lu.limits.weeks",)
    assert "the sources give no verified value of the parameter lu.limits.weeks" \
        in str(limit.message)
