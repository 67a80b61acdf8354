"""The refinement loop's pieces built only when needed (engine/verify/encoding/solve.py,
abstract_calls.py): the same terms as when they were built at once.

* ``AbstractCall.lemma`` reads each argument once and builds the guard only for a lemma
  that needs it: on models of the bundled calls (counted days, working days, the CCSS
  recurrence), its lemma is the one the eager construction gives, term for term, and None
  exactly when that one is.
* ``solve`` builds the ``counted_days`` axioms of a level when a strategy of that level
  starts: the same axioms as :func:`.counted_axioms.counted_axioms` and
  :func:`.counted_axioms.witness_axioms`, and none built for a query decided before."""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
import z3
from lexlux.calendar.dates import from_day_number, to_day_number
from lexlux.calendar.periods import Period
from lexlux.pipeline import LoadResult
from lexlux.verify.checks.context import Audit
from lexlux.verify.encoding import counted_axioms as axioms_module
from lexlux.verify.encoding import solve as solving
from lexlux.verify.encoding.abstract_calls import AbstractCall
from lexlux.verify.encoding.facts import Interner, PeriodsVar, encode_constant
from lexlux.verify.encoding.fast_terms import as_long, eq
from lexlux.verify.encoding.terms import and_

OUTPUTS = {"sickness_benefit_limit_reached_on", "sickness_benefit_paid_on_day",
           "sickness_benefit_payment_date", "rptrt_earliest_start"}


def _eager(call: AbstractCall, model: z3.ModelRef) -> Any | None:
    """The lemma as it was built before: every guard term at once."""
    def number(x: Any) -> int:
        return as_long(model.eval(x, model_completion=True))
    python: list[Any] = []
    guard: list[Any] = []
    ground: list[Any] = []
    for arg, kind in zip(call.args, call.arg_kinds, strict=True):
        if isinstance(arg, PeriodsVar):
            count = number(arg.count)
            python.append(tuple(Period(from_day_number(number(arg.starts[i])),
                                       from_day_number(number(arg.ends[i])))
                                for i in range(count)))
            guard += [eq(arg.count, count)]
            ground.append(count)
            for i in range(len(arg.starts)):
                if i < count:
                    guard += [eq(arg.starts[i], number(arg.starts[i])),
                              eq(arg.ends[i], number(arg.ends[i]))]
                ground += [number(arg.starts[i]) if i < count else 0,
                           number(arg.ends[i]) if i < count else 0]
            continue
        if kind == "real":
            exact = model.eval(arg, model_completion=True)
            fraction = Fraction(exact.as_fraction())
            python.append(fraction)
            guard.append(arg == z3.RealVal(fraction))
            ground.append(z3.RealVal(fraction))
            continue
        value = number(arg)
        python.append(from_day_number(value) if kind == "date" else value)
        guard.append(eq(arg, value))
        ground.append(value)
    try:
        expected = call.compute(*python)
    except ValueError:
        return None
    wanted = encode_constant(expected, Interner())
    if z3.is_true(z3.simplify(model.eval(call.result, model_completion=True) == wanted)):
        return None
    if call.symbol is not None:
        return call.symbol(*[v if z3.is_expr(v) else z3.IntVal(v) for v in ground]) == wanted
    return z3.Implies(and_(*guard), call.result == wanted)


def _calls(bundled: LoadResult) -> list[AbstractCall]:
    enc = Audit(bundled.kb, "lu").encoding(law_as_of=date(2019, 1, 1))
    return [c for n in sorted(enc.cone(OUTPUTS)) for c in enc.output(n).abstract_calls]


def _models(call: AbstractCall, rng: random.Random) -> list[z3.ModelRef]:
    """Models fixing the call's arguments to random values of their kind (the result
    free: often wrong), then each with the result the calendar gives (its lemma added)."""
    day = to_day_number(date(2019, 1, 1))
    found = []
    for _ in range(6):
        solver = z3.Solver()
        for arg, kind in zip(call.args, call.arg_kinds, strict=True):
            if isinstance(arg, PeriodsVar):
                count = rng.randint(0, min(3, len(arg.starts)))
                solver.add(arg.count == count)
                start = day - rng.randint(0, 400)
                for i in range(count):
                    end = start + rng.randint(0, 60)
                    solver.add(arg.starts[i] == start, arg.ends[i] == end)
                    start = end + rng.randint(1, 30)
            elif kind == "real":
                solver.add(arg == z3.RealVal(Fraction(rng.randint(0, 2), 2)))
            elif kind == "date":
                solver.add(arg == day + rng.randint(-400, 400))
            else:
                solver.add(arg == rng.randint(0, 400))
        if solver.check() != z3.sat:
            continue
        found.append(solver.model())
        lemma = _eager(call, found[-1])
        if lemma is not None:
            solver.add(lemma)
            if solver.check() == z3.sat:
                found.append(solver.model())
    return found


def test_the_lemma_is_the_eager_one_term_for_term(bundled: LoadResult) -> None:
    calls = _calls(bundled)
    assert {c.function for c in calls} >= {"first_day_counted_over"}
    assert any(isinstance(a, PeriodsVar) for c in calls for a in c.args)
    rng = random.Random(14)
    lemmas = exact = 0
    for call in calls:
        for model in _models(call, rng):
            new, old = call.lemma(model), _eager(call, model)
            assert (new is None) == (old is None)
            if new is None:
                exact += 1
            else:
                lemmas += 1
                assert new.eq(old), (call.function, new, old)
    assert lemmas >= 10 and exact >= 10       # both answers were compared


@pytest.mark.parametrize("level", ["none", "witness", "all"])
def test_the_axioms_of_a_level_are_built_when_asked_and_once(
        bundled: LoadResult, level: str, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = [c.counted for c in _calls(bundled) if c.counted is not None]
    assert counted
    built: list[str] = []
    for name in ("counted_axioms", "witness_axioms"):
        original = getattr(axioms_module, name)
        monkeypatch.setattr(axioms_module, name, lambda calls, n=name, f=original: (
            built.append(n), f(calls))[1])
    lazy = solving._Axioms(counted)
    assert built == []
    first = lazy[level]
    assert lazy[level] is first                              # kept
    want = {"none": [], "witness": ["witness_axioms"], "all": ["counted_axioms"]}[level]
    assert built == want
    reference = {"none": [], "witness": axioms_module.witness_axioms(counted),
                 "all": axioms_module.counted_axioms(counted)}[level]
    assert [a.sexpr() for a in first] == [a.sexpr() for a in reference]


def test_a_query_decided_without_axioms_builds_none(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [c for c in _calls(bundled) if c.counted is not None]
    built: list[str] = []
    monkeypatch.setattr(axioms_module, "counted_axioms",
                        lambda c: built.append("all") or [])
    monkeypatch.setattr(axioms_module, "witness_axioms",
                        lambda c: built.append("witness") or [])
    x = z3.Int("lazy_axioms_x")
    result = solving.solve([(None, x > 3)], [x < 2], calls, rlimit=100_000)
    assert result.status == "unsat"
    assert built == []
