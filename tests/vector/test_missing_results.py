"""A "missing" answer built column-wise (a fact the case does not give, a parameter without a
verified value) is the interpreter's, field by field: the names missing and their order, the
message (with the day the parameter was read on), the versions considered, the readings, no
trace, and the LX401 diagnostic of an output asked for."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import OutputResult, evaluate, outputs_in_force
from lexlux.pipeline import LoadResult

pytest.importorskip("numpy")
from lexlux.vector.backend import evaluate_block
from lexlux.vector.outcomes import VectorRun
from lexlux.whatif.tables import json_line


def _generated(bundled: LoadResult, size: int, start: date, seed: int) -> list[Case]:
    from lexlux.whatif.needs import facts_needed
    from lexlux.whatif.population import Generator, load_population
    vocabulary = bundled.kb.vocabularies["lu"]
    outputs = outputs_in_force(bundled.kb, "lu")
    generator = Generator(load_population(None, vocabulary), vocabulary,
                          facts_needed(bundled.kb, "lu", outputs), start,
                          start + timedelta(days=700), seed=seed)
    return list(generator.cases(size))


def _fields(result: OutputResult) -> tuple[Any, ...]:
    return (result.name, result.status, result.value, result.type, result.trace,
            result.missing, result.message, result.considered, result.not_applicable,
            result.disapplied, result.reading, result.other_readings)


def _built(bundled: LoadResult, cases: list[Case], reading: str | None,
           law_as_of: date | None) -> int:
    """How many "missing" answers the backend builds itself (not left to the interpreter)."""
    kb = bundled.kb
    vocabulary = kb.vocabularies["lu"]
    columns = evaluate_block(kb, cases, outputs_in_force(kb, "lu"), reading, law_as_of)
    built = 0
    for name, column in columns.items():
        found = column.output_results(vocabulary.outputs[name].type, kb, "lu", reading)
        built += sum(r is not None and r.status == "missing" for r in found or [])
    return built


def _agree(bundled: LoadResult, cases: list[Case], reading: str | None,
           law_as_of: date | None) -> int:
    """Every output of every person: the same status and value, a "missing" answer the same
    in every field, the same LX401 diagnostics and JSON line; the number of missing answers."""
    kb = bundled.kb
    names = outputs_in_force(kb, "lu")
    run = VectorRun(kb, names, law_as_of, reading)
    missing = 0
    for outcome in run.outcomes(cases):
        want = evaluate(kb, outcome.case, outcome.as_of, outputs=names, law_as_of=law_as_of,
                        reading=reading)
        for name in names:
            got, expected = outcome.results[name], want.results[name]
            assert (got.status, got.value) == (expected.status, expected.value), name
            if "missing" in (got.status, expected.status):
                assert _fields(got) == _fields(expected), name
                missing += 1
        assert sorted(str(d) for d in outcome.diagnostics if d.code == "LX401") == \
            sorted(str(d) for d in want.diagnostics if d.code == "LX401")
        assert json_line(outcome) == json_line(want)
    return missing


def test_missing_answers_are_the_interpreters_on_a_generated_population(
        bundled: LoadResult) -> None:
    cases = _generated(bundled, 60, date(2016, 1, 1), 3)
    built = _built(bundled, cases, None, None)
    # the parameters without a verified value (the social minimum wage ...) and the trial
    # period not given: built column-wise, not left to the interpreter
    assert built > 4 * len(cases)
    assert _agree(bundled, cases, None, None) >= built


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.dates(date(2015, 6, 1), date(2024, 6, 1)),
       st.sampled_from([None, "ccss_worked_example"]),
       st.sampled_from([None, date(2019, 6, 1), date(2027, 3, 1)]))
def test_missing_answers_agree_on_random_generated_populations(
        bundled: LoadResult, seed: int, start: date, reading: str | None,
        law_as_of: date | None) -> None:
    cases = _generated(bundled, 8, start, seed)
    assert _agree(bundled, cases, reading, law_as_of) > 0


def test_an_nth_day_of_a_failed_argument_fails_as_in_the_interpreter(
        bundled: LoadResult) -> None:
    """seventy_seventh_day reads salary_continuation_end: where that has no value the
    interpreter stops there ("needs ..., which has no value": no value), before
    nth_day_in_window is called; the backend answers those persons itself."""
    cases = _generated(bundled, 60, date(2016, 1, 1), 3)
    columns = evaluate_block(bundled.kb, cases, ["seventy_seventh_day"])
    results = columns["seventy_seventh_day"].results
    assert results is not None and None not in results
    statuses = set()
    for case, got in zip(cases, results, strict=True):
        want = evaluate(bundled.kb, case, case.as_of or date.today(),
                        outputs=["seventy_seventh_day"]).results["seventy_seventh_day"]
        assert got == (want.status, want.value), case.name
        statuses.add(got[0])
    assert statuses == {"value", "no_value"}
