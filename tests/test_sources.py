"""Every excerpt a rule or parameter quotes stands, letter for letter (whitespace and line
breaks normalised), at the lines it cites — the check of ``lexlux check --sources``.

The sources live beside the project in ../shared/sources (never needed at run time).  Without
them the test is skipped on a developer's machine, but fails in CI (the ``CI`` environment
variable is set): there it must run, never skip silently."""

from __future__ import annotations

import os

import pytest
from lexlux.pipeline import LoadResult
from lexlux.validate.excerpts import check_excerpts, quoted_sources

from paths import SOURCES


def test_every_quoted_excerpt_stands_at_its_lines(bundled: LoadResult) -> None:
    if not SOURCES.is_dir():
        message = f"the legal sources are not at {SOURCES} (they must be beside the project)"
        if os.environ.get("CI"):
            pytest.fail(message + ": in CI the excerpt test must run")
        pytest.skip(message)
    report = check_excerpts(bundled.documents, SOURCES)
    assert [f"{d.span}: {d.message} ({d.hint})" for d in report.diagnostics] == []
    quoted = sum(1 for doc in bundled.documents.values() for _ in quoted_sources(doc.data))
    assert report.checked == quoted >= 1
