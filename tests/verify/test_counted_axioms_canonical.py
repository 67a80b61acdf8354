"""The counted_days axioms of a query do not depend on what Z3 built before (issue 14,
section 6: a canonical encoding): calls on the same total are paired by a structural key,
not by the ids of terms that Z3 frees and gives again to the next terms built."""

from __future__ import annotations

import z3
from lexlux.verify.encoding.counted_axioms import CountedCall, counted_axioms
from lexlux.verify.encoding.facts import MAX_PERIODS, PeriodsVar
from test_counted_axioms import canonical_of


def _periods(name: str) -> PeriodsVar:
    return PeriodsVar(z3.Int(f"{name}_n"),
                      tuple(z3.Int(f"{name}_s{i}") for i in range(MAX_PERIODS)),
                      tuple(z3.Int(f"{name}_e{i}") for i in range(MAX_PERIODS)))


def _call(label: str, window: str, limit: int) -> CountedCall:
    """A call on the periods ``p``/``h``, a window starting at ``window`` twice (a term
    that simplifying rebuilds), a limit."""
    args = (_periods("p"), _periods("h"), z3.RealVal(1) / 2, z3.IntVal(limit),
            z3.Int(window) + z3.Int(window), z3.IntVal(0), z3.Int(f"{label}_start"),
            z3.Int(f"{label}_end"))
    return CountedCall(args, z3.Bool(f"{label}_has"), z3.Int(f"{label}_day"),
                       *canonical_of(args))


def _axioms() -> list[str]:
    calls = [_call("a", "w", 10), _call("b", "w", 20), _call("c", "v", 10)]
    return [a.sexpr() for a in counted_axioms(calls)]


def test_calls_on_the_same_total_share_a_key_whatever_was_built_before() -> None:
    a, b, c = _call("a", "w", 10), _call("b", "w", 20), _call("c", "v", 10)
    assert a.key() == b.key() != c.key()
    first = _axioms()
    for i in range(2000):            # terms built and freed: their ids are given again
        z3.simplify(z3.Int(f"junk{i}") + i)
    assert _axioms() == first
    # the order axioms pair a and b (the same total), not c
    assert any("a_day" in text and "b_day" in text for text in first)
    assert not any("c_day" in text and ("a_day" in text or "b_day" in text)
                   for text in first)
