"""Stage 5 (verify): the month values of a timeline in a pinned frame, built once where the
same terms result (abstraction ``timeline_horizon``, :mod:`.timelines`).

A timeline conclusion is encoded month by month: its value expression with ``month`` the
first day of each slot.  In a pinned frame (:class:`~.timelines.Frame` with a first month)
every slot is a number, so the same sub-expression in the same month gives the same terms
wherever it is encoded: the payer rules of one reading each compare the days of the window
ending on the eve of the month with the limit (``days_in_window(…) >= limit``) or ask the
CCSS recurrence's month, under the law of each date of a diff; and the narrow frames of the
witness search (18 and 36 months from the same month) encode their first months alike.
Z3 hash-conses terms, so building them again gives the very terms built before; here they
are built once per set of encodings sharing one :class:`~.facts.Interner` (the frames and
laws of one query) and kept (:class:`MonthValues`).

What a sub-expression's terms depend on, and how a kept value is known to be the one a new
encoding would build:

* its *leaves*: the facts, parameters, lets and outputs it reads and ``given`` (calls into
  the encoding, :class:`~.encode_expr.ExprScope`).  Each value is kept with the leaf calls
  its encoding made, in order, and their results; it is reused only when the same calls,
  made again in the same order (their side effects on the output being encoded — facts
  read, outputs it depends on, parameters of unknown value — happen as before), give the
  very same terms.  When one does not (another law's output, another day's parameter),
  the expression is encoded as usual, and the calls already made are not made twice (the
  encoding is served their results, :attr:`MonthValues.pending`);
* the month (its term), the first month of the frame, and, for a value that reads the
  frame's length (the CCSS recurrence, ``first_month_with``: :data:`FRAME_READS`), the
  frame's number of months too;
* the calendar: pure on numbers; a value whose calendar functions met a date that is no
  number (their answers depend on what the calendar met before, and they record
  assumptions per output) is reused only in the same calendar (frame) and only when it
  recorded nothing;
* nothing else it records: a value that added abstract calls or calendar assumptions is
  not kept; the conditions "beyond the horizon" it added are kept and added again.

``tests/verify/test_timeline_month_values.py`` compares the payer's cone built with and
without this, term for term.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import z3

from ...compile.model import Binary, Call, Expr, IfThenElse, Literal, Ref, Unary
from .facts import PeriodsVar
from .fast_terms import is_int_value
from .terms import E

if TYPE_CHECKING:
    from .encode_expr import ExprScope

#: Bumped by the functions whose terms depend on the frame's number of months
#: (:func:`.timelines.scan`, :func:`.timelines.charged_exact`).
FRAME_READS = [0]
#: The calls of an :class:`~.encode_expr.ExprScope` into its encoding (the leaves).
LEAVES = ("fact", "parameter", "local", "output", "given")
#: Whether month values are kept (switched off to compare, in the tests).
ENABLED = [True]

Leaf = tuple[str, tuple[Any, ...], Any]


@dataclass(frozen=True, slots=True)
class _Kept:
    value: E
    leaves: tuple[Leaf, ...]
    beyond: tuple[Any, ...]
    keep: tuple[Any, ...]          # terms whose ids key the memo, kept alive


def _same(a: Any, b: Any) -> bool:
    """The same terms (Z3 hash-conses terms: the same term is the same node)."""
    if a is b:
        return True
    if isinstance(a, z3.AstRef) and isinstance(b, z3.AstRef):
        return bool(a.ctx is b.ctx and a.ast.value == b.ast.value)
    if isinstance(a, E) and isinstance(b, E):
        return len(a.terms) == len(b.terms) and all(
            _same(x, y) for x, y in zip(a.terms, b.terms, strict=True)) \
            and _same(a.bad, b.bad) and _same(a.und, b.und)
    if isinstance(a, PeriodsVar) and isinstance(b, PeriodsVar):
        return _same(a.count, b.count) and len(a.starts) == len(b.starts) and all(
            _same(x, y) for x, y in zip((*a.starts, *a.ends), (*b.starts, *b.ends),
                                        strict=True))
    if isinstance(a, (z3.AstRef, E, PeriodsVar)) or isinstance(b, (z3.AstRef, E, PeriodsVar)):
        return False
    return bool(a == b)


def _shape(expr: Expr) -> Any:
    """``expr`` without its source positions (None: not kept)."""
    if isinstance(expr, Literal):
        return ("lit", type(expr.value).__name__, repr(expr.value), expr.type.kind)
    if isinstance(expr, Ref):
        return ("ref", expr.kind, expr.target, expr.field)
    if isinstance(expr, Unary):
        inner = _shape(expr.operand)
        return None if inner is None else ("un", expr.op, inner)
    if isinstance(expr, Binary):
        left, right = _shape(expr.left), _shape(expr.right)
        return None if left is None or right is None else ("bin", expr.op, left, right)
    if isinstance(expr, IfThenElse):
        parts = [_shape(x) for x in (expr.condition, expr.then, expr.otherwise)]
        return None if None in parts else ("if", *parts)
    if isinstance(expr, Call):
        args = [_shape(x) for x in expr.args]
        return None if None in args else ("call", expr.function, *args)
    return None


def _terms_only(value: E) -> bool:
    return all(isinstance(t, z3.AstRef) for t in (*value.terms, value.bad, value.und))


class MonthValues:
    """Keeps the month values of the timelines of encodings sharing one interner, and
    reuses them while it is installed on a scope (:meth:`installed`)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[Any, ...], dict[Any, _Kept]] = {}
        self.shapes: dict[int, tuple[Expr, Any]] = {}
        self.hits = 0
        self.misses = 0
        # the scope it is installed on
        self.scope: ExprScope | None = None
        self.encode: Callable[[Expr], E] = lambda e: E(())
        self.calls: dict[str, Callable[..., Any]] = {}
        self.log: list[Leaf] = []
        self.pending: deque[Leaf] = deque()
        self.inside = 0                # depth of leaf calls (their own work is not logged)
        self.loose = 0                 # calendar functions met a date that is no number

    @staticmethod
    def of(scope: ExprScope) -> MonthValues:
        """The one of the scope's interner (shared by the frames and laws of a query)."""
        found: MonthValues = scope.interner.__dict__.setdefault("_month_values",
                                                                MonthValues())
        return found

    def shape(self, expr: Expr) -> Any:
        found = self.shapes.get(id(expr))
        if found is None:
            found = self.shapes[id(expr)] = (expr, _shape(expr))    # expr kept alive
        return found[1]

    @contextmanager
    def installed(self, scope: ExprScope, encoder: Any) -> Iterator[Callable[[Expr], E]]:
        """``encode`` for the months of a timeline of ``scope`` (a pinned frame): the
        encoder's recursion and the scope's leaves go through this object meanwhile."""
        saved = (self.scope, self.encode, self.calls, self.log, self.pending, self.inside,
                 self.loose)
        self.scope, self.encode = scope, type(encoder).encode.__get__(encoder)
        self.calls = {name: getattr(scope, name) for name in LEAVES}
        self.log, self.pending, self.inside, self.loose = [], deque(), 0, 0
        calendar = scope.calendar
        fold = calendar._fold

        def folded(x: Any) -> Any:
            result = fold(x)
            if not self.inside and not is_int_value(result):
                self.loose += 1
            return result
        previous = calendar.__dict__.get("_fold"), encoder.__dict__.get("encode")
        for name in LEAVES:
            setattr(scope, name, self._leaf(name))
        encoder.encode = self.encode_value
        calendar._fold = folded          # type: ignore[method-assign]
        try:
            yield self.encode_value
        finally:
            for owner, name, was in ((calendar, "_fold", previous[0]),
                                     (encoder, "encode", previous[1])):
                if was is None:
                    delattr(owner, name)
                else:
                    setattr(owner, name, was)
            for name, call in self.calls.items():
                setattr(scope, name, call)
            (self.scope, self.encode, self.calls, self.log, self.pending, self.inside,
             self.loose) = saved

    def _leaf(self, name: str) -> Callable[..., Any]:
        call = self.calls[name]

        def leaf(*args: Any) -> Any:
            if self.inside:                  # a let's own expression: not logged
                return call(*args)
            if self.pending:
                kind, was, result = self.pending[0]
                if kind == name and was == args:     # made already: served its result
                    self.pending.popleft()
                    self.log.append((name, args, result))
                    return result
                self.pending.clear()
            self.inside += 1
            try:
                result = call(*args)
            finally:
                self.inside -= 1
            self.log.append((name, args, result))
            return result
        return leaf

    def encode_value(self, expr: Expr) -> E:
        scope = self.scope
        assert scope is not None
        if self.inside or not isinstance(expr, (Unary, Binary, IfThenElse, Call)) \
                or not ENABLED[0]:
            return self.encode(expr)
        shape = self.shape(expr)
        if shape is None:
            return self.encode(expr)
        frame = scope.frame
        key = (shape, scope.month.get_id(), frame.first_month, scope.timelines,
               scope.jurisdiction)
        entries = self.kept.get(key)
        if entries is not None:
            for where in (None, frame.months, (frame.months, id(scope.calendar))):
                entry = entries.get(where)
                if entry is not None and self._replayed(entry):
                    self.hits += 1
                    scope.beyond += entry.beyond
                    if isinstance(where, tuple):   # what it depends on, for the values
                        self.loose += 1            # that contain it
                    elif where is not None:
                        FRAME_READS[0] += 1
                    return entry.value
        self.misses += 1
        start, reads, loose = len(self.log), FRAME_READS[0], self.loose
        calls, beyond = len(scope.abstract_calls), len(scope.beyond)
        assumed = len(scope.calendar.by_owner.get(scope.calendar.owner, ()))
        value = self.encode(expr)
        if len(scope.abstract_calls) != calls or assumed != len(
                scope.calendar.by_owner.get(scope.calendar.owner, ())) \
                or not _terms_only(value):
            return value
        depends: Any = None
        if self.loose != loose:
            depends = (frame.months, id(scope.calendar))
        elif FRAME_READS[0] != reads:
            depends = frame.months
        keep = (scope.month, scope.calendar) if isinstance(depends, tuple) else (scope.month,)
        entries = self.kept.setdefault(key, {})
        entries.setdefault(depends, _Kept(value, tuple(self.log[start:]),
                                        tuple(scope.beyond[beyond:]), keep))
        return value

    def _replayed(self, entry: _Kept) -> bool:
        """The entry's leaf calls made again, in order, giving the same terms (else the
        calls made stay pending, served to the encoding that follows)."""
        start = len(self.log)
        made: list[Leaf] = []
        for name, args, result in entry.leaves:
            now = getattr(self.scope, name)(*args)
            made.append((name, args, now))
            if not _same(now, result):
                del self.log[start:]          # logged again when served
                self.pending.extendleft(reversed(made))
                return False
        return True
