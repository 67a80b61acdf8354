"""Format files: find them, compute their canonical layout, report or write (atomically)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, Span, error
from ..load.discover import display_path
from ..output import write_atomically
from .formatter import FormatError, format_text

_SKIPPED_DIRS = {"node_modules", "__pycache__", "venv"}


@dataclass
class FormatReport:
    checked: list[str] = field(default_factory=list)      # display paths, in order
    changed: list[str] = field(default_factory=list)      # those not in canonical layout
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: dict[str, list[str]] = field(default_factory=dict)


def yaml_files(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Every ``*.yaml`` under ``paths`` (hidden folders and virtual environments skipped)."""
    found: dict[Path, None] = {}
    problems: list[Diagnostic] = []
    for given in paths:
        if given.is_file():
            found[given] = None
        elif given.is_dir():
            for file in sorted(given.rglob("*.yaml")):
                parts = file.relative_to(given).parts[:-1]
                if file.is_file() and not any(p.startswith(".") or p in _SKIPPED_DIRS
                                              for p in parts):
                    found[file] = None
        else:
            problems.append(error("LX104", f"no such file or directory: {given}",
                                  Span(str(given), 1, 1, 1, 1)))
    return list(found), problems


def format_paths(paths: Iterable[Path], *, write: bool) -> FormatReport:
    """Format every file under ``paths``; with ``write``, rewrite those that change."""
    report = FormatReport()
    files, report.diagnostics = yaml_files(paths)
    for file in files:
        shown = display_path(file)
        report.checked.append(shown)
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            report.diagnostics.append(error("LX601", f"this file cannot be read as UTF-8 text: "
                                            f"{exc}", Span(shown, 1, 1, 1, 1),
                                            hint="save the file as UTF-8"))
            continue
        try:
            result = format_text(text, file)
        except FormatError as exc:
            report.diagnostics.append(error(
                "LX601", f"this file cannot be formatted: {exc.message}",
                Span(shown, exc.line, exc.column, exc.line, exc.column + 1),
                hint="correct the YAML first (lexlux check shows every problem)"))
            report.lines[shown] = text.splitlines()
            continue
        if not result.changed:
            continue
        report.changed.append(shown)
        if write:
            write_atomically(file, result.text)
        else:
            before, after = text.splitlines(), result.text.splitlines()
            line = next((i for i, (a, b) in enumerate(zip(before, after, strict=False))
                         if a != b), min(len(before), len(after)))
            report.lines[shown] = before
            expected = after[line] if line < len(after) else "(the end of the file)"
            report.diagnostics.append(error(
                "LX600", "this file is not in the canonical layout",
                Span(shown, line + 1, 1, line + 1, 2),
                expected=expected.strip() or "(an empty line)",
                hint=f"run: lexlux fmt {shown}"))
    return report
