"""docs/editors.md: the VS Code settings give every shipped file the schema of its kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lexlux.load.discover import FileKind, file_kind
from lexlux.validate.bundle import BUNDLED
from lexlux.validate.schemas import SCHEMA_FILES

from paths import REPO

DOC = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
SHIPPED = sorted([*(REPO / "rules").rglob("*.yaml"), *(REPO / "examples").glob("*.yaml"),
                  *(REPO / "tests").rglob("*.yaml")])


def settings() -> dict[str, list[str]]:
    block = re.search(r"```json\n(\{\n  \"yaml\.schemas\".*?)```", DOC, re.S)
    assert block is not None, "docs/editors.md has the VS Code settings in a json block"
    schemas: dict[str, list[str]] = json.loads(block.group(1))["yaml.schemas"]
    return schemas


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as VS Code and the YAML language server read it: ``**/`` any folders (or
    none), ``*`` any characters but ``/``; matched against the workspace-relative path."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


def matches(patterns: list[str], relative: str) -> bool:
    positive = [p for p in patterns if not p.startswith("!")]
    negative = [p[1:] for p in patterns if p.startswith("!")]
    return any(glob_regex(p).fullmatch(relative) for p in positive) and \
        not any(glob_regex(p).fullmatch(relative) for p in negative)


def test_the_repository_settings_are_the_documented_ones() -> None:
    committed = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert committed["yaml.schemas"] == settings()
    extensions = json.loads((REPO / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def kinds_by_schema() -> dict[str, FileKind]:
    return {name: kind for kind, name in SCHEMA_FILES.items()}


def test_glob_semantics() -> None:
    assert matches(["**/*.case.yaml"], "examples/a.case.yaml")
    assert matches(["**/*.case.yaml"], "a.case.yaml")
    assert not matches(["**/rules/**/parameters/*.yaml"], "rules/lu/parameters/x/y.yaml")
    assert not matches(["**/rules/**/*.yaml", "!**/vocabulary.yaml"], "rules/lu/vocabulary.yaml")


def test_every_schema_named_in_the_settings_is_bundled() -> None:
    for path in settings():
        assert path.startswith(".lexlux/schemas/")
        assert Path(path).name in BUNDLED
    assert set(kinds_by_schema()) == {Path(p).name for p in settings()}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(REPO).as_posix())
def test_each_file_gets_exactly_the_schema_of_its_kind(path: Path) -> None:
    relative = path.relative_to(REPO).as_posix()
    chosen = [kinds_by_schema()[Path(schema).name]
              for schema, patterns in settings().items() if matches(patterns, relative)]
    if relative.startswith(("rules/", "examples/")) or chosen:
        assert chosen == [file_kind(path)], relative


def test_every_kind_is_reached() -> None:
    reached = {file_kind(p) for p in SHIPPED
               if any(matches(ps, p.relative_to(REPO).as_posix()) for ps in settings().values())}
    assert reached == set(FileKind)
