"""Reports: equivalent mutants — changes of the law that no case can tell apart.

A surviving mutant (engine/report/mutate.py) is a missing scenario *or* an equivalent change:
one that no case can distinguish from the law (a parameter only compared with values that
cannot reach it, a date before the first date of the knowledge base).  Such mutants are listed,
each with the reason, in YAML files under ``mutation/equivalent/`` (one file per area)::

    - file: rules/lu/parameters/mutualite.yaml
      line: 12                    # optional: only used to choose among identical changes
      kind: date
      change: "'2009-01-01' -> '2008-12-31'"
      reason: >-
        No rule that reads the parameter applies before 2009-01-01 (002 lines 6580-6583) ...

(a mapping ``equivalent: [...]`` is read the same way).  ``change`` is the mutant's label as
``lexlux mutate`` prints it, or only its ``before -> after`` part (quoted as printed, or not).
An entry matches the mutants of its ``file`` and ``kind`` with that change, whatever their
line, so that a harmless line shift does not break it.  When several mutants of the file have
that change (the same date in several parameters), an entry without ``line`` covers them all,
and an entry with a ``line`` only the one nearest to it.

``lexlux mutate`` then reports a matched surviving mutant as *equivalent* (listed with its
reason, not scored); an entry that matches no surviving mutant is *stale* (LX113, a warning:
remove it); a mutant marked equivalent that a scenario kills was not equivalent (LX114, an
error).  The files are checked against ``schemas/equivalent-mutants.schema.json``, with the
located diagnostics of every other file (LX2xx).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, LexluxError, Span, error, warning
from ..load.discover import display_path
from ..load.yaml_source import PathKey, SourceDocument, load_file
from ..validate.messages import schema_diagnostics
from ..validate.schemas import validator_named
from .mutate import Mutant, MutantResult, MutationReport

SCHEMA = "equivalent-mutants.schema.json"
KINDS = ("parameter", "comparison", "connective", "date", "exception")
_LABEL_PREFIX = re.compile(r"^\S+:\d+: [a-z]+ ")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Equivalence:
    file: str
    kind: str
    change: str
    reason: str
    line: int | None
    where: Span            # the entry, in its file

    def label(self) -> str:
        return f"{self.file}{f':{self.line}' if self.line else ''}: {self.kind} {self.change}"


def default_folder() -> Path | None:
    """``mutation/equivalent`` of the repository (the working directory), when present."""
    folder = Path("mutation") / "equivalent"
    return folder if folder.is_dir() else None


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def change_forms(mutant: Mutant) -> set[str]:
    """The texts an entry's ``change`` may give for ``mutant`` (spaces squashed)."""
    return {_squash(f"{mutant.before!r} -> {mutant.after!r}"),
            _squash(f"{mutant.before} -> {mutant.after}")}


def _entry_change(text: str) -> str:
    """An entry's change, without the ``file:line: kind `` of a pasted label."""
    return _squash(_LABEL_PREFIX.sub("", _squash(text), count=1))


def load_folder(folder: Path) -> list[Equivalence]:
    """Every entry of the ``*.yaml`` files of ``folder`` (sorted by name).  A file that is not
    valid YAML or does not fit the schema raises :class:`LexluxError` with located
    diagnostics (every problem of every file, not only the first)."""
    if not folder.is_dir():
        raise LexluxError([error("LX104", f"--equivalent {folder}: no such folder",
                                 hint="give the folder of the equivalent-mutant files, e.g. "
                                      "mutation/equivalent")])
    entries: list[Equivalence] = []
    problems: list[Diagnostic] = []
    for path in sorted(folder.glob("*.yaml")):
        found, file_problems = load_entries(path)
        entries += found
        problems += file_problems
    if problems:
        raise LexluxError(problems)
    return entries


def load_entries(path: Path) -> tuple[list[Equivalence], list[Diagnostic]]:
    """The entries of one file, or the located problems that stop it being read."""
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        return [], problems
    if doc.data is None:          # an empty file lists nothing
        return [], []
    problems = list(schema_diagnostics(doc, validator_named(SCHEMA)))
    if problems:
        return [], problems
    base: PathKey = ("equivalent",) if isinstance(doc.data, dict) else ()
    items = doc.data["equivalent"] if isinstance(doc.data, dict) else doc.data
    return [_entry(doc, (*base, i), item) for i, item in enumerate(items)], []


def _entry(doc: SourceDocument, path: PathKey, item: dict[str, Any]) -> Equivalence:
    return Equivalence(file=item["file"], kind=item["kind"], change=_entry_change(item["change"]),
                       reason=_squash(item["reason"]), line=item.get("line"),
                       where=doc.span_at(path))


def _matches(entry: Equivalence, results: list[MutantResult]) -> list[MutantResult]:
    """The mutants of the entry's file and kind with its change; when there are several and
    the entry gives a line, those nearest to it (a line shift moves them all alike)."""
    found = [r for r in results if r.mutant.file == entry.file and r.mutant.kind == entry.kind
             and entry.change in change_forms(r.mutant)]
    if len(found) > 1 and entry.line is not None:
        line = entry.line
        nearest = min(abs(r.mutant.line - line) for r in found)
        return [r for r in found if abs(r.mutant.line - line) == nearest]
    return found


def apply_equivalences(report: MutationReport, entries: list[Equivalence]) -> list[Diagnostic]:
    """Mark the surviving mutants that an entry lists as ``equivalent`` (with its reason), and
    return LX114 for each listed mutant that was killed and LX113 for each entry that matches
    no surviving mutant.  Entries about files that were not mutated in this run (``--only``)
    are left alone."""
    mutated = {r.mutant.file for r in report.results}
    problems: list[Diagnostic] = []
    for entry in entries:
        if entry.file not in mutated:
            continue
        matched = _matches(entry, report.results)
        survivors = [r for r in matched if r.status in ("survived", "equivalent")]
        for result in survivors:
            result.status = "equivalent"
            result.reason = entry.reason
            result.entry = str(entry.where)
        for result in matched:
            if result.status == "killed":
                problems.append(error(
                    "LX114", f"the mutant {result.mutant.label} is listed as equivalent, but the "
                    f"scenario {result.killed_by} kills it", entry.where,
                    expected="only mutants that survive every scenario are equivalent",
                    hint="remove this entry: a case tells the mutant apart from the law, so it "
                         "is not equivalent (check the reason given)"))
        if not survivors and not any(r.status == "killed" for r in matched):
            what = (f"only a {matched[0].status} mutant" if matched else "no mutant")
            problems.append(warning(
                "LX113", f"the equivalent-mutant entry {entry.label()} matches {what} of this "
                "run: it is stale", entry.where,
                expected="an entry whose file, kind and change are those of a surviving mutant",
                hint="remove it, or copy the change again from `lexlux mutate --format json` "
                     "(the rule or parameter may have changed)"))
    return problems
