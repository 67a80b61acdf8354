"""The compiled yes/no schema check (validate/fast.py) agrees with jsonschema.

A document the compiled validator calls valid skips jsonschema, so a disagreement in that
direction would lose diagnostics: every YAML file of the repository (bundled rules,
examples, good and bad test fixtures) and variants of each example case are checked both
ways and must get the same answer.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from lexlux.load.discover import FileKind, file_kind
from lexlux.load.yaml_source import load_file
from lexlux.validate.fast import is_valid
from lexlux.validate.schemas import validator_for

REPO = Path(__file__).resolve().parents[2]

pytest.importorskip("jsonschema_rs")


def _documents() -> list[tuple[str, FileKind, Any]]:
    out = []
    for folder in ("rules", "examples", "tests"):
        for path in sorted((REPO / folder).rglob("*.yaml")):
            doc, problems = load_file(path, path.as_posix())
            if doc is None or problems:
                continue
            out.append((path.relative_to(REPO).as_posix(), file_kind(path), doc.data))
    return out


def _case_variants(data: dict[str, Any]) -> list[Any]:
    """Wrong in one place each: a date that does not exist, an unknown key, a wrong type,
    a missing key, a period with a bad end."""
    variants: list[Any] = []
    for key, value in (("as_of", "2019-02-30"), ("as_of", "2019-2-3"), ("as_of", 20190101),
                       ("jurisdiction", ["lu"]), ("surprise", 1), ("facts", [])):
        v = copy.deepcopy(data)
        v[key] = value
        variants.append(v)
    v = copy.deepcopy(data)
    v.pop("case", None)
    variants.append(v)
    for name, value in (data.get("facts") or {}).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            v = copy.deepcopy(data)
            v["facts"][name][0]["to"] = "2019-13-01"
            variants.append(v)
            break
    return variants


DOCUMENTS = _documents()


def test_there_are_documents_of_every_kind() -> None:
    kinds = {kind for _, kind, _ in DOCUMENTS}
    assert {FileKind.RULE, FileKind.CASE, FileKind.VOCABULARY, FileKind.PARAMETERS} <= kinds
    assert len(DOCUMENTS) > 300


def test_compiled_check_agrees_with_jsonschema_on_every_file() -> None:
    disagree = []
    invalid = 0
    for name, kind, data in DOCUMENTS:
        explained = not any(True for _ in validator_for(kind).iter_errors(data))
        invalid += not explained
        fast = is_valid(data, kind)
        if fast is not None and fast != explained:
            disagree.append((name, fast, explained))
    assert disagree == []
    assert invalid > 10          # the bad fixtures are among them


def test_compiled_check_agrees_on_broken_cases() -> None:
    cases = [data for _, kind, data in DOCUMENTS
             if kind is FileKind.CASE and isinstance(data, dict)]
    checked = 0
    for data in cases:
        for variant in _case_variants(data):
            explained = not any(True for _ in validator_for(FileKind.CASE).iter_errors(variant))
            assert is_valid(variant, FileKind.CASE) == explained, variant
            checked += 1
    assert checked > 100
