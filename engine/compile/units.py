"""Stage 3 (compile): counts carry their unit through type-checking (LX338).

A ``duration`` is a number of days and ``months`` a number of calendar months, so the type
checker already keeps them apart.  But a parameter of type ``integer`` declared with
``unit: weeks`` (or months, years, days) is a plain number to the type checker, and
``nth_day(onset, ban_weeks)`` would silently count 26 *days*.  This pass gives such
integers their unit — parameters by their ``unit``; ``day_count``, ``days_between``,
``days_inclusive``, ``days_in_window``, ``longest_gap_in_window`` and
``employer_charged_days_in_window`` give days; ``+``, ``-``, ``min``, ``max`` and ``if``
keep the unit of their operands; ``*`` and ``/`` give no unit (an explicit conversion,
e.g. ``weeks * 7``) — and reports, as LX338, a count of one unit where another is
expected (an argument of a calendar function, or the other side of a comparison, a sum or
a difference).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from .model import Binary, Call, Expr, IfThenElse, KnowledgeBase, Ref, RuleVersion, Unary

TIME_UNITS = ("days", "weeks", "months", "years")

#: Functions whose result is a count of days.
DAY_COUNTS = frozenset({"day_count", "days_between", "days_inclusive", "days_in_window",
                        "longest_gap_in_window", "employer_charged_days_in_window"})

#: Integer arguments that are counts of a given unit: function -> {position: unit}.
EXPECTED: dict[str, dict[int, str]] = {
    "nth_day": {1: "days"}, "has_nth_day_in_window": {1: "days"},
    "nth_day_in_window": {1: "days"}, "nth_counted_day": {1: "days"}, "days": {0: "days"},
    "weeks": {0: "weeks"}, "months": {0: "months"}, "add_months": {1: "months"},
    "months_window_start": {1: "months"}, "weeks_window_start": {1: "weeks"},
    "employer_charged_days_in_window": {2: "months", 3: "days"},
    "employer_charged_month": {2: "months", 3: "days"},
}

COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})


class _Units:
    def __init__(self, kb: KnowledgeBase, version: RuleVersion) -> None:
        self.kb = kb
        self.lets = dict(version.lets)
        self.memo: dict[str, str | None] = {}
        self.problems: list[Diagnostic] = []
        self.where = version.rule_id

    def unit(self, expr: Expr) -> str | None:
        if isinstance(expr, Ref):
            return self._ref(expr)
        if isinstance(expr, Unary):
            return self.unit(expr.operand) if expr.op == "-" else None
        if isinstance(expr, IfThenElse):
            self.unit(expr.condition)
            return self._same(self.unit(expr.then), self.unit(expr.otherwise), expr,
                              "the two branches of 'if'")
        if isinstance(expr, Binary):
            left, right = self.unit(expr.left), self.unit(expr.right)
            if expr.op in ("+", "-"):
                return self._same(left, right, expr, f"the two sides of '{expr.op}'")
            if expr.op in COMPARISONS:
                self._same(left, right, expr, f"the two sides of '{expr.op}'")
            return None
        if isinstance(expr, Call):
            return self._call(expr)
        return None

    def _ref(self, expr: Ref) -> str | None:
        if expr.kind == "parameter":
            param = self.kb.parameters.get(expr.target)
            if param is not None and param.type.kind == "integer" and \
                    param.unit in TIME_UNITS:
                return param.unit
            return None
        if expr.kind == "local" and expr.target in self.lets:
            if expr.target not in self.memo:
                self.memo[expr.target] = None     # a cycle is LX311's business
                self.memo[expr.target] = self.unit(self.lets[expr.target].expr)
            return self.memo[expr.target]
        return None

    def _call(self, expr: Call) -> str | None:
        units = [self.unit(arg) for arg in expr.args]
        for position, wanted in EXPECTED.get(expr.function, {}).items():
            found = units[position] if position < len(units) else None
            if found is not None and found != wanted:
                self._report(expr.args[position], found, wanted,
                             f"argument {position + 1} of {expr.function}()")
        if expr.function in DAY_COUNTS:
            return "days"
        if expr.function in ("min", "max"):
            common: str | None = None
            for arg, unit in zip(expr.args, units, strict=True):
                common = self._same(common, unit, arg, f"the arguments of {expr.function}()")
            return common
        return None

    def _same(self, a: str | None, b: str | None, expr: Expr, what: str) -> str | None:
        if a is not None and b is not None and a != b:
            self._report(expr, b, a, what)
        return a if a is not None else b

    def _report(self, expr: Expr, found: str, wanted: str, what: str) -> None:
        factor = {"weeks": "7", "months": "12 (from years)", "years": "12"}.get(found, "")
        self.problems.append(error(
            "LX338", f"a count of {found} where {what} expects {wanted}", expr.span,
            expected=f"a count of {wanted}",
            hint=(f"convert explicitly (e.g. {'n * 7' if found == 'weeks' else 'n * 12'}"
                  f" for {found} → {wanted}), or use a parameter in {wanted}"
                  if factor else f"use a count of {wanted}")))


def _exprs(version: RuleVersion) -> Iterator[Expr]:
    for _, typed in version.lets:
        yield typed.expr
    for guard in (version.when, version.transitional[0] if version.transitional else None):
        if guard is not None:
            yield guard.expr
    for conclusion in version.conclusions:
        for part in (conclusion.when, conclusion.value, conclusion.deadline, conclusion.start,
                     conclusion.end, *(conclusion.each_month or ())):
            if part is not None:
                yield part.expr


def check_units(kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[str, str]] = set()
    for rule_id in sorted(kb.rules):
        for version in kb.rules[rule_id].versions:
            units = _Units(kb, version)
            for expr in _exprs(version):
                units.unit(expr)
            for d in units.problems:
                key = (str(d.span), d.message)
                if key not in seen:
                    seen.add(key)
                    out.append(d)
    return out
