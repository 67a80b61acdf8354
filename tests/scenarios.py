"""Legal scenarios as YAML (OpenFisca style): every scenario in tests/law/<jur>/**/*.yaml is a
pytest item named by its sentence.  See docs/writing-rules.md, "Scenario tests"."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from lexlux.compile.model import Type
from lexlux.dates import parse_date
from lexlux.diagnostics import render_text
from lexlux.evaluate.case import case_from_document
from lexlux.evaluate.interpreter import evaluate
from lexlux.evaluate.values import from_written, to_json
from lexlux.load.yaml_source import SourceDocument, load_file
from lexlux.pipeline import LoadResult, load_knowledge_base

_KB: LoadResult | None = None
SCENARIO_KEYS = {"name", "cites", "as_of", "law_as_of", "reading", "facts", "derived", "expect",
                 "expect_missing", "expect_conflict", "expect_version", "notes"}


def bundled_kb() -> LoadResult:
    global _KB
    if _KB is None:
        _KB = load_knowledge_base()
    return _KB


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        doc, problems = load_file(self.path, str(self.path))
        if doc is None or problems or not isinstance(doc.data, dict):
            raise pytest.UsageError(f"{self.path}: " + "; ".join(p.message for p in problems))
        data = doc.data
        unknown = set(data) - {"provision", "checked_against", "jurisdiction", "scenarios"}
        if unknown or "scenarios" not in data or "provision" not in data:
            raise pytest.UsageError(f"{self.path}: needs provision: and scenarios: "
                                    f"(unknown keys: {sorted(unknown)})")
        for i, scenario in enumerate(data["scenarios"]):
            yield ScenarioItem.from_parent(self, name=scenario.get("name", f"#{i}"), doc=doc,
                                           index=i)


class ScenarioItem(pytest.Item):
    def __init__(self, *, doc: SourceDocument, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.doc = doc
        self.index = index

    def runtest(self) -> None:
        data = self.doc.data
        scenario = data["scenarios"][self.index]
        unknown = set(scenario) - SCENARIO_KEYS
        assert not unknown, f"unknown scenario keys {sorted(unknown)}"
        assert "name" in scenario and "cites" in scenario, "a scenario needs name: and cites:"
        loaded = bundled_kb()
        assert loaded.ok, "the bundled rules have errors: run lexlux check"
        kb = loaded.kb
        jurisdiction = data.get("jurisdiction") or self.path.relative_to(
            Path(__file__).parent / "law").parts[0]
        scenario.setdefault("facts", {})
        scenario["case"] = scenario["name"]
        scenario["jurisdiction"] = jurisdiction
        case, problems = case_from_document(self.doc, kb, ("scenarios", self.index))
        assert case is not None, "\n".join(render_text(p) for p in problems)
        outcome = evaluate(kb, case, parse_date(scenario["as_of"]),
                           law_as_of=parse_date(scenario["law_as_of"])
                           if "law_as_of" in scenario else None,
                           outputs=list(scenario.get("expect", {}))
                           + list(scenario.get("expect_missing_outputs", [])) or None,
                           reading=scenario.get("reading"))
        vocabulary = kb.vocabularies[jurisdiction]
        failures = []
        for name, expected in scenario.get("expect", {}).items():
            assert name in vocabulary.outputs, f"{name!r} is not an output of the vocabulary"
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
        for name, version in scenario.get("expect_version", {}).items():
            got = outcome.results[name].version_ids if name in outcome.results else ()
            if version not in got:
                failures.append(f"{name}: expected version {version}, got {got}")
        missing = sorted({m for r in outcome.results.values() for m in r.missing})
        for fact in scenario.get("expect_missing", []):
            if fact not in missing:
                failures.append(f"expected the fact {fact!r} to be reported missing; "
                                f"missing: {missing}")
        conflicts = [n for n, r in outcome.results.items() if r.status == "conflict"]
        for name in scenario.get("expect_conflict", []):
            if name not in conflicts:
                failures.append(f"expected a conflict on {name!r}")
        assert not failures, "\n".join(failures)

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.doc.span_at(("scenarios", self.index)).line
        return self.path, line - 1, f"scenario: {self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        line = self.doc.span_at(("scenarios", self.index)).line
        return f"{self.path}:{line}: scenario {self.name!r}\n{excinfo.value}"


def matches(actual: Any, expected: Any, vtype: Type) -> bool:
    kind = vtype.kind
    if kind in ("decimal", "money", "percentage"):
        try:
            return bool(from_written(expected if kind != "percentage" or
                                     isinstance(expected, str) else f"{expected}%", vtype)
                        == from_written(actual, vtype)) if kind == "percentage" else \
                Fraction(str(expected)) == Fraction(actual)
        except (ValueError, TypeError):
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
