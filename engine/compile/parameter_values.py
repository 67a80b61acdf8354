"""Stage 3 (compile): a parameter value as written (in its unit) → its typed runtime value.

>>> from lexlux.compile.model import Type
>>> convert_parameter_value(26, Type("duration"), "weeks")
(Duration(days=182),)
>>> convert_parameter_value(80, Type("percentage"), "percent")
(Fraction(4, 5),)
>>> convert_parameter_value("77", Type("integer"), "days")
'expected a whole number, found the text 77'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..calendar.dates import DateFormatError, parse_date
from .model import UNKNOWN, Duration, Months, Type

_WEEKS = {"weeks": 7, "days": 1, None: 1}


def convert_parameter_value(raw: Any, ptype: Type, unit: str | None) -> tuple[Any] | str:
    """Return ``(value,)`` or a message saying why ``raw`` is not a value of ``ptype``."""
    if raw is None:
        return (None,)
    if raw == "unknown":
        return (UNKNOWN,)
    kind = ptype.kind
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if kind == "boolean":
        return (raw,) if isinstance(raw, bool) else f"expected true or false, found {raw!r}"
    if kind == "date":
        if not isinstance(raw, str):
            return f"expected a date YYYY-MM-DD, found {raw!r}"
        try:
            return (parse_date(raw),)
        except DateFormatError as exc:
            return f"{raw!r} is not a valid date: {exc}"
    if not number:
        what = f"the text {raw}" if isinstance(raw, str) else repr(raw)
        return f"expected {'a whole number' if kind in ('integer', 'duration', 'months') else 'a number'}, found {what}"  # noqa: E501
    value = Fraction(str(raw))
    if kind in ("integer", "duration", "months") and value.denominator != 1:
        return f"expected a whole number, found {raw}"
    if kind == "integer":
        return (int(value),)
    if kind == "duration":
        if unit not in _WEEKS:
            return f"a duration is written in days or weeks, not {unit}"
        return (Duration(int(value) * _WEEKS[unit]),)
    if kind == "months":
        return (Months(int(value)),)
    if kind == "percentage":
        return (value / 100,)
    return (value,)   # decimal, money (euros)
