"""What-if: evaluate many cases under the baseline and a reform; count what changes.

Cases come from a folder of case files, a CSV table (one column per fact; periods written
``2019-01-01..2019-01-10;2019-02-01..2019-02-03``), or the synthetic generator.  The report
says, per output, how many cases change and how, and sums numeric outputs and durations
(e.g. total weeks of benefit) under both laws.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..compile.model import Duration, KnowledgeBase
from ..diagnostics import Diagnostic, error
from ..evaluate.case import Case, case_from_text, load_case
from ..evaluate.interpreter import evaluate
from ..evaluate.values import to_json


@dataclass
class OutputImpact:
    changed: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    total_before: Fraction = Fraction(0)
    total_after: Fraction = Fraction(0)
    summed: bool = False
    shifts: list[int] = field(default_factory=list)     # days, for dates present in both


@dataclass
class BatchReport:
    cases: int = 0
    cases_changed: int = 0
    outputs: dict[str, OutputImpact] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases, "cases_changed": self.cases_changed,
            "outputs": {name: {
                "changed": o.changed,
                "transitions": [{"before": a, "after": b, "cases": n}
                                for (a, b), n in o.transitions.most_common(10)],
                "date_shifts_days": {"cases": len(o.shifts),
                                     "mean": sum(o.shifts) / len(o.shifts) if o.shifts else None,
                                     "min": min(o.shifts, default=None),
                                     "max": max(o.shifts, default=None)},
                "total_before": str(o.total_before) if o.summed else None,
                "total_after": str(o.total_after) if o.summed else None,
            } for name, o in sorted(self.outputs.items())},
            "problems": self.problems[:20],
        }


def _key(result: Any) -> str:
    if result is None:
        return "(not evaluated)"
    if result.status != "value":
        return f"({result.status.replace('_', ' ')})"
    shown = to_json(result.value, result.type)
    if isinstance(shown, bool):
        return "true" if shown else "false"
    return str(shown) if not isinstance(shown, list) else f"{len(shown)} entries"


def _date_of(result: Any) -> date | None:
    if result is not None and result.status == "value" and isinstance(result.value, date):
        return result.value
    return None


def _kind(key: str, day: date | None) -> str:
    return "a date" if day is not None else key


def _amount(value: Any) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Duration):
        return Fraction(value.days)
    return None


def run_batch(cases: Iterable[Case], baseline: KnowledgeBase, reform: KnowledgeBase,
              outputs: list[str] | None, progress: Callable[[int], None] | None = None,
              law_as_of: date | None = None) -> BatchReport:
    """Each case under both laws (optionally the law in force on ``law_as_of``, e.g. to see
    a population of past histories under a reform that takes effect later)."""
    report = BatchReport()
    for case in cases:
        as_of = case.as_of or date.today()
        a = evaluate(baseline, case, as_of, outputs=outputs, law_as_of=law_as_of)
        b = evaluate(reform, case, as_of, outputs=outputs, law_as_of=law_as_of)
        report.cases += 1
        changed = False
        for name in dict.fromkeys([*a.results, *b.results]):
            ra, rb = a.results.get(name), b.results.get(name)
            impact = report.outputs.setdefault(name, OutputImpact())
            for result, attr in ((ra, "total_before"), (rb, "total_after")):
                amount = _amount(result.value) if result and result.status == "value" \
                    else None
                if amount is not None:
                    impact.summed = True
                    setattr(impact, attr, getattr(impact, attr) + amount)
            before, after = _key(ra), _key(rb)
            if before != after:
                impact.changed += 1
                da, db = _date_of(ra), _date_of(rb)
                if da is not None and db is not None:
                    impact.shifts.append((db - da).days)
                else:
                    impact.transitions[(_kind(before, da), _kind(after, db))] += 1
                changed = True
        report.cases_changed += changed
        if progress is not None:
            progress(report.cases)
    return report


def read_case_folder(folder: Path, kb: KnowledgeBase) -> Iterator[Case | Diagnostic]:
    for path in sorted(folder.rglob("*.case.yaml")):
        case, problems = load_case(path, kb)
        if case is None:
            yield from problems
        else:
            yield case


def read_case_table(path: Path, kb: KnowledgeBase, jurisdiction: str = "lu"
                    ) -> Iterator[Case | Diagnostic]:
    """One case per CSV row: a ``case`` column (optional), ``as_of``, and one column per fact."""
    import yaml
    with path.open(newline="", encoding="utf-8") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            facts: dict[str, Any] = {}
            for column, cell in row.items():
                if column in ("case", "as_of", "jurisdiction") or cell in (None, ""):
                    continue
                if ".." in cell:
                    facts[column] = [{"from": a, "to": b} for a, b in
                                     (part.split("..") for part in cell.split(";"))]
                else:
                    facts[column] = yaml.safe_load(cell) if cell in ("true", "false") \
                        or cell.lstrip("-").isdigit() else cell
            document = {"case": row.get("case") or f"{path.name} row {row_number}",
                        "jurisdiction": row.get("jurisdiction") or jurisdiction,
                        "facts": facts}
            if row.get("as_of"):
                document["as_of"] = row["as_of"]
            case, problems = case_from_text(yaml.safe_dump(document), kb,
                                            f"{path}:{row_number}")
            if case is None:
                yield from (error(p.code, f"{path}:{row_number}: {p.message}", hint=p.hint)
                            for p in problems)
            else:
                yield case
