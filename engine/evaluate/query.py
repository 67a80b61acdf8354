"""Stage 4 (evaluate): a query file → the case and what to evaluate.

A query names (or holds) a case, the as-of date, the law's date, the outputs, a reading,
and for what-if the facts to change (``overrides.facts``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..calendar.dates import parse_date
from ..compile.model import KnowledgeBase, Value
from ..diagnostics import Diagnostic, error
from ..load.discover import FileKind, display_path
from ..load.yaml_source import load_file
from .case import (
    Case,
    case_from_document,
    load_case,
    schema_problems,
    unknown_output,
    unknown_reading,
)
from .values import ValueProblemError, from_written


@dataclass
class Query:
    case: Case
    as_of: date | None
    law_as_of: date | None
    outputs: list[str] | None
    reading: str | None
    overrides: dict[str, Value] = field(default_factory=dict)


def load_query(path: Path, kb: KnowledgeBase) -> tuple[Query | None, list[Diagnostic]]:
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        return None, problems
    problems = schema_problems(doc, FileKind.QUERY)
    if problems:
        return None, problems
    data = doc.data
    if isinstance(data["case"], str):
        target = path.parent / data["case"]
        if not target.is_file():
            return None, [error("LX104", f"the query's case file does not exist: {target}",
                                doc.span_at(("case",)),
                                hint="the path is relative to the query file")]
        case, problems = load_case(target, kb)
    else:
        case, problems = case_from_document(doc, kb, ("case",))
    if case is None:
        return None, problems
    vocabulary = kb.vocabularies[case.jurisdiction]
    for i, name in enumerate(data.get("outputs", [])):
        if name not in vocabulary.outputs:
            return None, [unknown_output(name, vocabulary, doc.span_at(("outputs", i)))]
    if isinstance(data.get("reading"), str):
        problem = unknown_reading(data["reading"], kb, case.jurisdiction, doc.span_at(("reading",)))
        if problem is not None:
            return None, [problem]
    overrides: dict[str, Value] = {}
    for name, written in data.get("overrides", {}).get("facts", {}).items():
        entry = vocabulary.facts.get(name)
        where = ("overrides", "facts", name)
        if entry is None:
            close = difflib.get_close_matches(name, list(vocabulary.facts), n=1, cutoff=0.6)
            return None, [error("LX314", f"overrides: {name!r} is not a fact of the vocabulary",
                                doc.span_at(where, key=True),
                                hint=f"did you mean {close[0]!r}?" if close else None)]
        try:
            overrides[name] = from_written(written, entry.type)
        except ValueProblemError as exc:
            return None, [error("LX314", f"overrides: {name}: {exc.message}",
                                doc.span_at(where), expected=f"a {entry.type}",
                                hint=exc.hint)]
    return Query(case, parse_date(data["as_of"]) if "as_of" in data else case.as_of,
                 parse_date(data["law_as_of"]) if "law_as_of" in data else None,
                 data.get("outputs"), data.get("reading"), overrides), []
