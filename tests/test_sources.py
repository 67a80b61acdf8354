"""Every excerpt a rule or parameter quotes stands, letter for letter, at the line it cites.

The sources live beside the project in ../shared/sources (never needed at run time)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lexlux.load.yaml_source import PathKey
from lexlux.pipeline import LoadResult

from paths import SOURCES


def _sources(node: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    if isinstance(node, dict):
        if {"file", "lines", "excerpt"} <= set(node):
            yield path, node
        for key, value in node.items():
            yield from _sources(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _sources(value, (*path, i))


def _lines(file: str) -> list[str]:
    return (SOURCES / file).read_text(encoding="utf-8").splitlines()


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the project")
def test_every_quoted_excerpt_stands_at_its_line(bundled: LoadResult) -> None:
    problems = []
    checked = 0
    for display, doc in bundled.documents.items():
        for path, source in _sources(doc.data):
            file = source["file"]
            if not (SOURCES / file).is_file():
                problems.append(f"{display} {path}: no source file {file}")
                continue
            lines = _lines(file)
            first, last = source["lines"]
            line = source.get("excerpt_line", first)
            if not (1 <= first <= last <= len(lines)) or not first <= line <= max(last, line):
                problems.append(f"{display} {path}: lines {first}-{last} (excerpt line {line})"
                                f" are not inside {file} ({len(lines)} lines)")
                continue
            if source["excerpt"] not in lines[line - 1]:
                problems.append(f"{display} {path}: the excerpt {source['excerpt']!r} is not "
                                f"on line {line} of {file}: {lines[line - 1]!r}")
            checked += 1
    assert problems == []
    assert checked >= 1
