"""Differential test: with every fact fixed, the Z3 encoding and the evaluator agree.

For random cases of the verifier's test knowledge bases (every built-in of the rule
language, version selection, transitional clauses, exceptions, readings), each output's
status and value computed through the encoding
(:func:`lexlux.verify.encoding.pinned.evaluate_encoded`)
must be the evaluator's.  The only cases skipped are those the declared abstractions of
``lexlux.verify.encoding.abstractions`` name: ``defined_cases`` (the encoding reports any missing
fact or evaluation error as "missing": then the evaluator must not give a value either)
and, by construction of the strategies, ``bounded_periods`` and ``decimal_grain``.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lexlux.calendar.periods import Period
from lexlux.compile.model import Duration, KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding.abstractions import ABSTRACTIONS
from lexlux.verify.encoding.pinned import evaluate_encoded

KB_ROOT = Path(__file__).resolve().parent.parent / "verify" / "kb"
SKIPPED_BY = ("defined_cases", "bounded_periods", "decimal_grain")


def _load(name: str) -> KnowledgeBase:
    result = load_knowledge_base([KB_ROOT / name / "rules"])
    assert result.ok, [d.message for d in result.diagnostics]
    return result.kb


KBS = {name: _load(name) for name in ("functions", "planted", "clean")}

special_days = st.sampled_from([date(2020, 2, 29), date(2024, 2, 29), date(2019, 12, 31),
                                date(2019, 1, 31), date(2021, 2, 28), date(2000, 3, 31),
                                date(2009, 12, 25), date(2014, 12, 31), date(2015, 1, 1)])
days = st.one_of(special_days, st.dates(date(1991, 1, 1), date(2059, 12, 31)))


@st.composite
def periods(draw: st.DrawFn) -> tuple[Period, ...]:
    count = draw(st.integers(0, 3))
    start = draw(st.dates(date(1995, 1, 1), date(2050, 1, 1)))
    out = []
    for _ in range(count):
        length = draw(st.integers(0, 120))
        out.append(Period(start, start + timedelta(days=length)))
        start = start + timedelta(days=length + draw(st.integers(2, 60)))
    return tuple(out)


def _value(draw: st.DrawFn, kind: str, values: tuple[str, ...]) -> Any:
    strategies: dict[str, Any] = {
        "date": days, "integer": st.integers(-3, 90), "boolean": st.booleans(),
        "enum": st.sampled_from(values or ("x",)), "periods": periods(),
        "duration": st.builds(Duration, st.integers(-10, 400)),
        "money": st.builds(lambda c: Fraction(c, 100), st.integers(-10**6, 10**7)),
        "percentage": st.builds(lambda c: Fraction(c, 10000), st.integers(0, 20000)),
        "decimal": st.builds(lambda c: Fraction(c, 10000), st.integers(-10**6, 10**6)),
    }
    return draw(strategies[kind])


@st.composite
def cases(draw: st.DrawFn, kb: KnowledgeBase) -> dict[str, Any]:
    vocabulary = kb.vocabularies["lu"]
    facts = {}
    for name, entry in vocabulary.facts.items():
        if draw(st.integers(0, 9)) == 0:
            continue          # a fact the case does not give
        facts[name] = _value(draw, entry.type.kind, entry.type.values)
    return facts


def check_agreement(kb: KnowledgeBase, facts: dict[str, Any], as_of: date,
                    law_as_of: date | None, reading: str | None = None) -> None:
    outputs = [n for n in kb.vocabularies["lu"].outputs
               if kb.rules_concluding("lu", n)]
    case = Case("differential", "lu", as_of, dict(facts), {}, None)
    evaluated = evaluate(kb, case, as_of, law_as_of=law_as_of, reading=reading).results
    encoded = evaluate_encoded(kb, "lu", facts, as_of, outputs, law_as_of=law_as_of,
                               reading=reading)
    for name in outputs:
        status, value = encoded[name]
        result = evaluated[name]
        assert status != "not encodable", name
        if status == "missing":          # abstraction defined_cases
            # the encoding lumps missing facts and evaluation errors together; the
            # evaluator must report one of the two (not "no value", not a value)
            assert result.status in ("missing", "error") or _beaten_missing(result), \
                (name, result.status, result.message, facts)
            continue
        assert (result.status, result.value) == (status, value), (name, facts)


def _beaten_missing(result: Any) -> bool:
    # the evaluator ignores a missing fact in a rule that the winner is an exception to
    return bool(result.trace and any(n.prevails_over for n in result.trace))


@pytest.mark.parametrize("kb_name", sorted(KBS))
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_evaluator_and_encoding_agree(kb_name: str, data: st.DataObject) -> None:
    kb = KBS[kb_name]
    facts = data.draw(cases(kb))
    as_of = data.draw(days)
    law_as_of = data.draw(st.sampled_from([None, None, date(1995, 6, 1), date(2012, 3, 1),
                                           date(2019, 1, 1), date(2020, 2, 29)]))
    reading = data.draw(st.sampled_from([None, "guide_a", "guide_b"]))
    check_agreement(kb, facts, as_of, law_as_of, reading)


@example(facts={"start": date(2019, 1, 31), "other": date(2020, 2, 29), "n": 1})
@given(facts=st.fixed_dictionaries({"start": days, "other": days,
                                    "n": st.integers(-2, 40)}))
@settings(deadline=None)
def test_calendar_functions_agree_on_month_ends(facts: dict[str, Any]) -> None:
    check_agreement(KBS["functions"], facts, date(2020, 1, 1), None)


def test_the_skipped_abstractions_are_declared() -> None:
    assert set(SKIPPED_BY) <= set(ABSTRACTIONS)
