"""``lexlux check`` (load, validate, compile the rules) and ``lexlux schema`` (for editors)."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import Diagnostic, has_errors, summary_line
from ..output import emit_diagnostics
from ..pipeline import load_knowledge_base
from ..validate.excerpts import ENVIRONMENT_VARIABLE, check_excerpts, find_sources
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_format


def cmd_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    setting = find_sources(args.sources)
    if args.sources is not None and not args.sources.is_dir():
        stderr.write(f"lexlux check: --sources {args.sources}: no such folder\n")
        return EXIT_USAGE
    result = load_knowledge_base(args.paths or None)
    diagnostics = list(result.diagnostics)
    if setting.folder is not None and setting.folder.is_dir():
        excerpts = check_excerpts(result.documents, setting.folder)
        diagnostics = sorted(diagnostics + excerpts.diagnostics, key=Diagnostic.sort_key)
        note = f"{excerpts.checked} excerpts checked against {os.path.normpath(setting.folder)}"
    elif setting.folder is not None:
        folder = os.path.normpath(setting.folder)
        note = (f"excerpts not checked: the sources folder {folder} (from {setting.origin}) "
                "does not exist")
    else:
        note = ("excerpts not checked: no sources folder (give --sources DIR, set "
                f"{ENVIRONMENT_VARIABLE}, or sources = in [tool.lexlux] of pyproject.toml)")
    ok = not has_errors(diagnostics)
    elapsed = time.perf_counter() - started
    kb = result.kb
    counts = {"files": len(result.files), "rules": len(kb.rules),
              "versions": sum(len(r.versions) for r in kb.rules.values()),
              "parameters": len(kb.parameters), "seconds": round(elapsed, 3),
              "excerpts": note}
    emit_diagnostics(diagnostics, args.format, stdout, result.source_lines(),
                     {"summary": counts})
    if args.format == "text":
        status = "ok" if ok else "failed"
        stdout.write(f"lexlux check: {status}: {counts['files']} files, {counts['rules']} rules "
                     f"({counts['versions']} versions), {counts['parameters']} parameters; "
                     f"{summary_line(diagnostics)} ({elapsed:.2f} s); {note}\n")
    return EXIT_OK if ok else EXIT_FINDINGS


def cmd_schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..validate.bundle import bundled_schema, write_bundle
    if args.bundle is not None:
        if args.kind is not None:
            stderr.write("lexlux schema: give a KIND or --bundle DIR, not both\n")
            return EXIT_USAGE
        written = write_bundle(args.bundle)
        if args.format == "json":
            stdout.write(json.dumps({"written": [str(p) for p in written]}, indent=2) + "\n")
        else:
            stdout.write(f"lexlux schema: wrote {len(written)} self-contained schemas to "
                         f"{args.bundle}\n")
        return EXIT_OK
    if args.kind is None:
        stderr.write("lexlux schema: give a KIND (e.g. rule) or --bundle DIR\n")
        return EXIT_USAGE
    name = f"defs/{args.kind}.schema.json" if args.kind in ("common", "events") \
        else f"{args.kind}.schema.json"
    stdout.write(json.dumps(bundled_schema(name), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def register(sub: Any) -> None:
    check = sub.add_parser("check", help="load, validate and compile rules; report every problem")
    check.add_argument("paths", nargs="*", type=Path,
                       help="rule files or folders (default: the bundled rules)")
    check.add_argument("--sources", type=Path, metavar="DIR",
                       help="check every quoted excerpt against the source files in DIR "
                            f"(default: ${ENVIRONMENT_VARIABLE}, or sources = under "
                            "[tool.lexlux] in pyproject.toml)")
    add_format(check)
    check.set_defaults(handler=cmd_check)
    schema = sub.add_parser("schema", help="print the JSON Schema of a file kind (for editors), "
                            "self-contained; --bundle DIR writes every kind's")
    schema.add_argument("--bundle", type=Path, metavar="DIR",
                        help="write one self-contained schema per file kind into DIR "
                             "(atomically), for editors and check-jsonschema")
    add_format(schema)
    schema.add_argument("kind", nargs="?", choices=("rule", "parameters", "vocabulary", "case",
                                                    "query", "coverage", "eval-output", "reform",
                                                    "common", "derivation", "events",
                                                    "invariants", "population"))
    schema.set_defaults(handler=cmd_schema)


