"""The command line: ``lexlux check | schema | ...``.  No logic here: it calls the pipeline.

Exit codes: 0 clean; 1 the rules (or the case) have errors, or a check found something;
2 usage error (argparse); 3 internal error (a bug in lexlux).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .diagnostics import (
    Diagnostic,
    LexluxError,
    Severity,
    error,
    render_json,
    render_text,
    summary_line,
)
from .pipeline import load_knowledge_base

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, stderr: TextIO, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stderr = stderr

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            (self._stderr if file is sys.stderr else self._out).write(message)

    _out: TextIO = sys.stdout


def build_parser(stdout: TextIO, stderr: TextIO) -> argparse.ArgumentParser:
    parser = _Parser(prog="lexlux", stderr=stderr,
                     description="Luxembourg sickness and return-to-work law as code.")
    parser._out = stdout
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", stderr=stderr,
                           help="load, validate and compile rules; report every problem")
    check._out = stdout
    check.add_argument("paths", nargs="*", type=Path,
                       help="rule files or folders (default: the bundled rules)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help=argparse.SUPPRESS)

    schema = sub.add_parser("schema", stderr=stderr,
                            help="print the JSON Schema of a file kind (for editors)")
    schema._out = stdout
    schema.add_argument("kind", choices=("rule", "parameters", "vocabulary", "case", "query",
                                         "common"))
    schema.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help=argparse.SUPPRESS)
    return parser


def _emit(diagnostics: list[Diagnostic], fmt: str, stdout: TextIO,
          lines: dict[str, list[str]], extra: dict[str, object]) -> None:
    if fmt == "json":
        payload = {"diagnostics": json.loads(render_json(diagnostics)), **extra}
        stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    for d in diagnostics:
        stdout.write(render_text(d, lines) + "\n")


def cmd_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    result = load_knowledge_base(args.paths or None)
    elapsed = time.perf_counter() - started
    kb = result.kb
    counts = {"files": len(result.files), "rules": len(kb.rules),
              "versions": sum(len(r.versions) for r in kb.rules.values()),
              "parameters": len(kb.parameters), "seconds": round(elapsed, 3)}
    _emit(result.diagnostics, args.format, stdout, result.source_lines(), {"summary": counts})
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


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "check": cmd_check,
    "schema": cmd_schema,
}


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line with ``argv``; return the exit code."""
    parser = build_parser(stdout, stderr)
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        return COMMANDS[args.command](args, stdout, stderr)
    except LexluxError as exc:
        fmt = getattr(args, "format", "text")
        _emit(exc.diagnostics, fmt if fmt in ("text", "json") else "text", stdout, {}, {})
        return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in exc.diagnostics) \
            else EXIT_OK
    except Exception as exc:
        diagnostic = error("LX900", f"internal error in lexlux (please report): "
                           f"{type(exc).__name__}: {exc}",
                           hint="run again with --debug to see the traceback")
        stderr.write(render_text(diagnostic) + "\n")
        if getattr(args, "debug", False):
            stderr.write(traceback.format_exc())
        return EXIT_INTERNAL


def main() -> None:
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))
