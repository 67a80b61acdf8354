"""Scenario files (``tests/law/**.yaml``): a case, a date, the expected outputs.

Used by the test suite (each scenario is a pytest item) and by ``lexlux impact`` (which
scenarios change between two revisions of the law).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..calendar.dates import parse_date
from ..compile.model import KnowledgeBase, Type
from ..diagnostics import Diagnostic
from ..evaluate.case import Case, case_from_document
from ..evaluate.interpreter import Outcome, evaluate
from ..evaluate.values import from_written, to_json
from ..load.yaml_source import SourceDocument, load_file

SCENARIO_KEYS = {"name", "cites", "as_of", "law_as_of", "reading", "facts", "events", "parameters",
                 "derived", "expect",
                 "expect_missing", "expect_conflict", "expect_version", "notes"}
FILE_KEYS = {"provision", "checked_against", "jurisdiction", "scenarios"}


@dataclass
class Scenario:
    file: Path
    index: int
    name: str
    doc: SourceDocument
    jurisdiction: str

    @property
    def data(self) -> dict[str, Any]:
        scenario: dict[str, Any] = self.doc.data["scenarios"][self.index]
        return scenario

    @property
    def line(self) -> int:
        return self.doc.span_at(("scenarios", self.index)).line


def load_scenarios(path: Path, root: Path) -> tuple[list[Scenario], str | None]:
    """The scenarios of one file (jurisdiction from its folder under ``root``), or a problem."""
    doc, problems = load_file(path, str(path))
    if doc is None or problems or not isinstance(doc.data, dict):
        return [], "; ".join(p.message for p in problems) or "not a mapping"
    unknown = set(doc.data) - FILE_KEYS
    if unknown or "scenarios" not in doc.data or "provision" not in doc.data:
        return [], f"needs provision: and scenarios: (unknown keys: {sorted(unknown)})"
    jurisdiction = doc.data.get("jurisdiction") or path.relative_to(root).parts[0]
    return [Scenario(path, i, s.get("name", f"#{i}"), doc, jurisdiction)
            for i, s in enumerate(doc.data["scenarios"])], None


def scenario_case(scenario: Scenario, kb: KnowledgeBase
                  ) -> tuple[Case | None, list[Diagnostic]]:
    data = scenario.data
    data.setdefault("facts", {})
    data["case"] = scenario.name
    data["jurisdiction"] = scenario.jurisdiction
    return case_from_document(scenario.doc, kb, ("scenarios", scenario.index))


def run_scenario(scenario: Scenario, kb: KnowledgeBase, case: Case) -> Outcome:
    data = scenario.data
    # with expect_missing, every output is evaluated: the missing fact may be needed by an
    # output the scenario does not otherwise check
    outputs = None if data.get("expect_missing") else (list(data.get("expect", {})) or None)
    return evaluate(kb, case, parse_date(data["as_of"]),
                    law_as_of=parse_date(data["law_as_of"]) if "law_as_of" in data else None,
                    outputs=outputs, reading=data.get("reading"))


def check_scenario(scenario: Scenario, kb: KnowledgeBase, outcome: Outcome) -> list[str]:
    """What differs from the scenario's expectations (empty: it passes)."""
    data = scenario.data
    vocabulary = kb.vocabularies[scenario.jurisdiction]
    failures = []
    unknown = set(data) - SCENARIO_KEYS - {"case", "jurisdiction"}   # (set by scenario_case)
    if unknown:
        failures.append(f"unknown scenario keys {sorted(unknown)}")
    for name, expected in data.get("expect", {}).items():
        if name not in vocabulary.outputs:
            failures.append(f"{name!r} is not an output of the vocabulary")
            continue
        result = outcome.results[name]
        if expected is None:
            if result.status != "no_value":
                failures.append(f"{name}: expected no value, got {result.status} "
                                f"{to_json(result.value, result.type)}")
            continue
        if result.status != "value":
            failures.append(f"{name}: expected {expected!r}, got {result.status}: "
                            f"{result.message}")
            continue
        actual = to_json(result.value, result.type)
        if not matches(actual, expected, result.type):
            failures.append(f"{name}: expected {expected!r}, got {actual!r} "
                            f"(by {', '.join(result.version_ids)})")
    for name, version in data.get("expect_version", {}).items():
        got = outcome.results[name].version_ids if name in outcome.results else ()
        if version not in got:
            failures.append(f"{name}: expected version {version}, got {got}")
    missing = sorted({m for r in outcome.results.values() for m in r.missing})
    for fact in data.get("expect_missing", []):
        if fact not in missing:
            failures.append(f"expected the fact {fact!r} to be reported missing; "
                            f"missing: {missing}")
    conflicts = [n for n, r in outcome.results.items() if r.status == "conflict"]
    for name in data.get("expect_conflict", []):
        if name not in conflicts:
            failures.append(f"expected a conflict on {name!r}")
    return failures


def matches(actual: Any, expected: Any, vtype: Type) -> bool:
    kind = vtype.kind
    try:
        if kind == "percentage":
            written = expected if isinstance(expected, str) else f"{expected}%"
            return bool(from_written(written, vtype) == from_written(actual, vtype))
        if kind in ("decimal", "money"):
            return Fraction(str(expected)) == Fraction(actual)
    except (ValueError, TypeError, ZeroDivisionError):
        return False
    if kind in ("obligation", "prohibition", "right") and isinstance(expected, dict):
        return all(actual.get(k) == v for k, v in expected.items())
    if kind == "timeline" and isinstance(expected, list):
        if len(actual) != len(expected):
            return False
        inner = vtype.of or Type("string")
        return all(a["from"] == e.get("from", a["from"]) and a["to"] == e.get("to", a["to"])
                   and matches(a["value"], e["value"], inner)
                   for a, e in zip(actual, expected, strict=True))
    return bool(actual == expected)
