"""Stage 5 (verify): evaluate a case *through the encoding* (all facts fixed).

Used by the differential test (tests/properties/test_eval_matches_encoding.py): with every
fact pinned, the encoding has one model, whose outputs must be the evaluator's.  The
encoding of a knowledge base is built once (facts and the as-of date symbolic) and the
case is substituted into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import z3

from ...calendar.dates import to_day_number
from ...compile.model import KnowledgeBase
from ..checks.witness import model_status, model_value
from .encode import Constraint, LawEncoding, query_constraints
from .encode_expr import AbstractCall
from .shared import Shared
from .solve import solve
from .timelines import FULL, Frame

_CACHE: dict[tuple[int, str, date | None, str | None, tuple[str, ...], bool, Frame],
             tuple[LawEncoding, list[Constraint], list[AbstractCall], set[str], set[str]]] = {}


def _encoding(kb: KnowledgeBase, jurisdiction: str, law_as_of: date | None,
              reading: str | None, outputs: tuple[str, ...], timelines: bool,
              frame: Frame = FULL) -> tuple[LawEncoding, list[Constraint], list[AbstractCall],
                                            set[str], set[str]]:
    key = (id(kb), jurisdiction, law_as_of, reading, outputs, timelines, frame)
    if key not in _CACHE:
        enc = LawEncoding(Shared(kb, jurisdiction), z3.Int("as_of"), law_as_of=law_as_of,
                          reading=reading, timelines=timelines, frame=frame)
        wanted = {n for n in outputs if enc.output(n).not_encodable is None}
        constraints, calls, used = query_constraints([enc], {0: wanted},
                                                     within_horizon=False)
        _CACHE[key] = (enc, constraints, calls, used, wanted)
    return _CACHE[key]


def evaluate_encoded(kb: KnowledgeBase, jurisdiction: str, facts: dict[str, Any],
                     as_of: date, outputs: Sequence[str], *, law_as_of: date | None = None,
                     reading: str | None = None, rlimit: int = 200_000_000,
                     timelines: bool = False, frame: Frame = FULL
                     ) -> dict[str, tuple[str, Any]]:
    """``{output: (status, value)}`` as the encoding computes it; status ``missing``
    stands for any missing fact or evaluation error (abstraction ``defined_cases``);
    ``not encodable`` for outputs the encoding skips; ``beyond horizon`` for an output
    that reads a timeline longer than the encoding holds (abstraction timeline_horizon;
    ``timelines``: encode timeline outputs, with the CCSS recurrence exact; ``frame``: the
    months they hold, and their first month if pinned)."""
    enc, constraints, calls, used, wanted = _encoding(kb, jurisdiction, law_as_of, reading,
                                                      tuple(outputs), timelines, frame)
    pairs: list[tuple[Any, Any]] = [(enc.as_of, z3.IntVal(to_day_number(as_of)))]
    for name in sorted(used):
        pairs += enc.shared.facts.pin(name, facts.get(name))
    fixed = [(label, z3.simplify(z3.substitute(formula, *pairs)))
             for label, formula in constraints]
    pinned_calls = [c.substituted(pairs) for c in calls]
    result = solve(fixed, [], pinned_calls, rlimit=rlimit)
    if result.status != "sat" or result.model is None:   # pragma: no cover - a bug
        raise AssertionError(f"pinned encoding is {result.status} {result.reason}")
    model = _Pinned(result.model, pairs)
    out: dict[str, tuple[str, Any]] = {}
    for name in outputs:
        encoded = enc.output(name)
        if name not in wanted:
            out[name] = ("not encodable", None)
            continue
        if any(z3.is_true(model.eval(enc.output(n).beyond, model_completion=True))
               for n in enc.cone({name})):
            out[name] = ("beyond horizon", None)     # abstraction timeline_horizon
            continue
        out[name] = (model_status(model, encoded), model_value(model, enc, encoded))
    return out


class _Pinned:
    """A model read with the pinned facts substituted (they were removed from it)."""

    def __init__(self, model: z3.ModelRef, pairs: list[tuple[Any, Any]]) -> None:
        self.model = model
        self.pairs = pairs

    def eval(self, term: Any, model_completion: bool = False) -> Any:
        return self.model.eval(z3.substitute(term, *self.pairs),
                               model_completion=model_completion)
