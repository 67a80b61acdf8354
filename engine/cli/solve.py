"""``lexlux solve QUERY.yaml``: a symbolic question about a case, answered with Z3."""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import Diagnostic, LexluxError, error
from ..evaluate.case import (
    case_from_document,
    case_to_data,
    case_to_yaml,
    load_case,
    unknown_output,
    unknown_reading,
)
from ..evaluate.values import ValueProblemError, from_written
from ..load.discover import FileKind, display_path
from ..load.yaml_source import load_file
from ..output import write_atomically
from ..pipeline import LoadResult, load_knowledge_base
from ..validate.messages import check_document
from ..verify.question import Answer, NotAnswerable, Question, answer_question


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


def read_question(path: Path, loaded: LoadResult) -> Question:
    from ..calendar.dates import parse_date
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        raise LexluxError(problems)
    problems = list(check_document(doc, FileKind.QUERY))
    if problems:
        raise LexluxError(problems)
    data = doc.data
    if "solve" not in data:
        raise _fail(error("LX314", "the query has no solve: section", doc.span_at(()),
                          hint="add solve: {mode: find, where: {output: value}}"))
    kb = loaded.kb
    if isinstance(data["case"], str):
        case, problems = load_case(path.parent / data["case"], kb)
    else:
        case, problems = case_from_document(doc, kb, ("case",))
    if case is None:
        raise LexluxError(problems)
    vocabulary = kb.vocabularies[case.jurisdiction]
    solve = data["solve"]
    where = {}
    for name, written in solve["where"].items():
        entry = vocabulary.outputs.get(name)
        if entry is None:
            raise _fail(unknown_output(name, vocabulary,
                                       doc.span_at(("solve", "where", name), key=True)))
        if entry.type.kind == "timeline":
            raise _fail(error("LX520", f"the solver cannot answer questions about {name!r}, a "
                              "timeline (monthly timelines are not encoded)",
                              doc.span_at(("solve", "where", name), key=True),
                              hint="ask about an output derived from it (e.g. an end date), or "
                                   "evaluate concrete cases with lexlux eval / whatif"))
        try:
            where[name] = from_written(written, entry.type) if entry.type.kind not in (
                "obligation", "prohibition", "right") else _deontic(written, entry)
        except ValueProblemError as exc:
            raise _fail(error("LX314", f"{name}: {exc.message}",
                              doc.span_at(("solve", "where", name)),
                              expected=f"a {entry.type}", hint=exc.hint)) from None
    fact = solve.get("fact")
    if solve["mode"] in ("earliest", "latest"):
        fentry = vocabulary.facts.get(fact) if fact else None
        if fentry is None or fentry.type.kind != "date":
            raise _fail(error("LX314", f"{solve['mode']} needs fact: naming a date fact of the "
                              "vocabulary", doc.span_at(("solve",)),
                              hint="e.g. fact: act_notified_on"))
        if fact in case.facts:
            raise _fail(error("LX314", f"the case gives {fact}: remove it, lexlux solve looks "
                              "for its earliest or latest value", doc.span_at(("solve", "fact"))))
    as_of = parse_date(data["as_of"]) if "as_of" in data else case.as_of
    if as_of is None:
        raise _fail(error("LX314", "no as-of date: give as_of in the query or the case",
                          doc.span_at(())))
    if isinstance(data.get("reading"), str):
        problem = unknown_reading(data["reading"], kb, case.jurisdiction,
                                  doc.span_at(("reading",)))
        if problem is not None:
            raise _fail(problem)
    vocabulary_facts = vocabulary.facts
    for name in solve.get("vary", []):
        if name not in vocabulary_facts:
            close = difflib.get_close_matches(name, list(vocabulary_facts), n=1)
            raise _fail(error("LX314", f"vary: {name!r} is not a fact of the vocabulary",
                              doc.span_at(("solve", "vary")),
                              hint=f"did you mean {close[0]!r}?" if close else None))
    return Question(solve["mode"], where, case, as_of, fact,
                    parse_date(data["law_as_of"]) if "law_as_of" in data else None,
                    data.get("reading"),
                    tuple(solve["vary"]) if "vary" in solve else None,
                    parse_date(solve["from"]) if "from" in solve else None,
                    parse_date(solve["until"]) if "until" in solve else None)


def _deontic(written: Any, entry: Any) -> Any:
    from ..calendar.dates import parse_date
    from ..compile.model import Deontic
    if not isinstance(written, dict):
        raise ValueProblemError("expected {deadline: DATE} or {from: DATE, until: DATE}")
    kind = entry.type.kind
    if kind == "obligation":
        return Deontic(kind, entry.holder or "", deadline=parse_date(written["deadline"]))
    return Deontic(kind, entry.holder or "", start=parse_date(written["from"]),
                   end=parse_date(written["until"]))


def cmd_solve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
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
        stdout.write(json.dumps(_json(answer, question, loaded), indent=2, ensure_ascii=False)
                     + "\n")
    else:
        stdout.write(_text(answer, question, loaded))
    return 1 if answer.status == "unknown" else 0


def _json(answer: Answer, q: Question, loaded: LoadResult) -> dict[str, Any]:
    return {"mode": q.mode, "status": answer.status,
            "optimum": answer.optimum.isoformat() if answer.optimum else None,
            "case": case_to_data(answer.case, loaded.kb) if answer.case else None,
            "replayed": answer.replay, "core": list(answer.core), "reason": answer.reason,
            "queries": answer.queries}


def _text(answer: Answer, q: Question, loaded: LoadResult) -> str:
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

