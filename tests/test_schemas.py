"""The JSON Schemas are valid draft 2020-12, and every bundled file fits its schema."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from lexlux.load.discover import FileKind
from lexlux.load.yaml_source import SourceDocument
from lexlux.pipeline import LoadResult
from lexlux.validate.messages import check_document
from lexlux.validate.schemas import all_schemas, validator_for

SCHEMAS = all_schemas()


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(SCHEMAS[name])
    assert SCHEMAS[name]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMAS[name]["$id"].endswith(name)


def _objects(node: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            found.append((path, node))
        for key, value in node.items():
            found += _objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _objects(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_object_forbids_unknown_keys(name: str) -> None:
    loose = [path for path, obj in _objects(SCHEMAS[name])
             if obj.get("additionalProperties") is not False]
    assert loose == []


def test_bundled_files_fit_their_schema(bundled: LoadResult) -> None:
    schema_errors = [d for d in bundled.diagnostics if d.code.startswith("LX2")]
    assert schema_errors == []
    assert {f.kind for f in bundled.files} >= {FileKind.RULE, FileKind.PARAMETERS,
                                               FileKind.VOCABULARY}


def test_a_rule_without_versions_is_rejected() -> None:
    rule = {"id": "lu.code_du_travail.L121-6", "jurisdiction": "lu",
            "citation": {"instrument": "Code du travail", "article": "L.121-6"},
            "title": {"fr": "x"}, "authority": "law", "versions": []}
    errors = list(validator_for(FileKind.RULE).iter_errors(rule))
    assert [e.validator for e in errors] == ["minItems"]


def test_a_case_date_is_checked_by_the_calendar() -> None:
    case = {"case": "a case", "jurisdiction": "lu",
            "facts": {"incapacity": [{"from": "2019-02-29", "to": "2019-03-02"}]}}
    doc = SourceDocument("x.case.yaml", [], case)
    problems = list(check_document(doc, FileKind.CASE))
    assert [p.code for p in problems] == ["LX204"]
    assert "February 2019 has 28 days" in problems[0].message


def test_the_events_schema_is_what_the_bundled_vocabularies_generate(
        bundled: LoadResult) -> None:
    from lexlux.compile.event_schema import event_schema
    written = {k: v for k, v in SCHEMAS["defs/events.schema.json"].items() if k != "$id"}
    assert written == event_schema(bundled.kb), \
        "python -m lexlux.compile.event_schema > schemas/defs/events.schema.json"


def test_an_editor_is_told_the_fields_of_a_bundled_event_type() -> None:
    lu = SCHEMAS["defs/events.schema.json"]["$defs"]["lu"]["allOf"]
    certificate = next(t["then"]["properties"] for t in lu
                       if t["if"]["properties"]["type"]["const"] == "certificate")
    assert certificate["kind"]["enum"] == ["initial", "prolongation"]
    assert "received_by_employer" in certificate
    case = {"case": "A certificate of an unknown kind", "jurisdiction": "lu",
            "events": [{"type": "certificate", "kind": "initiale", "covers_from": "2019-03-04"}]}
    errors = list(validator_for(FileKind.CASE).iter_errors(case))
    assert errors and any("initiale" in e.message for e in errors)
    case["events"][0]["kind"] = "initial"
    assert list(validator_for(FileKind.CASE).iter_errors(case)) == []
