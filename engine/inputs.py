"""What the command line and the Python API (``lexlux.api``) share to read their inputs:
the rules, a reform, a case, the outputs asked for and the as-of date.  Each raises
:class:`LexluxError` with the diagnostics to show."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import LexluxError, error
from .pipeline import LoadResult, load_knowledge_base

if TYPE_CHECKING:       # the stages are imported where used: `lexlux --help` needs none
    from .evaluate.case import Case


def load_baseline(rules: list[Path] | None) -> LoadResult:
    loaded = load_knowledge_base(rules)
    if not loaded.ok:
        raise LexluxError(loaded.diagnostics)
    return loaded


def load_reformed(baseline: LoadResult, reform: Path) -> LoadResult:
    if not reform.is_file():
        raise LexluxError([error("LX104", f"no such reform file: {reform}")])
    from .kb_cache import load_or_build
    from .load.discover import FileKind, SourceFile, display_path
    from .whatif.reform import apply_reform
    # the reformed law is cached like the baseline: keyed by every rule file and the reform
    source = SourceFile(reform.resolve(), display_path(reform), FileKind.REFORM)
    reformed = load_or_build([*baseline.files, source], lambda: apply_reform(baseline, reform))
    if not reformed.ok:
        raise LexluxError(reformed.diagnostics)
    return reformed


def load_case_or_fail(path: Path, loaded: LoadResult) -> Case:
    from .evaluate.case import load_case
    if not path.is_file():
        raise LexluxError([error("LX104", f"no such case file: {path}",
                                 hint="give the path of a *.case.yaml file")])
    case, problems = load_case(path, loaded.kb)
    if case is None:
        raise LexluxError(problems)
    return case


def check_outputs(names: list[str] | None, loaded: LoadResult, jurisdiction: str) -> None:
    from .evaluate.case import unknown_output
    vocabulary = loaded.kb.vocabularies[jurisdiction]
    for name in names or ():
        if name not in vocabulary.outputs:
            raise LexluxError([unknown_output(name, vocabulary)])


def require_as_of(given: date | None, case: Case, how: str = "--as-of ") -> date:
    """The as-of date: the one given, else the case's."""
    as_of = given or case.as_of
    if as_of is None:
        raise LexluxError([error("LX314", f"no as-of date: the case has no as_of and no "
                                 f"{how.strip(' =')} was given", hint=f"add {how}YYYY-MM-DD")])
    return as_of
