"""Stage 4 (evaluate): runtime values ⇄ their written form (case files, JSON, YAML).

One convention everywhere a value is written, as drafters write it in the files: dates
``YYYY-MM-DD``; booleans ``true``/``false``; decimals and money as decimal texts
(``"0.8"``, ``"1234.56"``); percentages as ``"80%"``; durations ``{days: n}``; months
``{months: n}``; periods a list of ``{from, to}``; obligations ``{kind, holder, deadline}``;
prohibitions and rights ``{kind, holder, from, until}``; timelines a list of
``{from, to, value}``.  A value with no finite decimal form (one third) is rounded half to
even — money to the cent, percentages to 0.01 %, decimals to 0.0001 — and
:func:`rounding` states the rounding so that every reader can say so.

>>> from lexlux.compile.model import Type
>>> to_json(Fraction(4, 5), Type("percentage")), to_json(Fraction(1, 3), Type("percentage"))
('80%', '33.33%')
>>> to_json(Fraction(1, 3), Type("decimal")), rounding(Fraction(1, 3), Type("decimal"))
('0.3333', 'rounded half to even to 0.0001')
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from typing import Any

from ..calendar.dates import DateFormatError, format_date, parse_date
from ..compile.model import Deontic, Duration, Months, Period, Timeline, Type

_DURATION = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks)\s*$")


def exact_decimal(value: Fraction) -> str:
    """A fraction as a finite decimal text if it has one, else ``n/d`` (callers that
    write values for people use :func:`decimal_text`)."""
    if not is_finite_decimal(value):
        return f"{value.numerator}/{value.denominator}"
    if value.denominator == 1:
        return str(value.numerator)
    digits = 0
    scaled = value
    while scaled.denominator != 1:
        scaled *= 10
        digits += 1
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


#: places kept when a value has no finite decimal form, by type (percentages in percent)
PLACES = {"money": 2, "percentage": 2, "decimal": 4}


def is_finite_decimal(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def decimal_text(value: Fraction, places: int) -> str:
    """``value`` as a decimal text: exact when finite, else rounded half to even."""
    if is_finite_decimal(value):
        return exact_decimal(value)
    scaled = round(value * 10 ** places)          # Fraction.__round__: half to even
    return exact_decimal(Fraction(scaled, 10 ** places))


def rounding(value: Any, vtype: Type) -> str | None:
    """How ``to_json`` rounded ``value``, in words (None: written exactly)."""
    kind = vtype.kind
    if kind == "timeline" and isinstance(value, Timeline):
        notes = {rounding(v, vtype.of or Type("string")) for _, _, v in value.entries}
        notes.discard(None)
        return sorted(n for n in notes if n)[0] if notes else None
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        return None
    number = Fraction(value) * (100 if kind == "percentage" else 1)
    if is_finite_decimal(number):
        return None
    places = PLACES.get(kind, 4)
    unit = " %" if kind == "percentage" else ""
    return f"rounded half to even to {exact_decimal(Fraction(1, 10 ** places))}{unit}"


def to_json(value: Any, vtype: Type) -> Any:
    """The written form of a runtime value of type ``vtype``."""
    kind = vtype.kind
    if value is None:
        return None
    if kind == "percentage":
        return decimal_text(Fraction(value) * 100, PLACES["percentage"]) + "%"
    if kind in ("decimal", "money"):
        return decimal_text(Fraction(value), PLACES[kind])
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Duration):
        return {"days": value.days}
    if isinstance(value, Months):
        return {"months": value.count}
    if isinstance(value, Fraction):
        return decimal_text(value, PLACES["decimal"])
    if isinstance(value, Deontic):
        out: dict[str, Any] = {"kind": value.kind, "holder": value.holder}
        if value.kind == "obligation":
            out["deadline"] = format_date(value.deadline) if value.deadline else None
        else:
            out["from"] = format_date(value.start) if value.start else None
            out["until"] = format_date(value.end) if value.end else None
        return out
    if isinstance(value, Timeline):
        inner = vtype.of or Type("string")
        return [{"from": format_date(a), "to": format_date(b), "value": to_json(v, inner)}
                for a, b, v in value.entries]
    if isinstance(value, tuple):
        return [{"from": format_date(p.start), "to": format_date(p.end)} for p in value]
    raise TypeError(f"no written form for {value!r}")


class ValueProblemError(ValueError):
    """A written value does not fit its declared type; the message says what was expected."""

    def __init__(self, message: str, hint: str | None = None, index: int | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.index = index      # for periods: which period
        self.key = key          # for periods: from / to


def _number(raw: Any) -> Fraction | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return Fraction(str(raw))
    if isinstance(raw, str):
        try:
            return Fraction(raw.strip())
        except (ValueError, ZeroDivisionError):
            return None
    return None


def from_written(raw: Any, vtype: Type) -> Any:
    """Read a written value (from a case file) as a runtime value of ``vtype``."""
    kind = vtype.kind
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        raise ValueProblemError(f"expected true or false, found {raw!r}", "write true or false")
    if kind == "date":
        if not isinstance(raw, str):
            raise ValueProblemError(f"expected a date YYYY-MM-DD, found {raw!r}")
        try:
            return parse_date(raw)
        except DateFormatError as exc:
            raise ValueProblemError(f"not a valid date: {exc}", exc.hint) from None
    if kind == "enum":
        if isinstance(raw, str) and raw in vtype.values:
            return raw
        raise ValueProblemError(f"{raw!r} is not one of: {', '.join(vtype.values)}")
    if kind == "integer":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        raise ValueProblemError(f"expected a whole number, found {raw!r}")
    if kind == "percentage":
        if isinstance(raw, str) and raw.strip().endswith("%"):
            number = _number(raw.strip()[:-1])
            if number is not None:
                return number / 100
        raise ValueProblemError(f"expected a percentage such as 30%, found {raw!r}",
                           "write the percentage with its sign, e.g. 30% (quoted or not)")
    if kind in ("decimal", "money"):
        number = _number(raw)
        if number is None:
            raise ValueProblemError(f"expected a number, found {raw!r}")
        if kind == "money" and (number * 100).denominator != 1:
            raise ValueProblemError(f"an amount has at most two decimals (cents), found {raw!r}")
        return number
    if kind == "duration":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return Duration(raw)
        match = _DURATION.match(raw) if isinstance(raw, str) else None
        if match:
            n, unit = int(match.group(1)), match.group(2)
            return Duration(n * (7 if unit.startswith("week") else 1))
        if isinstance(raw, dict) and set(raw) == {"days"} and isinstance(raw["days"], int):
            return Duration(raw["days"])
        raise ValueProblemError(
            f"expected a duration such as '3 days' or '26 weeks', found {raw!r}")
    if kind == "months":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return Months(raw)
        raise ValueProblemError(f"expected a number of months, found {raw!r}")
    if kind == "periods":
        return _periods(raw)
    raise ValueProblemError(f"a {kind} cannot be given in a case")


def _periods(raw: Any) -> tuple[Period, ...]:
    if not isinstance(raw, list):
        raise ValueProblemError(
            "expected a list of periods, each {from: YYYY-MM-DD, to: YYYY-MM-DD}")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "from" not in item or "to" not in item:
            raise ValueProblemError("each period needs from: and to:", index=i)
        try:
            out.append(Period(parse_date(item["from"]), parse_date(item["to"])))
        except DateFormatError as exc:
            key = "from" if not _is_date(item["from"]) else "to"
            raise ValueProblemError(f"not a valid date: {exc}", exc.hint, i, key) from None
    return tuple(out)


def _is_date(text: Any) -> bool:
    try:
        parse_date(text)
    except DateFormatError:
        return False
    return True
