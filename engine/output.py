"""Rendering at the CLI boundary: diagnostics as text or JSON, and atomic file writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TextIO

from .diagnostics import Diagnostic, render_json, render_text


def emit_diagnostics(diagnostics: list[Diagnostic], fmt: str, stdout: TextIO,
                     lines: dict[str, list[str]], extra: dict[str, object]) -> None:
    if fmt == "json":
        payload = {"diagnostics": json.loads(render_json(diagnostics)), **extra}
        stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    for d in diagnostics:
        stdout.write(render_text(d, lines) + "\n")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``: a reader
    never sees half a file, and a failure leaves the old file as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
