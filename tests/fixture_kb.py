"""Assemble a diagnostic fixture: the shared base, the good rule, then the fixture's files."""

from __future__ import annotations

import shutil
from pathlib import Path

DIAGNOSTICS = Path(__file__).parent / "diagnostics"


def assemble(fixture: Path, into: Path) -> Path:
    """Copy base + good + ``fixture`` into ``into``; return the ``rules`` folder."""
    for layer in (DIAGNOSTICS / "base", DIAGNOSTICS / "good", fixture):
        shutil.copytree(layer / "rules", into / "rules", dirs_exist_ok=True)
    return into / "rules"
