"""Public holidays read from the ``holidays`` library, kept in a small file on disk (leaf
calendar module).

Importing ``holidays`` loads the modules of every country it knows (a third of a second),
which a single ``lexlux eval`` would otherwise pay each time.  The tables it gives (per
jurisdiction and year: day → French name) are kept in one pickle under the user's cache
directory, keyed by the library's installed files, so that a new version of the library is
read again.  The directory and the switch are those of the knowledge-base cache
(``LEXLUX_CACHE_DIR``, ``XDG_CACHE_HOME``, ``LEXLUX_NO_CACHE=1``); a directory that cannot
be written only means the library is asked every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

Table = dict[date, str]
_memory: dict[tuple[str, int], Table] | None = None


def _enabled() -> bool:
    return os.environ.get("LEXLUX_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _file() -> Path | None:
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    origin = Path(spec.origin)
    try:
        version = (origin.parent / "version.py").stat().st_mtime_ns
        stamp = f"{origin}:{origin.stat().st_mtime_ns}:{version}"
    except OSError:
        return None
    explicit = os.environ.get("LEXLUX_CACHE_DIR")
    base = Path(explicit) if explicit else Path(
        os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "lexlux"
    return base / f"holidays-{hashlib.sha256(stamp.encode()).hexdigest()[:24]}.pickle"


def _load(path: Path) -> dict[tuple[str, int], Table]:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        return data if isinstance(data, dict) else {}
    except Exception:       # absent, damaged: asked again
        return {}


def holiday_table(jurisdiction: str, year: int, compute: Callable[[], Table]) -> Table:
    """The table of ``jurisdiction`` and ``year``, from the file or from ``compute()``
    (whose exceptions, e.g. a year the library does not cover, pass through)."""
    global _memory
    key = (jurisdiction, year)
    path = _file() if _enabled() else None
    if path is None:
        return compute()
    if _memory is None:
        _memory = _load(path)
    if key in _memory:
        return _memory[key]
    table = compute()
    merged = {**_load(path), **_memory, key: table}
    _memory = merged
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".holidays-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(merged, handle, protocol=pickle.HIGHEST_PROTOCOL)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return table
