"""Stage 4 (evaluate): which facts could still change an answer — a questionnaire.

With a case: the asked outputs are evaluated; an output that has a value is decided (with
three-valued logic, no fact the case leaves out can change it — ``given(x)`` aside, which
asks whether the case gives ``x``).  For every other output, the facts that the rule
versions which can still apply read, directly or through outputs that are not decided
yet, and that the case does not give, are listed with the vocabulary's question and the
article that asks for them, grouped by topic (the vocabulary file that declares them).

Without a case: every fact an output can depend on, through every version and reading
(the dependency graph, read backwards from the output).

A fact read only as the ``selected_by`` fact of a rule with ``if_missing: not_applicable``
is marked *optional*: it is asked only if it happened (e.g. a CNS refusal), and the facts
that rule needs besides are asked once it is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..compile.model import (
    Conclusion,
    KnowledgeBase,
    Ref,
    Rule,
    RuleVersion,
    Typed,
    Vocabulary,
)
from ..compile.refs import iter_refs
from .case import Case
from .interpreter import Evaluation, Outcome, evaluate


@dataclass(frozen=True, slots=True)
class Asker:
    """A provision that reads a fact."""

    rule: str
    version: str
    citation: str


@dataclass
class NeededFact:
    name: str
    type: str
    question: str
    description: str
    topic: str
    asked_by: list[Asker] = field(default_factory=list)
    for_outputs: list[str] = field(default_factory=list)
    first: bool = False          # the evaluator stopped on it (it is asked first)
    optional: bool = False       # only if it happened: a rule applies only when it is given

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "question": self.question,
                "description": self.description, "topic": self.topic,
                "asked_by": [{"rule": a.rule, "version": a.version, "citation": a.citation}
                             for a in self.asked_by],
                "outputs": self.for_outputs, "first": self.first, "optional": self.optional}


@dataclass
class OutputNeed:
    name: str
    status: str                  # value | missing | no_value | conflict | error | static
    value: Any = None
    facts: list[str] = field(default_factory=list)


@dataclass
class Needs:
    """The questionnaire for some outputs (of a case, or of any case when ``case`` is None)."""

    case: Case | None
    as_of: date | None
    law_as_of: date | None
    outputs: list[OutputNeed]
    facts: dict[str, NeededFact]
    parameters: list[str]        # parameters with no verified value that an answer needs
    outcome: Outcome | None = None

    def groups(self) -> dict[str, list[NeededFact]]:
        out: dict[str, list[NeededFact]] = {}
        for fact in self.facts.values():
            out.setdefault(fact.topic, []).append(fact)
        return dict(sorted(out.items()))


def _topic(vocabulary: Vocabulary, name: str) -> str:
    entry = vocabulary.facts.get(name)
    return Path(entry.span.file).stem if entry else "other"


def _conclusion_typed(version: RuleVersion, conclusion: Conclusion) -> Iterator[Typed]:
    if version.transitional:
        yield version.transitional[0]
    if version.when is not None:
        yield version.when
    for typed in (conclusion.when, conclusion.value, conclusion.deadline, conclusion.start,
                  conclusion.end):
        if typed is not None:
            yield typed
    if conclusion.each_month:
        yield from conclusion.each_month


def conclusion_refs(version: RuleVersion, conclusion: Conclusion) -> Iterator[Ref]:
    """The facts, outputs and parameters a conclusion reads, through its ``let``s."""
    lets = dict(version.lets)
    seen: set[str] = set()
    pending = list(_conclusion_typed(version, conclusion))
    while pending:
        for ref in iter_refs(pending.pop(0).expr):
            if ref.kind == "local":
                if ref.target not in seen and ref.target in lets:
                    seen.add(ref.target)
                    pending.append(lets[ref.target])
                continue
            yield ref


class _Walk:
    def __init__(self, kb: KnowledgeBase, jurisdiction: str, run: Evaluation | None,
                 outcome: Outcome | None) -> None:
        self.kb = kb
        self.jurisdiction = jurisdiction
        self.vocabulary = kb.vocabularies[jurisdiction]
        self.run = run
        self.outcome = outcome
        self.facts: dict[str, NeededFact] = {}
        self.parameters: list[str] = []
        self.visited: set[str] = set()

    def given(self, name: str) -> bool:
        return self.run is not None and name in self.run.case.facts

    def decided(self, output: str) -> bool:
        if self.outcome is None:
            return False
        result = self.outcome.result(output)
        return result is not None and result.status == "value"

    def rules(self, output: str) -> list[Rule]:
        if self.run is None:
            return self.kb.rules_concluding(self.jurisdiction, output)
        return self.run.candidates(output)[0]

    def versions(self, rule: Rule) -> list[RuleVersion]:
        """The versions of ``rule`` that can still be chosen for this case."""
        run = self.run
        if run is None:
            return list(rule.versions)
        if run.law_as_of is not None:
            chosen = rule.version_on(run.law_as_of)
            return [chosen] if chosen else []
        out = [v for v in rule.versions if v.transitional and v.valid_from <= run.as_of]
        if rule.selected_by and rule.selected_by not in run.case.facts:
            return list(rule.versions)          # the date that chooses is not known yet
        day = run.case.facts.get(rule.selected_by) if rule.selected_by else run.as_of
        current = rule.version_on(day) if isinstance(day, date) else None
        return [*out, current] if current and current not in out else out

    def need(self, name: str, asker: Rule, version: RuleVersion, output: str,
             optional: bool) -> None:
        if self.given(name):
            return
        fact = self.facts.get(name)
        if fact is None:
            entry = self.vocabulary.facts.get(name)
            question = ""
            description = ""
            if entry is not None:
                question = (entry.question or {}).get("en") or (entry.question or {}).get(
                    "fr") or ""
                description = entry.description.get("en") or entry.description.get("fr", "")
            fact = NeededFact(name, str(entry.type) if entry else "?", question or
                              f"the case does not give '{name}'", description,
                              _topic(self.vocabulary, name), optional=optional)
            self.facts[name] = fact
        fact.optional = fact.optional and optional
        by = Asker(asker.id, version.id, str(asker.citation))
        if by not in fact.asked_by:
            fact.asked_by.append(by)
        if output not in fact.for_outputs:
            fact.for_outputs.append(output)

    def output(self, name: str, asked: str) -> None:
        if name in self.visited or self.decided(name):
            return
        self.visited.add(name)
        for rule in self.rules(name):
            optional = bool(rule.selected_by and rule.selected_if_missing == "not_applicable"
                            and not self.given(rule.selected_by))
            versions = self.versions(rule)
            if optional:
                assert rule.selected_by is not None
                for version in versions[:1]:
                    self.need(rule.selected_by, rule, version, asked, True)
                if self.run is not None:
                    continue        # the rest is asked once the optional fact is given
            for version in versions:
                if rule.selected_by and not optional:
                    self.need(rule.selected_by, rule, version, asked, False)
                for conclusion in version.conclusions:
                    if conclusion.output != name:
                        continue
                    for ref in conclusion_refs(version, conclusion):
                        if ref.kind == "fact":
                            self.need(ref.target, rule, version, asked, False)
                        elif ref.kind == "output":
                            self.output(ref.target, asked)
                        elif ref.kind == "parameter":
                            self.parameter(ref.target, version)

    def parameter(self, param_id: str, version: RuleVersion) -> None:
        from ..compile.model import UNKNOWN
        param = self.kb.parameters.get(param_id)
        if param is None or param_id in self.parameters:
            return
        day = (self.run.law_as_of or self.run.as_of) if self.run else None
        values = [param.value_on(day)] if day else list(param.values)
        if any(v is not None and v.value is UNKNOWN for v in values):
            self.parameters.append(param_id)


def needs(kb: KnowledgeBase, outputs: Sequence[str], *, case: Case | None = None,
          as_of: date | None = None, law_as_of: date | None = None,
          reading: str | None = None, jurisdiction: str = "lu") -> Needs:
    """The facts that could still change ``outputs`` for ``case`` (evaluated as of
    ``as_of``), or, without a case, every fact the outputs can depend on."""
    if case is None:
        walk = _Walk(kb, jurisdiction, None, None)
        listed = []
        for name in outputs:
            walk.visited.clear()
            walk.output(name, name)
            listed.append(OutputNeed(name, "static", None,
                                     [f for f, n in walk.facts.items() if name in n.for_outputs]))
        return Needs(None, None, law_as_of, listed, walk.facts, walk.parameters)
    day = as_of or case.as_of
    if day is None:
        raise ValueError("an as-of date is needed to evaluate the case")
    outcome = evaluate(kb, case, day, law_as_of=law_as_of, outputs=list(outputs),
                       reading=reading)
    run = Evaluation(kb, case, day, law_as_of, reading)
    walk = _Walk(kb, case.jurisdiction, run, outcome)
    listed = []
    for name in outputs:
        result = outcome.results[name]
        if result.status == "value":
            listed.append(OutputNeed(name, "value", result.value))
            continue
        walk.visited.clear()
        walk.output(name, name)
        for missing in result.missing:
            if missing in walk.facts:
                walk.facts[missing].first = True
        listed.append(OutputNeed(name, result.status, None,
                                 [f for f, n in walk.facts.items() if name in n.for_outputs]))
    return Needs(case, day, law_as_of, listed, walk.facts, walk.parameters, outcome)


def needs_json(report: Needs) -> dict[str, Any]:
    """The report as JSON (``lexlux needs --format json`` and ``lexlux.api.needs``)."""
    from .values import to_json
    outputs = {}
    for need in report.outputs:
        entry: dict[str, Any] = {"status": need.status, "facts": need.facts}
        if need.status == "value" and report.outcome is not None:
            result = report.outcome.results[need.name]
            entry["value"] = to_json(need.value, result.type)
        outputs[need.name] = entry
    return {
        "case": report.case.name if report.case else None,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "law_as_of": report.law_as_of.isoformat() if report.law_as_of else None,
        "outputs": outputs,
        "groups": {topic: [f.name for f in facts] for topic, facts in report.groups().items()},
        "facts": [f.to_json() for f in report.facts.values()],
        "parameters_without_value": report.parameters,
    }
