"""Self-contained JSON Schemas for editors and off-the-shelf validators (no network).

The schemas in ``schemas/`` refer to each other by relative path
(``defs/common.schema.json#/$defs/date``).  A bundle is one file per file kind in which
every schema it refers to is copied under ``$defs`` (keyed by its file name) and every
``$ref`` is a local JSON Pointer (``#/$defs/common.schema.json/$defs/date``): any
validator and any editor resolves it from the file alone, wherever it is copied.

>>> rule = bundled_schema("rule.schema.json")
>>> rule["$id"]
'urn:lexlux:schema:rule'
>>> rule["properties"]["id"]["$ref"]
'#/$defs/common.schema.json/$defs/rule_id'
>>> sorted(external_refs(rule))
[]
"""

from __future__ import annotations

import copy
import json
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..output import write_atomically
from .schemas import all_schemas

#: the schemas written by ``lexlux schema --bundle`` (every file kind, and eval's output)
BUNDLED = ("rule.schema.json", "parameters.schema.json", "vocabulary.schema.json",
           "case.schema.json", "query.schema.json", "reform.schema.json",
           "coverage.schema.json", "eval-output.schema.json", "derivation.schema.json",
           "invariants.schema.json")


class BundleError(Exception):
    """A ``$ref`` that names no schema of the set (a bug of the schemas, caught by tests)."""


def _split(ref: str, current: str) -> tuple[str, str]:
    """(schema file, JSON Pointer) of ``ref`` written in the schema file ``current``."""
    target, _, pointer = ref.partition("#")
    if not target:
        return current, pointer
    if "://" in target or target.startswith("urn:"):
        raise BundleError(f"{current}: $ref {ref!r} is not a relative file reference")
    return posixpath.normpath(posixpath.join(posixpath.dirname(current), target)), pointer


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def external_refs(schema: dict[str, Any]) -> set[str]:
    """The ``$ref``s of ``schema`` that do not point inside it."""
    return {ref for ref in _refs(schema) if not ref.startswith("#")}


def _closure(root: str, schemas: dict[str, dict[str, Any]]) -> list[str]:
    """``root`` and every schema file it refers to, directly or not, in a stable order."""
    seen = [root]
    for name in seen:
        if name not in schemas:
            raise BundleError(f"a $ref names {name!r}, which is not a schema of lexlux")
        for ref in _refs(schemas[name]):
            target, _ = _split(ref, name)
            if target not in seen:
                seen.append(target)
    return seen


def _rewrite(node: Any, current: str, root: str, keys: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target, pointer = _split(value, current)
                prefix = "" if target == root else f"/$defs/{keys[target]}"
                out[key] = f"#{prefix}{pointer}"
            else:
                out[key] = _rewrite(value, current, root, keys)
        return out
    if isinstance(node, list):
        return [_rewrite(value, current, root, keys) for value in node]
    return node


def bundled_schema(name: str) -> dict[str, Any]:
    """The schema file ``name`` with everything it refers to, as one self-contained schema."""
    schemas = all_schemas()
    members = _closure(name, schemas)
    keys = {member: posixpath.basename(member) for member in members[1:]}
    root = _rewrite(copy.deepcopy(schemas[name]), name, name, keys)
    defs: dict[str, Any] = root.setdefault("$defs", {})
    for member in members[1:]:
        if keys[member] in defs:
            raise BundleError(f"{name}: $defs already has {keys[member]!r}")
        embedded = _rewrite(copy.deepcopy(schemas[member]), member, name, keys)
        embedded.pop("$schema", None)
        embedded.pop("$id", None)
        defs[keys[member]] = embedded
    root.pop("$id", None)
    kind = posixpath.basename(name).removesuffix(".schema.json")
    # an identifier that no tool tries to download: every $ref is local to this file
    return {"$schema": root.pop("$schema"), "$id": f"urn:lexlux:schema:{kind}", **root}


def bundle() -> dict[str, dict[str, Any]]:
    """Every bundled schema, by file name."""
    return {name: bundled_schema(name) for name in BUNDLED}


def write_bundle(folder: Path) -> list[Path]:
    """Write the bundle into ``folder`` (created if needed), each file atomically; every
    schema is built before the first file is written.  Returns the files written."""
    texts = {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
             for name, schema in bundle().items()}
    written = []
    for name, text in texts.items():
        path = folder / name
        write_atomically(path, text)
        written.append(path)
    return written
