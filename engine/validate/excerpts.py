"""The stricter check: every quoted excerpt stands in the source file at the lines it cites.

Rules (and parameter values) quote their text: ``source: {file, lines: [first, last],
excerpt, excerpt_line}``.  With a sources folder (``lexlux check --sources DIR``, the
``LEXLUX_SOURCES`` environment variable, or ``sources =`` under ``[tool.lexlux]`` in the
project's ``pyproject.toml``), each excerpt is looked for in the cited lines: it must begin on
``excerpt_line`` (default: the first cited line) and end by the last cited line.  Whitespace
and line breaks are compared normalised (a run of spaces, tabs and line breaks is one space),
so an excerpt may run over a line break of the source; every other character must be the
source's, letter for letter.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error
from ..load.yaml_source import PathKey, SourceDocument

ENVIRONMENT_VARIABLE = "LEXLUX_SOURCES"


@dataclass(frozen=True, slots=True)
class SourcesSetting:
    folder: Path | None     # None: no setting anywhere
    origin: str             # where the setting comes from, in words


def find_sources(given: Path | None, cwd: Path | None = None) -> SourcesSetting:
    """The sources folder: ``--sources``, else the environment, else ``pyproject.toml``
    (``[tool.lexlux] sources``, relative to that file) in the working folder or above."""
    if given is not None:
        return SourcesSetting(given, "--sources")
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return SourcesSetting(Path(os.environ[ENVIRONMENT_VARIABLE]), ENVIRONMENT_VARIABLE)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        project = folder / "pyproject.toml"
        if not project.is_file():
            continue
        try:
            settings = tomllib.loads(project.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return SourcesSetting(None, "")
        value = settings.get("tool", {}).get("lexlux", {}).get("sources")
        if isinstance(value, str):
            return SourcesSetting(folder / value, f"{project} [tool.lexlux] sources")
        return SourcesSetting(None, "")
    return SourcesSetting(None, "")


def normalise(text: str) -> str:
    """Whitespace and line breaks as one space.

    >>> normalise("à notifier au salarié la résiliation de son contrat de\\n  travail ")
    'à notifier au salarié la résiliation de son contrat de travail'
    """
    return " ".join(text.split())


def quoted_sources(node: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    """Every ``{file, lines, excerpt}`` mapping of a document, with its YAML path."""
    if isinstance(node, dict):
        if {"file", "lines", "excerpt"} <= set(node):
            yield path, node
        for key, value in node.items():
            yield from quoted_sources(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from quoted_sources(value, (*path, i))


@dataclass
class ExcerptReport:
    checked: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Files:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache: dict[str, list[str] | None] = {}

    def lines(self, name: str) -> list[str] | None:
        if name not in self.cache:
            file = self.folder / name
            try:
                self.cache[name] = file.read_text(encoding="utf-8").splitlines() \
                    if file.is_file() and Path(name).name == name else None
            except (OSError, UnicodeDecodeError):
                self.cache[name] = None
        return self.cache[name]


def check_excerpts(documents: dict[str, SourceDocument], folder: Path) -> ExcerptReport:
    """Check every quoted excerpt of ``documents`` against the files in ``folder``."""
    report = ExcerptReport()
    files = _Files(folder)
    for _, doc in sorted(documents.items()):
        if doc.data is None:
            continue
        for path, source in quoted_sources(doc.data):
            problem = _check_one(doc, path, source, files)
            if problem is not None:
                report.diagnostics.append(problem)
            else:
                report.checked += 1
    return report


def _check_one(doc: SourceDocument, path: PathKey, source: dict[str, Any],
               files: _Files) -> Diagnostic | None:
    name, excerpt = source["file"], source["excerpt"]
    if not isinstance(name, str) or not isinstance(excerpt, str):
        return None                 # the schema reports it
    lines = files.lines(name)
    if lines is None:
        return error("LX317", f"the source file {name!r} is not in the sources folder "
                     f"{files.folder}", doc.span_at((*path, "file")),
                     hint="check the file name (the files are named NNN_hash.txt), or the "
                          "sources folder (--sources DIR)")
    try:
        first, last = (int(n) for n in source["lines"])
        line = int(source.get("excerpt_line", first))
    except (TypeError, ValueError):
        return None                 # the schema reports it
    if not (1 <= first <= last <= len(lines)) or not 1 <= line <= len(lines):
        return error("LX317", f"lines {first}-{last} (excerpt on line {line}) are not all in "
                     f"{name}, which has {len(lines)} lines", doc.span_at((*path, "lines")),
                     hint="cite lines that exist in the file")
    wanted = normalise(excerpt)
    end = max(last, line)
    head = normalise(lines[line - 1])
    found = normalise(" ".join(lines[line - 1:end])).find(wanted)
    if wanted and 0 <= found <= len(head) and (found < len(head) or not head):
        return None
    return error("LX316", f"the excerpt does not stand in {name} from line {line} to line "
                 f"{end}", doc.span_at((*path, "excerpt")),
                 expected=f"text of line {line}: «{lines[line - 1].strip()}»",
                 hint=_where(lines, wanted, line, end, first))


def _where(lines: list[str], wanted: str, line: int, end: int, first: int) -> str:
    """Where the excerpt does stand, if it does: the lines to cite instead."""
    for more in range(end + 1, min(end + 6, len(lines)) + 1):
        if normalise(" ".join(lines[line - 1:more])).find(wanted) >= 0:
            return (f"the excerpt runs on to line {more}: cite lines: [{first}, {more}], or "
                    "shorten the excerpt to the cited lines")
    for start in range(1, len(lines) + 1):
        if wanted and wanted.split(" ", 1)[0] in lines[start - 1]:
            text = normalise(" ".join(lines[start - 1:start + 6]))
            offset = text.find(wanted)
            if 0 <= offset <= len(normalise(lines[start - 1])):
                return (f"it stands at line {start}: correct lines (or excerpt_line), or "
                        "copy the excerpt again from the source")
    return ("copy the excerpt exactly from the source (whitespace and line breaks do not "
            "matter, every other character does)")
