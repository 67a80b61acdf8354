"""Shared fixtures: the bundled knowledge base, golden files, hypothesis profiles."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# each test session has its own compiled-knowledge-base cache (never the user's); set
# LEXLUX_CACHE_DIR to share one, or LEXLUX_NO_CACHE=1 to test without
if "LEXLUX_CACHE_DIR" not in os.environ:
    os.environ["LEXLUX_CACHE_DIR"] = tempfile.mkdtemp(prefix="lexlux-test-cache-")
    atexit.register(shutil.rmtree, os.environ["LEXLUX_CACHE_DIR"], ignore_errors=True)

import pytest
from hypothesis import settings
from lexlux.pipeline import LoadResult, load_knowledge_base

from goldens import Golden

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=300)
settings.register_profile("dev", deadline=None, max_examples=50)
# the long fuzz run (docs/fuzzing.md): the fuzz tests set their own, larger, budgets
settings.register_profile("fuzz", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))



def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite the golden files instead of comparing with them")


@pytest.fixture(scope="session")
def bundled() -> LoadResult:
    return load_knowledge_base()


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-goldens")))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder for lexlux's disk caches (``LEXLUX_CACHE_DIR``), cache on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LEXLUX_CACHE_DIR", str(folder))
    monkeypatch.delenv("LEXLUX_NO_CACHE", raising=False)
    return folder
