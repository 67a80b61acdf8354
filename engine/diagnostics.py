"""Diagnostics: what every stage reports to the drafter (leaf module).

Every stage returns its output together with a list of :class:`Diagnostic`; nothing
raises on the first problem.  A diagnostic knows *where* (a :class:`Span`: file, line,
column and YAML path), *what* happened, what was *expected* and a *hint*.  The codes
are stable and each has a page in ``docs/diagnostics/``.

Code ranges: ``LX1xx`` load, ``LX2xx`` schema, ``LX3xx`` compile, ``LX4xx`` evaluate,
``LX5xx`` verify, ``LX6xx`` tools (fmt, test), ``LX7xx`` populations (batch), ``LX8xx`` the
workbench (serve, site), ``LX9xx`` internal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file. Lines and columns are 1-based."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    yaml_path: str = "$"

    def shifted(self, offset: int, length: int) -> Span:
        """The span of ``length`` characters starting ``offset`` characters in (same line)."""
        column = self.column + offset
        return Span(self.file, self.line, column, self.line, column + max(length, 1),
                    self.yaml_path)

    def with_path(self, yaml_path: str) -> Span:
        return Span(self.file, self.line, self.column, self.end_line, self.end_column, yaml_path)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


#: Every diagnostic code with a one-line summary.  The summary is the title of the
#: code's documentation page; a test checks that each code has a page and a fixture.
CODES: dict[str, str] = {
    "LX101": "the file is not valid YAML",
    "LX102": "a key appears twice in the same mapping",
    "LX103": "a YAML feature that lexlux does not accept (tags, anchors, merge keys)",
    "LX104": "the file cannot be read",
    "LX105": "a file larger than the input limit",
    "LX106": "a number with more digits than the input limit",
    "LX107": "values nested more deeply than the input limit",
    "LX108": "a list with more items than the input limit",
    "LX109": "a symbolic link that leads out of the rules folder",
    "LX110": "an output file cannot be written",
    "LX111": "a row of a CSV table that does not fit its header",
    "LX112": "not a revision of the repository (lexlux impact)",
    "LX113": "an equivalent-mutant entry that matches no surviving mutant (stale)",
    "LX114": "a mutant listed as equivalent is killed by a scenario",
    "LX201": "a key that this kind of file does not have (often a misspelling)",
    "LX202": "a required key is missing",
    "LX203": "a value has the wrong type",
    "LX204": "a value is not a valid date",
    "LX205": "a value is not one of the allowed values or has the wrong form",
    "LX206": "a value breaks another constraint of the schema",
    "LX301": "a name that is not declared in the vocabulary",
    "LX302": "a parameter that is not defined",
    "LX303": "an expression that cannot be parsed",
    "LX304": "an expression has the wrong type",
    "LX305": "the rule id does not match the file's place under rules/",
    "LX306": "the same id or name is defined twice",
    "LX307": "the versions of a rule are out of order or overlap",
    "LX308": "a rule declared continuous has a period with no version in force",
    "LX309": "a parameter has no value on a date when a rule version that uses it is in force",
    "LX310": "a reference to a rule that does not exist",
    "LX311": "rules that depend on each other in a circle",
    "LX312": "a version comes into force before its amending act without a retroactivity clause",
    "LX313": "an output that no rule concludes",
    "LX314": "a case or query file that does not fit the vocabulary",
    "LX315": "a reform that changes a rule or parameter the knowledge base does not have",
    "LX316": "a quoted excerpt does not stand at the source lines it cites",
    "LX317": "a cited source file is not in the sources folder, or the lines are outside it",
    "LX318": "a coverage row names a rule that does not exist",
    "LX319": "an exception_to names a rule that concludes none of the same outputs",
    "LX320": "a fact of the vocabulary that no rule reads",
    "LX321": "a parameter that no rule uses",
    "LX322": "given() of a fact that every case reaching it must give (it is never false)",
    "LX323": "a disapplication names a rule that does not exist, or the rule itself",
    "LX324": "a version that inherits from no previous version",
    "LX325": "an open question names an output or a rule version none of its rules has",
    "LX360": "an event type declared in the vocabulary is inconsistent",
    "LX361": "a derivation rule that does not fit its facts or events",
    "LX336": "an invariant file that is inconsistent (e.g. a range that ends before it starts)",
    "LX337": "a parameter value that is not the number its cited excerpt states",
    "LX338": "a count in one unit (weeks, months) used where another (days) is expected",
    "LX339": "a case that breaks a plausibility assumption (it cannot happen)",
    "LX401": "a fact the case does not give, needed to answer",
    "LX402": "two applicable provisions give different answers (conflict)",
    "LX403": "a value cannot be computed (e.g. the Nth day does not exist)",
    "LX404": "an unknown output was asked for",
    "LX405": "the incapacity periods of a case are inconsistent",
    "LX440": "an event of a case that does not fit its type",
    "LX441": "events of a case that contradict each other",
    "LX442": "events that give different values for a fact that has one",
    "LX443": "a parameter value given by a case that lexlux cannot use",
    "LX444": "a fact the events do not settle, because the sources leave it open",
    "LX406": "an unknown reading was asked for",
    "LX501": "two provisions give different answers for the same case (verify)",
    "LX502": "a lower-authority provision departs from the higher-authority one (verify)",
    "LX503": "two readings of a provision give different answers (verify)",
    "LX504": "a rule version that can never apply (verify)",
    "LX505": "a period in which no provision concluding an output is in force (verify)",
    "LX506": "an output declared total that some case leaves without value (verify)",
    "LX507": "the law of two dates gives different results (lexlux diff)",
    "LX508": "an exception_to that can never take effect (verify)",
    "LX511": "an invariant that does not hold for some case and date (verify)",
    "LX512": "an invariant the verifier cannot encode (note, verify)",
    "LX510": "the solver could not decide a check (UNKNOWN, verify)",
    "LX520": "an output the verifier cannot encode (verify)",
    "LX521": "a timeline output, not verified (declared abstraction, verify)",
    "LX522": "a timeline output verified only within bounded frames (note, verify)",
    "LX530": "an accepted finding that is no longer found (verify)",
    "LX800": "a request to the workbench is larger than the server accepts (serve)",
    "LX801": "no rule or parameter of that id (serve)",
    "LX802": "the workbench's optional dependencies are not installed (serve, site)",
    "LX803": "the static site cannot be written (site)",
    "LX804": "too many jobs are queued or running on the workbench (serve)",
    "LX805": "no job of that id on the workbench (serve)",
    "LX600": "a file is not in the canonical layout (lexlux fmt --check)",
    "LX601": "a file cannot be formatted (it is not valid YAML or not UTF-8)",
    "LX610": "a scenario's expectations are not met (lexlux test)",
    "LX611": "a scenario file cannot be read (lexlux test)",
    "LX700": "a population file does not fit its schema (or an empty window)",
    "LX701": "a population file does not fit the vocabulary",
    "LX702": "a Parquet table needs the optional extra lexlux[parquet] (pyarrow)",
    "LX703": "--dask or --scheduler needs the optional extra lexlux[dask] (dask.distributed)",
    "LX704": "--backend vector needs the optional extra lexlux[vector] (numpy)",
    "LX900": "internal error in lexlux",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    expected: str | None = None
    hint: str | None = None
    related: tuple[tuple[str, Span], ...] = field(default_factory=tuple)

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is None:
            return ("", 0, 0, self.code)
        return (self.span.file, self.span.line, self.span.column, self.code)

    def to_json(self) -> dict[str, Any]:
        span = self.span
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": span.file if span else None,
            "line": span.line if span else None,
            "column": span.column if span else None,
            "end_line": span.end_line if span else None,
            "end_column": span.end_column if span else None,
            "yaml_path": span.yaml_path if span else None,
            "expected": self.expected,
            "hint": self.hint,
            "related": [
                {"message": msg, "file": s.file, "line": s.line, "column": s.column,
                 "yaml_path": s.yaml_path}
                for msg, s in self.related
            ],
            "docs": f"docs/diagnostics/{self.code}.md",
        }


def error(code: str, message: str, span: Span | None = None, *, expected: str | None = None,
          hint: str | None = None, related: Iterable[tuple[str, Span]] = ()) -> Diagnostic:
    """Build an error diagnostic (the code must be declared in :data:`CODES`)."""
    assert code in CODES, code
    return Diagnostic(code, Severity.ERROR, message, span, expected, hint, tuple(related))


def warning(code: str, message: str, span: Span | None = None, *, expected: str | None = None,
            hint: str | None = None, related: Iterable[tuple[str, Span]] = ()) -> Diagnostic:
    assert code in CODES, code
    return Diagnostic(code, Severity.WARNING, message, span, expected, hint, tuple(related))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


class LexluxError(Exception):
    """Carries diagnostics to the CLI boundary, where they are rendered without a traceback."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def _excerpt(span: Span, lines: list[str]) -> list[str]:
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].rstrip("\n")
    rest = len(text) - span.column + 1
    width = (span.end_column - span.column) if span.end_line == span.line else rest
    width = max(1, min(width, max(1, len(text) - span.column + 1)))
    gutter = f"{span.line:>5} | "
    return [gutter + text, " " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * width]


def render_text(diagnostic: Diagnostic, source_lines: dict[str, list[str]] | None = None) -> str:
    """GNU-style rendering: ``file:line:col: error[CODE]: message`` then context lines."""
    d = diagnostic
    head = f"{d.severity.value}[{d.code}]: {d.message}"
    out = [f"{d.span}: {head}" if d.span else head]
    if d.span is not None:
        if d.span.yaml_path and d.span.yaml_path != "$":
            out.append(f"  at {d.span.yaml_path}")
        lines = (source_lines or {}).get(d.span.file)
        if lines:
            out.extend(_excerpt(d.span, lines))
    for message, span in d.related:
        out.append(f"  {span}: {message}")
    if d.expected:
        out.append(f"  expected: {d.expected}")
    if d.hint:
        out.append(f"  hint: {d.hint}")
    out.append(f"  docs: docs/diagnostics/{d.code}.md")
    return "\n".join(out)


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False)


def summary_line(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
