"""``lexlux coverage``: what the knowledge base encodes of each instrument, and open questions."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..diagnostics import LexluxError
from ..pipeline import load_knowledge_base
from .coverage import coverage_documents, render_markdown, render_open_questions, render_text


def register(sub: Any) -> None:
    from ..cli import add_rules
    parser = sub.add_parser("coverage", help="which articles are encoded; open legal questions")
    parser.add_argument("--open-questions", action="store_true",
                        help="list the open legal questions")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    add_rules(parser)
    parser.set_defaults(handler=cmd_coverage)


def cmd_coverage(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    loaded = load_knowledge_base(args.rules)
    if not loaded.ok:
        raise LexluxError(loaded.diagnostics)
    if args.format == "json":
        stdout.write(json.dumps(coverage_documents(loaded), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        stdout.write(render_open_questions(loaded) if args.open_questions
                     else render_markdown(loaded))
    else:
        stdout.write(render_text(loaded, args.open_questions))
    return 0
