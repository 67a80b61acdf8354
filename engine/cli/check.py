"""``lexlux check`` (load, validate, compile the rules) and ``lexlux schema`` (for editors)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import summary_line
from ..output import emit_diagnostics
from ..pipeline import load_knowledge_base
from .common import EXIT_FINDINGS, EXIT_OK, add_format


def cmd_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    result = load_knowledge_base(args.paths or None)
    elapsed = time.perf_counter() - started
    kb = result.kb
    counts = {"files": len(result.files), "rules": len(kb.rules),
              "versions": sum(len(r.versions) for r in kb.rules.values()),
              "parameters": len(kb.parameters), "seconds": round(elapsed, 3)}
    emit_diagnostics(result.diagnostics, args.format, stdout,
                     result.source_lines() if result.diagnostics else {},
                     {"summary": counts})
    if args.format == "text":
        status = "ok" if result.ok else "failed"
        stdout.write(f"lexlux check: {status}: {counts['files']} files, {counts['rules']} rules "
                     f"({counts['versions']} versions), {counts['parameters']} parameters; "
                     f"{summary_line(result.diagnostics)} ({elapsed:.2f} s)\n")
    return EXIT_OK if result.ok else EXIT_FINDINGS


def cmd_schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..validate.schemas import all_schemas
    name = "defs/common.schema.json" if args.kind == "common" else f"{args.kind}.schema.json"
    stdout.write(json.dumps(all_schemas()[name], indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def register(sub: Any) -> None:
    check = sub.add_parser("check", help="load, validate and compile rules; report every problem")
    check.add_argument("paths", nargs="*", type=Path,
                       help="rule files or folders (default: the bundled rules)")
    add_format(check)
    check.set_defaults(handler=cmd_check)
    schema = sub.add_parser("schema", help="print the JSON Schema of a file kind (for editors)")
    schema.add_argument("kind", choices=("rule", "parameters", "vocabulary", "case", "query",
                                         "coverage", "eval-output", "reform", "population",
                                         "common"))
    schema.set_defaults(handler=cmd_schema)


