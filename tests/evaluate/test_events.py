"""Timeline cases: events read against their types, facts derived by the knowledge base's
derivation rules, contradictions at the event, and parameter values a case gives."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from lexlux.compile.model import KnowledgeBase, Period
from lexlux.evaluate.case import case_from_text
from lexlux.evaluate.derive import prepare_case
from lexlux.evaluate.explain import render_text
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def test_kb() -> KnowledgeBase:
    loaded = load_knowledge_base([HERE / "kb" / "rules"])
    assert loaded.ok, loaded.diagnostics
    return loaded.kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded = load_knowledge_base()
    assert loaded.ok
    return loaded.kb


def _derive(kb: KnowledgeBase, text: str, as_of: str, law_as_of: str | None = None
            ) -> dict[str, object]:
    case, problems = case_from_text(text, kb)
    assert case is not None, problems
    _, derived, problems = prepare_case(kb, case, date.fromisoformat(as_of),
                                        date.fromisoformat(law_as_of) if law_as_of else None)
    assert problems == []
    return dict(derived.facts)


def test_an_open_period_runs_to_the_as_of_date(test_kb: KnowledgeBase) -> None:
    facts = _derive(test_kb, """
case: An illness still running
jurisdiction: lu
events:
  - {type: illness, from: "2019-03-01"}
""", "2019-03-20")
    assert facts["incapacity"] == (Period(date(2019, 3, 1), date(2019, 3, 20)),)
    assert facts["onset"] == date(2019, 3, 1)


def test_an_open_period_that_begins_after_the_as_of_date_gives_no_day(
        test_kb: KnowledgeBase) -> None:
    facts = _derive(test_kb, """
case: An illness that begins after the as-of date
jurisdiction: lu
events:
  - {type: illness, from: "2019-04-01"}
""", "2019-03-20")
    assert "incapacity" not in facts
    assert facts["onset"] == date(2019, 4, 1)


def test_touching_and_overlapping_periods_are_merged(test_kb: KnowledgeBase) -> None:
    facts = _derive(test_kb, """
case: A certificate and its prolongation, then an overlapping one, then a separate one
jurisdiction: lu
events:
  - {type: illness, from: "2019-03-01", to: "2019-03-10"}
  - {type: illness, from: "2019-03-11", to: "2019-03-20"}
  - {type: illness, from: "2019-03-15", to: "2019-03-25"}
  - {type: illness, from: "2019-04-02", to: "2019-04-03"}
""", "2019-12-31")
    assert facts["incapacity"] == (Period(date(2019, 3, 1), date(2019, 3, 25)),
                                   Period(date(2019, 4, 2), date(2019, 4, 3)))


def test_a_fact_given_under_facts_is_taken_as_given(test_kb: KnowledgeBase) -> None:
    facts = _derive(test_kb, """
case: The onset is given, the illness is told
jurisdiction: lu
facts:
  onset: "2019-02-27"
events:
  - {type: illness, from: "2019-03-01", to: "2019-03-10"}
""", "2019-12-31")
    assert facts["onset"] == date(2019, 2, 27)


def test_any_is_true_only_for_an_event_that_counts(test_kb: KnowledgeBase) -> None:
    facts = _derive(test_kb, """
case: Two illnesses, one from a crime
jurisdiction: lu
events:
  - {type: illness, from: "2019-03-01", to: "2019-03-10", crime: false}
  - {type: illness, from: "2019-05-01", to: "2019-05-10", crime: true}
""", "2019-12-31")
    assert facts["crime"] is True
    facts = _derive(test_kb, """
case: An illness not from a crime
jurisdiction: lu
events:
  - {type: illness, from: "2019-03-01", to: "2019-03-10", crime: false}
""", "2019-12-31")
    assert facts["crime"] is False


def test_the_explanation_names_the_events_a_fact_is_derived_from(
        test_kb: KnowledgeBase) -> None:
    case, _ = case_from_text("""
case: An illness in two certificates and a letter during it
jurisdiction: lu
as_of: "2019-04-01"
events:
  - {type: illness, from: "2019-03-01", to: "2019-03-04"}
  - {type: letter, sent: "2019-03-04", received: "2019-03-05"}
  - {type: illness, from: "2019-03-05", to: "2019-03-09"}
