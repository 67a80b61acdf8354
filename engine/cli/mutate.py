"""``lexlux mutate``: the legal mutation score of the scenario suite (engine/report/mutate.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import LexluxError, error


def register(sub: Any) -> None:
    from .common import add_format, add_rules
    parser = sub.add_parser("mutate", help="the legal mutation score: how many one-step changes "
                                           "of the law the scenarios notice")
    parser.add_argument("--law", type=Path, default=Path("tests") / "law", metavar="DIR",
                        help="the scenario files (default: tests/law)")
    parser.add_argument("--only", metavar="TEXT",
                        help="only mutate the rule and parameter files whose path contains TEXT")
    parser.add_argument("--min-score", type=float, metavar="FRACTION",
                        help="exit 1 when the score is below this (e.g. 0.95)")
    parser.add_argument("--equivalent", type=Path, metavar="DIR",
                        help="the files listing equivalent mutants, each with its reason "
                             "(default: mutation/equivalent, when present); such mutants are "
                             "not scored")
    add_format(parser)
    add_rules(parser)
    parser.set_defaults(handler=cmd_mutate)


def cmd_mutate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..diagnostics import Severity, render_text
    from ..report.equivalent import apply_equivalences, default_folder, load_folder
    from ..report.mutate import MutantResult, run_mutation
    from .common import load_baseline
    if not args.law.is_dir():
        raise LexluxError([error("LX104", f"--law {args.law}: no such folder of scenarios",
                                 hint="run from the repository root, or give --law DIR")])
    folder = args.equivalent if args.equivalent is not None else default_folder()
    entries = load_folder(folder) if folder is not None else []
    loaded = load_baseline(args.rules)
    show = stderr is sys.stderr and args.format == "text"

    def progress(number: int, total: int, result: MutantResult) -> None:
        if show and (number % 25 == 0 or number == total):
            stderr.write(f"\rlexlux mutate: {number}/{total} mutants")
            stderr.flush()

    report, failing = run_mutation(loaded, args.law, only=args.only, progress=progress)
    if show:
        stderr.write("\n")
    problems = apply_equivalences(report, entries)
    failed = (args.min_score is not None and report.score < args.min_score) or any(
        p.severity is Severity.ERROR for p in problems)
    if args.format == "json":
        stdout.write(json.dumps({**report.to_json(), "failing_scenarios": failing,
                                 "diagnostics": [p.to_json() for p in problems]}, indent=2,
                                ensure_ascii=False) + "\n")
        return 1 if failed else 0
    stdout.write(f"{len(report.results)} mutants: {report.count('killed')} killed, "
                 f"{report.count('survived')} survived, {report.count('rejected')} rejected by "
                 f"the compiler, {report.count('equivalent')} equivalent (not scored); "
                 f"{report.scenarios} scenarios\n")
    stdout.write(f"mutation score: {report.score:.1%} (killed / (killed + survived))\n")
    for kind, counts in report.to_json()["by_kind"].items():
        stdout.write(f"  {kind}: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + "\n")
    for problem in failing:
        stdout.write(f"scenario failing on the law itself (cannot kill): {problem}\n")
    for result in report.results:
        if result.status == "survived":
            stdout.write(f"survived: {result.mutant.label}\n")
    for result in report.results:
        if result.status == "equivalent":
            stdout.write(f"equivalent: {result.mutant.label}\n  because: {result.reason}\n")
    for diagnostic in problems:
        stdout.write(render_text(diagnostic) + "\n")
    return 1 if failed else 0
