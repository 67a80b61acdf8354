"""Stage 3 (compile): validated documents → :class:`KnowledgeBase` IR.

Input: :class:`SourceDocument` s that passed their schema, by kind.  Output: the
knowledge base, and diagnostics for what the schema cannot see: rule id ⇄ file place
(LX305), duplicates (LX306), names and types in expressions (LX301-LX304), and values
of parameters of the wrong type (LX203).  Version order and parameter coverage are
checked in :mod:`timeline`, the dependency graph in :mod:`graph`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePosixPath
from typing import Any

from ..calendar.dates import DateFormatError, parse_date
from ..diagnostics import Diagnostic, error
from ..load.yaml_source import PathKey, SourceDocument
from .expr_parser import ParseError, parse
from .model import (
    BOOLEAN,
    DATE,
    DECIMAL,
    INTEGER,
    Act,
    Citation,
    Conclusion,
    Disapplication,
    ExceptionRef,
    Expr,
    IfThenElse,
    KnowledgeBase,
    Literal,
    Parameter,
    ParameterValue,
    Rule,
    RuleVersion,
    SourceRef,
    Type,
    Typed,
    Vocabulary,
    VocabularyEntry,
)
from .parameter_values import convert_parameter_value
from .typecheck import Scope, assignable, check_expression


def _date(text: str) -> Any:
    try:
        return parse_date(text)
    except DateFormatError:   # the schema stage already reported it
        return None


def build_act(raw: dict[str, Any]) -> Act:
    return Act(raw["act"], parse_date(raw["date"]), raw.get("eli"))


def build_citation(raw: dict[str, Any]) -> Citation:
    return Citation(raw["instrument"], raw["article"], raw.get("paragraph"), raw.get("alinea"),
                    raw.get("point"), raw.get("eli"))


def build_type(raw: dict[str, Any]) -> Type:
    of = raw.get("of")
    return Type(raw["type"], tuple(raw.get("values", ())), build_type(of) if of else None)


# ------------------------------------------------------------------ vocabulary

def build_vocabulary(doc: SourceDocument) -> Vocabulary:
    data = doc.data
    entries: dict[str, dict[str, VocabularyEntry]] = {"facts": {}, "outputs": {}}
    for section, role in (("facts", "fact"), ("outputs", "output")):
        for name, raw in (data.get(section) or {}).items():
            entries[section][name] = VocabularyEntry(
                name, role, build_type(raw), raw["description"], raw.get("question"),
                raw.get("holder"), bool(raw.get("total", False)), doc.span_at((section, name),
                                                                              key=True))
    jurisdiction = data["jurisdiction"]
    return Vocabulary(jurisdiction, entries["facts"], entries["outputs"],
                      data.get("holidays", jurisdiction.upper()), doc.path)


def merge_vocabulary(into: Vocabulary, more: Vocabulary) -> list[Diagnostic]:
    """Add the entries of another vocabulary file of the same jurisdiction to ``into``."""
    out: list[Diagnostic] = []
    for entry in (*more.facts.values(), *more.outputs.values()):
        first = into.lookup(entry.name)
        if first is not None:
            out.append(error("LX306", f"{entry.name!r} is declared twice in the vocabulary of "
                             f"{into.jurisdiction!r}", entry.span,
                             related=[("first declared here", first.span)],
                             hint="declare each fact and output once"))
            continue
        (into.facts if entry.role == "fact" else into.outputs)[entry.name] = entry
    return out


def check_vocabulary(doc: SourceDocument, vocabulary: Vocabulary) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for name in set(vocabulary.facts) & set(vocabulary.outputs):
        out.append(error("LX306", f"{name!r} is declared both as a fact and as an output",
                         doc.span_at(("outputs", name), key=True),
                         related=[("declared as a fact here", vocabulary.facts[name].span)],
                         hint="a name is either given by the case (fact) or concluded by a "
                              "rule (output)"))
    for entry in (*vocabulary.facts.values(), *vocabulary.outputs.values()):
        section = "facts" if entry.role == "fact" else "outputs"
        kind = entry.type.kind
        if kind == "enum" and not entry.type.values:
            out.append(error("LX202", f"the enum {entry.name!r} has no values", entry.span,
                             expected="values: [a, b, ...]"))
        if kind != "enum" and entry.type.values:
            out.append(error("LX206", f"{entry.name!r} is a {kind}: 'values' is only for enums",
                             doc.span_at((section, entry.name, "values"))))
        if kind in ("obligation", "prohibition", "right") and not entry.holder:
            out.append(error("LX202", f"the {kind} {entry.name!r} needs a holder", entry.span,
                             expected="holder: employee, employer, cns ..."))
        if kind == "timeline" and entry.type.of is None:
            out.append(error("LX202", f"the timeline {entry.name!r} needs 'of' (its value type)",
                             entry.span, expected="of: {type: enum, values: [employer, cns]}"))
    return out


# ------------------------------------------------------------------ parameters

def build_parameters(doc: SourceDocument) -> tuple[list[Parameter], list[Diagnostic]]:
    data = doc.data
    jurisdiction = data["jurisdiction"]
    stem = PurePosixPath(doc.path).stem
    out: list[Parameter] = []
    diagnostics: list[Diagnostic] = []
    for name, raw in data["parameters"].items():
        ptype = Type(raw["type"])
        values: list[ParameterValue] = []
        for i, entry in enumerate(raw["values"]):
            path: PathKey = ("parameters", name, "values", i)
            converted = convert_parameter_value(entry["value"], ptype, raw.get("unit"))
            if isinstance(converted, str):
                diagnostics.append(error("LX203", converted, doc.span_at((*path, "value")),
                                         expected=f"a {ptype} value in {raw.get('unit') or ''}"
                                         .strip(), hint="null marks a repeal"))
                continue
            act = build_act(entry["amended_by"]) if "amended_by" in entry else None
            values.append(ParameterValue(parse_date(entry["from"]), converted[0], act,
                                         doc.span_at(path)))
        for before, after in pairwise(values):
            if after.start <= before.start:
                diagnostics.append(error(
                    "LX307", f"the values of {name!r} are not in date order: "
                    f"{after.start} comes after {before.start}", after.span,
                    hint="list dated values from the oldest to the newest"))
        out.append(Parameter(f"{jurisdiction}.{stem}.{name}", jurisdiction, raw["title"], ptype,
                             raw.get("unit"), build_citation(raw["citation"]), tuple(values),
                             doc.span_at(("parameters", name), key=True)))
    return out, diagnostics


# ----------------------------------------------------------------------- rules

def expected_rule_id(display_path: str) -> list[str]:
    """The trailing path segments a rule id must match (file stem included)."""
    return list(PurePosixPath(display_path).with_suffix("").parts)


def check_rule_id(doc: SourceDocument) -> Diagnostic | None:
    rule_id: str = doc.data["id"]
    segments = rule_id.split(".")
    parts = expected_rule_id(doc.path)
    if parts[-len(segments):] != segments:
        place = "/".join(segments) + ".yaml"
        tail = parts[-len(segments):]
        return error("LX305", f"the rule id {rule_id!r} does not match the file's place",
                     doc.span_at(("id",)), expected=f"the id {'.'.join(tail)!r} for this file",
                     hint=f"rename the file to .../{place}, or change the id")
    if doc.data["jurisdiction"] != segments[0]:
        return error("LX305", f"the rule id starts with {segments[0]!r} but the jurisdiction "
                     f"is {doc.data['jurisdiction']!r}", doc.span_at(("jurisdiction",)))
    return None


class RuleBuilder:
    def __init__(self, doc: SourceDocument, kb: KnowledgeBase) -> None:
        self.doc = doc
        self.kb = kb
        self.diagnostics: list[Diagnostic] = []
        self.failed = False   # an expression failed on an already reported problem

    def expr(self, path: PathKey, raw: Any, scope: Scope, want: Type | None = None,
             why: str = "") -> Typed | None:
        span = self.doc.span_at(path)
        if isinstance(raw, bool):
            return Typed(Literal(span, raw, BOOLEAN), BOOLEAN, str(raw).lower())
        if isinstance(raw, int):
            typed = Typed(Literal(span, raw, INTEGER), INTEGER, str(raw))
        elif isinstance(raw, float):
            from fractions import Fraction
            typed = Typed(Literal(span, Fraction(str(raw)), DECIMAL), DECIMAL, str(raw))
        else:
            text = str(raw)
            try:
                tree = parse(text, lambda o, n: self.doc.expression_span(path, o, n))
            except ParseError as exc:
                self.diagnostics.append(error(
                    "LX303", f"cannot read this expression: {exc.message}",
                    self.doc.expression_span(path, exc.offset, exc.length),
                    expected="an expression of the rule language (docs/writing-rules.md)",
                    hint=exc.hint))
                return None
            result = check_expression(tree, scope)
            if result is None:
                self.failed = True
                return None
            if isinstance(result, Diagnostic):
                self.diagnostics.append(result)
                return None
            typed = Typed(result[0], result[1], text)
        if want is not None and want.kind == "enum" and typed.type.kind == "string":
            words = string_literals(typed.expr)
            wrong = sorted(w for w in words if w not in want.values)
            if wrong:
                self.diagnostics.append(error(
                    "LX304", f"{wrong[0]!r} is not a value of {want}", span,
                    expected="one of: " + ", ".join(want.values), hint=why or None))
                return None
            return Typed(typed.expr, want, typed.text)
        if want is not None and not assignable(typed.type, want):
            self.diagnostics.append(error("LX304", f"expected {want}, found {typed.type}", span,
                                          expected=str(want), hint=why or None))
            return None
        return typed

    def build(self) -> Rule | None:
        data = self.doc.data
        jurisdiction = data["jurisdiction"]
        vocabulary = self.kb.vocabularies.get(jurisdiction)
        if vocabulary is None:
            self.diagnostics.append(error(
                "LX301", f"no vocabulary for the jurisdiction {jurisdiction!r}",
                self.doc.span_at(("jurisdiction",)),
                hint=f"create rules/{jurisdiction}/vocabulary.yaml declaring its facts and "
                     "outputs"))
            return None
        selected_by = data.get("selected_by")
        if_missing = "missing"
        if isinstance(selected_by, dict):
            selected_by, if_missing = selected_by["fact"], selected_by["if_missing"]
        if selected_by is not None:
            entry = vocabulary.facts.get(selected_by)
            if entry is None or entry.type.kind != "date":
                self.diagnostics.append(error(
                    "LX304" if entry else "LX301",
                    f"selected_by must name a date fact; {selected_by!r} is "
                    + (f"a {entry.type}" if entry else "not a fact of the vocabulary"),
                    self.doc.span_at(("selected_by",)),
                    hint="e.g. selected_by: incapacity_start (the date of the relevant event)"))
        effective: list[Effective] = []
        for i, raw in enumerate(data["versions"]):
            effective.append(inherit(effective[-1] if effective else None, raw, ("versions", i)))
        first = data["versions"][0]
        if "then" not in first and "disapplies" not in first:
            self.diagnostics.append(error(
                "LX324", "the first version has no 'then': there is no previous version to "
                "inherit its conclusions from", self.doc.span_at(("versions", 0)),
                expected="then: [...] (or disapplies: [...]) in the first version",
                hint="a later version may leave out what its amendment did not change; the "
                     "first one states the whole provision"))
            return None
        versions = [self.version(i, raw, vocabulary, effective[i])
                    for i, raw in enumerate(data["versions"])]
        built = [v for v in versions if v is not None]
        if len(built) != len(versions):
            return None
        return Rule(data["id"], jurisdiction, build_citation(data["citation"]), data["title"],
                    data["authority"], data.get("reading"), selected_by,
                    bool(data.get("continuous", True)), tuple(built), self.doc.path,
                    self.doc.span_at(("id",)), if_missing)

    def version(self, index: int, raw: dict[str, Any], vocabulary: Vocabulary,
                full: Effective) -> RuleVersion | None:
        base: PathKey = ("versions", index)
        before = len(self.diagnostics)
        scope = Scope(vocabulary, self.kb.parameters,
                      where={e.name: e.span for e in (*vocabulary.facts.values(),
                                                      *vocabulary.outputs.values())})
        for alias, param_id, where in full.parameters:
            if param_id not in self.kb.parameters:
                import difflib
                close = difflib.get_close_matches(param_id, list(self.kb.parameters), n=1)
                self.diagnostics.append(error(
                    "LX302", f"unknown parameter {param_id!r}",
                    self.doc.span_at(where),
                    hint=(f"did you mean {close[0]!r}? (defined in "
                          f"{self.kb.parameters[close[0]].span})") if close else
                    "define it in a file under rules/<jurisdiction>/parameters/"))
                scope.broken.add(alias)
            else:
                scope.aliases[alias] = param_id
        lets: list[tuple[str, Typed]] = []
        for name, text, where in full.lets:
            typed = self.expr(where, text, scope)
            if typed is None:
                scope.broken.add(name)
            else:
                lets.append((name, typed))
                scope.locals[name] = typed.type
                scope.where[name] = self.doc.span_at(where, key=True)
        when = self.expr(full.when[1], full.when[0], scope, BOOLEAN,
                         "'when' is a condition") if full.when is not None else None
        transitional = None
        if "transitional" in raw:
            reaches = self.expr((*base, "transitional", "reaches"), raw["transitional"]["reaches"],
                                scope, BOOLEAN, "'reaches' is a condition on the facts")
            if reaches is not None:
                transitional = (reaches, raw["transitional"]["text"])
        built = [self.conclusion(where, c, scope) for c, where in full.then]
        conclusions = [c for c in built if c is not None]
        exceptions = tuple(ExceptionRef(e["rule"], tuple(e.get("outputs", ())),
                                        self.doc.span_at(where))
                           for e, where in full.exception_to)
        disapplications = []
        for entry, where in full.disapplies:
            condition = self.expr((*where, "when"), entry["when"], scope, BOOLEAN,
                                  "'when' is a condition") if "when" in entry else None
            if "when" not in entry or condition is not None:
                disapplications.append(Disapplication(entry["rule"], condition,
                                                      self.doc.span_at((*where, "rule"))))
        if len(self.diagnostics) != before or self.failed:
            return None
        repealed = raw.get("repealed")
        return RuleVersion(
            rule_id=self.doc.data["id"], index=index, valid_from=parse_date(raw["valid_from"]),
            valid_until=None,
            amended_by=build_act(raw["amended_by"]) if "amended_by" in raw else None,
            valid_from_basis=raw.get("valid_from_basis", "stated"),
            published_on=_date(raw["published_on"]) if "published_on" in raw else None,
            retroactive=bool(raw.get("retroactive", False)),
            repealed=(parse_date(repealed["on"]), build_act(repealed["by"])) if repealed
            else None,
            transitional=transitional, sources=self.sources(base, raw["source"]),
            notes=raw.get("notes"), parameters=dict(scope.aliases), lets=tuple(lets),
            exceptions=exceptions, when=when, conclusions=tuple(conclusions),
            span=self.doc.span_at(base), disapplications=tuple(disapplications),
            inherited=full.inherited)

    def sources(self, base: PathKey, raw: Any) -> tuple[SourceRef, ...]:
        items = raw if isinstance(raw, list) else [raw]
        out = []
        for i, item in enumerate(items):
            path = (*base, "source", i) if isinstance(raw, list) else (*base, "source")
            first, last = item["lines"]
            out.append(SourceRef(item["file"], first, last, item["excerpt"],
                                 item.get("excerpt_line", first), item.get("summary"),
                                 self.doc.span_at((*path, "excerpt"))))
        return tuple(out)

    def conclusion(self, path: PathKey, raw: dict[str, Any], scope: Scope) -> Conclusion | None:
        name = raw["output"]
        vocabulary = scope.vocabulary
        entry = vocabulary.outputs.get(name)
        span = self.doc.span_at((*path, "output"))
        if entry is None:
            import difflib
            close = difflib.get_close_matches(name, list(vocabulary.outputs), n=1, cutoff=0.6)
            hint = (f"did you mean {close[0]!r}? (declared in {vocabulary.outputs[close[0]].span})"
                    if close else f"declare it under outputs: in {vocabulary.file}")
            if name in vocabulary.facts:
                hint = f"{name!r} is a fact (given by the case); a rule concludes outputs"
            self.diagnostics.append(error("LX301", f"unknown output {name!r}", span,
                                          expected="an output declared in the vocabulary",
                                          hint=hint))
            return None
        kind = entry.type.kind
        allowed = {"obligation": {"deadline"}, "prohibition": {"from", "until"},
                   "right": {"from", "until"}, "timeline": {"each_month", "value"}}.get(
                       kind, {"value"})
        given = set(raw) - {"output", "when"}
        if given != allowed:
            words = ", ".join(sorted(allowed))
            self.diagnostics.append(error(
                "LX304", f"the output {name!r} is a {entry.type}: its conclusion takes {words}",
                span, expected=f"{words}" + (f" (not {', '.join(sorted(given - allowed))})"
                                             if given - allowed else ""),
                hint="see 'Conclusions' in docs/writing-rules.md"))
            return None
        when = self.expr((*path, "when"), raw["when"], scope, BOOLEAN,
                         "'when' is a condition") if "when" in raw else None
        value = deadline = start = end = None
        each_month = None
        if kind == "timeline":
            first = self.expr((*path, "each_month", "from"), raw["each_month"]["from"], scope,
                              DATE, "each_month runs from a date")
            last = self.expr((*path, "each_month", "until"), raw["each_month"]["until"], scope,
                             DATE, "each_month runs until a date")
            inner = Scope(scope.vocabulary, scope.parameters, scope.aliases, scope.locals, True,
                          scope.where)
            assert entry.type.of is not None
            value = self.expr((*path, "value"), raw["value"], inner, entry.type.of,
                              f"{name} is a timeline of {entry.type.of}")
            each_month = (first, last) if first and last else None
            if each_month is None:
                return None
        elif kind == "obligation":
            deadline = self.expr((*path, "deadline"), raw["deadline"], scope, DATE,
                                 "a deadline is a date")
        elif kind in ("prohibition", "right"):
            start = self.expr((*path, "from"), raw["from"], scope, DATE, "'from' is a date")
            end = self.expr((*path, "until"), raw["until"], scope, DATE, "'until' is a date")
        else:
            value = self.expr((*path, "value"), raw["value"], scope, entry.type,
                              f"{name} is declared as {entry.type} in {entry.span}")
        return Conclusion(name, when, value, deadline, start, end, each_month,
                          self.doc.span_at(path))


@dataclass
class Effective:
    """A version's body with what it inherits: each part with the YAML path it is written at
    (in this version or an earlier one), so that diagnostics point at the text."""

    parameters: list[tuple[str, str, PathKey]] = field(default_factory=list)
    lets: list[tuple[str, Any, PathKey]] = field(default_factory=list)
    exception_to: list[tuple[dict[str, Any], PathKey]] = field(default_factory=list)
    disapplies: list[tuple[dict[str, Any], PathKey]] = field(default_factory=list)
    when: tuple[Any, PathKey] | None = None
    then: list[tuple[dict[str, Any], PathKey]] = field(default_factory=list)
    inherited: tuple[str, ...] = ()


def inherit(previous: Effective | None, raw: dict[str, Any], base: PathKey) -> Effective:
    """The whole body of the version ``raw`` (at ``base``): what it writes, and what it does
    not write taken from the previous version (lighter versions, docs/writing-rules.md).

    Each of ``parameters``, ``let``, ``exception_to``, ``disapplies``, ``when`` and ``then``
    that the version writes replaces the previous one whole; each it leaves out is the
    previous version's."""
    prev = previous or Effective()
    inherited: list[str] = []
    out = Effective()
    if "parameters" in raw:
        out.parameters = [(alias, pid, (*base, "parameters", alias))
                          for alias, pid in raw["parameters"].items()]
    elif prev.parameters:
        out.parameters = list(prev.parameters)
        inherited.append("parameters")
    if "let" in raw:
        out.lets = [(name, text, (*base, "let", name)) for name, text in raw["let"].items()]
    elif prev.lets:
        out.lets = list(prev.lets)
        inherited.append("let")
    for key in ("exception_to", "disapplies", "then"):
        if key in raw:
            items = [(item, (*base, key, i)) for i, item in enumerate(raw[key])]
        else:
            items = list(getattr(prev, key))
            if items:
                inherited.append(key)
        setattr(out, key, items)
    if "when" in raw:
        out.when = (raw["when"], (*base, "when"))
    elif prev.when is not None:
        out.when = prev.when
        inherited.append("when")
    out.inherited = tuple(inherited)
    return out


def string_literals(expr: Expr) -> set[str]:
    """The quoted words an expression can give (an enum value written as 'abusive')."""
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, IfThenElse):
        return string_literals(expr.then) | string_literals(expr.otherwise)
    return set()


def build_rule(doc: SourceDocument, kb: KnowledgeBase) -> tuple[Rule | None, list[Diagnostic]]:
    problem = check_rule_id(doc)
    builder = RuleBuilder(doc, kb)
    rule = builder.build()
    # a mistake in an inherited part is reported once, where it is written
    diagnostics = list(dict.fromkeys(builder.diagnostics)) + ([problem] if problem else [])
    return rule, diagnostics

