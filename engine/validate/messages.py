"""Stage 2 (validate): jsonschema errors → diagnostics a drafter can act on.

Each :class:`jsonschema.ValidationError` is located with the document's source map
(the offending key for unknown keys, the mapping for a missing key), and rewritten
to say what was expected, with a hint ("did you mean 'valid_from'?").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..calendar.dates import DateFormatError
from ..diagnostics import Diagnostic, error
from ..load.discover import FileKind
from ..load.yaml_source import PathKey, SourceDocument
from .schemas import iter_schema_errors

if TYPE_CHECKING:   # imported by the schema stage where a document breaks its schema
    from jsonschema import Draft202012Validator, ValidationError

_TYPE_WORDS = {
    "object": "a mapping (key: value lines)", "array": "a list (lines starting with '- ')",
    "string": "a text", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "null": "nothing (null)",
}


def did_you_mean(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else repr(value)


def _types(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


def _leaf(err: ValidationError) -> ValidationError:
    while err.validator in ("oneOf", "anyOf") and err.context:
        # drop the alternatives whose type does not fit the value at all: an object with a
        # bad key should be told about that key, not that "a list was expected"
        wrong_type = {e.relative_schema_path[0] for e in err.context
                      if e.validator == "type" and not e.relative_path}
        fitting = [e for e in err.context if e.relative_schema_path[0] not in wrong_type]
        from jsonschema.exceptions import best_match
        picked = best_match(fitting or err.context)
        if picked is None:
            break
        err = picked
    return err


def check_document(doc: SourceDocument, kind: FileKind) -> Iterator[Diagnostic]:
    """Yield one diagnostic per schema violation in ``doc``, at the right line."""
    if not isinstance(doc.data, dict):
        yield error("LX203", f"a {kind.value} file must be a mapping of keys, found "
                    f"{_describe(doc.data)}", doc.span_at(()),
                    expected="a YAML mapping (key: value lines)",
                    hint=f"see docs/writing-rules.md for a complete {kind.value} file")
        return
    yield from _diagnostics(doc, iter_schema_errors(doc.data, kind))


def schema_diagnostics(doc: SourceDocument, validator: Draft202012Validator
                       ) -> Iterator[Diagnostic]:
    """The located diagnostics of ``doc`` against a schema that is not of a rule-tree file
    kind (e.g. the equivalent-mutant files of lexlux mutate)."""
    yield from _diagnostics(doc, validator.iter_errors(doc.data))


def _diagnostics(doc: SourceDocument, errors: Iterable[ValidationError]
                 ) -> Iterator[Diagnostic]:
    seen: set[tuple[str, PathKey]] = set()
    for raw in errors:
        converted = list(_convert(doc, _leaf(raw)))
        if not converted:   # never let a document that breaks its schema pass silently
            converted = [error("LX206", raw.message[:300], doc.span_at(tuple(raw.absolute_path)),
                               expected=str(raw.schema.get("description", ""))[:300] or None
                               if isinstance(raw.schema, dict) else None)]
        for diagnostic in converted:
            key = (diagnostic.code, tuple(diagnostic.span.yaml_path if diagnostic.span else ""))
            if key not in seen:
                seen.add(key)
                yield diagnostic


def _convert(doc: SourceDocument, err: ValidationError) -> Iterator[Diagnostic]:
    path: PathKey = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    keyword = err.validator
    if "propertyNames" in err.schema_path:
        yield error("LX205", f"the name {err.instance!r} is not a valid name here",
                    doc.span_at((*path, str(err.instance)), key=True),
                    expected="lower case letters, digits and underscores, starting with a letter",
                    hint="e.g. certificate_received_on")
        return
    if keyword == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in err.instance:
            if key in schema.get("properties", {}):
                continue
            guess = did_you_mean(key, allowed)
            hint = f"did you mean {guess!r}?" if guess else "remove it, or check the spelling"
            yield error("LX201", f"unknown key {key!r}", doc.span_at((*path, key), key=True),
                        expected="one of: " + ", ".join(allowed), hint=hint)
        return
    if keyword == "required" and isinstance(err.instance, dict):
        unknown = [k for k in err.instance if k not in schema.get("properties", {})]
        for key in err.validator_value:
            misspelt = did_you_mean(key, unknown) if key not in err.instance else None
            if misspelt is not None:
                # a misspelt key is reported once, as an unknown key with "did you mean" (here
                # too: under oneOf, the additionalProperties error may not be the one picked)
                yield error("LX201", f"unknown key {misspelt!r}",
                            doc.span_at((*path, misspelt), key=True),
                            expected="one of: " + ", ".join(sorted(schema.get("properties", {}))),
                            hint=f"did you mean {key!r}?")
            elif key not in err.instance:
                described = schema.get("properties", {}).get(key, {}).get("description", "")
                yield error("LX202", f"the required key {key!r} is missing",
                            doc.span_at(path, key=True), expected=f"a key {key!r}",
                            hint=(described or f"add '{key}: ...'"))
        return
    span = doc.span_at(path)
    if keyword == "format" and err.validator_value == "date":
        cause = err.cause
        message = str(cause) if cause else f"{err.instance}: not a date"
        date_hint = cause.hint if isinstance(cause, DateFormatError) else None
        yield error("LX204", f"not a valid date: {message}", span,
                    expected="a calendar date written YYYY-MM-DD, e.g. 2019-01-01",
                    hint=date_hint)
        return
    if keyword == "type":
        type_hint: str | None = None
        if isinstance(err.instance, str) and err.instance.lower() in ("yes", "no", "on", "off"):
            type_hint = "write true or false (lexlux does not read yes/no/on/off as booleans)"
        elif isinstance(err.instance, str) and "boolean" in str(err.validator_value):
            type_hint = "write true or false"
        elif err.instance is None:
            type_hint = "the value is empty: write it after the colon"
        yield error("LX203", f"expected {_types(err.validator_value)}, found "
                    f"{_describe(err.instance)}", span,
                    expected=_types(err.validator_value), hint=type_hint)
        return
    if keyword == "enum":
        choices = [str(c) for c in err.validator_value]
        guess = did_you_mean(str(err.instance), choices)
        yield error("LX205", f"{_describe(err.instance)} is not an allowed value", span,
                    expected="one of: " + ", ".join(choices),
                    hint=f"did you mean {guess!r}?" if guess else schema.get("description"))
        return
    if keyword == "pattern":
        yield error("LX205", f"{_describe(err.instance)} does not have the expected form", span,
                    expected=schema.get("description") or f"text matching {err.validator_value}")
        return
    limits = {"minItems": "at least {} item(s)", "maxItems": "at most {} item(s)",
              "minLength": "at least {} character(s)", "minimum": "at least {}",
              "maximum": "at most {}", "minProperties": "at least {} entry(ies)",
              "uniqueItems": "no repeated items"}
    if keyword in limits:
        wanted = limits[keyword].format(err.validator_value)
        yield error("LX206", f"{_describe(err.instance)} does not have {wanted}", span,
                    expected=wanted + (f": {schema['description']}" if "description" in schema
                                       else ""))
        return
    yield error("LX206", err.message, span, expected=schema.get("description"))
