"""Stage 5 (verify): a query file's ``solve:`` section → a :class:`Question`, and an
:class:`Answer` as JSON (for ``lexlux solve`` and the Python API)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ...diagnostics import Diagnostic, LexluxError, error
from ...evaluate.case import case_from_document, case_to_data, load_case, unknown_output
from ...evaluate.values import ValueProblemError, from_written
from ...load.discover import FileKind, display_path
from ...load.yaml_source import SourceDocument, load_file, load_text
from ...pipeline import LoadResult
from ...validate.messages import check_document
from .question import Answer, Question


def _fail(problem: Diagnostic) -> LexluxError:
    return LexluxError([problem])


def read_question(path: Path, loaded: LoadResult) -> Question:
    """The question of the query file ``path`` (raises :class:`LexluxError`)."""
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        raise LexluxError(problems)
    return question_from_document(doc, loaded, path.parent)


def question_from_text(text: str, loaded: LoadResult, base: Path, name: str = "<query>"
                       ) -> Question:
    """The question of a query written as YAML ``text``; a case path in it is relative to
    ``base``."""
    doc, problems = load_text(text, name)
    if doc is None or problems:
        raise LexluxError(problems)
    return question_from_document(doc, loaded, base)


def question_from_document(doc: SourceDocument, loaded: LoadResult, base: Path) -> Question:
    from ...calendar.dates import parse_date
    if doc.data is None:
        raise _fail(error("LX203", "the query file is empty", doc.span_at(())))
    problems = list(check_document(doc, FileKind.QUERY))
    if problems:
        raise LexluxError(problems)
    data = doc.data
    if "solve" not in data:
        raise _fail(error("LX314", "the query has no solve: section", doc.span_at(()),
                          hint="add solve: {mode: find, where: {output: value}}"))
    kb = loaded.kb
    if isinstance(data["case"], str):
        case, problems = load_case(base / data["case"], kb)
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
        from ...evaluate.case import unknown_reading
        problem = unknown_reading(data["reading"], kb, case.jurisdiction,
                                  doc.span_at(("reading",)))
        if problem is not None:
            raise _fail(problem)
    if case.events:     # the facts derived from the events are fixed, like given facts
        from ...evaluate.derive import prepare_case
        law_as_of = parse_date(data["law_as_of"]) if "law_as_of" in data else None
        _, case, problems = prepare_case(kb, case, as_of, law_as_of)
        if problems:
            raise LexluxError(problems)
        if fact in case.facts and solve["mode"] in ("earliest", "latest"):
            raise _fail(error("LX314", f"the events of the case give {fact}: remove the event, "
                              "lexlux solve looks for its earliest or latest value",
                              doc.span_at(("solve", "fact"))))
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
    from ...calendar.dates import parse_date
    from ...compile.model import Deontic
    if not isinstance(written, dict):
        raise ValueProblemError("expected {deadline: DATE} or {from: DATE, until: DATE}")
    kind = entry.type.kind
    if kind == "obligation":
        return Deontic(kind, entry.holder or "", deadline=parse_date(written["deadline"]))
    return Deontic(kind, entry.holder or "", start=parse_date(written["from"]),
                   end=parse_date(written["until"]))


def answer_to_json(answer: Answer, q: Question, loaded: LoadResult) -> dict[str, Any]:
    return {"mode": q.mode, "status": answer.status,
            "optimum": answer.optimum.isoformat() if answer.optimum else None,
            "case": case_to_data(answer.case, loaded.kb) if answer.case else None,
            "replayed": answer.replay, "core": list(answer.core), "reason": answer.reason,
            "queries": answer.queries}
