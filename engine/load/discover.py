"""Stage 1 (load): find the files of a knowledge base and tell their kind.

A file's kind follows from its name and place, so that editors can attach the right
JSON Schema by pattern:

=====================  ==========================================
``vocabulary.yaml``     vocabulary (facts and outputs) of a jurisdiction; it may also be
``vocabulary/*.yaml``   split into several files by topic, merged on loading
``parameters/*.yaml``   parameter file (named constants with dated values)
``*.case.yaml``         case file (a person's situation)
``*.query.yaml``        query file (what to evaluate)
``*.reform.yaml``       reform file (changes to the law, for what-if)
``coverage/*.yaml``     coverage of an instrument: articles encoded or not, open questions
``derivations/*.yaml``  derivation rule: how facts are derived from the events of a case
``invariants/*.yaml``   invariants: properties over outputs and parameters (lexlux verify)
any other ``*.yaml``    rule file (one provision or paragraph)
=====================  ==========================================
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Span, error

PACKAGE_DIR = Path(__file__).resolve().parent.parent


class FileKind(Enum):
    RULE = "rule"
    PARAMETERS = "parameters"
    VOCABULARY = "vocabulary"
    CASE = "case"
    QUERY = "query"
    REFORM = "reform"
    COVERAGE = "coverage"
    DERIVATION = "derivation"
    INVARIANTS = "invariants"


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path          # absolute path on disk
    display: str        # what messages show (repo-relative where possible)
    kind: FileKind


def file_kind(path: Path) -> FileKind:
    return _kind(path.name, path.parent.name)


def _kind(name: str, folder: str) -> FileKind:
    """:func:`file_kind` of a file ``name`` in a folder named ``folder``."""
    for suffix, kind in ((".case.yaml", FileKind.CASE), (".query.yaml", FileKind.QUERY),
                         (".reform.yaml", FileKind.REFORM)):
        if name.endswith(suffix):
            return kind
    if name == "vocabulary.yaml" or folder == "vocabulary":
        return FileKind.VOCABULARY
    return _FOLDER_KINDS.get(folder, FileKind.RULE)


_FOLDER_KINDS = {"parameters": FileKind.PARAMETERS, "coverage": FileKind.COVERAGE,
                 "derivations": FileKind.DERIVATION, "invariants": FileKind.INVARIANTS}


def bundled_root(name: str) -> Path:
    """Where the bundled ``rules/``, ``schemas/`` (or ``audit/``, ``examples/``) are: inside
    the wheel, or the checkout."""
    checkout = PACKAGE_DIR.parent / name
    if PACKAGE_DIR.name == "engine" and checkout.is_dir():
        return checkout          # running from a checkout (editable install or tests)
    return PACKAGE_DIR / f"_{name}"   # installed wheel


def display_path(path: Path) -> str:
    """Repo-relative where possible: ``rules/...`` for the bundled rules (``audit/...`` for
    their accepted findings), else relative to the working directory, else absolute."""
    return _display(path.resolve(), Path.cwd().resolve())


@lru_cache(maxsize=4)
def _bundled_resolved(name: str) -> Path:
    return bundled_root(name).resolve()        # the package does not move while it runs


def _display(resolved: Path, cwd: Path) -> str:
    """:func:`display_path` of a path already resolved, the working directory given."""
    for name in ("rules", "schemas", "audit"):
        try:
            rel = resolved.relative_to(_bundled_resolved(name))
        except ValueError:
            continue
        return f"{name}/{rel.as_posix()}"
    try:
        return resolved.relative_to(cwd).as_posix()
    except ValueError:
        return resolved.as_posix()


@lru_cache(maxsize=4)
def _bundled_prefix(name: str) -> str:
    return _prefix(str(_bundled_resolved(name)))


def _prefix(folder: str) -> str:
    """What the text of a path under ``folder`` (resolved) starts with."""
    return folder if folder.endswith("/") else folder + "/"


def _display_text(resolved: str, cwd: str) -> str:
    """:func:`_display` of the text of a resolved path (normalised, absolute), with string
    operations (the 250 files of the bundled rules: 10 ms of pathlib on every command)."""
    for name in ("rules", "schemas", "audit"):
        prefix = _bundled_prefix(name)
        if resolved.startswith(prefix):
            return f"{name}/{resolved[len(prefix):]}"
    cwd_prefix = _prefix(cwd)
    if resolved.startswith(cwd_prefix):
        return resolved[len(cwd_prefix):]
    return resolved


#: errors of a folder entry that :meth:`Path.rglob` passes over (pathlib's own list)
_IGNORED_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def entries_under(top: Path | str, suffix: str = ".yaml"
                  ) -> list[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Every entry named ``*suffix`` under the folder ``top``, with its names under
    ``top``, sorted as :class:`Path` objects sort: what ``sorted(top.rglob("*.yaml"))``
    of Python 3.11 finds (folders reached without following a folder's symbolic link; a
    folder that cannot be read is passed over), one ``scandir`` per folder and no
    :class:`Path` per entry (pathlib was a third of a cached load).  Also the code
    fingerprint's walk (:func:`lexlux.kb_cache.code_fingerprint`)."""
    found: list[tuple[tuple[str, ...], os.DirEntry[str]]] = []
    stack: list[tuple[tuple[str, ...], str]] = [((), str(top))]
    while stack:
        parts, folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            if entry.name.endswith(suffix):
                found.append(((*parts, entry.name), entry))
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in _IGNORED_ERRNOS:
                    raise
                is_folder = False
            if is_folder:
                stack.append(((*parts, entry.name), entry.path))
    found.sort(key=lambda item: item[0])
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    """:meth:`Path.is_file` of a folder entry (a link followed; a broken one is no file)."""
    try:
        return entry.is_file()
    except OSError as exc:
        if exc.errno not in _IGNORED_ERRNOS:
            raise
        return False


