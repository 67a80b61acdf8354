"""The facts of a block as columns: each person's value and whether given, read per group of
cases, are those of the person's own facts, and a fact with a value of another class than
its type's is read value by value (that person's value not given)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import outputs_in_force
from lexlux.pipeline import LoadResult

pytest.importorskip("numpy")
from lexlux.vector.backend import _ABSENT, Resolver
from lexlux.vector.columns import day


def _cases(bundled: LoadResult, size: int) -> list[Case]:
    from lexlux.whatif.needs import facts_needed
    from lexlux.whatif.population import Generator, load_population
    vocabulary = bundled.kb.vocabularies["lu"]
    generator = Generator(load_population(None, vocabulary), vocabulary,
                          facts_needed(bundled.kb, "lu", outputs_in_force(bundled.kb, "lu")),
                          date(2017, 1, 1), date(2017, 1, 1) + timedelta(days=900), seed=9)
    return list(generator.cases(size))


def _expected(kind: str, value: Any) -> tuple[bool, Any]:
    if kind == "date":
        return (True, day(value)) if isinstance(value, date) else (False, 0)
    if kind == "boolean":
        return (True, value) if isinstance(value, bool) else (False, False)
    if kind == "integer":
        return (True, value) if isinstance(value, int) and not isinstance(value, bool) \
            else (False, 0)
    raise AssertionError(kind)


@pytest.mark.parametrize("size", [1, 2, 40])
def test_columns_are_each_persons_facts(bundled: LoadResult, size: int) -> None:
    cases = _cases(bundled, size)
    if size == 40:            # odd values: a datetime, a string date, a number as a boolean
        odd = [dict(c.facts) for c in cases]
        dates = [n for n, e in bundled.kb.vocabularies["lu"].facts.items()
                 if e.type.kind == "date"]
        booleans = [n for n, e in bundled.kb.vocabularies["lu"].facts.items()
                    if e.type.kind == "boolean"]
        odd[3][dates[0]] = datetime(2019, 5, 6, 12, 0)
        odd[4][dates[1]] = "2019-05-06"
        odd[5][booleans[0]] = 1
        cases = [Case(**{**c.__dict__, "facts": f}) for c, f in zip(cases, odd, strict=True)]
    resolver = Resolver(bundled.kb, cases, None, None)
    vocabulary = bundled.kb.vocabularies["lu"]
    checked = 0
    for name, entry in vocabulary.facts.items():
        raw = [c.facts.get(name, _ABSENT) for c in cases]
        assert resolver._raw(name) == raw, name
        assert resolver.present(name).tolist() == [v is not _ABSENT for v in raw], name
        kind = entry.type.kind
        if kind not in ("date", "boolean", "integer"):
            continue
        column = resolver._fact(name)
        assert column is not None
        values, given = column[1][0], column[1][1]
        expected = [_expected(kind, v) for v in raw]
        assert given.tolist() == [g for g, _ in expected], name
        assert [v for v, g in zip(values.tolist(), given.tolist(), strict=True) if g] == \
            [v for g, v in expected if g], name
        checked += 1
    assert checked > 100
