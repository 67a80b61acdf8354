"""What the language server knows, without the protocol: the diagnostics of a document
within its knowledge base, and the names, hovers and definitions around a position.

Positions here are 0-based (line, character), as in the Language Server Protocol; lexlux's
spans are 1-based.  ``server.py`` only translates these results into LSP messages.

A rule, vocabulary, parameter or coverage file belongs to the knowledge base of the nearest
folder above it called ``rules`` (or, without one, of its own folder).  A case, query or
reform file is read against the default knowledge base: the bundled rules, or the folders
given to ``lexlux lsp --rules``.  The unsaved text of every open document replaces its file
on disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..compile.functions import FUNCTIONS, SPECIAL_FUNCTIONS
from ..compile.model import Parameter, Rule, VocabularyEntry
from ..diagnostics import Diagnostic, Span
from ..evaluate.case import case_from_document
from ..load.discover import FileKind, SourceFile, bundled_root, discover, display_path, file_kind
from ..load.yaml_source import SourceDocument, load_text
from ..pipeline import (
    LoadResult,
    compile_documents,
    load_documents,
    without_unused_when_broken,
)
from ..validate.messages import check_document

_WORD = re.compile(r"[A-Za-z0-9_.\-]")
#: the value types of the vocabulary (completed in vocabulary files)
TYPE_NAMES = ("boolean", "integer", "decimal", "percentage", "money", "date", "duration",
              "months", "enum", "periods", "timeline", "obligation", "prohibition", "right")


@dataclass(frozen=True)
class Location:
    path: Path
    line: int          # 0-based
    character: int
    end_line: int
    end_character: int


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str          # fact | output | parameter | function | rule | type
    detail: str
    documentation: str = ""


def span_location(span: Span, path: Path) -> Location:
    return Location(path, max(span.line - 1, 0), max(span.column - 1, 0),
                    max(span.end_line - 1, 0), max(span.end_column - 1, 0))


def word_at(text: str, line: int, character: int) -> tuple[str, str]:
    """(the whole name under the position, the part of it before the position)."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return "", ""
    row = lines[line]
    character = min(character, len(row))
    start = character
    while start > 0 and _WORD.match(row[start - 1]):
        start -= 1
    end = character
    while end < len(row) and _WORD.match(row[end]):
        end += 1
    return row[start:end].strip(".-"), row[start:character]


def knowledge_base_root(path: Path) -> Path:
    """The folder of the knowledge base a rule, vocabulary or parameter file belongs to."""
    for parent in path.parents:
        if parent.name == "rules":
            return parent
    return path.parent


@dataclass
class _Cached:
    stamp: tuple[int, int]
    docs: dict[str, SourceDocument]
    kinds: dict[str, FileKind]
    diagnostics: list[Diagnostic]


