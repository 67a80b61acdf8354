"""The vector backend's tests run on the bundled rules (the L.125-4 payer exception
included: the backend compiles exceptions)."""

from __future__ import annotations

import pytest
from lexlux.pipeline import LoadResult, load_knowledge_base


@pytest.fixture(scope="session")
def bundled() -> LoadResult:
    loaded = load_knowledge_base()
    assert loaded.ok, [d.message for d in loaded.diagnostics if d.severity.value == "error"]
    return loaded
