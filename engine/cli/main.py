"""The command line: ``lexlux check | schema | eval | verify | ...``.  No logic here.

Each command module of this package has ``register(subparsers)``; a command's handler is
``handler(args, stdout, stderr) -> int``.  The stages (load, compile, evaluate, verify, ...)
hold no argparse code.

Exit codes: 0 clean; 1 the rules (or the case) have errors, or a check found something;
2 usage error (argparse); 3 internal error (a bug in lexlux).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import traceback
from collections.abc import Sequence
from typing import Any, TextIO

from ..diagnostics import LexluxError, Severity, error, render_text
from ..limits import (
    ENVIRONMENT_VARIABLE,
    LimitSyntaxError,
    from_environment,
    parse_setting,
    using,
)
from ..output import emit_diagnostics
from .common import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE

#: the command modules of this package, in the order of ``lexlux --help``
COMMAND_MODULES = ("check", "eval", "needs", "verify", "audit", "solve", "whatif", "batch",
                   "report", "fmt", "scenario_test", "mutate", "serve", "lsp")

#: each command and the module that registers it (a test checks it against the modules), so
#: that a command imports its own module only; ``--help`` and unknown commands import all
COMMANDS = {"check": "check", "schema": "check", "eval": "eval", "needs": "needs",
            "verify": "verify", "diff": "verify", "graph": "verify", "audit": "audit",
            "solve": "solve", "whatif": "whatif", "batch": "batch", "coverage": "report",
            "impact": "report", "fmt": "fmt", "test": "scenario_test", "mutate": "mutate",
            "serve": "serve", "site": "serve", "mcp": "serve", "lsp": "lsp"}


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names before any other word (None: none, or ``--help``)."""
    words = iter(argv)
    for word in words:
        if word == "--limit":
            next(words, None)          # its value
        elif word in COMMANDS:
            return word
        elif not word.startswith("--limit=") and word not in ("--debug",):
            return None               # --help, --version, a typo: the whole parser
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv``, with only the subcommand it names (when it names one)."""

    parser = argparse.ArgumentParser(
        prog="lexlux", description="Luxembourg sickness and return-to-work law as code.",
        epilog="exit codes: 0 clean, 1 errors or findings, 2 usage error, 3 internal error")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an internal error")
    parser.add_argument("--version", action=_VersionAction,
                        help="print lexlux's version and the content hash of the bundled rules")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                        help="an input limit, e.g. max_list_items=500000 (repeatable; also "
                             "LEXLUX_LIMITS; see docs/limits.md)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = command_of(argv) if argv is not None else None
    for module in _command_modules(COMMANDS[command] if command else None):
        module.register(sub)
    if command is not None and command not in sub.choices:     # (a module not installed)
        for module in _command_modules():
            if module.__name__.rsplit(".", 1)[1] != COMMANDS[command]:
                module.register(sub)
    return parser


def version_text() -> str:
    """``lexlux X.Y.Z`` and the content hash of the bundled knowledge base."""
    from .. import __version__
    from ..load.content_hash import content_hash, rule_files
    from ..load.discover import bundled_root
    root = bundled_root("rules")
    return (f"lexlux {__version__}\nknowledge base {root.name}/: "
            f"{len(rule_files([root]))} files, sha256 {content_hash([root])}\n")


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        sys.stdout.write(version_text())
        parser.exit()


def _command_modules(only: str | None = None) -> list[Any]:
    import importlib
    found = []
    for name in COMMAND_MODULES if only is None else (only,):
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
        parser = build_parser(argv)
    except Exception as exc:  # a broken command module is a bug of lexlux, not of the user
        stderr.write(render_text(error("LX900", f"internal error in lexlux (please report): "
                                       f"{type(exc).__name__}: {exc}")) + "\n")
        return EXIT_INTERNAL
    if any("\0" in a for a in argv):   # (no shell passes one; a program calling run() can)
        stderr.write("lexlux: error: an argument contains a NUL character\n")
        return EXIT_USAGE
    dashes = [a for a in argv if a.startswith("-") and a.endswith("=--")]
    if dashes:   # argparse drops a value '--' and passes an empty list (a usage error here)
        stderr.write(f"lexlux: error: {dashes[0]}: '--' is not a value for this option\n")
        return EXIT_USAGE
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        limits = from_environment()
        for setting in args.limit:
            limits = parse_setting(setting, limits)
    except LimitSyntaxError as exc:
        stderr.write(f"lexlux: error: --limit / {ENVIRONMENT_VARIABLE}: {exc}\n")
        return EXIT_USAGE
    try:
        with using(limits):
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
        if isinstance(exc, OSError) and exc.filename is not None:
            # a path given on the command line that the system refuses (e.g. too long)
            fmt = getattr(args, "format", "text")
            problem = error("LX104", f"{exc.filename}: {exc.strerror or 'cannot be read'}",
                            hint="check the path given on the command line")
            emit_diagnostics([problem], fmt if fmt in ("text", "json") else "text", stdout,
                             {}, {})
            return EXIT_FINDINGS
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
