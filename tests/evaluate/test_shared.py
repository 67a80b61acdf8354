"""One evaluation per case and law, shared by the outputs asked of it (evaluate/shared.py):
every answer is the one a fresh evaluation gives — whatever was asked before, in any order,
under another law, as-of date or reading, after the caller changed its facts, with another
knowledge base — and an evaluation that met a circular dependency is never gone on with."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate import shared
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import OutputResult, evaluate, outputs_in_force
from lexlux.pipeline import LoadResult
from lexlux.whatif.generate import generate_cases

LAWS = (date(2018, 12, 31), date(2019, 1, 1), date(2016, 1, 1))
READINGS = (None, "ccss_worked_example", "statuts_daily_window")


def _seen(result: OutputResult) -> tuple[Any, ...]:
    """Everything a result tells (its trace's conclusions by rule, version, how chosen and
    what they read)."""
    return (result.name, result.status, repr(result.value), result.type, result.missing,
            result.message, result.considered, result.reading, result.other_readings,
            [(n.rule_id, n.version_id, n.selection, repr(n.value), dict(n.facts),
              sorted(n.parameters), n.uses, n.prevails_over, n.decided_without)
             for n in result.trace],
            [(n.rule_id, n.version_id, n.selection) for n in result.not_applicable],
            [(rule, n.rule_id) for rule, n in result.disapplied])


def _fresh(kb: KnowledgeBase, case: Case, as_of: date, name: str, law: date | None,
           reading: str | None) -> tuple[Any, ...]:
    return _seen(evaluate(kb, case, as_of, law_as_of=law, outputs=[name],
                          reading=reading).results[name])


@pytest.fixture(scope="module")
def kb(bundled: LoadResult) -> KnowledgeBase:
    assert bundled.ok
    return bundled.kb


def test_every_output_in_any_order_is_the_fresh_answer(kb: KnowledgeBase) -> None:
    shared.clear()
    names = outputs_in_force(kb, "lu")
    for number, case in enumerate(generate_cases(6, kb.vocabularies["lu"], seed=17)):
        assert case.as_of is not None
        order = names if number % 2 else list(reversed(names))
        for law in LAWS:
            for reading in READINGS[:2] if number < 4 else READINGS:
                for name in order:
                    got = shared.result(kb, case, case.as_of, name, law_as_of=law,
                                        reading=reading)
                    assert _seen(got) == _fresh(kb, case, case.as_of, name, law, reading), \
                        (case.facts, law, reading, name)
    assert shared._RUNS           # the evaluations were kept (and so read again)


def test_another_as_of_date_law_or_reading_is_never_the_kept_answer(kb: KnowledgeBase) -> None:
    shared.clear()
    case = Case("c", "lu", date(2019, 6, 1), {
        "incapacity_start": date(2019, 1, 1)})
    name = "sickness_benefit_limit_reached_on"
    for as_of in (date(2019, 6, 1), date(2025, 1, 1)):
        for law in LAWS:
            for reading in READINGS:
                got = shared.result(kb, case, as_of, name, law_as_of=law, reading=reading)
                assert _seen(got) == _fresh(kb, case, as_of, name, law, reading)
    assert len(shared._RUNS) == 2 * len(LAWS) * len(READINGS)


def test_facts_changed_by_the_caller_are_read_afresh(kb: KnowledgeBase) -> None:
    shared.clear()
    cases = list(generate_cases(12, kb.vocabularies["lu"], seed=5))
    names = outputs_in_force(kb, "lu")
    law = date(2019, 1, 1)
    changed = 0
    for case, other in pairwise(cases):
        assert case.as_of is not None
        facts = dict(case.facts)
        mine = Case("mine", "lu", case.as_of, facts)
        before = [_seen(shared.result(kb, mine, case.as_of, n, law_as_of=law))
                  for n in names[::3]]
        facts.clear()                  # the same dictionary, now another case's facts
        facts.update(other.facts)
        for n, earlier in zip(names[::3], before, strict=True):
            now = _seen(shared.result(kb, mine, case.as_of, n, law_as_of=law))
            assert now == _fresh(kb, Case("o", "lu", case.as_of, dict(other.facts)),
                                 case.as_of, n, law, None)
            changed += now != earlier
        # the first facts again, in a new case: the outputs not asked yet are read from
        # those facts, not from the dictionary the caller changed
        again = Case("again", "lu", case.as_of, dict(case.facts))
        for n in names:
            assert _seen(shared.result(kb, again, case.as_of, n, law_as_of=law)) == \
                _fresh(kb, again, case.as_of, n, law, None)
    assert changed                     # the cases' answers do differ: a stale one would show


def test_values_equal_in_python_are_different_facts() -> None:
    assert shared.facts_key({"a": True}) != shared.facts_key({"a": 1})
    assert shared.facts_key({"a": Fraction(1)}) != shared.facts_key({"a": 1})
    assert shared.facts_key({"b": 1, "a": 2}) == shared.facts_key({"a": 2, "b": 1})


def test_another_knowledge_base_is_evaluated_on_its_own(kb: KnowledgeBase) -> None:
    shared.clear()
    case = Case("c", "lu", date(2019, 6, 1), {"incapacity_start": date(2019, 1, 1)})
    name = "sickness_benefit_limit_reached_on"
    shared.result(kb, case, date(2019, 6, 1), name, law_as_of=LAWS[0])
    other = replace(kb, _concluding=None)     # the same rules, another object
    got = shared.result(other, case, date(2019, 6, 1), name, law_as_of=LAWS[0])
    assert _seen(got) == _fresh(other, case, date(2019, 6, 1), name, LAWS[0], None)
    assert [entry[0] for entry in shared._RUNS.values()] == [kb, other]
    # an evaluation kept for a knowledge base since freed, whose id the other now has
    shared.clear()
    shared.result(kb, case, date(2019, 6, 1), name, law_as_of=LAWS[0])
    (key, entry), = shared._RUNS.items()
    shared._RUNS[(id(other), *key[1:])] = entry
    entry[1].results[name] = OutputResult(name, "value", "stale", entry[1].results[name].type)
    got = shared.result(other, case, date(2019, 6, 1), name, law_as_of=LAWS[0])
    assert _seen(got) == _fresh(other, case, date(2019, 6, 1), name, LAWS[0], None)


def test_a_case_without_a_law_date_or_with_events_is_not_kept(kb: KnowledgeBase) -> None:
    shared.clear()
    case = Case("c", "lu", date(2019, 6, 1), {"incapacity_start": date(2019, 1, 1)})
    name = "sickness_benefit_limit_reached_on"
    got = shared.result(kb, case, date(2019, 6, 1), name, law_as_of=None)
    assert _seen(got) == _fresh(kb, case, date(2019, 6, 1), name, None, None)
    derived = Case("d", "lu", date(2019, 6, 1), {}, {name: date(2019, 3, 1)})
    got = shared.result(kb, derived, date(2019, 6, 1), name, law_as_of=LAWS[0])
    assert got.value == date(2019, 3, 1)
    assert not shared._RUNS


def test_an_evaluation_that_met_a_circle_is_not_gone_on_with(kb: KnowledgeBase) -> None:
    shared.clear()
    case = Case("c", "lu", date(2019, 6, 1), {"incapacity_start": date(2019, 1, 1)})
    first, second = "sickness_benefit_limit_reached_on", "sickness_benefit_exhausted_from"
    shared.result(kb, case, date(2019, 6, 1), first, law_as_of=LAWS[0])
    (_, run), = shared._RUNS.values()
    run.circular = True                # as if asking ``first`` had closed a circle
    got = shared.result(kb, case, date(2019, 6, 1), second, law_as_of=LAWS[0])
    assert _seen(got) == _fresh(kb, case, date(2019, 6, 1), second, LAWS[0], None)
    (_, kept), = shared._RUNS.values()
    assert kept is not run             # a fresh evaluation, kept in its place


def test_only_the_last_evaluations_are_kept(kb: KnowledgeBase,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    shared.clear()
    monkeypatch.setattr(shared, "KEPT", 2)
    case = Case("c", "lu", date(2019, 6, 1), {"incapacity_start": date(2019, 1, 1)})
    for law in LAWS:
        shared.result(kb, case, date(2019, 6, 1), "sickness_benefit_limit_reached_on",
                      law_as_of=law)
    assert [key[5] for key in shared._RUNS] == list(LAWS[1:])
