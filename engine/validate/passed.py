"""Documents that passed their schema check before, remembered by content in the cache
folder, so that ``lexlux eval`` of a case it has seen does not import and run jsonschema
again (the cold start of the command line, issue 15).

A mark is an empty file ``checked/<sha256>`` beside the compiled knowledge bases
(:mod:`lexlux.kb_cache`): its name is the SHA-256 of the file kind, the lexlux and Python
versions, the fingerprint of lexlux's code and bundled schemas, the input limits and the
document's data.  The check is a pure function of these, so a document whose mark exists
passes it again; only passing documents are marked (a document with problems is always
checked, to report them).  A mark is written atomically (create, never rewritten); only
the newest ``KEEP`` marks are kept.  ``LEXLUX_NO_CACHE=1`` turns the marks off, and a
cache folder that cannot be written only means the check runs every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

KEEP = 512
_FORMAT = "lexlux-schema-passed-1"


def _mark(kind: str, data: Any) -> Path | None:
    from .. import __version__
    from ..kb_cache import cache_dir, code_fingerprint, enabled
    from ..limits import current
    if not enabled():
        return None
    try:
        text = json.dumps(data, sort_keys=True, default=repr, ensure_ascii=False)
    except (TypeError, ValueError):
        return None                  # not plain data: always checked
    digest = hashlib.sha256(f"{_FORMAT}|{kind}|{__version__}|{sys.version}|"
                            f"{code_fingerprint()}|{current()!r}\n".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return cache_dir() / "checked" / digest.hexdigest()


def passed_before(kind: str, data: Any) -> bool:
    """Whether a document of this kind with this data passed its schema check before."""
    mark = _mark(kind, data)
    return mark is not None and mark.exists()


def remember_passed(kind: str, data: Any) -> None:
    """Mark the data as having passed (best effort: nothing happens if it cannot be written)."""
    mark = _mark(kind, data)
    if mark is None:
        return
    with contextlib.suppress(OSError):
        mark.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        _prune(mark.parent)


def _prune(folder: Path) -> None:
    with contextlib.suppress(OSError):
        marks = list(os.scandir(folder))
        if len(marks) <= KEEP:
            return
        marks.sort(key=lambda e: e.stat().st_mtime, reverse=True)
        for entry in marks[KEEP:]:
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()
