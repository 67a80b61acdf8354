"""The vector backend gives what the interpreter gives (the same value, or it leaves the
person to the interpreter), on random populations: spells across 2019-01-01, month and year
boundaries, half-time periods; both readings of the 77-day rule."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexlux.compile.model import Months, Period
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import LoadResult

pytest.importorskip("numpy")
from lexlux.vector.backend import evaluate_block

#: the 52/78-week limit dates (CSS art. 14 (2)) read first_day_counted_over; the payer
#: timeline has the L.125-4 exception, which reads the end of the contract, which reads them
LIMIT_DATES = ["sickness_benefit_limit_reached_on", "sickness_benefit_exhausted_from"]
#: has_month_with / first_month_with over the continuation_limit_reached timeline; counted
#: days (nth_counted_day, roll_forward) with public holidays and week-ends
MONTH_WITH = ["salary_continuation_end", "seventy_seventh_day", "new_right_opens_on"]
COUNTED = ["cns_certificate_deadline", "cns_certificate_required", "cns_certificate_in_time",
           "sickness_benefit_start"]
OUTPUTS = ["monthly_payer", "twelve_month_count", "sickness_benefit_limit_exceeded_on_day",
           *LIMIT_DATES, "contract_ends_automatically_on", "continuation_limit_reached",
           *MONTH_WITH, *COUNTED]
BOUNDARIES = [date(2018, 12, 31), date(2019, 1, 1), date(2019, 1, 31), date(2019, 2, 28),
              date(2018, 6, 30), date(2019, 4, 19), date(2019, 5, 9), date(2019, 6, 8),
              date(2019, 12, 24), date(2020, 12, 31)]      # holidays, eves, a Saturday


@st.composite
def person(draw: st.DrawFn) -> Case:
    day = draw(st.one_of(st.sampled_from(BOUNDARIES),
                         st.dates(date(2017, 6, 1), date(2020, 6, 30)),
                         st.builds(date, st.integers(2017, 2020), st.integers(1, 12),
                                   st.just(1))))
    spells: list[Period] = []
    for _ in range(draw(st.integers(1, 4))):
        length = draw(st.one_of(st.integers(1, 31), st.integers(32, 420),
                                st.sampled_from([76, 77, 78, 89, 90, 91, 365, 547, 700])))
        end = day + timedelta(days=length - 1)
        spells.append(Period(day, end))
        day = end + timedelta(days=draw(st.integers(2, 200)))
    onset = draw(st.sampled_from(spells))
    start = onset.start if draw(st.integers(0, 4)) else onset.start + timedelta(
        days=draw(st.integers(0, onset.day_count - 1)))       # sometimes not a spell's start
    facts: dict[str, object] = {"incapacity": tuple(spells), "insured_incapacity": tuple(spells),
                                "incapacity_start": start}
    if draw(st.booleans()):
        last = spells[-1]
        middle = last.start + timedelta(days=last.day_count // 2)
        facts["therapeutic_half_time"] = (Period(middle, last.end),)
    if draw(st.booleans()):
        facts["cns_certificate_sent_on"] = start + timedelta(days=draw(st.integers(0, 6)))
    as_of = spells[-1].end + timedelta(days=draw(st.integers(0, 90)))
    return Case("random person", "lu", as_of, facts)  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(person(), min_size=1, max_size=12),
       st.sampled_from([None, "ccss_worked_example", "statute"]),
       st.sampled_from([None, date(2019, 6, 1)]))
def test_vector_backend_agrees_with_the_interpreter(bundled: LoadResult, cases: list[Case],
                                                    reading: str | None,
                                                    law_as_of: date | None) -> None:
    columns = evaluate_block(bundled.kb, cases, OUTPUTS, reading=reading, law_as_of=law_as_of)
    answered: Counter[str] = Counter()
    for name in OUTPUTS:
        column = columns[name]
        if column.results is None and name in MONTH_WITH and reading == "ccss_worked_example":
            continue      # the CCSS reading's employer_charged_month outside a timeline
        assert column.results is not None, (name, column.fallback)
        for case, got in zip(cases, column.results, strict=True):
            if got is not None:
                answered[got[0]] += 1
            if got is None:
                continue          # left to the interpreter
            want = evaluate(bundled.kb, case, case.as_of or date.today(), outputs=[name],
                            reading=reading, law_as_of=law_as_of).results[name]
            assert got == (want.status, want.value), (name, case.facts["incapacity"])
    assert answered["value"] > 0          # the backend answered, not only the interpreter


def test_outputs_it_cannot_compile_say_why(bundled: LoadResult) -> None:
    case = Case("p", "lu", date(2020, 1, 1), {"incapacity": (Period(date(2019, 1, 1),
                                                                     date(2019, 3, 1)),)})
    columns = evaluate_block(bundled.kb, [case], ["seventy_seventh_day"],
                             reading="ccss_worked_example")
    assert all(c.results is None and c.fallback for c in columns.values())
    assert columns["seventy_seventh_day"].fallback == \
        "employer-charged days outside a timeline"


def test_months_and_parameters_without_a_verified_value(bundled: LoadResult) -> None:
    """A months conclusion, a months fact compared with months, and an output that reads a
    parameter with no verified value: column-wise, the persons whose answer needs the
    parameter left to the interpreter, the others as the interpreter answers them."""
    names = ["max_imprisonment", "compensation_tax_max_duration",
             "reevaluation_periodicity_lawful", "sickness_benefit_cap",
             "quota_compensation_tax_amount", "rpgh_monthly_amount"]
    spells = (Period(date(2024, 1, 1), date(2024, 3, 1)),)
    cases = [Case("p", "lu", date(2024, 6, 1), {"incapacity": spells, **facts})
             for facts in ({}, {"occupational_physician_finding": "unfit",
                                "restrictions_definitive": False,
                                "reevaluation_periodicity": Months(24)},
                           {"occupational_physician_finding": "unfit",
                            "restrictions_definitive": False,
                            "reevaluation_periodicity": Months(12)},
                           {"employer_refuses_internal_reclassification": True,
                            "employer_authorised_by_cm_to_refuse": False},
                           {"offence_committed_on": date(2024, 1, 1)})]
    columns = evaluate_block(bundled.kb, cases, names)
    statuses: Counter[str] = Counter()
    for name in names:
        column = columns[name]
        assert column.results is not None, (name, column.fallback)
        for case, got in zip(cases, column.results, strict=True):
            want = evaluate(bundled.kb, case, case.as_of or date.today(),
                            outputs=[name]).results[name]
            statuses[want.status] += 1
            if got is None:           # left to the interpreter: it needs what is unknown
                assert want.status == "missing", (name, case.facts, want.status)
            else:
                assert got == (want.status, want.value), (name, case.facts)
    assert statuses["missing"] and statuses["value"]
    assert columns["reevaluation_periodicity_lawful"].results[1:3] == [
        ("value", False), ("value", True)]
    assert columns["max_imprisonment"].results[0] == ("value", Months(6))


def _spells(*pairs: tuple[str, str]) -> tuple[Period, ...]:
    return tuple(Period(date.fromisoformat(a), date.fromisoformat(b)) for a, b in pairs)


EDGES = [
    _spells(("2019-01-01", "2019-03-18"), ("2019-04-02", "2019-05-10")),   # 77 days by March
    _spells(("2019-01-01", "2019-03-17"), ("2019-04-02", "2019-05-10")),   # 76
    _spells(("2018-12-01", "2019-02-15")),                                  # 77, across years
    _spells(("2009-01-29", "2009-04-30"), ("2009-09-01", "2010-03-31")),   # the CCSS example
    _spells(("2018-11-15", "2019-01-29"), ("2019-03-01", "2019-03-01")),
]


@pytest.mark.parametrize("reading", ["statute", "ccss_worked_example"])
def test_the_77th_day_edges(bundled: LoadResult, reading: str) -> None:
    # incapacity_start given and no insured history: the L.125-4 exception is not
    # applicable (its version selected, its condition false) and the 77-day rule stands
    cases = [Case(f"edge {i}", "lu", spells[-1].end + timedelta(days=200),
                  {"incapacity": spells, "incapacity_start": spells[0].start})
             for i, spells in enumerate(EDGES)]
    payer = ["monthly_payer", "twelve_month_count"]
    columns = evaluate_block(bundled.kb, cases, payer, reading=reading)
    for name in payer:
        results = columns[name].results
        assert results is not None
        for case, got in zip(cases, results, strict=True):
            want = evaluate(bundled.kb, case, case.as_of or date.today(), outputs=[name],
                            reading=reading).results[name]
            assert got == (want.status, want.value), (name, case.name)


def test_the_benefit_limit_is_reached_as_the_interpreter_says(bundled: LoadResult) -> None:
    long = _spells(("2018-03-01", "2020-06-30"))                  # across 2019-01-01
    cases = [Case("long", "lu", date(2020, 6, 30), {"insured_incapacity": long,
                                                    "incapacity": long,
                                                    "incapacity_start": date(2018, 3, 1)}),
             Case("2020", "lu", date(2022, 6, 30),
                  {"insured_incapacity": _spells(("2020-02-01", "2022-06-30")),
                   "incapacity_start": date(2020, 2, 1)})]
    for reading in (None, "statuts_daily_window"):
        columns = evaluate_block(bundled.kb, cases, LIMIT_DATES, reading=reading)
        for name in LIMIT_DATES:
            results = columns[name].results
            assert results is not None, columns[name].fallback
            for case, got in zip(cases, results, strict=True):
                want = evaluate(bundled.kb, case, case.as_of or date.today(), outputs=[name],
                                reading=reading).results[name]
                assert got == (want.status, want.value), (name, reading, case.name)
    # the dates themselves, by hand: 2018-03-01 + 363 days under the 52-week law of the
    # spell's start (CSS 14 (2): the limit is fixed at the start, OQ-CSS7)
    columns = evaluate_block(bundled.kb, cases[:1], LIMIT_DATES)
    assert columns["sickness_benefit_limit_reached_on"].results == [
        ("value", date(2019, 2, 27))]
    assert columns["sickness_benefit_exhausted_from"].results == [("value", date(2019, 2, 28))]


def test_the_payer_ends_with_the_contract_under_l125_4(bundled: LoadResult) -> None:
    """L.125-4 prevails over the 77-day timeline once the benefit is used up: months after
    the end of the contract have no payer ('none'), as the interpreter says."""
    long = _spells(("2018-03-01", "2019-06-30"))
    cases = [Case("used up", "lu", date(2019, 6, 30), {"insured_incapacity": long,
                                                       "incapacity": long,
                                                       "incapacity_start": date(2018, 3, 1)}),
             Case("short", "lu", date(2019, 6, 30),
                  {"insured_incapacity": _spells(("2018-03-01", "2018-06-30")),
                   "incapacity": _spells(("2018-03-01", "2018-06-30")),
                   "incapacity_start": date(2018, 3, 1)})]
    for reading in ("statute", "ccss_worked_example"):
        results = evaluate_block(bundled.kb, cases, ["monthly_payer"], reading=reading
                                 )["monthly_payer"].results
        assert results is not None and all(r is not None for r in results)
        for case, got in zip(cases, results, strict=True):
            want = evaluate(bundled.kb, case, date(2019, 6, 30), outputs=["monthly_payer"],
                            reading=reading).results["monthly_payer"]
            assert got == (want.status, want.value)
        used_up = results[0][1].entries                   # type: ignore[index]
        assert used_up[-1][2] == "none" and used_up[0][2] == "employer"
        assert "none" not in {e[2] for e in results[1][1].entries}     # type: ignore[index]


def test_every_output_it_compiles_agrees_on_a_generated_population(bundled: LoadResult) -> None:
    from lexlux.evaluate.interpreter import outputs_in_force
    from lexlux.whatif.needs import facts_needed
    from lexlux.whatif.population import Generator, load_population
    vocabulary = bundled.kb.vocabularies["lu"]
    outputs = outputs_in_force(bundled.kb, "lu")
    generator = Generator(load_population(None, vocabulary), vocabulary,
                          facts_needed(bundled.kb, "lu", outputs), date(2016, 1, 1),
                          date(2022, 12, 31), seed=3)
    cases = list(generator.cases(120))
    columns = evaluate_block(bundled.kb, cases, outputs)
    compiled = [name for name, column in columns.items() if column.results is not None]
    assert {"monthly_payer", "twelve_month_count"} <= set(compiled)
    checked = 0
    for name in compiled:
        for case, got in zip(cases, columns[name].results or [], strict=True):
            if got is None:
                continue
            want = evaluate(bundled.kb, case, case.as_of or date.today(), outputs=[name]
                            ).results[name]
            assert got == (want.status, want.value), (name, case.name)
            checked += 1
    assert checked > 1000


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.dates(date(2017, 6, 1), date(2020, 6, 1)),
       st.sampled_from([None, "ccss_worked_example"]))
def test_every_compiled_output_agrees_on_random_generated_populations(
        bundled: LoadResult, seed: int, start: date, reading: str | None) -> None:
    """Every construct the backend compiles (transitional clauses, counted days, months of a
    timeline, exact numbers: money, percentages, decimals ...) on populations drawn from the
    bundled distribution, over windows across 2019-01-01 and month and year boundaries."""
    from lexlux.evaluate.interpreter import outputs_in_force
    from lexlux.whatif.needs import facts_needed
    from lexlux.whatif.population import Generator, load_population
    vocabulary = bundled.kb.vocabularies["lu"]
    outputs = outputs_in_force(bundled.kb, "lu")
    generator = Generator(load_population(None, vocabulary), vocabulary,
                          facts_needed(bundled.kb, "lu", outputs), start,
                          start + timedelta(days=500), seed=seed)
    cases = list(generator.cases(16))
    columns = evaluate_block(bundled.kb, cases, outputs, reading=reading)
    compiled = [name for name, column in columns.items() if column.results is not None]
    assert len(compiled) > 250
    for i, case in enumerate(cases):
        want = evaluate(bundled.kb, case, case.as_of or date.today(), outputs=compiled,
                        reading=reading).results
        for name in compiled:
            got = (columns[name].results or [])[i]
            if got is not None:
                assert got == (want[name].status, want[name].value), (name, case.name)
                # the same objects: an int stays an int, a Fraction a Fraction
                assert type(got[1]) is type(want[name].value), (name, case.name)
