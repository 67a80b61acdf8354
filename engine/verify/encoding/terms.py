"""Stage 5 (verify): small helpers shared by the encoder — Boolean terms folded when
constant, the encoded value of an expression (:class:`E`), and :class:`NotEncodable`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)


class NotEncodable(Exception):  # noqa: N818 - the name says what happened
    """A construct the encoder does not translate (reported as LX520, naming the rule)."""

    def __init__(self, construct: str, *, timeline: bool = False) -> None:
        super().__init__(construct)
        self.construct = construct
        self.timeline = timeline      # only because of a timeline (abstraction)


def and_(*xs: Any) -> Any:
    items = [x for x in xs if not z3.is_true(x)]
    if any(z3.is_false(x) for x in items):
        return FALSE
    return TRUE if not items else items[0] if len(items) == 1 else z3.And(items)


def or_(*xs: Any) -> Any:
    items = [x for x in xs if not z3.is_false(x)]
    if any(z3.is_true(x) for x in items):
        return TRUE
    return FALSE if not items else items[0] if len(items) == 1 else z3.Or(items)


def not_(x: Any) -> Any:
    return FALSE if z3.is_true(x) else TRUE if z3.is_false(x) else z3.Not(x)


@dataclass(frozen=True)
class E:
    terms: tuple[Any, ...]
    bad: Any = FALSE
    und: Any = FALSE

    @property
    def term(self) -> Any:
        return self.terms[0]


def sequence(parts: Sequence[E]) -> tuple[Any, Any]:
    """``bad`` and ``und`` of evaluating ``parts`` one after the other."""
    bad, und, alive = FALSE, FALSE, TRUE
    for part in parts:
        bad = or_(bad, and_(alive, part.bad))
        und = or_(und, and_(alive, part.und))
        alive = and_(alive, not_(part.bad), not_(part.und))
    return bad, und