@dataclass
class Workspace:
    """The knowledge bases of the open documents, reloaded as they change."""

    default_rules: list[Path] | None = None
    _files: dict[Path, _Cached] = field(default_factory=dict)
    _results: dict[tuple[Path, ...], LoadResult] = field(default_factory=dict)

    # ---------------------------------------------------------------- loading

    def _roots(self, path: Path) -> tuple[Path, ...]:
        if file_kind(path) in (FileKind.CASE, FileKind.QUERY, FileKind.REFORM):
            return tuple(p.resolve() for p in self.default_rules or [bundled_root("rules")])
        return (knowledge_base_root(path),)

    def _document(self, file: SourceFile, texts: Mapping[Path, str]) -> _Cached:
        if file.path in texts:
            docs, kinds, problems = load_documents([file], texts)
            return _Cached((-1, -1), docs, kinds, problems)
        try:
            stat = file.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (-1, -1)
        cached = self._files.get(file.path)
        if cached is None or cached.stamp != stamp or stamp == (-1, -1):
            docs, kinds, problems = load_documents([file])
            cached = _Cached(stamp, docs, kinds, problems)
            self._files[file.path] = cached
        return cached

    def load(self, roots: tuple[Path, ...], texts: Mapping[Path, str]) -> LoadResult:
        """The knowledge base of ``roots``, with ``texts`` in place of their files."""
        files, diagnostics = discover(roots)
        docs: dict[str, SourceDocument] = {}
        kinds: dict[str, FileKind] = {}
        for file in files:
            part = self._document(file, texts)
            docs.update(part.docs)
            kinds.update(part.kinds)
            diagnostics += part.diagnostics
        kb, problems = compile_documents(docs, kinds)
        diagnostics = without_unused_when_broken(diagnostics + problems)
        diagnostics.sort(key=Diagnostic.sort_key)
        documents = {p.removeprefix("\0invalid:"): d for p, d in docs.items()}
        result = LoadResult(kb, diagnostics, documents, files)
        self._results[roots] = result
        return result

    def result_for(self, path: Path, texts: Mapping[Path, str]) -> LoadResult:
        """The last knowledge base loaded for ``path`` (loaded now if there is none)."""
        roots = self._roots(path)
        return self._results.get(roots) or self.load(roots, texts)

    # ------------------------------------------------------------ diagnostics

    def diagnostics(self, path: Path, texts: Mapping[Path, str]) -> list[Diagnostic]:
        """What ``lexlux check`` says about the document ``path`` (its text in ``texts``)."""
        path = path.resolve()
        text = texts.get(path, "")
        kind = file_kind(path)
        roots = self._roots(path)
        if kind in (FileKind.CASE, FileKind.QUERY, FileKind.REFORM):
            loaded = self._results.get(roots) or self.load(roots, {})
            return self._input_file(path, kind, text, loaded)
        loaded = self.load(roots, texts)
        display = display_path(path)
        return [d for d in loaded.diagnostics if d.span is not None and d.span.file == display]

    def check_open(self, path: Path, texts: Mapping[Path, str]) -> dict[Path, list[Diagnostic]]:
        """The diagnostics of ``path``, and of every other open document (``texts``) of the
        same knowledge base, which a change of ``path`` may have changed."""
        path = path.resolve()
        out = {path: self.diagnostics(path, texts)}
        if file_kind(path) in (FileKind.CASE, FileKind.QUERY, FileKind.REFORM):
            return out
        roots = self._roots(path)
        loaded = self._results[roots]
        for other in texts:
            if other != path and file_kind(other) not in (FileKind.CASE, FileKind.QUERY,
                                                          FileKind.REFORM) \
                    and self._roots(other) == roots:
                display = display_path(other)
                out[other] = [d for d in loaded.diagnostics
                              if d.span is not None and d.span.file == display]
        return out

    def locate(self, span: Span) -> Location | None:
        """Where ``span`` is on disk, in any knowledge base loaded so far."""
        for loaded in list(self._results.values()):
            for file in loaded.files:
                if file.display == span.file:
                    return span_location(span, file.path)
        return None

    @staticmethod
    def _input_file(path: Path, kind: FileKind, text: str, loaded: LoadResult
                    ) -> list[Diagnostic]:
        doc, problems = load_text(text, display_path(path))
        if doc is None or problems:
            return problems
        if doc.data is None:
            return []
        problems = list(check_document(doc, kind))
        if problems:
            return problems
        if kind is FileKind.CASE:
            return case_from_document(doc, loaded.kb)[1]
        if kind is FileKind.QUERY and isinstance(doc.data.get("case"), dict):
            return case_from_document(doc, loaded.kb, ("case",))[1]
        return []

    # ------------------------------------------------ names, hover, definition

    def completions(self, path: Path, text: str, line: int, character: int,
                    texts: Mapping[Path, str]) -> list[Completion]:
        path = path.resolve()
        loaded = self.result_for(path, texts)
        _, prefix = word_at(text, line, character)
        row = text.splitlines()[line] if line < len(text.splitlines()) else ""
        kind = file_kind(path)
        items: list[Completion] = []
        if re.match(r"\s*(-\s*)?(exception_to|rule)\s*:", row) or "." in prefix:
            items += [_rule_item(r) for r in loaded.kb.rules.values()]
            items += [_parameter_item(p.id, p) for p in loaded.kb.parameters.values()]
        if kind is FileKind.VOCABULARY and re.match(r"\s*(type|of)\s*:", row):
            return [Completion(t, "type", "type") for t in TYPE_NAMES if t.startswith(prefix)]
        for vocabulary in self._vocabularies(loaded, path, texts):
            items += [_entry_item(e) for e in vocabulary.facts.values()]
            items += [_entry_item(e) for e in vocabulary.outputs.values()]
        if kind is FileKind.RULE:
            for short, param_id in _short_parameters(loaded, path).items():
                param = loaded.kb.parameters.get(param_id)
                if param is not None:
                    items.append(_parameter_item(short, param))
            items += [Completion(name, "function", _signature(name),
                                 FUNCTIONS[name].doc if name in FUNCTIONS
                                 else SPECIAL_FUNCTIONS[name])
                      for name in [*FUNCTIONS, *SPECIAL_FUNCTIONS]]
        seen: set[str] = set()
        out = []
        for item in items:
            if item.label.startswith(prefix) and item.label not in seen:
                seen.add(item.label)
                out.append(item)
        return out

    def hover(self, path: Path, text: str, line: int, character: int,
              texts: Mapping[Path, str]) -> str | None:
        """Markdown about the name under the position, or None."""
        path = path.resolve()
        loaded = self.result_for(path, texts)
        word, _ = word_at(text, line, character)
        if not word:
            return None
        kb = loaded.kb
        if word in kb.rules:
            return _rule_hover(kb.rules[word])
        param_id = word if word in kb.parameters else _short_parameters(loaded, path).get(word)
        if param_id is not None and param_id in kb.parameters:
            return _parameter_hover(kb.parameters[param_id], word)
        for vocabulary in self._vocabularies(loaded, path, texts):
            entry = vocabulary.lookup(word)
            if entry is not None:
                return _entry_hover(entry, kb.rules_concluding(vocabulary.jurisdiction, word)
                                    if entry.role == "output" else [])
        if word in FUNCTIONS or word in SPECIAL_FUNCTIONS:
            doc = FUNCTIONS[word].doc if word in FUNCTIONS else SPECIAL_FUNCTIONS[word]
            return f"```\n{_signature(word)}\n```\n{doc}"
        return None

    def definition(self, path: Path, text: str, line: int, character: int,
                   texts: Mapping[Path, str]) -> Location | None:
        path = path.resolve()
        loaded = self.result_for(path, texts)
        word, _ = word_at(text, line, character)
        kb = loaded.kb
        span: Span | None = None
        if word in kb.rules:
            span = kb.rules[word].span
        else:
            param_id = word if word in kb.parameters else \
                _short_parameters(loaded, path).get(word)
            if param_id is not None and param_id in kb.parameters:
                span = kb.parameters[param_id].span
            else:
                for vocabulary in self._vocabularies(loaded, path, texts):
                    entry = vocabulary.lookup(word)
                    if entry is not None:
                        span = entry.span
                        break
        if span is None:
            return None
        files = {f.display: f.path for f in loaded.files}
        target = files.get(span.file)
        return None if target is None else span_location(span, target)

    def _vocabularies(self, loaded: LoadResult, path: Path, texts: Mapping[Path, str]
                      ) -> Iterable[Any]:
        """The vocabulary of the document's jurisdiction first, then the others."""
        jurisdiction = _jurisdiction(texts.get(path, ""))
        vocabularies = loaded.kb.vocabularies
        order = sorted(vocabularies, key=lambda j: (j != jurisdiction, j))
        return [vocabularies[j] for j in order]


