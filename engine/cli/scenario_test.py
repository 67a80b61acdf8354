"""``lexlux test``: run YAML scenario files (tests/law) without pytest."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import has_errors
from ..output import emit_diagnostics
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_format, add_rules, load_baseline


def cmd_test(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..report.scenario_run import run_scenario_files
    started = time.perf_counter()
    paths = args.paths or [Path("tests") / "law"]
    loaded = load_baseline(args.rules)
    run = run_scenario_files(paths, loaded.kb, args.filters or ())
    elapsed = time.perf_counter() - started
    summary = {"passed": run.count("passed"), "failed": run.count("failed"),
               "files": run.files, "scenarios": len(run.results),
               "seconds": round(elapsed, 3)}
    lines = run.lines
    if args.format == "json":
        emit_diagnostics(run.diagnostics, "json", stdout, lines, {
            "summary": summary,
            "scenarios": [{"file": r.file, "line": r.line, "name": r.name, "status": r.status,
                           "failures": r.failures} for r in run.results]})
    else:
        if args.verbose:
            for result in run.results:
                stdout.write(f"{result.file}:{result.line}: {result.status} {result.name}\n")
        emit_diagnostics(run.diagnostics, "text", stdout, lines, {})
        stdout.write(f"lexlux test: {summary['passed']} passed, {summary['failed']} failed "
                     f"({summary['scenarios']} scenarios in {summary['files']} files, "
                     f"{elapsed:.2f} s)\n")
    if not run.results and not has_errors(run.diagnostics):
        stderr.write("lexlux test: no scenario matches" + (
            " -k " + " -k ".join(args.filters) if args.filters else "") + "\n")
        return EXIT_USAGE
    return EXIT_FINDINGS if has_errors(run.diagnostics) else EXIT_OK


def register(sub: Any) -> None:
    test = sub.add_parser("test", help="run YAML scenario files (tests/law) without pytest")
    test.add_argument("paths", nargs="*", type=Path,
                      help="scenario files or folders (default: tests/law)")
    test.add_argument("-k", dest="filters", action="append", metavar="TEXT",
                      help="only the scenarios whose file or name contains TEXT (repeatable: "
                           "any of them)")
    test.add_argument("-v", "--verbose", action="store_true",
                      help="list every scenario with its result")
    add_rules(test)
    add_format(test)
    test.set_defaults(handler=cmd_test)