""", test_kb)
    assert case is not None
    outcome = evaluate(test_kb, case, date(2019, 4, 1), outputs=["sanction"])
    text = render_text(outcome, explain=True)
    assert "sanction = abusive" in text
    assert ("fact incapacity = 2019-03-01 to 2019-03-09, derived from events 1 and 3 by "
            "lu.derivations.illness, Code test, art. 3 — version of 2009-01-01") in text
    assert "fact letter_received = 2019-03-05, derived from event 2" in text


def test_annual_leave_days_covered_by_an_incapacity_are_not_leave(kb: KnowledgeBase) -> None:
    """Guide 002 lines 1247-1249: sick days during leave are not leave days; the leave is
    not extended (the return date stays the agreed one)."""
    facts = _derive(kb, """
case: Sick in the middle of two weeks of leave
jurisdiction: lu
events:
  - {type: annual_leave, from: "2019-08-05", to: "2019-08-16"}
  - {type: incapacity, from: "2019-08-08", to: "2019-08-12", cause: sickness}
""", "2019-12-31")
    assert facts["annual_leave"] == (Period(date(2019, 8, 5), date(2019, 8, 7)),
                                     Period(date(2019, 8, 13), date(2019, 8, 16)))
    assert facts["incapacity"] == (Period(date(2019, 8, 8), date(2019, 8, 12)),)


def test_a_cns_refusal_gives_every_fact_the_rules_read_about_it(kb: KnowledgeBase) -> None:
    facts = _derive(kb, """
case: A CNS refusal, opposed and appealed
jurisdiction: lu
events:
  - {type: incapacity, from: "2019-03-04", cause: sickness}
  - {type: decision, body: cns, kind: refusal, notified: "2019-05-02",
     effective_from: "2019-05-06", opposed_on: "2019-05-20", appealed_on: "2019-07-01"}
""", "2019-12-31")
    assert facts["cns_refusal_notified_on"] == facts["cns_decision_notified_on"] == \
        date(2019, 5, 2)
    assert facts["cns_decision_kind"] == "cessation_of_pay_and_benefit"
    assert facts["cns_refusal_effective_from"] == date(2019, 5, 6)
    assert facts["opposition_lodged_on"] == date(2019, 5, 20)
    assert facts["refusal_appealed"] is True
    assert facts["insured_incapacity"] == facts["incapacity"]


def test_notification_is_derived_only_where_sending_and_receipt_cannot_differ(
        kb: KnowledgeBase) -> None:
    case, _ = case_from_text("""
case: A posted dismissal letter
jurisdiction: lu
events:
  - {type: letter, kind: dismissal, sent: "2019-04-12", received: "2019-04-15", channel: post}
""", kb)
    assert case is not None
    _, posted, problems = prepare_case(kb, case, date(2019, 12, 31), None)
    assert posted.facts["act_letter_received_on"] == date(2019, 4, 15)
    assert "act_notified_on" not in posted.facts    # posting or receipt: the law does not say
    assert [p.code for p in problems] == ["LX444"]
    handed = _derive(kb, """
case: A dismissal letter handed over
jurisdiction: lu
events:
  - {type: letter, kind: dismissal, sent: "2019-04-15", channel: hand_delivery}
""", "2019-12-31")
    assert handed["act_notified_on"] == date(2019, 4, 15)


def test_the_law_of_the_event_date_qualifies_each_event(kb: KnowledgeBase) -> None:
    text = """
case: Two part-time resumptions, one before and one after 1 January 2019
jurisdiction: lu
events:
  - {type: incapacity, from: "2018-03-01", cause: sickness}
  - {type: part_time_resumption, from: "2018-06-01", to: "2018-06-30", authorised_on: "2018-05-25"}
  - {type: part_time_resumption, from: "2019-02-01", to: "2019-02-28", authorised_on: "2019-01-25"}
"""
    facts = _derive(kb, text, "2019-06-30")
    assert facts["therapeutic_half_time"] == (Period(date(2018, 6, 1), date(2018, 6, 30)),)
    assert facts["rptrt_started_on"] == date(2019, 2, 1)
    before = _derive(kb, text, "2019-06-30", law_as_of="2018-12-31")
    assert len(before["therapeutic_half_time"]) == 2                    # type: ignore[arg-type]
    assert "rptrt_started_on" not in before
    case, _ = case_from_text(text, kb)
    assert case is not None
    _, after, problems = prepare_case(kb, case, date(2019, 6, 30), date(2019, 1, 1))
    assert "therapeutic_half_time" not in after.facts
    assert after.facts["rptrt_started_on"] == date(2018, 6, 1)
    # two RPTRT measures with two authorisations: the fact has one value, the case must say
    assert [p.code for p in problems] == ["LX442"]
    assert "rptrt_authorisation_received_on" in problems[0].message


@pytest.mark.parametrize(("events", "words", "line"), [
    ("""  - {type: certificate, covers_from: "2019-03-04", sent: "2019-03-06",
     received_by_employer: "2019-03-05"}""",
     "the employer receives the certificate before it was sent", 7),
    ("""  - {type: request, id: ask, kind: rptrt, date: "2019-03-10"}
  - {type: decision, body: cns, kind: favourable, notified: "2019-03-08", request: ask}""",
     "the decision is notified before its request", 7),
    ("""  - {type: incapacity, from: "2019-01-07", to: "2019-04-28", cause: maternity,
     birth: "2019-05-02"}""",
     "the birth is after the end of the maternity incapacity", 6),
])
def test_contradictory_events_are_an_error_at_the_event(
        kb: KnowledgeBase, events: str, words: str, line: int) -> None:
    case, problems = case_from_text(f"""case: Contradictory events
