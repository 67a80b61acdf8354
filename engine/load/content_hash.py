"""The content hash of a knowledge base: which rules an answer was computed with.

The hash is SHA-256 over the rule files' bytes, in a stable order (their paths relative to
the root, POSIX spelling, sorted), each file contributing its path, a NUL, its length and its
bytes — so that renaming, moving, adding or changing a file changes the hash, and the
machine, the checkout's place and the order the disk lists files in do not.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "a.yaml").write_bytes(b"id: a\\n")
>>> content_hash([root]) == content_hash([root])
True
>>> len(content_hash([root]))
64
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path


def rule_files(roots: Sequence[Path]) -> list[tuple[str, Path]]:
    """``(relative path, file)`` for every ``*.yaml`` under ``roots``, in a stable order."""
    found: dict[str, Path] = {}
    for number, root in enumerate(roots):
        prefix = f"{number}/" if len(roots) > 1 else ""
        if root.is_file():
            found[prefix + root.name] = root
            continue
        for file in root.rglob("*.yaml"):
            if file.is_file():
                found[prefix + file.relative_to(root).as_posix()] = file
    return sorted(found.items())


def content_hash(roots: Sequence[Path]) -> str:
    """The SHA-256 (hex) of the rule files under ``roots``."""
    digest = hashlib.sha256()
    for relative, file in rule_files(roots):
        data = file.read_bytes()
        digest.update(relative.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()
