"""Stage 5 (verify): the facts of a case as Z3 variables, and back (model → runtime values).

One :class:`FactVars` is shared by every encoding of the law in a query (two dates of the
law in ``lexlux diff`` read the same case).  Each fact has a ``given`` Boolean and value
variables; enum values are interned as integer codes shared by the whole encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import z3

from ..compile.model import Duration, Months, Type, Vocabulary
from ..dates import from_day_number
from ..periods import Period
from .calendar_terms import horizon_bounds

#: Most periods a periods fact holds in the encoding (abstraction ``bounded_periods``).
MAX_PERIODS = 3
#: Denominators of facts with a fraction (abstraction ``decimal_grain``).
GRAIN = {"decimal": 10000, "percentage": 10000, "money": 100}


class Interner:
    """Enum values (strings) as integer codes, the same in every encoding of a query."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, text: str) -> int:
        return self.codes.setdefault(text, len(self.codes))

    def text(self, code: int) -> str | None:
        for text, number in self.codes.items():
            if number == code:
                return text
        return None


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
        return z3.IntVal(value)
    if isinstance(value, Fraction):
        return z3.Q(value.numerator, value.denominator)
    if isinstance(value, date):
        from ..dates import to_day_number
        return z3.IntVal(to_day_number(value))
    if isinstance(value, Duration):
        return z3.IntVal(value.days)
    if isinstance(value, Months):
        return z3.IntVal(value.count)
    if isinstance(value, str):
        return z3.IntVal(interner.code(value))
    raise TypeError(f"cannot encode the constant {value!r}")
