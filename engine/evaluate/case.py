"""Stage 4 (evaluate): a case file → :class:`Case`, checked against the vocabulary.

A case gives facts by their vocabulary name.  Problems are diagnostics at the right line:
an unknown fact (LX314, with "did you mean"), a value of the wrong type (LX314; LX204 for a
date), periods that end before they start or overlap (LX405).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..calendar.dates import parse_date
from ..calendar.periods import check_periods
from ..compile.events_model import Event
from ..compile.model import KnowledgeBase, Parameter, Value, Vocabulary, VocabularyEntry
from ..diagnostics import Diagnostic, Span, error
from ..load.discover import FileKind, display_path
from ..load.yaml_source import PathKey, SourceDocument, load_file, load_text
from .events import read_case_parameters, read_events
from .values import ValueProblemError, from_written, to_json


@dataclass(frozen=True)
class Case:
    """A person's situation: facts by name (runtime values), and outputs given directly."""

    name: str
    jurisdiction: str
    as_of: date | None
    facts: dict[str, Value]
    derived: dict[str, Value] = field(default_factory=dict)
    file: str | None = None
    spans: dict[str, Span] = field(default_factory=dict)
    #: a timeline case: its events (facts are derived from them on evaluation, see derive.py)
    events: tuple[Event, ...] = ()
    #: parameters whose value the sources leave unknown, as the case gives them
    parameters: dict[str, Parameter] = field(default_factory=dict)
    #: for facts derived from events: where each comes from (derive.FactOrigin)
    origins: dict[str, Any] = field(default_factory=dict)

    def with_facts(self, changes: dict[str, Value]) -> Case:
        return Case(self.name, self.jurisdiction, self.as_of, {**self.facts, **changes},
                    dict(self.derived), self.file, self.spans, self.events,
                    dict(self.parameters), {k: v for k, v in self.origins.items()
                                            if k not in changes})


def load_case(path: Path, kb: KnowledgeBase) -> tuple[Case | None, list[Diagnostic]]:
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        return None, problems
    return case_from_document(doc, kb)


def case_from_text(text: str, kb: KnowledgeBase, name: str = "<case>"
                   ) -> tuple[Case | None, list[Diagnostic]]:
    doc, problems = load_text(text, name)
    if doc is None or problems:
        return None, problems
    return case_from_document(doc, kb)


def case_from_document(doc: SourceDocument, kb: KnowledgeBase, base: PathKey = ()
                       ) -> tuple[Case | None, list[Diagnostic]]:
    data = doc.data
    for key in base:
        data = data[key]
    if not base:
        problems = schema_problems(_schema_view(doc), FileKind.CASE)
        if problems:
            return None, problems
    vocabulary = kb.vocabularies.get(data["jurisdiction"])
    if vocabulary is None:
        return None, [error("LX314", f"no rules are loaded for the jurisdiction "
                            f"{data['jurisdiction']!r}", doc.span_at((*base, "jurisdiction")),
                            expected="one of: " + ", ".join(sorted(kb.vocabularies)))]
    diagnostics: list[Diagnostic] = []
    facts = _read(doc, (*base, "facts"), data.get("facts", {}), vocabulary, "fact", diagnostics)
    derived = _read(doc, (*base, "derived"), data.get("derived", {}), vocabulary, "output",
                    diagnostics)
    events, problems = read_events(doc, base, data.get("events", []), kb, data["jurisdiction"])
    diagnostics += problems
    parameters, problems = read_case_parameters(doc, base, data.get("parameters", {}), kb,
                                                data["jurisdiction"])
    diagnostics += problems
    if diagnostics:
        return None, diagnostics
    spans = {name: doc.span_at((*base, "facts", name), key=True) for name in facts}
    as_of = parse_date(data["as_of"]) if "as_of" in data else None
    case = Case(data["case"], data["jurisdiction"], as_of, facts, derived, doc.path,
                spans, events, parameters)
    from .plausibility import check_assumptions
    implausible = check_assumptions(kb, case, doc.span_at((*base, "facts")))
    return (None, implausible) if implausible else (case, [])


def schema_problems(view: SourceDocument, kind: FileKind) -> list[Diagnostic]:
    """The schema check of a case or query (skipped for data that passed it before: see
    :mod:`lexlux.validate.passed`; jsonschema is then not even imported)."""
    from ..validate.passed import passed_before, remember_passed
    if passed_before(kind.value, view.data):
        return []
    from ..validate.messages import check_document
    problems = list(check_document(view, kind))
    if not problems:
        remember_passed(kind.value, view.data)
    return problems


_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain_period(item: Any) -> bool:
    return (isinstance(item, dict) and len(item) == 2 and "from" in item and "to" in item
            and all(isinstance(v, str) and _PLAIN_DATE.fullmatch(v) for v in item.values()))