def discover(paths: Iterable[Path]) -> tuple[list[SourceFile], list[Diagnostic]]:
    """All ``*.yaml`` files under ``paths`` (files or directories), in a stable order."""
    found: dict[Path, SourceFile] = {}
    diagnostics: list[Diagnostic] = []
    cwd = Path.cwd().resolve()
    cwd_text = str(cwd)
    for given in paths:
        if given.is_dir():
            root = given.resolve()
            root_prefix = _prefix(str(root))
            for parts, entry in entries_under(given):
                if not _is_file(entry):
                    continue
                if not entry.is_symlink():
                    # no link on the way (folders' links are not followed): the resolved
                    # path is the resolved folder's, without a system call per file
                    text = root_prefix + "/".join(parts)
                    resolved = Path(text)
                    if resolved not in found:
                        found[resolved] = SourceFile(
                            resolved, _display_text(text, cwd_text),
                            _kind(parts[-1], parts[-2] if len(parts) > 1 else given.name))
                    continue
                path = given.joinpath(*parts)
                resolved = path.resolve()      # once per file: the check, the key, the name
                if resolved.is_relative_to(root):
                    if resolved not in found:
                        found[resolved] = SourceFile(resolved, _display(resolved, cwd),
                                                     file_kind(path))
                    continue
                # a link out of the folder is not read (nor shown): the rules are the folder
                diagnostics.append(error(
                    "LX109", "a symbolic link that leads out of the rules folder",
                    Span(display_path(path.parent) + "/" + path.name, 1, 1, 1, 1),
                    expected=f"files inside {display_path(given)}",
                    hint="copy the file into the folder, or give its folder as another path"))
        elif given.is_file():
            resolved = given.resolve()
            if resolved not in found:
                found[resolved] = SourceFile(resolved, _display(resolved, cwd),
                                             file_kind(given))
        else:
            diagnostics.append(error("LX104", f"no such file or directory: {given}",
                                     Span(str(given), 1, 1, 1, 1),
                                     hint="check the path; with no path, lexlux checks its "
                                          "bundled rules"))
    return sorted(found.values(), key=lambda f: f.display), diagnostics
