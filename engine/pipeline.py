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
    from .compile.model import KnowledgeBase, Rule
    from .load.file_cache import FileOutcome
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
    #: the per-file cache entry of each document read from its file (display path → key;
    #: :mod:`lexlux.load.file_cache`), so that the cached result names them, not copies
    file_keys: dict[str, str] | None = None

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


def load_documents(files: Sequence[SourceFile], texts: Mapping[Path, str] | None = None,
                   *, keys: dict[str, str] | None = None
                   ) -> tuple[dict[str, SourceDocument], dict[str, FileKind], list[Diagnostic]]:
    """Stages 1 and 2: read and validate each file; keep the documents that fit their schema.
    ``texts`` gives the text of some files instead of the disk (an editor's unsaved text).
    Files read from the disk go through the per-file cache (:mod:`lexlux.load.file_cache`):
    an unchanged file is not parsed nor checked again.  ``keys``, if given, receives the
    cache key of each file read from the disk and composed (for :func:`compile_documents`)."""
    from .load.file_cache import FileCache, read_limited
    valid: dict[str, SourceDocument] = {}
    kinds: dict[str, FileKind] = {}
    diagnostics: list[Diagnostic] = []
    cache = FileCache()
    for file in files:
        if texts is not None and file.path in texts:
            outcome, _ = _load_one(file, texts[file.path])
        elif not cache.active:
            outcome, _ = _load_one(file, None)
        else:
            raw = read_limited(file.path, cache.limits.max_file_bytes)
            key = None if raw is None else cache.key(file, raw)
            found = None if key is None else cache.read(key)
            if found is not None:
                outcome = found
            else:
                outcome, composed = _load_one(file, raw)
                if key is not None and composed:
                    cache.write(key, outcome)
                else:
                    key = None
            if key is not None and keys is not None:
                keys[file.display] = key
        diagnostics += outcome.diagnostics
        if outcome.valid:
            valid[file.display] = outcome.doc
            kinds[file.display] = file.kind
        else:
            valid.setdefault("\0invalid:" + file.display, outcome.doc)
    cache.prune()
    return valid, kinds, diagnostics


def _load_one(file: SourceFile, content: str | bytes | None) -> tuple[FileOutcome, bool]:
    """Read (``content``: the text or bytes to use instead of the disk), compose and check one
    file; and whether it could be composed (only then is the outcome a function of the
    bytes alone, fit for the per-file cache)."""
    from .load.file_cache import FileOutcome
    from .load.yaml_source import SourceDocument, load_bytes, load_file, load_text
    from .validate.messages import check_document
    if isinstance(content, str):
        doc, problems = load_text(content, file.display)
    elif isinstance(content, bytes):
        doc, problems = load_bytes(content, file.display)
    else:
        doc, problems = load_file(file.path, file.display)
    if doc is None:
        return FileOutcome(SourceDocument(file.display, _lines_of(file.path), None), problems,
                           False), False
    valid_doc = not problems
    if problems:
        pass   # the loader's diagnostics say it all: no schema noise on a broken file
    elif doc.data is None:
        problems = [error("LX203", f"the {file.kind.value} file is empty", doc.span_at(()),
                          hint="see docs/writing-rules.md for a complete example")]
        valid_doc = False
    else:
        problems = list(check_document(doc, file.kind))
        valid_doc = not problems
    return FileOutcome(doc, problems, valid_doc), True


def compile_documents(docs: dict[str, SourceDocument], kinds: dict[str, FileKind],
                      *, keys: Mapping[str, str] | None = None
                      ) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Stage 3: build the knowledge base from validated documents.  With ``keys`` (the
    per-file cache keys of :func:`load_documents`), each rule file's compilation is cached
    under its key and those of the vocabulary and parameter files (what it reads)."""
    from .compile.excerpt_numbers import check_excerpt_numbers
    from .compile.from_source import (
        build_parameters,
        build_rule,
        build_vocabulary,
        check_vocabulary,
        merge_vocabulary,
    )
    from .compile.graph import check_cycles, check_references
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
    compiled = _CompiledRules(by_kind, keys)
    for doc in by_kind.get(FileKind.RULE, []):
        rule, problems = compiled.get(doc) or compiled.put(doc, *build_rule(doc, kb))
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
    diagnostics += check_cycles(kb)      # the graph itself is built where used (graph_of)
    return kb, diagnostics


class _CompiledRules:
    """The per-file cache of compiled rules (:class:`lexlux.load.file_cache.CompiledRule`),
    active only when every vocabulary and parameter file has a key."""

    def __init__(self, by_kind: dict[FileKind, list[SourceDocument]],
                 keys: Mapping[str, str] | None) -> None:
        from .load.file_cache import FileCache
        self.keys = keys
        self.cache: FileCache | None = None
        self.context = ""
        if keys is None:
            return
        read = [keys.get(doc.path) for kind in (FileKind.VOCABULARY, FileKind.PARAMETERS)
                for doc in by_kind.get(kind, [])]
        if None in read:
            return
        cache = FileCache()
        if cache.active:
            self.cache, self.context = cache, "|".join(str(k) for k in read)

    def _key(self, doc: SourceDocument) -> str | None:
        file_key = None if self.keys is None else self.keys.get(doc.path)
        if self.cache is None or file_key is None:
            return None
        return self.cache.compiled_key(file_key, self.context)

    def get(self, doc: SourceDocument) -> tuple[Rule | None, list[Diagnostic]] | None:
        key = self._key(doc)
        found = None if key is None or self.cache is None else self.cache.read_compiled(key)
        return None if found is None else (found.rule, found.diagnostics)

    def put(self, doc: SourceDocument, rule: Rule | None, problems: list[Diagnostic]
            ) -> tuple[Rule | None, list[Diagnostic]]:
        from .load.file_cache import CompiledRule
        key = self._key(doc)
        if key is not None and self.cache is not None:
            self.cache.write(key, CompiledRule(rule, problems))
        return rule, problems


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
    keys: dict[str, str] = {}
    docs, kinds, problems = load_documents(files, keys=keys)
    diagnostics += problems
    kb, problems = compile_documents(docs, kinds, keys=keys)
    diagnostics = without_unused_when_broken(diagnostics + problems)
    documents = {p.removeprefix("\0invalid:"): d for p, d in docs.items()}
    diagnostics.sort(key=Diagnostic.sort_key)
    coverage = [{**doc.data, "file": file.display} for file in files
                if file.kind is FileKind.COVERAGE
                and (doc := documents.get(file.display)) is not None
                and isinstance(doc.data, dict)]
    return LoadResult(kb, diagnostics, documents, files, coverage, dict(keys))
