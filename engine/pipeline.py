"""The pipeline: load → validate → compile.  Each stage returns (output, diagnostics).

>>> result = load_knowledge_base()          # the bundled rules/
>>> result.ok
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, error, has_errors
from .load.discover import FileKind, SourceFile, bundled_root, discover

if TYPE_CHECKING:       # the stages are imported where used: a cached load needs none
    from .compile.model import KnowledgeBase
    from .load.yaml_source import SourceDocument


@dataclass
class LoadResult:
    kb: KnowledgeBase
    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: dict[str, SourceDocument] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)
    #: the coverage files' data (plain, with their ``file``), kept apart from the documents
    #: so that an evaluation that states open questions does not read every source map
    coverage: list[dict[str, Any]] | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    def source_lines(self) -> dict[str, list[str]]:
        return {path: doc.lines for path, doc in self.documents.items()}


def _lines_of(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def load_documents(files: Sequence[SourceFile], texts: Mapping[Path, str] | None = None
                   ) -> tuple[dict[str, SourceDocument], dict[str, FileKind], list[Diagnostic]]:
    """Stages 1 and 2: read and validate each file; keep the documents that fit their schema.
    ``texts`` gives the text of some files instead of the disk (an editor's unsaved text)."""
    from .load.yaml_source import SourceDocument, load_file, load_text
    from .validate.messages import check_document
    valid: dict[str, SourceDocument] = {}
    kinds: dict[str, FileKind] = {}
    diagnostics: list[Diagnostic] = []
    for file in files:
        if texts is not None and file.path in texts:
            doc, problems = load_text(texts[file.path], file.display)
        else:
            doc, problems = load_file(file.path, file.display)
        diagnostics += problems
        if doc is None:
            valid["\0invalid:" + file.display] = SourceDocument(file.display,
                                                                 _lines_of(file.path), None)
            continue
        valid_doc = not problems
        if problems:
            pass   # the loader's diagnostics say it all: no schema noise on a broken file
        elif doc.data is None:
            diagnostics.append(error("LX203", f"the {file.kind.value} file is empty",
                                     doc.span_at(()),
                                     hint="see docs/writing-rules.md for a complete example"))
            valid_doc = False
        else:
            schema_problems = list(check_document(doc, file.kind))
            diagnostics += schema_problems
            valid_doc = valid_doc and not schema_problems
        if valid_doc:
            valid[file.display] = doc
            kinds[file.display] = file.kind
        else:
            valid.setdefault("\0invalid:" + file.display, doc)
    return valid, kinds, diagnostics


def compile_documents(docs: dict[str, SourceDocument], kinds: dict[str, FileKind]
                      ) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Stage 3: build the knowledge base from validated documents."""
    from .compile.excerpt_numbers import check_excerpt_numbers
    from .compile.from_source import (
        build_parameters,
        build_rule,
        build_vocabulary,
        check_vocabulary,
        merge_vocabulary,
    )
    from .compile.graph import build_graph, check_cycles, check_references
    from .compile.invariants import build_invariants, build_total_conditions
    from .compile.model import KnowledgeBase
    from .compile.strict import strict_checks
    from .compile.timeline import check_parameter_coverage, order_versions
    from .compile.units import check_units
    kb = KnowledgeBase()
    diagnostics: list[Diagnostic] = []
    by_kind: dict[FileKind, list[SourceDocument]] = {}
    for path, doc in docs.items():
        if path in kinds:
            by_kind.setdefault(kinds[path], []).append(doc)
    for doc in by_kind.get(FileKind.VOCABULARY, []):
        vocabulary = build_vocabulary(doc)
        diagnostics += check_vocabulary(doc, vocabulary)
        known = kb.vocabularies.get(vocabulary.jurisdiction)
        if known is None:
            kb.vocabularies[vocabulary.jurisdiction] = vocabulary
            continue
        diagnostics += merge_vocabulary(known, vocabulary)
    diagnostics += _compile_event_types(by_kind.get(FileKind.VOCABULARY, []), kb)
    for doc in by_kind.get(FileKind.PARAMETERS, []):
        params, problems = build_parameters(doc)
        diagnostics += problems
        for param in params:
            if param.id in kb.parameters:
                diagnostics.append(error("LX306", f"the parameter {param.id!r} is defined twice",
                                         param.span, related=[("first defined here",
                                                               kb.parameters[param.id].span)]))
            kb.parameters[param.id] = param
    for doc in by_kind.get(FileKind.RULE, []):
        rule, problems = build_rule(doc, kb)
        diagnostics += problems
        if rule is None:
            continue
        if rule.id in kb.rules:
            diagnostics.append(error("LX306", f"the rule {rule.id!r} is defined twice", rule.span,
                                     related=[("first defined here", kb.rules[rule.id].span)]))
            continue
        ordered, problems = order_versions(rule)
        diagnostics += problems
        kb.rules[rule.id] = ordered
    diagnostics += _compile_derivations(by_kind.get(FileKind.DERIVATION, []), kb)
    diagnostics += check_parameter_coverage(kb)
    for doc in by_kind.get(FileKind.INVARIANTS, []):
        diagnostics += build_invariants(doc, kb)
    for doc in by_kind.get(FileKind.VOCABULARY, []):
        diagnostics += build_total_conditions(doc, kb)
    for doc in by_kind.get(FileKind.PARAMETERS, []):
        diagnostics += check_excerpt_numbers(doc, kb)
    diagnostics += check_units(kb)
    references = check_references(kb)
    if has_errors(diagnostics):   # outputs of rules that failed to compile are not "unused"
        references = [d for d in references if d.code != "LX313"]
    diagnostics += references
    diagnostics += strict_checks(by_kind.get(FileKind.COVERAGE, []), kb)
    kb.graph = build_graph(kb)
    diagnostics += check_cycles(kb)
    return kb, diagnostics


def _compile_event_types(docs: list[SourceDocument], kb: KnowledgeBase) -> list[Diagnostic]:
    from .compile.events import build_event_types, check_event_references
    diagnostics: list[Diagnostic] = []
    for doc in docs:
        types, problems = build_event_types(doc)
        diagnostics += problems
        known = kb.event_types.setdefault(doc.data["jurisdiction"], {})
        for etype in types:
            if etype.name in known:
                diagnostics.append(error("LX306", f"the event type {etype.name!r} is declared "
                                         "twice", etype.span,
                                         related=[("first declared here", known[etype.name].span)]))
                continue
            known[etype.name] = etype
    return diagnostics + check_event_references(kb)


def _compile_derivations(docs: list[SourceDocument], kb: KnowledgeBase) -> list[Diagnostic]:
    from .compile.events import build_derivation, check_derivations
    diagnostics: list[Diagnostic] = []
    for doc in docs:
        derivation, problems = build_derivation(doc, kb)
        diagnostics += problems
        if derivation is None:
            continue
        if derivation.id in kb.derivations:
            diagnostics.append(error("LX306", f"the derivation {derivation.id!r} is defined "
                                     "twice", derivation.span))
            continue
        kb.derivations[derivation.id] = derivation
    return diagnostics + check_derivations(kb)


def without_unused_when_broken(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """With errors, what rules that failed to load read is not "unused" (LX320, LX321)."""
    if has_errors(diagnostics):
        return [d for d in diagnostics if d.code not in ("LX320", "LX321")]
    return diagnostics


def load_knowledge_base(paths: Sequence[Path] | None = None) -> LoadResult:
    """Load, validate and compile the rules under ``paths`` (default: the bundled rules).

    The result is cached on disk, keyed by the content of the files (:mod:`lexlux.kb_cache`;
    ``LEXLUX_NO_CACHE=1`` turns it off)."""
    from .kb_cache import load_or_build
    roots = list(paths) if paths else [bundled_root("rules")]
    files, diagnostics = discover(roots)
    return load_or_build(files, lambda: _build(files, diagnostics))


def _build(files: list[SourceFile], diagnostics: list[Diagnostic]) -> LoadResult:
    docs, kinds, problems = load_documents(files)
    diagnostics += problems
    kb, problems = compile_documents(docs, kinds)
    diagnostics = without_unused_when_broken(diagnostics + problems)
    documents = {p.removeprefix("\0invalid:"): d for p, d in docs.items()}
    diagnostics.sort(key=Diagnostic.sort_key)
    coverage = [{**doc.data, "file": file.display} for file in files
                if file.kind is FileKind.COVERAGE
                and (doc := documents.get(file.display)) is not None
                and isinstance(doc.data, dict)]
    return LoadResult(kb, diagnostics, documents, files, coverage)
