"""Golden files: compare what a person reads with a reviewed file; --update-goldens rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest


class Golden:
    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update or not path.exists():
            path.write_text(actual, encoding="utf-8")
            if not self.update:
                pytest.fail(f"golden file {path} did not exist: written, review it")
            return
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from {path} (pytest --update-goldens)"
