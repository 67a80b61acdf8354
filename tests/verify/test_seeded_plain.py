"""The seeded pass for queries about outputs that are no timelines but read abstract
calendar values (checks/seeded_plain.py): the readings and gaps queries answered by a
candidate fixed, without the solver's search; the query as before when no candidate
passes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks import seeded_plain, seeds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import to_json
from lexlux.verify.checks.rules import _check_readings, check_gaps
from test_seeds import asked_queries

READ = "sickness_benefit_limit_reached_on"
TOTAL = "sickness_benefit_paid_on_day"
#: The case of the accepted LX506 (a CNS certificate sent late): no payment on the day.
LATE = {"birth_date": date(2012, 12, 31), "cns_certificate_sent_on": date(2014, 1, 28),
        "day_considered": date(2015, 1, 24), "incapacity_cause": "non_occupational_accident",
        "incapacity_start": date(2014, 1, 25), "invalidity_conditions_met_on": date(2013, 12, 1),
        "invalidity_found_on": date(2016, 11, 3),
        "insured_incapacity": [Period(date(2014, 1, 25), date(2015, 1, 25))]}


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return load_knowledge_base().kb


def solved(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The resource limits of the solver calls of the seeded pass from now on."""
    limits: list[int] = []
    solve = seeded_plain.solve

    def spy(*args: Any, **kwargs: Any) -> Any:
        limits.append(kwargs["rlimit"])
        return solve(*args, **kwargs)
    monkeypatch.setattr(seeded_plain, "solve", spy)
    return limits


def readings(kb: KnowledgeBase) -> list[dict[str, Any]]:
    audit = Audit(kb, "lu")
    audit.outputs = lambda: [READ]              # type: ignore[method-assign]
    return [to_json(kb, f) for f in _check_readings(audit)]


def test_a_readings_query_on_counted_days_is_answered_by_a_candidate(
        bundled: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        asked = asked_queries(patched)
        limits = solved(patched)
        found = readings(bundled)
    assert asked == []                           # the solver's search never asked
    assert limits and set(limits) == {seeds.SEED_RLIMIT}
    seeded = [f for f in found if seeds.SEEDED in f["details"]]
    assert seeded and {f["code"] for f in seeded} == {"LX503"}
    assert all("confirmed" in f["replay"] for f in seeded)   # the evaluator agrees
    # without candidates the query is asked as before, and finds the same disagreements
    with monkeypatch.context() as patched:
        patched.setattr(seeded_plain, "candidates", lambda *_: iter(()))
        asked = asked_queries(patched)
        before = readings(bundled)
    assert len(asked) == len(found)
    assert [f["fingerprint"] for f in before] == [f["fingerprint"] for f in found]
    assert not [f for f in before if seeds.SEEDED in f["details"]]


def test_no_candidate_passing_leaves_the_query_to_the_solver(
        bundled: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(seeds, "readings_differ", lambda *_: lambda *_: False)
        patched.setattr(seeded_plain, "solve", _never)
        asked = asked_queries(patched)
        audit = Audit(bundled, "lu")
        audit.outputs = lambda: [READ]           # type: ignore[method-assign]
        test = seeds.readings_differ(audit, READ, "a", "b")
        enc = audit.encoding()
        out = enc.output(READ)
        assert seeded_plain.seeded_plain(audit, [enc], [{READ}], [out.has_value],
                                         test) is None
        assert audit.queries == 0 and asked == []


def _never(*_: Any, **__: Any) -> Any:
    raise AssertionError("no candidate passed: the solver is not asked")


def _late_pool(*_: Any) -> Iterator[tuple[dict[str, Any], date]]:
    yield dict(LATE), date(2016, 1, 1)


def gaps(kb: KnowledgeBase) -> list[dict[str, Any]]:
    audit = Audit(kb, "lu")
    audit.outputs = lambda: [TOTAL]             # type: ignore[method-assign]
    return [to_json(kb, f) for f in check_gaps(audit)]


def test_the_gap_test_is_the_evaluators(bundled: KnowledgeBase) -> None:
    audit = Audit(bundled, "lu")
    test = seeded_plain.gap_test(audit, TOTAL)
    assert test(dict(LATE), date(2016, 1, 1))
    later = dict(LATE, day_considered=date(2015, 3, 3))
    assert not test(later, date(2016, 1, 1))                # a value (not paid): no gap
    unknown = {k: v for k, v in LATE.items() if k != "incapacity_start"}
    assert not test(unknown, date(2016, 1, 1))              # missing, and not total there


def test_a_gap_query_is_answered_by_a_candidate_with_the_accepted_fingerprint(
        bundled: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(seeds, "_pool", _late_pool)
        asked = asked_queries(patched)
        found = gaps(bundled)
    assert asked == []
    assert [f["fingerprint"] for f in found] == ["LX506-0f9d1504b4"]   # accepted.yaml
    assert seeds.SEEDED in found[0]["details"]
    assert found[0]["witness"]["facts"]["cns_certificate_sent_on"] == "2014-01-28"
    with monkeypatch.context() as patched:
        patched.setattr(seeds, "_pool", lambda *_: iter(()))
        asked = asked_queries(patched)
        before = gaps(bundled)
    assert asked == ["gaps: whether 'sickness_benefit_paid_on_day' is total"]
    assert [f["fingerprint"] for f in before] == ["LX506-0f9d1504b4"]
    assert seeds.SEEDED not in before[0]["details"]
