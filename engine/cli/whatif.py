"""``lexlux whatif``: a case and its variant (other facts, or a reform) side by side."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import LexluxError, error
from ..output import emit_diagnostics
from .common import check_outputs, iso_date, load_baseline, load_case_or_fail, load_reformed

if TYPE_CHECKING:       # imported where used: `lexlux --help` loads no stage
    from ..evaluate.interpreter import Outcome


def register(sub: Any) -> None:
    from .common import add_format, add_rules
    parser = sub.add_parser("whatif", help="a case and its variant side by side: what changes, "
                                           "and why")
    parser.add_argument("case", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="change a fact of the case (repeatable)")
    parser.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="compare the law as it is with the law after this reform")
    parser.add_argument("--as-of", type=iso_date, metavar="DATE")
    parser.add_argument("--law-as-of", type=iso_date, metavar="DATE")
    parser.add_argument("--output", action="append", metavar="NAME")
    add_format(parser)
    add_rules(parser)
    parser.set_defaults(handler=cmd_whatif)


def side_by_side(a: Outcome, b: Outcome, first: str, second: str, fmt: str,
                 stdout: TextIO) -> int:
    from ..whatif.compare import changes_json, compare, render_changes
    if fmt == "json":
        stdout.write(json.dumps(changes_json(a, b, first, second), indent=2,
                                ensure_ascii=False) + "\n")
    else:
        stdout.write(f"Case: {a.case.name}\nAs of {a.as_of}\n\n")
        stdout.write(render_changes(compare(a, b), first, second))
    return 0


def cmd_whatif(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..evaluate.interpreter import evaluate
    from ..whatif.overrides import parse_overrides
    baseline = load_baseline(args.rules)
    case = load_case_or_fail(args.case, baseline)
    check_outputs(args.output, baseline, case.jurisdiction)
    as_of = args.as_of or case.as_of
    if as_of is None:
        raise LexluxError([error("LX314", "no as-of date: the case has no as_of and no "
                                 "--as-of was given", hint="add --as-of YYYY-MM-DD")])
    if not args.set and not args.reform:
        raise LexluxError([error("LX314", "nothing to compare: give --set NAME=VALUE or "
                                 "--reform REFORM.yaml")])
    changes, problems = parse_overrides(args.set, case, baseline.kb)
    if problems:
        emit_diagnostics(problems, args.format, stdout, {}, {})
        return 1
    variant_kb = load_reformed(baseline, args.reform).kb if args.reform else baseline.kb
    variant = case.with_facts(changes)
    kwargs: dict[str, Any] = {"law_as_of": args.law_as_of, "outputs": args.output}
    a = evaluate(baseline.kb, case, as_of, **kwargs)
    b = evaluate(variant_kb, variant, as_of, **kwargs)
    label = ", ".join(args.set) + (" and " if args.set and args.reform else "") + \
        (f"the reform {args.reform}" if args.reform else "")
    return side_by_side(a, b, "as the case is" if not args.reform or args.set else
                        "the law as it is", label, args.format, stdout)
