"""The names occurring in Z3 formulas (encoding/symbols.py), found without printing them,
give the answer the search in the printed text gave (timeline_search._without)."""

from __future__ import annotations

import pytest
import z3
from lexlux.verify.encoding.symbols import occurring, plain, symbol_names


def _text_search(keys: list[str], formulas: list[z3.ExprRef]) -> list[bool]:
    text = "\n".join(f.sexpr() for f in formulas)
    return [key in text for key in keys]


def _formulas() -> list[z3.ExprRef]:
    d, n = z3.Ints("incapacity_start day_considered")
    first = z3.Function("first_day_counted_over:x", z3.IntSort(), z3.IntSort(),
                        z3.IntSort())
    has = z3.Function("has_first_day_counted_over", z3.IntSort(), z3.BoolSort())
    shared = z3.If(has(d), first(d, n) + 1, d)          # a subterm used twice (a DAG)
    deep = shared
    for i in range(40):                                  # printed with let-bindings
        deep = z3.If(deep > i, deep + shared, deep - 1)
    return [deep >= n, z3.Or(shared == 3, z3.Bool("given:birth_date"))]


def test_names_of_constants_and_functions() -> None:
    names = symbol_names(_formulas())
    assert names == {"incapacity_start", "day_considered", "first_day_counted_over:x",
                     "has_first_day_counted_over", "given:birth_date"}


def test_same_answer_as_the_text_search() -> None:
    keys = ["first_day_counted_over", "has_first_day_counted_over",
            "first_day_counted_over:x", "working_days:jours_ouvres:lu", "birth_date",
            "given:birth", "day", "absent_symbol", "a!1", "ite", "Int", "12", "x y"]
    formulas = _formulas()
    assert occurring(keys, formulas) == _text_search(keys, formulas)
    # a key that is only a part of another name occurs, as in the text
    assert occurring(["first_day_counted_over"], [formulas[0]]) == [True]
    assert occurring(["working_days"], formulas) == [False]


def test_dropped_by_simplification() -> None:
    """A call whose symbol a simplification removes no longer occurs."""
    d = z3.Int("incapacity_start")
    f = z3.Function("nth_counted_day:jours_ouvres:lu", z3.IntSort(), z3.IntSort())
    given = z3.Bool("given:day_considered")
    formula = z3.Or(z3.And(given, f(d) > 3), d > 0)
    fixed = z3.simplify(z3.substitute(formula, (given, z3.BoolVal(False))))
    keys = ["nth_counted_day:jours_ouvres:lu"]
    assert occurring(keys, [formula]) == [True]
    assert occurring(keys, [fixed]) == [False] == _text_search(keys, [fixed])


def test_quantifiers_and_odd_keys_fall_back_to_the_text() -> None:
    x, y = z3.Ints("x y")
    g = z3.Function("g", z3.IntSort(), z3.IntSort())
    quantified = [z3.ForAll([x], g(x) >= y)]
    assert symbol_names(quantified) is None
    keys = ["g", "x", "y", "h"]
    assert occurring(keys, quantified) == _text_search(keys, quantified)
    assert not plain("and") and not plain("a!2") and not plain("(f") and not plain("42")
    assert plain("first_day_counted_over") and plain("given:birth_date")


def test_the_names_of_a_bundled_timeline_query_are_those_of_its_printed_text() -> None:
    """On the constraints of a real query (the payer's cone under the CCSS reading, in a
    pinned frame), every name found occurs in the printed text, and each symbol of the
    text's declarations is found."""
    import re
    from datetime import date

    from lexlux.calendar.dates import month_index, to_day_number
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.encoding.encode import LawEncoding, query_constraints
    from lexlux.verify.encoding.shared import Shared
    from lexlux.verify.encoding.timelines import Frame
    loaded = load_knowledge_base()
    assert loaded.kb is not None
    law = date(2019, 1, 1)
    enc = LawEncoding(Shared(loaded.kb, "lu"), z3.IntVal(to_day_number(law)), law_as_of=law,
                      reading="ccss_worked_example", tag="L1|", timelines=True,
                      frame=Frame(36, month_index(law)))
    constraints, _, _ = query_constraints([enc], {0: {"monthly_payer"}})
    formulas = [f for _, f in constraints if z3.is_expr(f)]
    names = symbol_names(formulas)
    assert names
    solver = z3.Solver()
    solver.add(*formulas)
    declared = {name.strip("|").replace("\\|", "|") for name in re.findall(
        r"^\(declare-fun (\|(?:[^|\\]|\\.)*\||\S+)\s", solver.sexpr(), re.M)}
    assert names == declared


def test_the_walk_stops_once_every_key_is_found_and_answers_as_the_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a quantifier after the names found (the walk stops before it) or before them
    (then the keys not yet found are looked up in the text), the answers are the text's."""
    x = z3.Int("day_considered")
    quantified = z3.ForAll([x], x >= z3.Int("bound_only"))
    plain_part = z3.Int("first_day_counted_over:x") > z3.Int("incapacity_start")
    keys = ["first_day_counted_over", "incapacity_start", "bound_only", "day_considered",
            "absent_symbol"]
    for formulas in ([quantified, plain_part], [plain_part, quantified]):
        assert occurring(keys, formulas) == _text_search(keys, formulas)
    printed: list[int] = []
    real = z3.ExprRef.sexpr

    def sexpr(self: z3.ExprRef) -> str:
        printed.append(1)
        return real(self)
    monkeypatch.setattr(z3.ExprRef, "sexpr", sexpr)
    # every key found in the names met: nothing printed, whatever the formulas hold
    assert occurring(keys[:2], [quantified, plain_part]) == [True, True]
    assert not printed
