"""The contract every fuzzed input is held to.

* the command exits 0, 1 or 2 (3 is an internal error: a bug);
* no traceback and no LX900 in what it prints;
* every error is located: a diagnostic about a file has its file, line and column (line and
  column at least 1); one about an argument names the argument or its value;
* nothing is written outside the output the command line names;
* time and memory stay bounded (a generous per-input bound catches hangs and blow-ups).
"""

from __future__ import annotations

import functools
import io
import json
import re
import resource
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexlux.cli import run
from lexlux.diagnostics import CODES, Diagnostic, Severity
from lexlux.pipeline import LoadResult, load_knowledge_base

#: seconds one input may take: a hang or a blow-up shows; a busy machine (nice 19) does not
SECONDS_PER_INPUT = 120.0
#: growth of the process's peak memory over a whole fuzz test
MEGABYTES_PER_TEST = 1024

#: evaluation findings that are about an output or the case as a whole, not a place in a file
ABOUT_THE_CASE = {"LX401", "LX402", "LX403", "LX404", "LX406"}
_LOCATED_TEXT = re.compile(r"^\S.*:\d+:\d+: (error|warning|note)\[LX\d{3}\]")
_HEAD = re.compile(r"^(?:(\S.*):(\d+):(\d+): )?(error|warning|note)\[(LX\d{3})\]: (.*)$")


@functools.cache
def _load(paths: tuple[Path, ...] | None) -> LoadResult:
    return load_knowledge_base(list(paths) if paths else None)


def cached_load(paths: Sequence[Path] | None = None) -> LoadResult:
    """The rules under ``paths``, loaded once (the fuzz tests mutate other inputs)."""
    key = tuple(p.resolve() for p in paths) if paths else None
    if key is not None and not all(p.is_dir() for p in key):
        return load_knowledge_base(list(paths or ()))     # (a fuzzed path: load it for real)
    return _load(key)


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def run_cli(argv: Sequence[str], folder: Path, allowed: Iterable[Path] = ()) -> Outcome:
    """Run ``lexlux argv`` (in-process) and check the contract; ``folder`` is the working
    folder whose files must not change except for ``allowed`` outputs."""
    before = {p: p.stat().st_mtime_ns for p in files_under(folder) if p.is_file()}
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    code = run(list(argv), out, err)
    seconds = time.perf_counter() - started
    outcome = Outcome(code, out.getvalue(), err.getvalue(), seconds)
    text = outcome.out + outcome.err
    assert code in (0, 1, 2), f"exit {code} for {list(argv)!r}:\n{text[-3000:]}"
    assert "Traceback" not in text and "LX900" not in text, text[-3000:]
    assert seconds < SECONDS_PER_INPUT, f"{seconds:.1f} s for {list(argv)!r}"
    allowed_paths = {Path(p).resolve() for p in allowed}
    after = {p: p.stat().st_mtime_ns for p in files_under(folder) if p.is_file()}
    changed = {p for p in after if before.get(p) != after[p]} | (set(before) - set(after))
    stray = {p for p in changed if p.resolve() not in allowed_paths
             and not any(p.resolve().is_relative_to(a) for a in allowed_paths if a.is_dir()
                         or not a.suffix)}
    assert not stray, f"{list(argv)!r} wrote {sorted(map(str, stray))}"
    check_output_located(outcome, argv)
    return outcome


def check_output_located(outcome: Outcome, argv: Sequence[str]) -> None:
    """Every error diagnostic in the text or JSON output is located or names an argument."""
    text = outcome.out + outcome.err
    diagnostics: list[dict[str, Any]] = []
    stripped = outcome.out.strip()
    if stripped.startswith(("{", "[")):
        try:
            payload = json.loads(stripped)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            diagnostics = list(payload.get("diagnostics", []))
        elif isinstance(payload, list):
            diagnostics = [d for d in payload if isinstance(d, dict) and "code" in d]
    else:
        for line in text.split("\n"):
            match = _HEAD.match(line)
            if match:
                file, line_no, column, severity, code, message = match.groups()
                diagnostics.append({"code": code, "severity": severity, "file": file,
                                    "line": int(line_no) if line_no else None,
                                    "column": int(column) if column else None,
                                    "message": message})
    for d in diagnostics:
        assert d["code"] in CODES, d
        if d.get("severity") != "error":
            continue
        assert_located(d, argv)


def assert_located(d: dict[str, Any], argv: Sequence[str]) -> None:
    if d.get("file") is not None:
        assert (d.get("line") or 0) >= 1 and (d.get("column") or 0) >= 1, d
        return
    if d["code"] in ABOUT_THE_CASE:
        return
    message = str(d.get("message", "")) + " " + str(d.get("hint", ""))
    pieces = {piece for a in argv for piece in (a, *a.split("=", 1), a.split("\n", 1)[0])}
    named = [a for a in pieces if (a.strip() and a in message)
             or f": {Path(a)}" in message]     # (a path is shown as pathlib writes it)
    assert named or re.search(r"--[a-z]", message), \
        f"an error neither located nor naming an argument: {d}"


def check_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    """The in-process form of the contract: codes known, errors located in a file."""
    for d in diagnostics:
        assert d.code in CODES, d
        if d.severity is not Severity.ERROR or d.code in ABOUT_THE_CASE:
            continue
        assert d.span is not None and d.span.line >= 1 and d.span.column >= 1, d
