"""What-if: a population evaluated under one law, written as a table (the plain
microsimulation run of ``lexlux batch`` without ``--reform``).

One row per person: ``case``, ``as_of``, then one column per output.  CSV and Parquet cells
hold the value as a lawyer reads it (``yes``, ``2019-05-01``, ``26 weeks``, ``prohibition of
the employer from ... until ...``) or, when there is no answer, the reason in parentheses
(``(cannot be answered)``, ``(no provision applies)``).  JSON lines keep both the written
form of the value (as in ``lexlux eval --format json``) and the status.  Parquet needs the
optional extra ``lexlux[parquet]`` (pyarrow).  Files are written atomically.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from ..compile.model import KnowledgeBase
from ..diagnostics import LexluxError, error
from ..evaluate.case import Case
from ..evaluate.interpreter import Outcome, evaluate, outputs_in_force
from ..evaluate.values import to_json
from .wording import status_text, text_of

FORMATS = ("csv", "jsonl", "parquet")


@dataclass
class PopulationSummary:
    cases: int = 0
    statuses: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.cases += 1
        for name, result in outcome.results.items():
            self.statuses.setdefault(name, Counter())[result.status] += 1

    def merge(self, other: PopulationSummary) -> None:
        self.cases += other.cases
        for name, counts in other.statuses.items():
            self.statuses.setdefault(name, Counter()).update(counts)

    def to_json(self) -> dict[str, Any]:
        return {"cases": self.cases,
                "outputs": {name: dict(c) for name, c in sorted(self.statuses.items())}}


def cells(outcome: Outcome) -> list[str]:
    row = [outcome.case.name, outcome.as_of.isoformat()]
    for result in outcome.results.values():
        row.append(text_of(result.value, result.type) if result.status == "value"
                   else status_text(result.status))
    return row


def json_line(outcome: Outcome) -> str:
    out: dict[str, Any] = {}
    for name, result in outcome.results.items():
        entry: dict[str, Any] = {"status": result.status}
        if result.status == "value":
            entry["value"] = to_json(result.value, result.type)
        elif result.missing:
            entry["missing"] = list(result.missing)
        out[name] = entry
    return json.dumps({"case": outcome.case.name, "as_of": outcome.as_of.isoformat(),
                       "outputs": out}, ensure_ascii=False, sort_keys=False)


def evaluate_population(cases: Iterable[Case], kb: KnowledgeBase, outputs: list[str] | None,
                        law_as_of: date | None = None, reading: str | None = None,
                        progress: Callable[[int], None] | None = None) -> Iterator[Outcome]:
    names: list[str] | None = outputs
    for i, case in enumerate(cases, start=1):
        if names is None:
            names = outputs_in_force(kb, case.jurisdiction)
        yield evaluate(kb, case, case.as_of or date.today(), outputs=names,
                       law_as_of=law_as_of, reading=reading)
        if progress is not None:
            progress(i)


@dataclass
class Rows:
    """A slice of the table: its header, its rows (cells for CSV / Parquet, or JSON lines)
    and the status counts of its persons.  A slice can be computed anywhere (a Dask worker)
    and written by :func:`write_rows` in order, so that every run writes the same bytes."""

    header: list[str]
    cells: list[list[str]]
    lines: list[str]
    summary: PopulationSummary


def rows_of(outcomes: Iterable[Outcome], fmt: str) -> Rows:
    rows = Rows([], [], [], PopulationSummary())
    for outcome in outcomes:
        if not rows.header:
            rows.header = ["case", "as_of", *outcome.results]
        if fmt == "jsonl":
            rows.lines.append(json_line(outcome))
        else:
            rows.cells.append(cells(outcome))
        rows.summary.add(outcome)
    return rows


def chunked_rows(outcomes: Iterable[Outcome], fmt: str, size: int = 1000) -> Iterator[Rows]:
    batch: list[Outcome] = []
    for outcome in outcomes:
        batch.append(outcome)
        if len(batch) == size:
            yield rows_of(batch, fmt)
            batch = []
    if batch:
        yield rows_of(batch, fmt)


def write_table(outcomes: Iterable[Outcome], path: Path, fmt: str) -> PopulationSummary:
    """Write the outcomes to ``path`` (csv, jsonl or parquet); return the status counts."""
    return write_rows(chunked_rows(outcomes, fmt), path, fmt)


def write_rows(slices: Iterable[Rows], path: Path | None, fmt: str,
               stream: IO[str] | None = None) -> PopulationSummary:
    """Write slices in order to ``path`` (atomically) or to ``stream``."""
    summary = PopulationSummary()
    if fmt == "parquet":
        if path is None:
            raise LexluxError([error("LX702", "a Parquet table cannot be written on the "
                                     "terminal", hint="give --table PATH.parquet")])
        _write_parquet(slices, path, summary)
        return summary
    with (atomic_file(path, "w") if path is not None
          else contextlib.nullcontext(stream)) as handle:
        assert handle is not None
        writer = csv.writer(handle, lineterminator="\n")
        for rows in slices:
            if fmt == "csv":
                if summary.cases == 0 and rows.header:
                    writer.writerow(rows.header)
                writer.writerows(rows.cells)
            else:
                handle.writelines(line + "\n" for line in rows.lines)
            summary.merge(rows.summary)
    return summary


@contextlib.contextmanager
def atomic_file(path: Path, mode: str) -> Iterator[IO[Any]]:
    """A file written through a temporary file beside ``path`` and ``os.replace`` (rows are
    streamed, not held in memory; a reader never sees half a table)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        handle: IO[Any]
        with (os.fdopen(fd, mode, encoding="utf-8", newline="") if "b" not in mode
              else os.fdopen(fd, mode)) as handle:
            yield handle
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_parquet(slices: Iterable[Rows], path: Path, summary: PopulationSummary) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise LexluxError([error("LX702", "writing Parquet needs pyarrow, which is not "
                                 "installed", hint="pip install 'lexlux[parquet]', or write "
                                 "--table-format csv or jsonl")]) from None
    header: list[str] = []
    columns: list[list[str]] = []
    for rows in slices:
        if not header and rows.header:
            header = rows.header
            columns = [[] for _ in header]
        for row in rows.cells:
            for column, cell in zip(columns, row, strict=True):
                column.append(cell)
        summary.merge(rows.summary)
    table = pa.table(dict(zip(header, columns, strict=True)))
    with atomic_file(path, "wb") as handle:
        pq.write_table(table, handle)


def table_format(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower().lstrip(".")
    return {"csv": "csv", "jsonl": "jsonl", "json": "jsonl", "parquet": "parquet"}.get(
        suffix, "csv")
