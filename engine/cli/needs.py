"""``lexlux needs``: the facts that could still change an answer, as a questionnaire."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import LexluxError, error

if TYPE_CHECKING:       # imported where used: a fast `lexlux --help`
    from ..evaluate.needs import Needs


def register(sub: Any) -> None:
    from .common import add_format, add_rules, iso_date
    parser = sub.add_parser(
        "needs", help="which facts could still change an answer (a questionnaire); without "
                      "a case, which facts an output can depend on")
    parser.add_argument("case", type=Path, nargs="?",
                        help="a *.case.yaml file (omit it for the facts any case may need)")
    parser.add_argument("--output", action="append", metavar="NAME", required=True,
                        help="the output asked for (repeatable)")
    parser.add_argument("--as-of", type=iso_date, metavar="DATE",
                        help="evaluate as of this date (default: the case's as_of)")
    parser.add_argument("--law-as-of", type=iso_date, metavar="DATE",
                        help="apply the law in force on this date to the whole case")
    parser.add_argument("--reading", help="follow this reading where sources disagree")
    add_format(parser)
    add_rules(parser)
    parser.set_defaults(handler=cmd_needs)


def cmd_needs(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..evaluate.needs import needs
    from .common import check_outputs, load_baseline, load_case_or_fail
    loaded = load_baseline(args.rules)
    case = load_case_or_fail(args.case, loaded) if args.case is not None else None
    jurisdiction = case.jurisdiction if case else "lu"
    check_outputs(args.output, loaded, jurisdiction)
    if case is not None and (args.as_of or case.as_of) is None:
        raise LexluxError([error("LX314", "no as-of date: the case has no as_of and no "
                                 "--as-of was given", hint="add --as-of YYYY-MM-DD")])
    report = needs(loaded.kb, args.output, case=case, as_of=args.as_of,
                   law_as_of=args.law_as_of, reading=args.reading, jurisdiction=jurisdiction)
    if args.format == "json":
        stdout.write(json.dumps(render_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(render_text(report))
    return 0


def render_json(report: Needs) -> dict[str, Any]:
    from ..evaluate.needs import needs_json
    return needs_json(report)


def render_text(report: Needs) -> str:
    lines: list[str] = []
    if report.case is not None:
        head = f"Case: {report.case.name}\nAs of {report.as_of}"
        if report.law_as_of:
            head += f", under the law in force on {report.law_as_of}"
        lines += [head, ""]
    for need in report.outputs:
        if need.status == "value":
            lines.append(f"{need.name}: decided — no further fact can change it "
                         "(lexlux eval shows the answer)")
        elif need.status == "static":
            lines.append(f"{need.name} can depend on {len(need.facts)} facts")
        else:
            lines.append(f"{need.name}: {len(need.facts)} facts could still change the answer")
    if not report.facts:
        lines.append("")
        lines.append("No fact is needed." if report.case is not None else
                     "It depends on no fact.")
        return "\n".join(lines) + "\n"
    lines.append("")
    for topic, facts in report.groups().items():
        lines.append(f"{topic}:")
        for fact in facts:
            mark = " (asked first)" if fact.first else \
                " (only if it happened)" if fact.optional else ""
            lines.append(f"  [ ] {fact.name} ({fact.type}){mark}: {fact.question}")
            citations = list(dict.fromkeys(a.citation for a in fact.asked_by))
            lines.append(f"        asked by {'; '.join(citations)}")
        lines.append("")
    if report.parameters:
        lines.append("Parameters without a verified value (the sources give none): "
                     + ", ".join(report.parameters))
        lines.append("")
    return "\n".join(lines)
