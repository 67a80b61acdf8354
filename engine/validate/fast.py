"""Stage 2 (validate): a compiled yes/no schema check, so that valid documents skip the
slow, explaining validator.

jsonschema (pure Python) walks the schema afresh for each document: about 1.8 ms for a
small case, most of a served evaluation's CPU.  ``jsonschema-rs`` (extra ``fast``; a
maintained Rust implementation of the same draft 2020-12) compiles each schema once and
answers "valid?" in tens of microseconds.  Only that answer is used: when a document is
*not* valid, jsonschema runs as before, so the diagnostics (messages, locations, hints)
are exactly the command line's.  Formats: only ``date`` is checked, by the calendar's own
:func:`~lexlux.calendar.dates.parse_date`, as in :mod:`.schemas`; every other format is
ignored by both.  Without the extra, :func:`is_valid` answers None and jsonschema decides.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..calendar.dates import DateFormatError, parse_date
from ..load.discover import FileKind


def _is_date(value: str) -> bool:
    try:
        parse_date(value)
    except DateFormatError:
        return False
    return True


@cache
def _validator(kind: FileKind) -> Any:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    from .schemas import SCHEMA_FILES, _schemas
    schemas = _schemas()
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    return jsonschema_rs.Draft202012Validator(
        schemas[SCHEMA_FILES[kind]], registry=registry, formats={"date": _is_date},
        validate_formats=True, ignore_unknown_formats=True)


def is_valid(data: Any, kind: FileKind) -> bool | None:
    """True when ``data`` is valid for ``kind``'s schema, False when not, None when the
    compiled validator is not installed (or cannot take this data): then ask jsonschema."""
    validator = _validator(kind)
    if validator is None:
        return None
    try:
        return bool(validator.is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return None          # e.g. an integer beyond 64 bits: jsonschema decides
