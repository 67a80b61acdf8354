"""Stage 5 (verify): small helpers shared by the encoder — Boolean terms folded when
constant, the encoded value of an expression (:class:`E`), and :class:`NotEncodable`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

from .fast_terms import and_all, made, not_term, or_all, raw

TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)


class NotEncodable(Exception):  # noqa: N818 - the name says what happened
    """A construct the encoder does not translate (reported as LX520, naming the rule)."""

    def __init__(self, construct: str, *, timeline: bool = False) -> None:
        super().__init__(construct)
        self.construct = construct
        self.timeline = timeline      # only because of a timeline (abstraction)


_TRUE_AST, _FALSE_AST = TRUE.ast.value, FALSE.ast.value
_BoolRef = z3.BoolRef
_MAIN = z3.main_ctx()
_REF = _MAIN.ref()
_mk_not, _mk_and, _mk_or = raw(z3.Z3_mk_not), raw(z3.Z3_mk_and), raw(z3.Z3_mk_or)
_Ast = z3.Ast


def _fold(xs: tuple[Any, ...], unit: int, absorbing: int, make: Any, slow: Any) -> Any:
    """``and_`` (``unit`` true, ``absorbing`` false) or ``or_`` (the other way round): the
    constants dropped or deciding, compared by pointer, the rest joined by ``make`` (the C
    function of ``slow``, ``z3.And`` / ``z3.Or``, used as :func:`.fast_terms.and_all`
    does, or ``slow`` itself for anything but Boolean terms of the main context)."""
    items = []
    fast = True
    for x in xs:
        if isinstance(x, _BoolRef):
            pointer = x.ast.value
            if pointer == unit:
                continue
            if pointer == absorbing:
                return FALSE if absorbing == _FALSE_AST else TRUE
            if x.ctx is not _MAIN:
                fast = False
        else:
            fast = False
        items.append(x)
    n = len(items)
    if n == 0:
        return TRUE if unit == _TRUE_AST else FALSE
    if n == 1:
        return items[0]
    if not fast:
        return slow(items)
    args = (_Ast * n)()
    for i, x in enumerate(items):
        args[i] = x.ast
    return made(_BoolRef, make(_REF, n, args))


def and_(*xs: Any) -> Any:
    return _fold(xs, _TRUE_AST, _FALSE_AST, _mk_and, and_all)


def or_(*xs: Any) -> Any:
    return _fold(xs, _FALSE_AST, _TRUE_AST, _mk_or, or_all)


def not_(x: Any) -> Any:
    if isinstance(x, _BoolRef):
        pointer = x.ast.value
        if pointer == _TRUE_AST:
            return FALSE
        if pointer == _FALSE_AST:
            return TRUE
        if x.ctx is _MAIN:                     # fast_terms.not_term, inline
            return made(_BoolRef, _mk_not(_REF, x.ast))
    return not_term(x)


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
