"""Stage 5 (verify): what a conclusion's conditions say about single facts, read from the
rules' text without a solver.

A conclusion applies only when its version is selected (the selection day, a fact or the
as-of date, lies in the version's window) and its conditions (the version's ``when`` and
the conclusion's ``when``) hold with every fact they read given.  When a condition is a
conjunction (``and``), each of its parts holds.  A part that compares one fact with a
constant (``days_off >= 20``, ``contract == 'cdi'``, ``start < "2015-01-01"``) is a
*simple* part: it restricts that fact alone, to an interval of integers (integer and
date facts; dates as day numbers) minus excluded points, or to a set of enum values.

:func:`restrictions` collects, for a conclusion, the restriction of each fact its simple
parts constrain.  Everything else (a disjunction, a negation, a calendar function, a
parameter, another output, a local name) restricts nothing here: the result is
*conservative* — every case in which the conclusion applies satisfies every restriction
returned, and nothing more is claimed.  Two uses:

* :mod:`.conflict_prefilter`: two conclusions whose restrictions of one fact do not
  intersect can never apply together (no solver needed to say so);
* :mod:`.simple_witness`: candidate cases for the dead-rule check, each replayed by the
  evaluator before it counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...calendar.dates import to_day_number
from ...compile.model import Binary, Expr, Literal, Ref, Rule, RuleVersion, Unary

#: The key of the selection day when a rule has no ``selected_by`` fact: the as-of date.
AS_OF = "<as-of>"
#: Fact kinds whose simple comparisons are read (values as integers; enum values as text).
ORDERED = ("integer", "date")
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass
class Restriction:
    """The values a fact may take where a conclusion applies: integers in [low, high]
    (None: unbounded) other than ``excluded``; or, for an enum fact, one of ``allowed``
    (None: any value) other than ``excluded``."""
    kind: str                                   # "ordered" or "enum"
    low: int | None = None
    high: int | None = None
    allowed: frozenset[str] | None = None
    excluded: set[Any] = field(default_factory=set)

    def meet(self, other: Restriction) -> Restriction:
        """The values both allow."""
        low = _pick(max, self.low, other.low)
        high = _pick(min, self.high, other.high)
        allowed = (other.allowed if self.allowed is None else self.allowed
                   if other.allowed is None else self.allowed & other.allowed)
        return Restriction(self.kind, low, high, allowed, self.excluded | other.excluded)

    def empty(self) -> bool:
        """True only when no value satisfies the restriction (exact for integers)."""
        if self.kind == "enum":
            return self.allowed is not None and not (self.allowed - self.excluded)
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                return True
            width = self.high - self.low + 1
            return width <= len(self.excluded) and all(
                v in self.excluded for v in range(self.low, self.high + 1))
        return False


def _pick(choose: Any, a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else choose(a, b)


def restrictions(kb_types: dict[str, Any], rule: Rule, version: RuleVersion,
                 conditions: list[Expr], *, windows: bool = True) -> dict[str, Restriction]:
    """The restriction of each fact (and of the selection day, under its fact's name or
    :data:`AS_OF`) where a conclusion of ``version`` with ``conditions`` applies.
    ``kb_types``: the vocabulary's facts (name → entry with ``.type``); ``windows``: read
    the version's window on its selection day (False when the law's date is fixed)."""
    found: dict[str, Restriction] = {}

    def add(name: str, restriction: Restriction) -> None:
        found[name] = found[name].meet(restriction) if name in found else restriction

    if windows and all(v.transitional is None for v in rule.versions):
        low = to_day_number(version.valid_from)
        high = (None if version.valid_until is None
                else to_day_number(version.valid_until) - 1)
        day = rule.selected_by or AS_OF
        if day == AS_OF or kb_types[day].type.kind == "date":
            add(day, Restriction("ordered", low, high))
    for condition in conditions:
        for part in _conjuncts(condition):
            simple = _simple(kb_types, part)
            if simple is not None:
                add(*simple)
    return found


def _conjuncts(expr: Expr) -> list[Expr]:
    if isinstance(expr, Binary) and expr.op == "and":
        return [*_conjuncts(expr.left), *_conjuncts(expr.right)]
    return [expr]


def _simple(kb_types: dict[str, Any], expr: Expr) -> tuple[str, Restriction] | None:
    """``fact OP constant`` (either way round) as the fact's restriction, else None."""
    if not isinstance(expr, Binary) or expr.op not in _FLIP:
        return None
    op, left, right = expr.op, expr.left, expr.right
    if isinstance(right, Ref) and _constant(left) is not None:
        op, left, right = _FLIP[op], right, left
    constant = _constant(right)
    if not (isinstance(left, Ref) and left.kind == "fact" and left.field is None
            and constant is not None) or left.target not in kb_types:
        return None
    kind = kb_types[left.target].type.kind
    value = constant[0]
    if kind == "enum":
        if not isinstance(value, str) or op not in ("==", "!="):
            return None
        if op == "==":
            return left.target, Restriction("enum", allowed=frozenset({value}))
        return left.target, Restriction("enum", excluded={value})
    if kind not in ORDERED:
        return None
    if kind == "date" and isinstance(value, date):
        number = to_day_number(value)
    elif kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        return None
    bounds = {"<": (None, number - 1), "<=": (None, number), ">": (number + 1, None),
              ">=": (number, None), "==": (number, number)}
    if op == "!=":
        return left.target, Restriction("ordered", excluded={number})
    low, high = bounds[op]
    return left.target, Restriction("ordered", low, high)


def _constant(expr: Expr) -> tuple[Any] | None:
    """The value of a literal, or of a negated integer literal (``-4``), in a 1-tuple."""
    if isinstance(expr, Literal):
        return (expr.value,)
    if isinstance(expr, Unary) and expr.op == "-" and isinstance(expr.operand, Literal) \
            and isinstance(expr.operand.value, int) \
            and not isinstance(expr.operand.value, bool):
        return (-expr.operand.value,)
    return None


def conclusion_conditions(version: RuleVersion, index: int) -> list[Expr]:
    """The conditions of conclusion ``index`` of ``version``: the version's ``when`` and
    the conclusion's."""
    conclusion = version.conclusions[index]
    return [t.expr for t in (version.when, conclusion.when) if t is not None]


def has_timelines(enc: Any) -> bool:
    """Whether the vocabulary of ``enc`` declares a timeline output.  The answers of the
    timeline witness search (checks/timeline_search.py) depend on what the process asked
    Z3 before (stop 13's note): answering other queries without the solver tips some of
    them (measured on the bundled rules: two dead-rule queries of timeline outputs left
    undecided).  So in such a jurisdiction the shortcuts are not taken, until a timeline
    query's answer no longer depends on the queries before it."""
    return any(e.type.kind == "timeline" for e in enc.vocabulary.outputs.values())


def disjoint(a: dict[str, Restriction], b: dict[str, Restriction]) -> str | None:
    """A fact on which ``a`` and ``b`` allow no common value, or None."""
    for name in sorted(a.keys() & b.keys()):
        if a[name].kind == b[name].kind and a[name].meet(b[name]).empty():
            return name
    return None


__all__ = ["AS_OF", "Restriction", "conclusion_conditions", "disjoint", "has_timelines",
           "restrictions"]
