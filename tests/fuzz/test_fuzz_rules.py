"""Fuzz: the bundled rule, parameter and vocabulary files, mutated (lines, keys, scalars,
indentation, YAML features, encodings), through load → validate → compile → evaluate.

In process, each mutated file is compiled with the vocabulary and parameters of its
jurisdiction (and the rules it names in ``exception_to``), and a rule that compiles is
evaluated on the example cases; the command line (``lexlux check``) runs on a sample.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from contract import check_diagnostics, run_cli
from hypothesis import given
from hypothesis import strategies as st
from lexlux.diagnostics import has_errors
from lexlux.evaluate.case import Case, load_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.load.discover import FileKind, SourceFile
from lexlux.load.yaml_source import SourceDocument
from lexlux.pipeline import LoadResult, compile_documents, load_documents, load_knowledge_base
from mutations import budget, count_input, mutated_file

from paths import REPO

RULES = REPO / "rules"


@functools.cache
def bundled() -> LoadResult:
    loaded = load_knowledge_base()
    assert loaded.ok
    return loaded


@functools.cache
def targets() -> list[SourceFile]:
    return [f for f in bundled().files
            if f.kind in (FileKind.RULE, FileKind.PARAMETERS, FileKind.VOCABULARY)]


@functools.cache
def example_cases() -> tuple[Case, ...]:
    cases = []
    for path in sorted((REPO / "examples").glob("*.case.yaml")):
        case, _ = load_case(path, bundled().kb)
        assert case is not None
        cases.append(case)
    return tuple(cases)


def context(target: SourceFile) -> tuple[dict[str, SourceDocument], dict[str, FileKind]]:
    """The documents a file is compiled with: its jurisdiction's vocabulary and parameters,
    and the rules its versions name in exception_to (all but the file itself)."""
    loaded = bundled()
    jurisdiction = target.display.split("/")[1]
    wanted: set[str] = set()
    doc = loaded.documents[target.display]
    if target.kind is FileKind.RULE:
        for version in doc.data.get("versions", []):
            wanted |= {e["rule"] for e in version.get("exception_to", [])}
    docs: dict[str, SourceDocument] = {}
    kinds: dict[str, FileKind] = {}
    for file in loaded.files:
        if file.display == target.display or file.display.split("/")[1] != jurisdiction:
            continue
        other = loaded.documents[file.display]
        if file.kind in (FileKind.VOCABULARY, FileKind.PARAMETERS) or (
                file.kind is FileKind.RULE and other.data.get("id") in wanted):
            docs[file.display], kinds[file.display] = other, file.kind
    return docs, kinds


def compile_mutated(target: SourceFile, raw: bytes, folder: Path) -> None:
    relative = Path(target.display).relative_to("rules")
    path = folder / "rules" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    docs, kinds, problems = load_documents([SourceFile(path, target.display, target.kind)])
    check_diagnostics(problems)
    if problems:
        return
    base_docs, base_kinds = context(target)
    kb, compiled = compile_documents({**base_docs, **docs}, {**base_kinds, **kinds})
    check_diagnostics(compiled)
    if has_errors(compiled) or target.kind is not FileKind.RULE or \
            not target.display.startswith("rules/lu/"):
        return
    declared = kb.vocabularies["lu"].outputs
    outputs = [o for r in kb.rules.values() for o in r.outputs if o in declared]
    for case in example_cases():
        assert case.as_of is not None
        for as_of in (case.as_of, None):
            outcome = evaluate(kb, case, as_of or case.as_of, outputs=outputs or None,
                               law_as_of=None if as_of else case.as_of)
            check_diagnostics(outcome.diagnostics)


@st.composite
def mutated_target(draw: st.DrawFn) -> tuple[SourceFile, bytes]:
    target = draw(st.sampled_from(targets()))
    text = (RULES / Path(target.display).relative_to("rules")).read_text(encoding="utf-8")
    return target, draw(mutated_file(text))


@budget(short=100, long=30_000)
@given(case=mutated_target())
def test_a_mutated_rule_file_gives_diagnostics_never_a_crash(case: tuple[Any, bytes],
                                                             tmp_path_factory: Any) -> None:
    count_input("rules")
    target, raw = case
    compile_mutated(target, raw, scratch(tmp_path_factory))


def scratch(factory: Any) -> Path:
    """One folder per test session (removing a folder per input costs more than the input)."""
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = factory.mktemp("fuzz-rules")
    return _SCRATCH


_SCRATCH: Path | None = None


@budget(short=5, long=500)
@given(mutated_target())
def test_lexlux_check_on_a_mutated_rule_file_keeps_the_contract(case: tuple[Any, bytes]
                                                                ) -> None:
    count_input("check")
    target, raw = case
    with tempfile.TemporaryDirectory(prefix="lexlux-fuzz-") as tmp:
        folder = Path(tmp)
        path = folder / target.display
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        jurisdiction = target.display.split("/")[1]
        others = [str(RULES / jurisdiction / part) for part in ("vocabulary", "parameters")
                  if (RULES / jurisdiction / part).is_dir()]
        cwd = Path.cwd()
        os.chdir(folder)
        try:
            run_cli(["check", target.display, *others, "--format", "json"], folder)
        finally:
            os.chdir(cwd)