def _jurisdiction(text: str) -> str | None:
    match = re.search(r"^jurisdiction:\s*([a-z]{2})\b", text, re.M)
    return match.group(1) if match else None


def _short_parameters(loaded: LoadResult, path: Path) -> dict[str, str]:
    """The short parameter names of the rule file ``path`` (``parameters:`` of its versions),
    as the last loaded text gives them."""
    doc = loaded.documents.get(display_path(path))
    out: dict[str, str] = {}
    if doc is None or not isinstance(doc.data, dict):
        return out
    for version in doc.data.get("versions") or []:
        if isinstance(version, dict) and isinstance(version.get("parameters"), dict):
            out.update({k: v for k, v in version["parameters"].items() if isinstance(v, str)})
    return out


def _signature(name: str) -> str:
    if name in FUNCTIONS:
        sig = FUNCTIONS[name]
        params = ", ".join(p if isinstance(p, str) else str(p) for p in sig.params)
        return f"{name}({params}) -> {sig.result}"
    return f"{name}(...)"


def _text(texts: dict[str, str]) -> str:
    return texts.get("en") or texts.get("fr") or next(iter(texts.values()), "")


def _entry_item(entry: VocabularyEntry) -> Completion:
    return Completion(entry.name, entry.role, f"{entry.role}: {entry.type}",
                      _text(entry.description))


def _parameter_item(label: str, param: Parameter) -> Completion:
    return Completion(label, "parameter", f"parameter {param.id}: {param.type}",
                      _text(param.title))


def _rule_item(rule: Rule) -> Completion:
    return Completion(rule.id, "rule", str(rule.citation), _text(rule.title))


def _entry_hover(entry: VocabularyEntry, rules: list[Rule]) -> str:
    lines = [f"**{entry.name}** — {entry.role}, {entry.type}"]
    if entry.holder:
        lines.append(f"holder: {entry.holder}")
    lines += [f"* {lang}: {text}" for lang, text in entry.description.items()]
    if entry.question:
        lines.append(f"when missing: {_text(entry.question)}")
    if rules:
        lines.append("concluded by: " + "; ".join(f"{r.citation} (`{r.id}`)" for r in rules))
    lines.append(f"declared in {entry.span}")
    return "\n\n".join(lines)


def _parameter_hover(param: Parameter, written: str) -> str:
    head = f"**{param.id}**" if written == param.id else f"**{written}** = `{param.id}`"
    unit = f" ({param.unit})" if param.unit else ""
    values = []
    for value in param.values:
        act = f" — {value.amended_by}" if value.amended_by else \
            " — in force before the knowledge base's horizon (no act named)"
        values.append(f"* from {value.start.isoformat()}: **{_show(value.value)}**{act}")
    return "\n\n".join([f"{head} — parameter, {param.type}{unit}", str(param.citation),
                        _text(param.title), "Values over time:"]) + "\n\n" + "\n".join(values)


def _show(value: Any) -> str:
    if value is None:
        return "repealed"
    if isinstance(value, Fraction):
        return f"{float(value):g}"
    return str(value)


def _rule_hover(rule: Rule) -> str:
    lines = [f"**{rule.citation}** — {rule.authority} (`{rule.id}`)", _text(rule.title),
             "Versions:"]
    versions = []
    for version in rule.versions:
        until = f" until {version.valid_until.isoformat()}" if version.valid_until else ""
        act = f" — {version.amended_by}" if version.amended_by else \
            f" ({version.valid_from_basis})"
        versions.append(f"* from {version.valid_from.isoformat()}{until}{act}")
    outputs = ", ".join(sorted(rule.outputs))
    return "\n\n".join(lines) + "\n\n" + "\n".join(versions) + f"\n\nconcludes: {outputs}"
