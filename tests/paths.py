"""Where things are, for the tests."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: beside the project, or where LEXLUX_SOURCES says (as for lexlux check)
SOURCES = Path(os.environ.get("LEXLUX_SOURCES") or REPO.parent / "shared" / "sources")
