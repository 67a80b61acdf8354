"""``lexlux coverage``: what the knowledge base encodes of each instrument, and open questions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import LexluxError
from ..pipeline import load_knowledge_base


def register(sub: Any) -> None:
    from .common import add_rules
    parser = sub.add_parser("coverage", help="which articles are encoded; open legal questions")
    parser.add_argument("--open-questions", action="store_true",
                        help="list the open legal questions")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    add_rules(parser)
    parser.set_defaults(handler=cmd_coverage)

    impact = sub.add_parser("impact", help="what an amendment changes: rules, scenario "
                                           "results, audit findings")
    impact.add_argument("--base", metavar="REV", help="git revision before the amendment")
    impact.add_argument("--head", metavar="REV", help="git revision after it")
    impact.add_argument("--base-rules", type=Path, metavar="DIR",
                        help="rules folder before (instead of --base)")
    impact.add_argument("--head-rules", type=Path, metavar="DIR",
                        help="rules folder after (instead of --head)")
    impact.add_argument("--repo", type=Path, default=Path(), help="the git repository")
    impact.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    impact.add_argument("--report", type=Path, metavar="FILE.md",
                        help="also write the Markdown report to this file (atomically)")
    impact.set_defaults(handler=cmd_impact)


def cmd_impact(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..diagnostics import error
    from ..output import emit_diagnostics, write_atomically
    from ..report.impact import impact_of, render_markdown
    from ..report.impact import render_text as render_impact_text
    if (args.base is None) == (args.base_rules is None) or \
            (args.head is None) == (args.head_rules is None):
        raise LexluxError([error("LX104", "give the law before and after: --base REV or "
                                 "--base-rules DIR, and --head REV or --head-rules DIR",
                                 hint="e.g. lexlux impact --base HEAD~1 --head HEAD")])
    impact, problems = impact_of(args.repo, args.base, args.head, args.base_rules,
                                 args.head_rules)
    if problems:
        emit_diagnostics(problems, "json" if args.format == "json" else "text", stdout, {}, {})
        return 1
    if args.report is not None:
        write_atomically(args.report, render_markdown(impact), argument="--report")
    if args.format == "json":
        stdout.write(json.dumps(impact.to_json(), indent=2, ensure_ascii=False, default=str)
                     + "\n")
    elif args.format == "markdown":
        stdout.write(render_markdown(impact))
    else:
        stdout.write(render_impact_text(impact))
    return 0


def cmd_coverage(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..report.coverage import (
        coverage_documents,
        render_markdown,
        render_open_questions,
        render_text,
    )
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
