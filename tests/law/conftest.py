"""Collect every scenario file under tests/law as pytest items (see tests/scenarios.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios import ScenarioFile


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
