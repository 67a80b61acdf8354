"""``lexlux fmt``: write rule, vocabulary, parameter, case, query, reform, coverage and
scenario files in their canonical layout (``--check``: only say which are not)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import has_errors
from ..output import emit_diagnostics
from .common import EXIT_FINDINGS, EXIT_OK, add_format


def cmd_fmt(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..fmt.run import format_paths
    paths = args.paths or [Path()]
    report = format_paths(paths, write=not args.check)
    summary = {"files": len(report.checked), "changed": len(report.changed),
               "check": args.check}
    if args.format == "json":
        emit_diagnostics(report.diagnostics, "json", stdout, report.lines,
                         {"summary": summary, "changed": report.changed})
    else:
        if not args.check:
            for shown in report.changed:
                stdout.write(f"reformatted {shown}\n")
        emit_diagnostics(report.diagnostics, "text", stdout, report.lines, {})
        verb = "not in the canonical layout" if args.check else "reformatted"
        stdout.write(f"lexlux fmt: {len(report.changed)} of {len(report.checked)} files "
                     f"{verb}\n")
    return EXIT_FINDINGS if has_errors(report.diagnostics) else EXIT_OK


def register(sub: Any) -> None:
    fmt = sub.add_parser("fmt", help="write YAML files in their canonical layout "
                         "(comments kept)")
    fmt.add_argument("paths", nargs="*", type=Path,
                     help="files or folders (default: the current folder)")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if a file is not in the canonical layout")
    add_format(fmt)
    fmt.set_defaults(handler=cmd_fmt)
