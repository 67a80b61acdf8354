"""``lexlux eval``: evaluate a case file as of a date, with an explanation citing the law."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import LexluxError, error, has_errors
from ..output import emit_diagnostics
from ..pipeline import load_knowledge_base


def register(sub: Any) -> None:
    from .common import add_format, add_rules, iso_date
    parser = sub.add_parser("eval", help="evaluate a case as of a date, citing the law")
    parser.add_argument("case", type=Path,
                        help="a *.case.yaml file, or a *.query.yaml file (case, dates, outputs"
                             " and what-if overrides)")
    parser.add_argument("--as-of", type=iso_date, metavar="DATE",
                        help="evaluate as of this date (default: the case's as_of)")
    parser.add_argument("--law-as-of", type=iso_date, metavar="DATE",
                        help="apply the law in force on this date to the whole case")
    parser.add_argument("--output", action="append", metavar="NAME",
                        help="report only this output (repeatable)")
    parser.add_argument("--reading", help="follow this reading where sources disagree")
    parser.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="compare the law as it is with the law after this reform")
    parser.add_argument("--explain", action="store_true",
                        help="show why: facts, parameters and provisions behind each value")
    add_format(parser)
    add_rules(parser)
    parser.set_defaults(handler=cmd_eval)


def cmd_eval(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..evaluate.case import load_case, unknown_output, unknown_reading
    from ..evaluate.explain import render_json, render_text
    from ..evaluate.interpreter import evaluate
    from ..evaluate.query import load_query
    loaded = load_knowledge_base(args.rules)
    if not loaded.ok:
        emit_diagnostics(loaded.diagnostics, args.format, stdout, loaded.source_lines(), {})
        return 1
    kb = loaded.kb
    if not args.case.is_file():
        raise LexluxError([error("LX104", f"no such case file: {args.case}",
                                 hint="give the path of a *.case.yaml file")])
    overrides: dict[str, Any] = {}
    if args.case.name.endswith(".query.yaml"):
        query, problems = load_query(args.case, kb)
        if query is None:
            emit_diagnostics(problems, args.format, stdout, {}, {})
            return 1
        case, overrides = query.case, query.overrides
        args.as_of = args.as_of or query.as_of
        args.law_as_of = args.law_as_of or query.law_as_of
        args.output = args.output or query.outputs
        args.reading = args.reading or query.reading
    else:
        loaded_case, problems = load_case(args.case, kb)
        if loaded_case is None:
            emit_diagnostics(problems, args.format, stdout, {}, {})
            return 1
        case = loaded_case
    as_of = args.as_of or case.as_of
    if as_of is None:
        raise LexluxError([error("LX314", "no as-of date: the case has no as_of and no "
                                 "--as-of was given", hint="add --as-of YYYY-MM-DD")])
    vocabulary = kb.vocabularies[case.jurisdiction]
    for name in args.output or ():
        if name not in vocabulary.outputs:
            raise LexluxError([unknown_output(name, vocabulary)])
    if args.reading is not None:
        problem = unknown_reading(args.reading, kb, case.jurisdiction)
        if problem is not None:
            raise LexluxError([problem])
    outcome = evaluate(kb, case, as_of, law_as_of=args.law_as_of, outputs=args.output,
                       reading=args.reading)
    if overrides:
        from .whatif import side_by_side
        variant = evaluate(kb, case.with_facts(overrides), as_of, law_as_of=args.law_as_of,
                           outputs=args.output, reading=args.reading)
        label = ", ".join(f"{k}={v}" for k, v in overrides.items())
        return side_by_side(outcome, variant, "as the case is", label, args.format, stdout)
    if args.reform is not None:
        from .common import load_reformed
        from .whatif import side_by_side
        reformed = load_reformed(loaded, args.reform)
        after = evaluate(reformed.kb, case, as_of, law_as_of=args.law_as_of,
                         outputs=args.output, reading=args.reading)
        return side_by_side(outcome, after, "the law as it is", f"the reform {args.reform}",
                            args.format, stdout)
    from ..evaluate.caveats import index_open_questions
    from ..report.coverage import coverage_documents
    questions = index_open_questions(coverage_documents(loaded))
    if args.format == "json":
        stdout.write(json.dumps(render_json(outcome, questions), indent=2,
                                ensure_ascii=False) + "\n")
    else:
        stdout.write(render_text(outcome, explain=args.explain, summary=not args.output,
                                 case_path=str(args.case), questions=questions))
        for diagnostic in outcome.diagnostics:
            from ..diagnostics import render_text as render_diagnostic
            stdout.write(render_diagnostic(diagnostic) + "\n")
    return 1 if has_errors(outcome.diagnostics) else 0