jurisdiction: lu
as_of: "2019-12-31"
events:
  - {{type: incapacity, from: "2019-03-04", cause: sickness}}
{events}
""", kb, "case.case.yaml")
    assert case is None
    assert [p.code for p in problems] == ["LX441"]
    assert words in problems[0].message
    assert problems[0].span is not None and problems[0].span.line == line


def test_an_event_reference_must_name_an_event_of_its_type(kb: KnowledgeBase) -> None:
    case, problems = case_from_text("""case: A decision that answers nothing
jurisdiction: lu
events:
  - {type: decision, body: cns, kind: refusal, notified: "2019-03-08", request: ask}
""", kb)
    assert case is None and [p.code for p in problems] == ["LX440"]


def test_a_case_gives_a_parameter_the_sources_leave_unknown(kb: KnowledgeBase) -> None:
    text = """
case: The minimum wage, as the case knows it
jurisdiction: lu
as_of: "2019-06-30"
facts:
  incapacity_start: "2019-03-04"
{parameters}"""
    case, _ = case_from_text(text.format(parameters=""), kb)
    assert case is not None
    without = evaluate(kb, case, date(2019, 6, 30), outputs=["sickness_benefit_cap"])
    assert without.results["sickness_benefit_cap"].status == "missing"
    case, problems = case_from_text(text.format(parameters="""parameters:
  lu.wages.social_minimum_wage:
    - {from: "2019-01-01", value: "2089.75", note: the case's figure}
"""), kb)
    assert case is not None, problems
    outcome = evaluate(kb, case, date(2019, 6, 30), outputs=["sickness_benefit_cap"])
    result = outcome.results["sickness_benefit_cap"]
    assert result.status == "value"
    text_out = render_text(outcome, explain=True)
    line = next(x for x in text_out.splitlines() if "lu.wages.social_minimum_wage =" in x)
    assert line.endswith("(from 2019-01-01, given by the case (the sources leave this value "
                         "unknown))")
    assert result.value == 5 * Fraction("2089.75")
    assert kb.parameters["lu.wages.social_minimum_wage"].values[0].value is not None  # untouched


def test_the_event_types_a_fact_can_come_from(kb: KnowledgeBase) -> None:
    from lexlux.compile.events import event_sources_of_facts
    sources = event_sources_of_facts(kb, "lu")
    assert sources["insured_incapacity"] == [("incapacity", "lu.derivations.incapacity"),
                                             ("part_time_resumption",
                                              "lu.derivations.incapacity")]
    assert ("request", "lu.derivations.part_time_resumption") in sources["rptrt_request_on"]
    assert "therapeutic_half_time" in sources and "dismissal_sanction" not in sources


def test_eval_json_of_a_timeline_case_follows_its_schema(kb: KnowledgeBase) -> None:
    from jsonschema import Draft202012Validator
    from lexlux.evaluate.case import load_case
    from lexlux.evaluate.explain import render_json
    from lexlux.load.discover import FileKind
    from lexlux.validate.schemas import all_schemas, validator_for

    validator_for(FileKind.CASE)        # the registry is built
    from lexlux.validate.schemas import _registry_and_schemas
    registry, _ = _registry_and_schemas()
    schema = all_schemas()["eval-output.schema.json"]
    case, _ = load_case(HERE.parent.parent / "examples" / "timeline" /
                        "dismissal-during-sickness.case.yaml", kb)
    assert case is not None and case.as_of is not None
    payload = render_json(evaluate(kb, case, case.as_of, outputs=["dismissal_sanction"]))
    assert [e.message for e in Draft202012Validator(schema, registry=registry)
            .iter_errors(payload)] == []
    derived = payload["derived_facts"]
    assert derived["act_notified_on"] == {"value": "2019-04-15", "events": [4],
                                          "rules": ["lu.derivations.letters@2009-01-01"]}
