"""Stage 5 (verify): the facts of a case as Z3 variables, and back (model → runtime values).

One :class:`FactVars` is shared by every encoding of the law in a query (two dates of the
law in ``lexlux diff`` read the same case).  Each fact has a ``given`` Boolean and value
variables; enum values are interned as integer codes shared by the whole encoding.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import z3

from ...calendar.dates import from_day_number, to_day_number
from ...calendar.periods import Period
from ...compile.model import Duration, KnowledgeBase, Months, Type, Vocabulary
from .calendar_terms import HORIZON_START, horizon_bounds
from .fast_terms import add, ge, int_val, le, sub

#: Most periods a periods fact holds in the encoding (abstraction ``bounded_periods``).
MAX_PERIODS = 3
#: Denominators of facts with a fraction (abstraction ``decimal_grain``).
GRAIN = {"decimal": 10000, "percentage": 10000, "money": 100}


class Interner:
    """Enum values (strings) as integer codes, the same in every encoding of a query.

    ``values``: the values known beforehand (an encoding's: :func:`vocabulary_values`),
    coded 0, 1, ... in sorted order, so that a value's code does not depend on the order in
    which encodings meet the values (which depends on what was encoded before: the codes are
    part of the queries Z3 reads, and so of its path).  A value met later gets the next
    code."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.codes: dict[str, int] = {}
        self.seed(values)

    def seed(self, values: Iterable[str]) -> None:
        """Code ``values`` (those not coded yet) in sorted order."""
        for value in sorted(set(values) - self.codes.keys()):
            self.codes[value] = len(self.codes)

    def code(self, text: str) -> int:
        return self.codes.setdefault(text, len(self.codes))

    def text(self, code: int) -> str | None:
        for text, number in self.codes.items():
            if number == code:
                return text
        return None


def vocabulary_values(kb: KnowledgeBase, jurisdiction: str) -> set[str]:
    """Every enum value the knowledge base declares for ``jurisdiction``: in the types of
    its facts, outputs (and their timelines) and parameters, and the values of its enum
    parameters."""
    found: set[str] = set()

    def add(vtype: Type | None) -> None:
        while vtype is not None:
            found.update(vtype.values)
            vtype = vtype.of
    vocabulary = kb.vocabularies.get(jurisdiction)
    if vocabulary is not None:
        for entry in [*vocabulary.facts.values(), *vocabulary.outputs.values()]:
            add(entry.type)
    for parameter in kb.parameters.values():
        if parameter.jurisdiction == jurisdiction and parameter.type.kind == "enum":
            add(parameter.type)
            found.update(v.value for v in parameter.values if isinstance(v.value, str))
    return found


@dataclass
class PeriodsVar:
    count: z3.ArithRef
    starts: tuple[z3.ArithRef, ...]
    ends: tuple[z3.ArithRef, ...]


@dataclass
class FactVar:
    name: str
    type: Type
    given: z3.BoolRef
    term: Any                      # z3 term, or PeriodsVar
    raw: z3.ArithRef | None        # the Int numerator of a fraction fact


class FactVars:
    def __init__(self, vocabulary: Vocabulary, interner: Interner, prefix: str = "") -> None:
        self.vocabulary = vocabulary
        self.interner = interner
        self.prefix = prefix
        self.vars: dict[str, FactVar] = {}
        self.domain: dict[str, list[z3.BoolRef]] = {}

    def get(self, name: str) -> FactVar:
        if name in self.vars:
            return self.vars[name]
        entry = self.vocabulary.facts[name]
        ftype = entry.type
        base = f"{self.prefix}fact:{name}"
        given = z3.Bool(base + "?")
        domain: list[z3.BoolRef] = []
        raw: z3.ArithRef | None = None
        term: Any
        kind = ftype.kind
        if kind == "boolean":
            term = z3.Bool(base)
        elif kind == "date":
            term = z3.Int(base)
            domain.append(horizon_bounds(term))
        elif kind in GRAIN:
            raw = z3.Int(base + ".n")
            term = z3.ToReal(raw) / GRAIN[kind]
        elif kind == "enum":
            term = z3.Int(base)
            domain.append(z3.Or([term == self.interner.code(v) for v in ftype.values]))
        elif kind == "periods":
            count = z3.Int(base + ".count")
            starts = tuple(z3.Int(f"{base}.{i}.from") for i in range(MAX_PERIODS))
            ends = tuple(z3.Int(f"{base}.{i}.to") for i in range(MAX_PERIODS))
            domain.append(z3.And(count >= 0, count <= MAX_PERIODS))
            for i in range(MAX_PERIODS):
                domain += [horizon_bounds(starts[i]), horizon_bounds(ends[i]),
                           starts[i] <= ends[i]]
                if i + 1 < MAX_PERIODS:
                    domain.append(z3.Implies(count > i + 1, ends[i] + 1 < starts[i + 1]))
            term = PeriodsVar(count, starts, ends)
        else:   # integer, duration, months
            term = z3.Int(base)
        var = FactVar(name, ftype, given, term, raw)
        self.vars[name] = var
        self.domain[name] = domain
        return var

    def constraints(self, names: set[str]) -> list[z3.BoolRef]:
        out: list[z3.BoolRef] = []
        for name in sorted(names):
            self.get(name)
            out += self.domain[name]
        return out

    def pin(self, name: str, value: Any | None) -> list[tuple[Any, Any]]:
        """(variable, constant) pairs fixing the fact to a runtime value, or to "not
        given" (``None``); ``ValueError`` if the value is outside the declared
        abstractions."""
        var = self.get(name)
        kind = var.type.kind
        if value is None:      # not given: its variables take a default (they are unused)
            defaults: dict[str, Any] = {"periods": (), "boolean": False, "date": HORIZON_START}
            if kind == "enum":
                defaults["enum"] = var.type.values[0]
            return [(var.given, z3.BoolVal(False)),
                    *self.pin(name, defaults.get(kind, 0))[1:]]
        out: list[tuple[Any, Any]] = [(var.given, z3.BoolVal(True))]
        if kind == "periods":
            assert isinstance(var.term, PeriodsVar)
            items = sorted(value, key=lambda p: p.start)
            if len(items) > MAX_PERIODS or any(
                    (b.start - a.end).days < 2 for a, b in itertools.pairwise(items)):
                raise ValueError("periods outside the abstraction bounded_periods")
            out.append((var.term.count, z3.IntVal(len(items))))
            unused = to_day_number(HORIZON_START)
            for i in range(MAX_PERIODS):
                period = items[i] if i < len(items) else None
                out += [(var.term.starts[i], z3.IntVal(to_day_number(period.start)
                                                       if period else unused)),
                        (var.term.ends[i], z3.IntVal(to_day_number(period.end)
                                                     if period else unused))]
            return out
        if kind in GRAIN:
            scaled = Fraction(value) * GRAIN[kind]
            if scaled.denominator != 1:
                raise ValueError("an amount outside the abstraction decimal_grain")
            assert var.raw is not None
            return [*out, (var.raw, z3.IntVal(int(scaled)))]
        if kind in ("duration", "months") and isinstance(value, int):
            return [*out, (var.term, z3.IntVal(value))]
        return [*out, (var.term, encode_constant(value, self.interner))]

    def terms(self, names: set[str]) -> list[Any]:
        """Every variable of the facts ``names`` (to keep a model's case while refining)."""
        out: list[Any] = []
        for name in sorted(names):
            var = self.get(name)
            out.append(var.given)
            if isinstance(var.term, PeriodsVar):
                out += [var.term.count, *var.term.starts, *var.term.ends]
            else:
                out.append(var.raw if var.raw is not None else var.term)
        return out

    def near(self, names: set[str], anchor: Any, days: int) -> list[z3.BoolRef]:
        """Constraints keeping the date facts within ``days`` of ``anchor``."""
        out: list[z3.BoolRef] = []
        for name in sorted(names):
            var = self.get(name)
            terms: list[Any] = []
            if var.type.kind == "date":
                terms = [var.term]
            elif isinstance(var.term, PeriodsVar):
                terms = [*var.term.starts, *var.term.ends]
            out += [z3.And(ge(t, sub(anchor, days)), le(t, add(anchor, days))) for t in terms]
        return out

    def decode(self, model: z3.ModelRef, names: set[str]) -> dict[str, Any]:
        """The facts a model gives (only those whose ``given`` is true)."""
        facts: dict[str, Any] = {}
        for name in sorted(names):
            var = self.get(name)
            if not z3.is_true(model.eval(var.given, model_completion=True)):
                continue
            facts[name] = self.decode_var(model, var)
        return facts

    def decode_var(self, model: z3.ModelRef, var: FactVar) -> Any:
        kind = var.type.kind
        if kind == "periods":
            assert isinstance(var.term, PeriodsVar)
            p = var.term
            n = _int(model, p.count)
            return tuple(Period(from_day_number(_int(model, p.starts[i])),
                                from_day_number(_int(model, p.ends[i]))) for i in range(n))
        if kind in GRAIN:
            assert var.raw is not None
            return Fraction(_int(model, var.raw), GRAIN[kind])
        return decode_value(model, var.term, var.type, self.interner)


def _int(model: z3.ModelRef, term: z3.ArithRef) -> int:
    value = model.eval(term, model_completion=True)
    return int(value.as_long())


def decode_value(model: z3.ModelRef, term: Any, vtype: Type, interner: Interner) -> Any:
    """A runtime value of ``vtype`` from a scalar term under ``model``."""
    value = model.eval(term, model_completion=True)
    kind = vtype.kind
    if kind == "boolean":
        return z3.is_true(value)
    if z3.is_rational_value(value):
        fraction = Fraction(value.numerator_as_long(), value.denominator_as_long())
        if kind in ("integer", "date", "duration", "months", "enum"):
            assert fraction.denominator == 1
            number = int(fraction)
        else:
            return fraction
    else:
        number = int(value.as_long())
    if kind == "date":
        return from_day_number(number)
    if kind == "duration":
        return Duration(number)
    if kind == "months":
        return Months(number)
    if kind == "enum":
        return interner.text(number)
    if kind in ("decimal", "percentage", "money"):
        return Fraction(number)
    return number


def encode_constant(value: Any, interner: Interner) -> Any:
    """A runtime value (literal or parameter) as a Z3 term."""
    if isinstance(value, bool):
        return z3.BoolVal(value)
    if isinstance(value, int):
        return int_val(value)
    if isinstance(value, Fraction):
        return z3.Q(value.numerator, value.denominator)
    if isinstance(value, date):
        return int_val(to_day_number(value))
    if isinstance(value, Duration):
        return int_val(value.days)
    if isinstance(value, Months):
        return int_val(value.count)
    if isinstance(value, str):
        return int_val(interner.code(value))
    raise TypeError(f"cannot encode the constant {value!r}")
