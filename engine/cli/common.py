"""What the command modules share: exit codes, common options, loading with errors raised."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..calendar.dates import DateFormatError, parse_date
from ..diagnostics import LexluxError, error
from ..pipeline import LoadResult, load_knowledge_base

if TYPE_CHECKING:       # the stages are imported where used: `lexlux --help` needs none
    from ..evaluate.case import Case

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (default), json for programs")


def add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, action="append", metavar="DIR",
                        help="rules folder to use instead of the bundled rules (repeatable)")


def iso_date(text: str) -> date:
    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise argparse.ArgumentTypeError(f"{exc} ({exc.hint})") from None


def load_baseline(rules: list[Path] | None) -> LoadResult:
    loaded = load_knowledge_base(rules)
    if not loaded.ok:
        raise LexluxError(loaded.diagnostics)
    return loaded


def load_reformed(baseline: LoadResult, reform: Path) -> LoadResult:
    if not reform.is_file():
        raise LexluxError([error("LX104", f"no such reform file: {reform}")])
    from ..kb_cache import load_or_build
    from ..load.discover import FileKind, SourceFile, display_path
    from ..whatif.reform import apply_reform
    # the reformed law is cached like the baseline: keyed by every rule file and the reform
    source = SourceFile(reform.resolve(), display_path(reform), FileKind.REFORM)
    reformed = load_or_build([*baseline.files, source], lambda: apply_reform(baseline, reform))
    if not reformed.ok:
        raise LexluxError(reformed.diagnostics)
    return reformed


def load_case_or_fail(path: Path, loaded: LoadResult) -> Case:
    if not path.is_file():
        raise LexluxError([error("LX104", f"no such case file: {path}",
                                 hint="give the path of a *.case.yaml file")])
    from ..evaluate.case import load_case
    case, problems = load_case(path, loaded.kb)
    if case is None:
        raise LexluxError(problems)
    return case


def check_outputs(names: list[str] | None, loaded: LoadResult, jurisdiction: str) -> None:
    vocabulary = loaded.kb.vocabularies[jurisdiction]
    for name in names or ():
        if name not in vocabulary.outputs:
            from ..evaluate.case import unknown_output
            raise LexluxError([unknown_output(name, vocabulary)])


