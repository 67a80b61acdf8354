"""Reports: the legal mutation score — how many small changes to the law the scenarios notice.

A *mutant* is the knowledge base with one change, of the kinds a drafting slip makes:

* ``parameter``: a parameter value, as written in its unit, plus or minus one;
* ``comparison``: one ``<`` ↔ ``<=`` (or ``>`` ↔ ``>=``) in an expression of a rule;
* ``connective``: one ``and`` ↔ ``or`` in an expression;
* ``date``: a version's ``valid_from``, a parameter value's ``from``, or a date written in an
  expression, one day earlier or later;
* ``exception``: one ``exception_to`` entry removed.

A ``valid_from`` or parameter ``from`` marked ``valid_from_basis: horizon`` is the first date of
the knowledge base, not a date of the law: its mutants (kind ``horizon``) are run and listed
but neither run nor scored.  A surviving mutant that ``mutation/equivalent/*.yaml`` lists as
equivalent (no case can tell it apart; report/equivalent.py) is not scored either.

Each mutant is compiled like the rules (a mutant the compiler refuses, e.g. versions that now
overlap, is *rejected*: ``lexlux check`` already catches it) and the scenario suite
(``tests/law``) is run against it; a mutant is *killed* when a scenario that passes on the law
fails on the mutant.  The score is killed / (killed + survived).  A surviving mutant is either
a missing scenario or an equivalent change (one no case can tell apart).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..calendar.dates import DateFormatError, format_date, parse_date
from ..compile.from_source import build_parameters, build_rule
from ..compile.model import KnowledgeBase
from ..compile.timeline import order_versions
from ..diagnostics import has_errors
from ..evaluate.case import Case
from ..load.discover import FileKind
from ..load.yaml_source import PathKey, SourceDocument
from ..pipeline import LoadResult
from .scenarios import Scenario, check_scenario, load_scenarios, run_scenario, scenario_case

#: the expression keys of a version and of a conclusion
_EXPRESSION_KEYS = ("when", "value", "deadline", "from", "until", "reaches")
_COMPARISON = re.compile(r"<=|>=|<|>")
_CONNECTIVE = re.compile(r"\b(and|or)\b")
_DATE_LITERAL = re.compile(r"(?<=['\"])[0-9]{4}-[0-9]{2}-[0-9]{2}(?=['\"])")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True)
class Mutant:
    kind: str
    file: str            # display path of the mutated file
    path: PathKey        # where in the file's data
    before: Any
    after: Any
    line: int

    @property
    def change(self) -> str:
        """``before -> after``, as an equivalent-mutant entry may give it."""
        return f"{self.before!r} -> {self.after!r}"

    @property
    def label(self) -> str:
        return f"{self.file}:{self.line}: {self.kind} {self.change}"


@dataclass
class MutantResult:
    mutant: Mutant
    status: str                       # killed | survived | rejected | horizon | equivalent
    killed_by: str | None = None      # the first scenario that fails
    reason: str | None = None         # equivalent: why no case can tell it apart (report/
    entry: str | None = None          # equivalent.py), and where that is said (file:line:col)


@dataclass
class MutationReport:
    results: list[MutantResult] = field(default_factory=list)
    scenarios: int = 0

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def score(self) -> float:
        decided = self.count("killed") + self.count("survived")
        return self.count("killed") / decided if decided else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "mutants": len(self.results), "killed": self.count("killed"),
            "survived": self.count("survived"), "rejected": self.count("rejected"),
            "horizon_not_scored": sum(r.mutant.kind == "horizon" for r in self.results),
            "equivalent": self.count("equivalent"),
            "scenarios": self.scenarios, "score": round(self.score, 4),
            "by_kind": {kind: {status: sum(r.status == status for r in self.results
                                           if r.mutant.kind == kind)
                               for status in ("killed", "survived", "rejected", "horizon",
                                              "equivalent")}
                        for kind in sorted({r.mutant.kind for r in self.results})},
            "survivors": [{"mutant": r.mutant.label, "kind": r.mutant.kind,
                           "file": r.mutant.file, "line": r.mutant.line,
                           "change": r.mutant.change}
                          for r in self.results if r.status == "survived"],
            "equivalents": [{"mutant": r.mutant.label, "kind": r.mutant.kind,
                             "file": r.mutant.file, "line": r.mutant.line,
                             "reason": r.reason, "entry": r.entry}
                            for r in self.results if r.status == "equivalent"],
        }


# ------------------------------------------------------------------------ mutants


def _get(data: Any, path: PathKey) -> Any:
    for key in path:
        data = data[key]
    return data


def _expressions(doc: SourceDocument) -> Iterator[tuple[PathKey, str]]:
    """Every expression text of a rule document, with its path."""
    for v, version in enumerate(doc.data.get("versions", [])):
        base: PathKey = ("versions", v)
        if isinstance(version.get("when"), str):
            yield (*base, "when"), version["when"]
        transitional = version.get("transitional")
        if isinstance(transitional, dict) and isinstance(transitional.get("reaches"), str):
            yield (*base, "transitional", "reaches"), transitional["reaches"]
        for name, let in (version.get("let") or {}).items():
            if isinstance(let, str):
                yield (*base, "let", name), let
        for c, conclusion in enumerate(version.get("then", [])):
            for key in _EXPRESSION_KEYS:
                if isinstance(conclusion.get(key), str):
                    yield (*base, "then", c, key), conclusion[key]
            each = conclusion.get("each_month")
            if isinstance(each, dict):
                for key, text in each.items():
                    if isinstance(text, str):
                        yield (*base, "then", c, "each_month", key), text


def _outside_quotes(text: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for match in pattern.finditer(text):
        if not any(a <= match.start() < b for a, b in quoted):
            yield match


def _swap(text: str, match: re.Match[str], table: dict[str, str]) -> str:
    return text[:match.start()] + table[match.group(0)] + text[match.end():]


def _shifted(text: str, days: int) -> str | None:
    try:
        return format_date(parse_date(text) + timedelta(days=days))
    except (DateFormatError, OverflowError, ValueError):
        return None


def _date_kind(entry: dict[str, Any]) -> str:
    """``horizon`` for the first date of the knowledge base (``valid_from_basis: horizon``):
    not a date of the law but where the encoding starts; moving it changes what lexlux
    covers, not what the law says, so it is reported apart and not scored."""
    return "horizon" if entry.get("valid_from_basis") == "horizon" else "date"


def mutants_of(doc: SourceDocument, kind: FileKind) -> Iterator[Mutant]:
    """The mutants of one rule or parameter file."""
    def at(path: PathKey) -> int:
        return doc.span_at(path).line

    data = doc.data
    if kind is FileKind.PARAMETERS:
        for name, param in data.get("parameters", {}).items():
            for i, value in enumerate(param.get("values", [])):
                path: PathKey = ("parameters", name, "values", i)
                raw = value.get("value")
                if isinstance(raw, int | float) and not isinstance(raw, bool):
                    for delta in (1, -1):
                        yield Mutant("parameter", doc.path, (*path, "value"), raw, raw + delta,
                                     at((*path, "value")))
                for delta in (1, -1):
                    moved = _shifted(value.get("from", ""), delta)
                    if moved:
                        yield Mutant(_date_kind(value), doc.path, (*path, "from"),
                                     value["from"], moved, at((*path, "from")))
        return
    comparisons = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
    connectives = {"and": "or", "or": "and"}
    for path, text in _expressions(doc):
        for match in _outside_quotes(text, _COMPARISON):
            yield Mutant("comparison", doc.path, path, text, _swap(text, match, comparisons),
                         at(path))
        for match in _outside_quotes(text, _CONNECTIVE):
            yield Mutant("connective", doc.path, path, text, _swap(text, match, connectives),
                         at(path))
        for match in _DATE_LITERAL.finditer(text):
            for delta in (1, -1):
                moved = _shifted(match.group(0), delta)
                if moved:
                    yield Mutant("date", doc.path, path, text,
                                 text[:match.start()] + moved + text[match.end():], at(path))
    for v, version in enumerate(data.get("versions", [])):
        for delta in (1, -1):
            moved = _shifted(version.get("valid_from", ""), delta)
            if moved:
                yield Mutant(_date_kind(version), doc.path, ("versions", v, "valid_from"),
                             version["valid_from"], moved, at(("versions", v, "valid_from")))
        for e, exception in enumerate(version.get("exception_to", [])):
            yield Mutant("exception", doc.path, ("versions", v, "exception_to", e),
                         exception.get("rule"), None, at(("versions", v, "exception_to", e)))


def mutated_document(doc: SourceDocument, mutant: Mutant) -> SourceDocument:
    data = copy.deepcopy(doc.data)
    parent = _get(data, mutant.path[:-1])
    if mutant.kind == "exception":
        del parent[mutant.path[-1]]
        if not parent:
            del _get(data, mutant.path[:-2])["exception_to"]
    else:
        parent[mutant.path[-1]] = mutant.after
    return replace(doc, data=data)


def mutated_kb(kb: KnowledgeBase, doc: SourceDocument, kind: FileKind) -> KnowledgeBase | None:
    """The knowledge base with ``doc`` (one rule or parameter file) compiled anew, or None if
    the compiler refuses it."""
    rules, parameters = dict(kb.rules), dict(kb.parameters)
    if kind is FileKind.PARAMETERS:
        params, problems = build_parameters(doc)
        if has_errors(problems):
            return None
        parameters.update({p.id: p for p in params})
    else:
        rule, problems = build_rule(doc, kb)
        if rule is None or has_errors(problems):
            return None
        ordered, problems = order_versions(rule)
        if has_errors(problems):
            return None
        rules[ordered.id] = ordered
    # everything else (vocabularies, event types, derivations, invariants, totals) is the
    # law's: a copy without them would fail on every scenario told with events, a false kill
    return replace(kb, rules=rules, parameters=parameters, _concluding=None)


# --------------------------------------------------------------------- the suite


@dataclass
class _Prepared:
    scenario: Scenario
    case: Case
    outputs: frozenset[str]      # every output its evaluation computed, on the law as it is


def prepare_scenarios(law: Path, kb: KnowledgeBase) -> tuple[list[_Prepared], list[str]]:
    """The scenarios under ``law`` that pass on ``kb`` (those that fail are listed)."""
    ready: list[_Prepared] = []
    failing: list[str] = []
    for path in sorted(law.rglob("*.yaml")):
        scenarios, problem = load_scenarios(path, law)
        if problem:
            failing.append(f"{path}: {problem}")
            continue
        for scenario in scenarios:
            case, _ = scenario_case(scenario, kb)
            outcome = run_scenario(scenario, kb, case) if case is not None else None
            if case is None or outcome is None or check_scenario(scenario, kb, outcome):
                failing.append(f"{path}:{scenario.line}: {scenario.name}")
                continue
            ready.append(_Prepared(scenario, case,
                                   frozenset(outcome.computed) | frozenset(outcome.results)))
    return ready, failing


def concerned_outputs(loaded: LoadResult, doc: SourceDocument, kind: FileKind) -> set[str]:
    """The outputs a change of ``doc`` can affect directly: those its rule concludes, or those
    of the rules that use one of its parameters.  A scenario whose evaluation computed none of
    them evaluates no expression of the file: the mutant cannot change its result, so it is
    not run (a mutation adds no reference to a rule outside the file)."""
    kb = loaded.kb
    if kind is FileKind.RULE:
        rule = kb.rules.get(doc.data.get("id", ""))
        return set(rule.outputs) if rule else set()
    prefix = f"{doc.data.get('jurisdiction')}.{Path(doc.path).stem}."
    users = {other.data.get("id") for other in loaded.documents.values()
             if isinstance(other.data, dict) and "versions" in other.data
             and any(prefix in line for line in other.lines)}     # (aliases or in the text)
    return {output for rule_id in users if rule_id in kb.rules
            for output in kb.rules[rule_id].outputs}


def _first_failure(prepared: list[_Prepared], kb: KnowledgeBase, concerned: set[str]
                   ) -> str | None:
    for item in prepared:
        if not item.outputs & concerned:
            continue
        try:
            outcome = run_scenario(item.scenario, kb, item.case)
            failures = check_scenario(item.scenario, kb, outcome)
        except Exception as exc:   # a mutant that makes the evaluator fail: killed
            failures = [f"{type(exc).__name__}: {exc}"]
        if failures:
            return f"{item.scenario.file.name}:{item.scenario.line}: {item.scenario.name}"
    return None


def run_mutation(loaded: LoadResult, law: Path, *, only: str | None = None,
                 progress: Callable[[int, int, MutantResult], None] | None = None
                 ) -> tuple[MutationReport, list[str]]:
    """Every mutant of the rule and parameter files (those whose path contains ``only``, if
    given) against the scenarios under ``law``; also returns the scenarios that already fail
    on the law as it is (they cannot kill anything)."""
    prepared, failing = prepare_scenarios(law, loaded.kb)
    kinds = {f.display: f.kind for f in loaded.files}
    mutants = [m for display, doc in sorted(loaded.documents.items())
               if kinds.get(display) in (FileKind.RULE, FileKind.PARAMETERS)
               and (only is None or only in display) and isinstance(doc.data, dict)
               for m in mutants_of(doc, kinds[display])]
    report = MutationReport(scenarios=len(prepared))
    concerned = {display: concerned_outputs(loaded, loaded.documents[display], kinds[display])
                 for display in {m.file for m in mutants}}
    for number, mutant in enumerate(mutants, start=1):
        doc = loaded.documents[mutant.file]
        kb = mutated_kb(loaded.kb, mutated_document(doc, mutant), kinds[mutant.file])
        if kb is None:
            result = MutantResult(mutant, "rejected")
        elif mutant.kind == "horizon":
            result = MutantResult(mutant, "horizon")
        else:
            killer = _first_failure(prepared, kb, concerned[mutant.file])
            result = MutantResult(mutant, "killed" if killer else "survived", killer)
        report.results.append(result)
        if progress is not None:
            progress(number, len(mutants), result)
    return report, failing
