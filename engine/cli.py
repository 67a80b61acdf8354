"""The command line: ``lexlux check | schema | eval | verify | ...``.  No logic here.

Each stage package that offers commands has a ``commands`` module with
``register(subparsers)``; a command's handler is ``handler(args, stdout, stderr) -> int``.

Exit codes: 0 clean; 1 the rules (or the case) have errors, or a check found something;
2 usage error (argparse); 3 internal error (a bug in lexlux).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .diagnostics import LexluxError, Severity, error, render_text, summary_line
from .output import emit_diagnostics
from .pipeline import load_knowledge_base

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (default), json for programs")


def add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, action="append", metavar="DIR",
                        help="rules folder to use instead of the bundled rules (repeatable)")


def cmd_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    result = load_knowledge_base(args.paths or None)
    elapsed = time.perf_counter() - started
    kb = result.kb
    counts = {"files": len(result.files), "rules": len(kb.rules),
              "versions": sum(len(r.versions) for r in kb.rules.values()),
              "parameters": len(kb.parameters), "seconds": round(elapsed, 3)}
    emit_diagnostics(result.diagnostics, args.format, stdout, result.source_lines(),
                     {"summary": counts})
    if args.format == "text":
        status = "ok" if result.ok else "failed"
        stdout.write(f"lexlux check: {status}: {counts['files']} files, {counts['rules']} rules "
                     f"({counts['versions']} versions), {counts['parameters']} parameters; "
                     f"{summary_line(result.diagnostics)} ({elapsed:.2f} s)\n")
    return EXIT_OK if result.ok else EXIT_FINDINGS


def cmd_schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .validate.schemas import all_schemas
    name = "defs/common.schema.json" if args.kind == "common" else f"{args.kind}.schema.json"
    stdout.write(json.dumps(all_schemas()[name], indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _register_core(sub: Any) -> None:
    check = sub.add_parser("check", help="load, validate and compile rules; report every problem")
    check.add_argument("paths", nargs="*", type=Path,
                       help="rule files or folders (default: the bundled rules)")
    add_format(check)
    check.set_defaults(handler=cmd_check)
    schema = sub.add_parser("schema", help="print the JSON Schema of a file kind (for editors)")
    schema.add_argument("kind", choices=("rule", "parameters", "vocabulary", "case", "query",
                                         "coverage", "eval-output", "reform", "common"))
    schema.set_defaults(handler=cmd_schema)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lexlux", description="Luxembourg sickness and return-to-work law as code.",
        epilog="exit codes: 0 clean, 1 errors or findings, 2 usage error, 3 internal error")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _register_core(sub)
    for module in _command_modules():
        module.register(sub)
    return parser


def _command_modules() -> list[Any]:
    import importlib
    found = []
    for name in ("evaluate.commands", "verify.commands", "verify.solve_commands",
                 "whatif.commands", "report.commands"):
        try:
            found.append(importlib.import_module(f"{__package__}.{name}"))
        except ModuleNotFoundError as exc:
            full = f"{__package__}.{name}"
            if exc.name is None or not full.startswith(exc.name):
                raise   # a missing dependency inside the module is a real error
    return found


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line with ``argv``; return the exit code."""
    try:
        parser = build_parser()
    except Exception as exc:  # a broken command module is a bug of lexlux, not of the user
        stderr.write(render_text(error("LX900", f"internal error in lexlux (please report): "
                                       f"{type(exc).__name__}: {exc}")) + "\n")
        return EXIT_INTERNAL
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        code: int = args.handler(args, stdout, stderr)
        return code
    except BrokenPipeError:
        raise   # the reader went away (e.g. `| head`): main() exits quietly
    except LexluxError as exc:
        fmt = getattr(args, "format", "text")
        emit_diagnostics(exc.diagnostics, fmt if fmt in ("text", "json") else "text", stdout,
                         {}, {})
        return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in exc.diagnostics) \
            else EXIT_OK
    except Exception as exc:  # the one place that turns bugs into LX900
        diagnostic = error("LX900", f"internal error in lexlux (please report): "
                           f"{type(exc).__name__}: {exc}",
                           hint="run again with --debug to see the traceback")
        stderr.write(render_text(diagnostic) + "\n")
        if args.debug:
            stderr.write(traceback.format_exc())
        return EXIT_INTERNAL


def main() -> None:
    try:
        code = run(sys.argv[1:], sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