def _schema_view(doc: SourceDocument) -> SourceDocument:
    """The document as the schema check sees it.  For speed (a case may give thousands of
    periods), a list of facts whose items all have the plain form ``{from: YYYY-MM-DD, to:
    YYYY-MM-DD}`` is checked by its first item only: the others have the same shape, and
    their dates are read, and reported at their place, by :func:`from_written`."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        return doc
    facts = dict(data["facts"])
    for name, value in facts.items():
        if isinstance(value, list) and len(value) > 8 and all(map(_plain_period, value)):
            facts[name] = value[:1]
    return replace(doc, data={**data, "facts": facts})


def _read(doc: SourceDocument, path: PathKey, raw: dict[str, Any], vocabulary: Vocabulary,
          role: str, diagnostics: list[Diagnostic]) -> dict[str, Value]:
    table = vocabulary.facts if role == "fact" else vocabulary.outputs
    out: dict[str, Value] = {}
    for name, written in raw.items():
        entry = table.get(name)
        if entry is None:
            import difflib  # (a misspelt name only)
            close = difflib.get_close_matches(name, list(table), n=1, cutoff=0.6)
            other = vocabulary.outputs if role == "fact" else vocabulary.facts
            hint = (f"did you mean {close[0]!r}? (declared in {table[close[0]].span})" if close
                    else f"{name!r} is an output: give it under derived:" if name in other
                    and role == "fact" else f"the {role}s are declared in {vocabulary.file}")
            diagnostics.append(error("LX314", f"the case gives {name!r}, which is not a {role} "
                                     "of the vocabulary", doc.span_at((*path, name), key=True),
                                     hint=hint))
            continue
        try:
            value = from_written(written, entry.type)
        except ValueProblemError as exc:
            where: PathKey = (*path, name)
            if exc.index is not None:
                where = (*where, exc.index) + ((exc.key,) if exc.key else ())
            code = "LX204" if "not a valid date" in exc.message else "LX314"
            diagnostics.append(error(code, f"{name}: {exc.message}", doc.span_at(where),
                                     expected=f"a {entry.type} ({_describe(entry)})",
                                     hint=exc.hint))
            continue
        if entry.type.kind == "periods":
            assert isinstance(value, tuple)
            for i, problem in enumerate(check_periods(value)):
                diagnostics.append(error("LX405", f"{name}: {problem}",
                                         doc.span_at((*path, name)),
                                         hint="each period runs from its first to its last day "
                                              "(both included); periods must not overlap"))
                if i >= 4:
                    break
        out[name] = value
    return out


def unknown_name(code: str, what: str, name: str, choices: Iterable[str], span: Span | None,
                 otherwise: str, expected: str | None = None) -> Diagnostic:
    """An unknown name (an output, a reading, ...) with "did you mean" when one is close;
    ``otherwise`` is the hint when none is."""
    import difflib  # (a misspelt name only)
    close = difflib.get_close_matches(name, list(choices), n=1)
    return error(code, f"unknown {what} {name!r}", span, expected=expected,
                 hint=f"did you mean {close[0]!r}?" if close else otherwise)


def unknown_output(name: str, vocabulary: Vocabulary, span: Span | None = None) -> Diagnostic:
    """LX404 for an output the vocabulary does not declare, with "did you mean"."""
    return unknown_name("LX404", "output", name, vocabulary.outputs, span,
                        f"the outputs are declared in {vocabulary.file}; lexlux eval without "
                        "--output lists every output")


def readings(kb: KnowledgeBase, jurisdiction: str) -> list[str]:
    """The readings the rules of ``jurisdiction`` name (``reading:`` of a rule), sorted."""
    return sorted({r.reading for r in kb.rules.values()
                   if r.reading and r.jurisdiction == jurisdiction})


def unknown_reading(name: str, kb: KnowledgeBase, jurisdiction: str,
                    span: Span | None = None) -> Diagnostic | None:
    """LX406 if no rule of ``jurisdiction`` encodes the reading ``name``, else None."""
    known = readings(kb, jurisdiction)
    if name in known:
        return None
    return unknown_name("LX406", "reading", name, known, span,
                        "these rules encode no reading: leave out --reading" if not known else
                        "lexlux eval without --reading follows the highest authority",
                        expected="one of: " + ", ".join(known) if known else None)


def _describe(entry: VocabularyEntry) -> str:
    return entry.description.get("en") or entry.description["fr"]


def case_to_data(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    vocabulary = kb.vocabularies[case.jurisdiction]
    data: dict[str, Any] = {"case": case.name, "jurisdiction": case.jurisdiction}
    if case.as_of:
        data["as_of"] = case.as_of.isoformat()
    data["facts"] = {n: to_json(v, vocabulary.facts[n].type) for n, v in case.facts.items()}
    if case.derived:
        data["derived"] = {n: to_json(v, vocabulary.outputs[n].type)
                           for n, v in case.derived.items()}
    return data


def case_to_yaml(case: Case, kb: KnowledgeBase) -> str:
    """The case as a ``*.case.yaml`` text that :func:`load_case` reads back."""
    import yaml  # (writing a case only: not imported by `lexlux diff`)
    return yaml.safe_dump(case_to_data(case, kb), sort_keys=False, allow_unicode=True)

