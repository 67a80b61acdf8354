"""``lexlux solve QUERY.yaml``: a symbolic question about a case, answered with Z3."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Diagnostic, LexluxError, error
from ..output import write_atomically
from ..pipeline import LoadResult, load_knowledge_base

if TYPE_CHECKING:       # imported where used: a fast `lexlux --help`
    from ..verify.checks.question import Answer, Question


def register(sub: Any) -> None:
    from .common import add_format, add_rules
    parser = sub.add_parser("solve", help="find a case, prove that none exists, or the "
                                          "earliest/latest date, with Z3")
    parser.add_argument("query", type=Path, help="a *.query.yaml file with a solve: section")
    parser.add_argument("--witness", type=Path, metavar="FILE.case.yaml",
                        help="write the case found (atomically)")
    add_format(parser)
    add_rules(parser)
    parser.set_defaults(handler=cmd_solve)


def _fail(problem: Diagnostic) -> LexluxError:
    return LexluxError([problem])


def cmd_solve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..evaluate.case import case_to_yaml
    from ..verify.checks.question import NotAnswerable, answer_question
    from ..verify.checks.question_file import answer_to_json, read_question
    loaded = load_knowledge_base(args.rules)
    if not loaded.ok:
        raise LexluxError(loaded.diagnostics)
    if not args.query.is_file():
        raise _fail(error("LX104", f"no such query file: {args.query}"))
    question = read_question(args.query, loaded)
    try:
        answer = answer_question(loaded.kb, question)
    except NotAnswerable as exc:
        raise _fail(error("LX520", f"the solver cannot answer this question: {exc}",
                          hint="ask about outputs that are not timelines, or use lexlux eval "
                               "/ whatif on a concrete case")) from None
    if answer.case is not None and args.witness is not None:
        write_atomically(args.witness, case_to_yaml(answer.case, loaded.kb),
                         argument="--witness")
    if args.format == "json":
        stdout.write(json.dumps(answer_to_json(answer, question, loaded), indent=2,
                                ensure_ascii=False) + "\n")
    else:
        stdout.write(_text(answer, question, loaded))
    return 1 if answer.status == "unknown" else 0


def _text(answer: Answer, q: Question, loaded: LoadResult) -> str:
    from ..evaluate.case import case_to_yaml
    asked = ", ".join(f"{k} = {v}" for k, v in q.where.items())
    lines = [f"Question ({q.mode}): {asked}" + (f", optimising {q.fact}" if q.fact else ""),
             f"given the facts of: {q.case.name}; as of {q.as_of}", ""]
    if answer.status == "unknown":
        lines.append(f"UNKNOWN: the solver could not decide ({answer.reason}).")
    elif answer.status in ("proved", "none"):
        lines.append("No case has these answers" + (" (proved)" if q.mode == "impossible"
                                                    else "") + ".")
        if answer.core:
            lines.append("The provisions that exclude it:")
            for label in answer.core:
                rule = loaded.kb.rules.get(label.split("@")[0])
                lines.append(f"    {label}" + (f" — {rule.citation}" if rule else ""))
    else:
        if q.mode == "impossible":
            lines.append("NOT impossible: here is a case.")
        if answer.optimum:
            lines.append(f"{q.mode} {q.fact}: {answer.optimum}")
        lines.append("A case (replayed by the evaluator: " + "; ".join(answer.replay) + "):")
        assert answer.case is not None
        lines.append(case_to_yaml(answer.case, loaded.kb))
    lines.append(f"({answer.queries} solver queries)")
    return "\n".join(lines) + "\n"

