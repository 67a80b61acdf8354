"""Rendering at the CLI boundary: diagnostics as text or JSON, and atomic file writes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import TextIO

from .diagnostics import Diagnostic, LexluxError, error, render_json, render_text


def emit_diagnostics(diagnostics: list[Diagnostic], fmt: str, stdout: TextIO,
                     lines: dict[str, list[str]], extra: dict[str, object]) -> None:
    if fmt == "json":
        payload = {"diagnostics": json.loads(render_json(diagnostics)), **extra}
        stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    for d in diagnostics:
        stdout.write(render_text(d, lines) + "\n")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str, *, argument: str | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``: a reader
    never sees half a file, and a failure leaves the old file as it was.

    A file that is overwritten keeps its permissions; a new file gets the usual ones (0666
    less the umask).  A failure to write (a folder in the way, no permission, a full disk)
    raises :class:`LexluxError` with LX110, naming ``argument`` (the option that gave the
    path, e.g. ``--witness``) when given.
    """
    tmp: str | None = None
    try:
        try:
            mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else \
                0o666 & ~_umask()
        except OSError:
            mode = 0o666 & ~_umask()
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # (random, shutil, bz2, lzma: for a written file only)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise LexluxError([cannot_write(path, exc, argument)]) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def cannot_write(path: Path, exc: OSError | str, argument: str | None = None) -> Diagnostic:
    """LX110 for an output file that cannot be written, located at the argument."""
    reason = exc if isinstance(exc, str) else (exc.strerror or type(exc).__name__)
    where = f"{argument} {path}" if argument else str(path)
    return error("LX110", f"{where}: cannot write the file: {reason}",
                 expected="a file path in a folder that lexlux may write to",
                 hint="check the path: a folder of that name, a missing permission or a full "
                      "disk stops the write; nothing was changed")
