"""What-if: values as a lawyer reads them (batch tables and reports), never a Python repr.

>>> from lexlux.compile.model import Type
>>> text_of(True, Type("boolean")), text_of(Fraction(1, 4), Type("percentage"))
('yes', '25%')
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from ..compile.model import Deontic, Duration, Months, Period, Timeline, Type
from ..evaluate.values import exact_decimal, to_json

STATUS_WORDS = {"no_value": "no provision applies", "missing": "cannot be answered",
                "conflict": "conflicting provisions", "error": "cannot be computed",
                None: "not evaluated"}


def text_of(value: Any, vtype: Type) -> str:
    """One value, written for people: yes/no, dates YYYY-MM-DD, '26 weeks', '25%', runs of
    months for a timeline ('2019-01 to 2019-04: employer; 2019-05: cns')."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Duration):
        weeks, rest = divmod(value.days, 7)
        return f"{weeks} weeks" if not rest and weeks else f"{value.days} days"
    if isinstance(value, Months):
        return f"{value.count} months"
    if isinstance(value, Deontic):
        if value.kind == "obligation":
            return f"obligation of the {value.holder}, at the latest on {value.deadline}"
        return f"{value.kind} of the {value.holder} from {value.start} until {value.end}"
    if isinstance(value, Timeline):
        inner = vtype.of or Type("string")
        runs: list[list[Any]] = []
        for start, end, item in value.entries:
            shown = text_of(item, inner)
            if runs and runs[-1][2] == shown:
                runs[-1][1] = end
            else:
                runs.append([start, end, shown])
        return "; ".join(f"{a:%Y-%m}" + (f" to {b:%Y-%m}" if (a.year, a.month) != (b.year, b.month)
                                         else "") + f": {v}" for a, b, v in runs) or "(none)"
    if isinstance(value, tuple):
        return "; ".join(f"{p.start} to {p.end}" for p in value if isinstance(p, Period)) \
            or "(none)"
    if isinstance(value, date):
        return value.isoformat()
    if vtype.kind == "money" and isinstance(value, int | Fraction):
        return exact_decimal(Fraction(value)) + " EUR"
    shown = to_json(value, vtype)
    return str(shown)


def status_text(status: str | None) -> str:
    return f"({STATUS_WORDS.get(status, str(status))})"
