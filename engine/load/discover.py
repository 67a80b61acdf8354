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
    name = path.name
    for suffix, kind in ((".case.yaml", FileKind.CASE), (".query.yaml", FileKind.QUERY),
                         (".reform.yaml", FileKind.REFORM)):
        if name.endswith(suffix):
            return kind
    if name == "vocabulary.yaml" or path.parent.name == "vocabulary":
        return FileKind.VOCABULARY
    if path.parent.name == "parameters":
        return FileKind.PARAMETERS
    if path.parent.name == "coverage":
        return FileKind.COVERAGE
    if path.parent.name == "derivations":
        return FileKind.DERIVATION
    if path.parent.name == "invariants":
        return FileKind.INVARIANTS
    return FileKind.RULE


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


def discover(paths: Iterable[Path]) -> tuple[list[SourceFile], list[Diagnostic]]:
    """All ``*.yaml`` files under ``paths`` (files or directories), in a stable order."""
    found: dict[Path, SourceFile] = {}
    diagnostics: list[Diagnostic] = []
    cwd = Path.cwd().resolve()
    for given in paths:
        if given.is_dir():
            root = given.resolve()
            candidates = []
            for path in sorted(p for p in given.rglob("*.yaml") if p.is_file()):
                resolved = path.resolve()      # once per file: the check, the key, the name
                if resolved.is_relative_to(root):
                    candidates.append((path, resolved))
                    continue
                # a link out of the folder is not read (nor shown): the rules are the folder
                diagnostics.append(error(
                    "LX109", "a symbolic link that leads out of the rules folder",
                    Span(display_path(path.parent) + "/" + path.name, 1, 1, 1, 1),
                    expected=f"files inside {display_path(given)}",
                    hint="copy the file into the folder, or give its folder as another path"))
        elif given.is_file():
            candidates = [(given, given.resolve())]
        else:
            diagnostics.append(error("LX104", f"no such file or directory: {given}",
                                     Span(str(given), 1, 1, 1, 1),
                                     hint="check the path; with no path, lexlux checks its "
                                          "bundled rules"))
            continue
        for candidate, resolved in candidates:
            if resolved not in found:
                found[resolved] = SourceFile(resolved, _display(resolved, cwd),
                                             file_kind(candidate))
    return sorted(found.values(), key=lambda f: f.display), diagnostics
