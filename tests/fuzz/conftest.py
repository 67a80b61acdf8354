"""Fuzz fixtures: the knowledge base loaded once for all command lines of a test (the rules
are not what these tests mutate), and a scratch working folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from contract import cached_load


@pytest.fixture
def cached_kb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``lexlux eval``, ``whatif``, ``batch``, ``solve``, ``coverage`` and ``verify`` load
    the rules from a cache; ``lexlux check`` still loads them for real."""
    import lexlux.cli.eval
    import lexlux.cli.report
    import lexlux.cli.solve
    import lexlux.cli.verify
    import lexlux.inputs
    for module in (lexlux.inputs, lexlux.cli.eval, lexlux.cli.report, lexlux.cli.solve,
                   lexlux.cli.verify):
        monkeypatch.setattr(module, "load_knowledge_base", cached_load)
    yield
