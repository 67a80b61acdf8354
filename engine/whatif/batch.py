"""What-if: evaluate many cases under the baseline and a reform; count what changes.

Cases come from a folder of case files, a CSV table (one column per fact; periods written
``2019-01-01..2019-01-10;2019-02-01..2019-02-03``), or the synthetic generator.  The report
says, per output, how many cases change and how, and sums numeric outputs and durations
(e.g. total weeks of benefit) under both laws.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..compile.model import Duration, KnowledgeBase
from ..diagnostics import Diagnostic, Span, error
from ..evaluate.case import Case, case_from_text, load_case
from ..evaluate.interpreter import evaluate
from ..evaluate.values import to_json
from ..limits import Limits, current


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
    """One case per CSV row: a ``case`` column (optional), ``as_of``, and one column per fact.

    Every problem is located at the row's line and the cell's column (``table.csv:3:2``) and
    names the column: a row with more cells than the header (LX111), a cell that is not
    ``FROM..TO`` periods (LX314), a file that is not UTF-8 (LX104), the input limits (LX1xx).
    """
    from ..load.yaml_source import byte_position, file_too_large
    display = str(path)
    limits = current()
    try:
        if path.stat().st_size > limits.max_file_bytes:
            yield file_too_large(display, limits)
            return
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header: list[str] | None = None
            line = 1
            for cells in reader:
                if header is None or not cells:      # (blank lines are skipped)
                    header = cells if header is None and cells else header
                    line = reader.line_num + 1
                    continue
                yield from _table_row(path, kb, jurisdiction, header, cells, line, limits)
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()      # (within the size limit, checked above)
        try:
            raw.decode("utf-8")
            line, column = line, 1
        except UnicodeDecodeError as first:
            line, column = byte_position(raw, first.start)
        yield error("LX104", f"the table is not UTF-8 text ({exc.reason})",
                    Span(display, line, column, line, column + 1),
                    hint="save the table as UTF-8 CSV")
    except csv.Error as exc:
        yield error("LX111", f"the CSV cannot be read: {exc}",
                    Span(display, line, 1, line, 2), hint="check the quotes of this row")
    except OSError as exc:
        yield error("LX104", f"the table cannot be read: {exc.strerror}", Span(display, 1, 1, 1, 1))


def _table_row(path: Path, kb: KnowledgeBase, jurisdiction: str, header: list[str],
               cells: list[str], line: int, limits: Limits) -> Iterator[Case | Diagnostic]:
    import yaml
    display = str(path)

    def at(column: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
        name = header[column - 1] if column <= len(header) else None
        where = f"column {name!r}" if name is not None else f"column {column}"
        return error(code, f"{where}: {message}", Span(display, line, column, line, column + 1,
                                                       f"$[{line}][{column}]"), hint=hint)

    if len(cells) > len(header):
        yield at(len(header) + 1, "LX111", f"the row has {len(cells)} cells, the header "
                 f"{len(header)}", "remove the extra cells, or name their column in the header")
        return
    row = dict(zip(header, cells, strict=False))
    facts: dict[str, Any] = {}
    for column, (name, cell) in enumerate(zip(header, cells, strict=False), start=1):
        if name in ("case", "as_of", "jurisdiction") or cell == "":
            continue
        if ".." in cell:
            parts = [part.split("..") for part in cell.split(";")]
            if len(parts) > limits.max_list_items:
                yield at(column, "LX108", f"{len(parts)} periods, more than the limit of "
                         f"{limits.max_list_items}", "raise max_list_items (docs/limits.md)")
                return
            if any(len(p) != 2 for p in parts):
                yield at(column, "LX314", f"{cell[:80]!r} is not periods FROM..TO",
                         "write periods as 2019-01-01..2019-01-10;2019-02-01..2019-02-03")
                return
            facts[name] = [{"from": a.strip(), "to": b.strip()} for a, b in parts]
        elif cell in ("true", "false"):
            facts[name] = cell == "true"
        elif _DIGITS.fullmatch(cell):
            if len(cell.lstrip("+-")) > limits.max_number_digits:
                yield at(column, "LX106", f"a number of {len(cell)} characters, more than the "
                         f"limit of {limits.max_number_digits}", "check the value")
                return
            facts[name] = int(cell)
        else:
            facts[name] = cell
    document = {"case": row.get("case") or f"{path.name} row {line}",
                "jurisdiction": row.get("jurisdiction") or jurisdiction, "facts": facts}
    if row.get("as_of"):
        document["as_of"] = row["as_of"]
    case, problems = case_from_text(yaml.safe_dump(document, allow_unicode=True), kb,
                                    f"{display}:{line}")
    if case is not None:
        yield case
        return
    columns = {name: i for i, name in enumerate(header, start=1)}
    for problem in problems:
        key = _column_of(problem)
        column = columns.get(key, 1) if key else 1
        yield at(column, problem.code, problem.message, problem.hint)


_DIGITS = re.compile(r"[-+]?[0-9]+")


def _column_of(problem: Diagnostic) -> str | None:
    """The fact (or top-level key) a diagnostic of the row's case document is about."""
    match = re.match(r"^\$\.(?:facts\.)?([A-Za-z_][A-Za-z0-9_\-]*)",
                     problem.span.yaml_path if problem.span else "")
    return match.group(1) if match else None
