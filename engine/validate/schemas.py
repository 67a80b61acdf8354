"""Stage 2 (validate): the JSON Schemas of every file kind, in one registry.

``schemas/*.schema.json`` (draft 2020-12) are loaded once into a
:class:`referencing.Registry`, so that ``$ref`` between them resolves offline.  The files have
no ``$id``: their identity is where they are, so that their relative ``$ref``s
(``defs/common.schema.json#/$defs/date``) resolve to the file beside them in any validator,
without network (``check-jsonschema --schemafile schemas/rule.schema.json``).  In memory,
each gets the ``$id`` ``BASE_URI`` + its path, under which the registry holds it.
``validate/bundle.py`` makes one self-contained schema per file kind, for editors.
Dates are checked by the calendar module (:func:`lexlux.calendar.dates.parse_date`), so the
schema stage and the evaluator agree on what a date is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..calendar.dates import DateFormatError, parse_date
from ..load.discover import FileKind, bundled_root

# jsonschema is imported where a document is explained (0.05-0.1 s): a valid document
# needs only jsonschema-rs (validate/fast.py)
if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker, ValidationError
    from referencing import Registry

SCHEMA_FILES: dict[FileKind, str] = {
    FileKind.RULE: "rule.schema.json",
    FileKind.PARAMETERS: "parameters.schema.json",
    FileKind.VOCABULARY: "vocabulary.schema.json",
    FileKind.CASE: "case.schema.json",
    FileKind.QUERY: "query.schema.json",
    FileKind.REFORM: "reform.schema.json",
    FileKind.COVERAGE: "coverage.schema.json",
    FileKind.DERIVATION: "derivation.schema.json",
    FileKind.INVARIANTS: "invariants.schema.json",
}
BASE_URI = "https://lexlux.lu/schemas/"

def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type keyword reports non-strings
    parse_date(value)
    return True


@cache
def _format_checker() -> FormatChecker:
    from jsonschema import FormatChecker
    checker = FormatChecker(formats=())
    checker.checks("date", raises=DateFormatError)(_is_date)
    return checker


def __getattr__(name: str) -> Any:
    if name == "FORMAT_CHECKER":        # made on first use (it imports jsonschema)
        return _format_checker()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def schema_dir() -> Path:
    return bundled_root("schemas")


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    schemas: dict[str, dict[str, Any]] = {}
    for file in sorted(schema_dir().rglob("*.schema.json")):
        name = file.relative_to(schema_dir()).as_posix()
        schemas[name] = {"$id": BASE_URI + name,      # in memory only: see the docstring
                         **json.loads(file.read_text(encoding="utf-8"))}
    return schemas


@cache
def _registry_and_schemas() -> tuple[Registry[Any], dict[str, dict[str, Any]]]:
    from referencing import Registry, Resource
    schemas = _schemas()
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return registry, schemas


def schema_for(kind: FileKind) -> dict[str, Any]:
    return _schemas()[SCHEMA_FILES[kind]]


def all_schemas() -> dict[str, dict[str, Any]]:
    return dict(_schemas())


@cache
def validator_for(kind: FileKind) -> Draft202012Validator:
    from jsonschema import Draft202012Validator
    registry, _ = _registry_and_schemas()
    return Draft202012Validator(schema_for(kind), registry=registry,
                                format_checker=_format_checker())


@cache
def validator_named(name: str) -> Draft202012Validator:
    """The validator of ``schemas/<name>``, for a file that is not of a rule-tree kind."""
    from jsonschema import Draft202012Validator
    registry, schemas = _registry_and_schemas()
    return Draft202012Validator(schemas[name], registry=registry,
                                format_checker=_format_checker())


def iter_schema_errors(data: Any, kind: FileKind) -> Iterator[ValidationError]:
    from .fast import is_valid
    if is_valid(data, kind):        # compiled yes/no check; jsonschema explains a "no"
        return
    yield from validator_for(kind).iter_errors(data)
