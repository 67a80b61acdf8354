"""What-if: evaluate many cases under the baseline and a reform; count what changes.

Cases come from a folder of case files, a CSV table (one column per fact; periods written
``2019-01-01..2019-01-10;2019-02-01..2019-02-03``), or the synthetic generator.  Per output,
each person falls in exactly one of five counts: *changed* (answered under both laws,
differently), *unchanged* (answered under both, the same), *answered only before*,
*answered only after*, and *unanswered in both* — never folded into "the same".  Changes are
grouped by kind (``lawful → abusive``, ``ends later``, ...), with the distribution of the shift
in days for dates, deadlines and the ends of bans; numeric outputs and durations are summed
under both laws.  "Affected persons" are those whose answer differs (changed or answered
under one law only), per output and for any output.
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

from ..compile.model import Deontic, Duration, KnowledgeBase, Timeline
from ..diagnostics import Diagnostic, Span, error
from ..evaluate.case import Case, case_from_text, load_case
from ..evaluate.interpreter import Outcome, OutputResult, evaluate
from ..limits import Limits, current
from .wording import STATUS_WORDS, text_of

#: the five ways an output can compare between the two laws, in report order
OUTCOMES = ("changed", "unchanged", "only_before", "only_after", "unanswered")
OUTCOME_WORDS = {"changed": "changed", "unchanged": "unchanged",
                 "only_before": "answered only before", "only_after": "answered only after",
                 "unanswered": "unanswered in both"}


@dataclass
class ChangeKind:
    """One kind of change of an output's answer (e.g. 'lawful → abusive', 'ends later'),
    with, for dates and durations, the distribution of the shift in days."""

    cases: int = 0
    shifts: Counter[int] = field(default_factory=Counter)

    def shift_summary(self) -> dict[str, Any] | None:
        if not self.shifts:
            return None
        ordered = sorted(self.shifts.elements())
        n = len(ordered)
        return {"cases": n, "mean": sum(ordered) / n, "median": ordered[n // 2],
                "min": ordered[0], "max": ordered[-1],
                "histogram": [{"from": a, "to": b, "cases": c} for a, b, c in histogram(ordered)]}


@dataclass
class OutputImpact:
    counts: Counter[str] = field(default_factory=Counter)          # keys of OUTCOMES
    kinds: dict[str, ChangeKind] = field(default_factory=dict)      # of the changed cases
    lost: Counter[str] = field(default_factory=Counter)     # only before: the status after
    gained: Counter[str] = field(default_factory=Counter)   # only after: the status before
    total_before: Fraction = Fraction(0)
    total_after: Fraction = Fraction(0)
    summed: bool = False

    @property
    def changed(self) -> int:
        return self.counts["changed"]

    def ordered_kinds(self) -> list[tuple[str, ChangeKind]]:
        """The kinds of change, the most frequent first (ties by name: the same order
        however the persons were split between machines)."""
        return sorted(self.kinds.items(), key=lambda kv: (-kv[1].cases, kv[0]))

    def merge(self, other: OutputImpact) -> None:
        self.counts.update(other.counts)
        for kind, entry in other.kinds.items():
            mine = self.kinds.setdefault(kind, ChangeKind())
            mine.cases += entry.cases
            mine.shifts.update(entry.shifts)
        self.lost.update(other.lost)
        self.gained.update(other.gained)
        self.total_before += other.total_before
        self.total_after += other.total_after
        self.summed = self.summed or other.summed

    @property
    def affected(self) -> int:
        """Persons whose answer differs: changed, or answered under one law only."""
        return self.counts["changed"] + self.counts["only_before"] + self.counts["only_after"]

    @property
    def shifts(self) -> list[int]:
        return sorted(x for kind in self.kinds.values() for x in kind.shifts.elements())


@dataclass
class BatchReport:
    cases: int = 0
    cases_changed: int = 0          # persons affected by any output
    outputs: dict[str, OutputImpact] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def affected_any(self) -> int:
        return self.cases_changed

    def merge(self, other: BatchReport) -> None:
        """Add the persons of another report (a partition evaluated elsewhere)."""
        self.cases += other.cases
        self.cases_changed += other.cases_changed
        for name, impact in other.outputs.items():
            self.outputs.setdefault(name, OutputImpact()).merge(impact)
        self.problems += other.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases, "cases_changed": self.cases_changed,
            "affected_persons_any_output": self.cases_changed,
            "outputs": {name: {
                "changed": o.changed,
                "counts": {k: o.counts[k] for k in OUTCOMES},
                "affected_persons": o.affected,
                "change_kinds": [{"kind": kind, "cases": ck.cases,
                                  "date_shift_days": ck.shift_summary()}
                                 for kind, ck in o.ordered_kinds()],
                "answered_only_before": dict(sorted(o.lost.items())),
                "answered_only_after": dict(sorted(o.gained.items())),
                "date_shifts_days": _shift_json(o.shifts),
                "total_before": str(o.total_before) if o.summed else None,
                "total_after": str(o.total_after) if o.summed else None,
            } for name, o in sorted(self.outputs.items())},
            "problems": self.problems[:20],
        }


def _shift_json(shifts: list[int]) -> dict[str, Any]:
    return {"cases": len(shifts), "mean": sum(shifts) / len(shifts) if shifts else None,
            "min": min(shifts, default=None), "max": max(shifts, default=None)}
def histogram(ordered: list[int], bins: int = 8) -> list[tuple[int, int, int]]:
    """(first, last, count) of about ``bins`` equal bands of whole days covering the shifts."""
    if not ordered:
        return []
    low, high = ordered[0], ordered[-1]
    width = max(1, -(-(high - low + 1) // bins))
    counts: Counter[int] = Counter((x - low) // width for x in ordered)
    return [(low + i * width, low + (i + 1) * width - 1, counts[i])
            for i in range((high - low) // width + 1)]


def _answered(result: OutputResult | None) -> bool:
    return result is not None and result.status == "value"


def _days_between(a: date | None, b: date | None) -> int | None:
    return (b - a).days if a is not None and b is not None else None


def change_kind(before: OutputResult, after: OutputResult) -> tuple[str, int | None]:
    """How an answer changed, in words, and the shift in days where one is meaningful."""
    a, b, vtype = before.value, after.value, before.type
    shift: int | None
    if isinstance(a, date) and isinstance(b, date):
        shift = (b - a).days
        return ("a later date" if shift > 0 else "an earlier date"), shift
    if isinstance(a, Deontic) and isinstance(b, Deontic) and a.kind == b.kind:
        if a.kind == "obligation":
            shift = _days_between(a.deadline, b.deadline)
            return ("a later deadline" if (shift or 0) > 0 else "an earlier deadline"), shift
        if a.start == b.start and a.end != b.end:
            shift = _days_between(a.end, b.end)
            return ("ends later" if (shift or 0) > 0 else "ends earlier"), shift
        if a.end == b.end:
            shift = _days_between(a.start, b.start)
            return ("starts later" if (shift or 0) > 0 else "starts earlier"), shift
        return "other dates", _days_between(a.end, b.end)
    if isinstance(a, Duration) and isinstance(b, Duration):
        return ("longer" if b.days > a.days else "shorter"), b.days - a.days
    if isinstance(a, int | Fraction) and isinstance(b, int | Fraction) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return ("higher" if b > a else "lower"), None
    if isinstance(a, Timeline) and isinstance(b, Timeline):
        months = {start: v for start, _, v in a.entries}
        other = {start: v for start, _, v in b.entries}
        differ = sum(1 for m in set(months) | set(other) if months.get(m) != other.get(m))
        return f"another monthly timeline ({differ} month{'s' if differ != 1 else ''} differ)" \
            if differ <= 3 else "another monthly timeline (4 or more months differ)", None
    if isinstance(a, tuple) and isinstance(b, tuple):
        return "other periods", None
    return f"{text_of(a, vtype)} → {text_of(b, after.type)}", None


def _amount(value: Any) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Duration):
        return Fraction(value.days)
    return None


def compare_outcomes(report: BatchReport, a: Outcome, b: Outcome) -> None:
    """Add one person's two outcomes to the report."""
    report.cases += 1
    affected = False
    for name in dict.fromkeys([*a.results, *b.results]):
        ra, rb = a.results.get(name), b.results.get(name)
        impact = report.outputs.setdefault(name, OutputImpact())
        for result, attr in ((ra, "total_before"), (rb, "total_after")):
            amount = _amount(result.value) if result and result.status == "value" else None
            if amount is not None:
                impact.summed = True
                setattr(impact, attr, getattr(impact, attr) + amount)
        if _answered(ra) and _answered(rb):
            assert ra is not None and rb is not None
            if ra.value == rb.value and type(ra.value) is type(rb.value):
                impact.counts["unchanged"] += 1
                continue
            impact.counts["changed"] += 1
            kind, shift = change_kind(ra, rb)
            entry = impact.kinds.setdefault(kind, ChangeKind())
            entry.cases += 1
            if shift is not None:
                entry.shifts[shift] += 1
        elif _answered(ra):
            impact.counts["only_before"] += 1
            impact.lost[STATUS_WORDS.get(rb.status if rb else None, "?")] += 1
        elif _answered(rb):
            impact.counts["only_after"] += 1
            impact.gained[STATUS_WORDS.get(ra.status if ra else None, "?")] += 1
        else:
            impact.counts["unanswered"] += 1
            continue
        affected = True
    report.cases_changed += affected


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
        compare_outcomes(report, a, b)
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


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
    if path.suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            from ..diagnostics import LexluxError
            raise LexluxError([error("LX702", f"{path}: reading Parquet needs pyarrow, which "
                                     "is not installed", hint="pip install 'lexlux[parquet]', "
                                     "or convert the table to CSV")]) from None
        for number, row in enumerate(pq.read_table(path).to_pylist(), start=1):
            yield number, {k: None if v is None else str(v) for k, v in row.items()}
        return
    with path.open(newline="", encoding="utf-8") as handle:
        yield from enumerate(csv.DictReader(handle), start=2)


def read_case_table(path: Path, kb: KnowledgeBase, jurisdiction: str = "lu"
                    ) -> Iterator[Case | Diagnostic]:
    """One case per CSV row: a ``case`` column (optional), ``as_of``, and one column per fact.

    Every problem is located at the row's line and the cell's column (``table.csv:3:2``) and
    names the column: a row with more cells than the header (LX111), a cell that is not
    ``FROM..TO`` periods (LX314), a file that is not UTF-8 (LX104), the input limits (LX1xx).
    """
    if path.suffix == ".parquet":
        yield from _parquet_cases(path, kb, jurisdiction)
        return
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


def _parquet_cases(path: Path, kb: KnowledgeBase, jurisdiction: str
                   ) -> Iterator[Case | Diagnostic]:
    """One case per row of a Parquet table (the CSV reader locates problems by cell)."""
    import yaml
    for row_number, row in _rows(path):
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
        document: dict[str, Any] = {"case": row.get("case") or f"{path.name} row {row_number}",
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
