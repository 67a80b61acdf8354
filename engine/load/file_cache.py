"""The per-file stages (read, YAML with its source map, schema check) cached on disk, so that
after editing one rule file only that file is parsed and checked again; the cross-file
stages (compile, linking, whole-knowledge-base checks) still run on every miss of the
compiled knowledge base (:mod:`lexlux.kb_cache`).

An entry is ``files/<key>`` in the cache folder of :mod:`lexlux.kb_cache`: a pickle of the
file's :class:`~lexlux.load.yaml_source.SourceDocument`, its diagnostics (YAML and schema)
and whether it passed.  Its name is the SHA-256 of everything that outcome depends on: the
lexlux and Python versions, the fingerprint of lexlux's code and bundled schemas, the input
limits, the file's path as shown in diagnostics, its kind, and the SHA-256 of its bytes.
Entries are written to a temporary file and renamed (concurrent runs see a whole entry or
none), never rewritten; an entry that cannot be read (truncated, foreign) is ignored and
written again.  Only files whose bytes could be read and decoded are cached (an unreadable
file, a file over the size limit or one that is not YAML is simply loaded again).  Only the
newest ``KEEP`` entries are kept; ``LEXLUX_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..compile.model import Rule
    from ..diagnostics import Diagnostic
    from .discover import SourceFile
    from .yaml_source import SourceDocument

KEEP = 4096
_FORMAT = b"lexlux-file-cache-1"


@dataclass
class FileOutcome:
    """What the per-file stages made of one file: its document (``data`` None when it could
    not be read or composed), its diagnostics, and whether it fits its schema."""

    doc: SourceDocument
    diagnostics: list[Diagnostic]
    valid: bool


@dataclass
class CompiledRule:
    """What compiling one rule file made of it (:func:`lexlux.compile.from_source.build_rule`),
    cached under its file's key and the keys of the vocabulary and parameter files, the only
    other files it reads."""

    rule: Rule | None
    diagnostics: list[Diagnostic]


class FileCache:
    """The per-file entries of one load (one folder, one set of versions and limits)."""

    def __init__(self) -> None:
        from .. import __version__
        from ..kb_cache import cache_dir, code_fingerprint, enabled
        from ..limits import current
        self.active = enabled()
        self.folder = cache_dir() / "files"
        self.limits = current()
        self._prefix = (f"{_FORMAT.decode()}|{__version__}|{sys.version}|{code_fingerprint()}"
                        f"|{self.limits!r}\n").encode()
        self.written = False

    def key(self, file: SourceFile, raw: bytes) -> str:
        digest = hashlib.sha256(self._prefix)
        digest.update(f"{file.display}|{file.kind.value}|".encode())
        digest.update(hashlib.sha256(raw).digest())
        return digest.hexdigest()

    def compiled_key(self, file_key: str, context: str) -> str:
        """The key of a rule file's compiled rule: its file's key, and ``context`` (a digest
        of the keys of the files its compilation reads)."""
        return hashlib.sha256(f"compiled|{file_key}|{context}".encode()).hexdigest()

    def read_compiled(self, key: str) -> CompiledRule | None:
        found = self._load(key)
        return found if isinstance(found, CompiledRule) else None

    def read(self, key: str) -> FileOutcome | None:
        found = self._load(key)
        return found if isinstance(found, FileOutcome) else None

    def _load(self, key: str) -> object:
        target = self.folder / key
        try:
            with target.open("rb") as handle:
                if handle.read(len(_FORMAT)) != _FORMAT:
                    return None
                outcome = pickle.load(handle)
        except Exception:         # missing, damaged or foreign: loaded again
            return None
        with contextlib.suppress(OSError):
            os.utime(target)      # most recently used: kept by the pruning
        return outcome

    def write(self, key: str, outcome: FileOutcome | CompiledRule) -> None:
        from ..kb_cache import dump_atomically
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            dump_atomically(self.folder, self.folder / key, outcome, _FORMAT)
        except Exception:
            return               # a folder that cannot be written: no cache, no error
        self.written = True

    def prune(self) -> None:
        if not self.written:
            return
        with contextlib.suppress(OSError):
            entries = [e for e in os.scandir(self.folder) if not e.name.startswith(".")]
            if len(entries) <= KEEP:
                return
            entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
            for entry in entries[KEEP:]:
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


def read_limited(path: Path, max_bytes: int) -> bytes | None:
    """At most ``max_bytes + 1`` bytes of ``path`` (as the loader reads it); None if it cannot
    be read (the loader reports it)."""
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError:
        return None
