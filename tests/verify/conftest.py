"""Shared fixtures of the verifier tests: the small knowledge bases under kb/."""

from __future__ import annotations

from pathlib import Path

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base

KB = Path(__file__).resolve().parent / "kb"


def load(name: str) -> KnowledgeBase:
    result = load_knowledge_base([KB / name / "rules"])
    assert result.ok, [d.message for d in result.diagnostics]
    return result.kb


@pytest.fixture(scope="module")
def planted() -> KnowledgeBase:
    return load("planted")


@pytest.fixture(scope="module")
def clean() -> KnowledgeBase:
    return load("clean")
