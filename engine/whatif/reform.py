"""What-if: a reform file applied to a copy of the knowledge base's validated sources.

The reform is spliced into deep copies of the baseline documents (new parameter values, new
versions, repeals, new rules), and the result is compiled again by the same compiler, so a
reform gets every check a rule file gets, with its diagnostics pointing at the reform file.
The baseline is never mutated.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Span, error
from ..load.discover import FileKind, display_path
from ..load.yaml_source import PathKey, SourceDocument, load_file
from ..pipeline import LoadResult, compile_documents
from ..validate.messages import check_document


def _rebase(doc: SourceDocument, into: SourceDocument, old: PathKey, new: PathKey) -> None:
    """Copy the source map of ``doc`` under ``old`` to ``into`` under ``new``."""
    n = len(old)
    for table_name in ("spans", "key_spans", "content_offset"):
        source: dict[PathKey, Any] = getattr(doc, table_name)
        target: dict[PathKey, Any] = getattr(into, table_name)
        for path, value in source.items():
            if path[:n] == old:
                target[(*new, *path[n:])] = value


def _copy(doc: SourceDocument) -> SourceDocument:
    return SourceDocument(doc.path, doc.lines, copy.deepcopy(doc.data), dict(doc.spans),
                          dict(doc.key_spans), dict(doc.content_offset))


class ReformBuilder:
    def __init__(self, baseline: LoadResult, reform: SourceDocument) -> None:
        self.reform = reform
        self.docs: dict[str, SourceDocument] = {}
        self.kinds: dict[str, FileKind] = {}
        for file in baseline.files:
            doc = baseline.documents.get(file.display)
            if doc is not None and doc.data is not None:
                self.docs[file.display] = doc
                self.kinds[file.display] = file.kind
        self.copied: set[str] = set()
        self.diagnostics: list[Diagnostic] = []

    def target(self, display: str) -> SourceDocument:
        if display not in self.copied:
            self.docs[display] = _copy(self.docs[display])
            self.copied.add(display)
        return self.docs[display]

    def unknown(self, what: str, name: str, choices: list[str], path: PathKey) -> None:
        close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
        self.diagnostics.append(error(
            "LX315", f"the reform changes {what} {name!r}, which the knowledge base does not have",
            self.reform.span_at(path, key=True),
            hint=f"did you mean {close[0]!r}?" if close else
            f"to create a new {what}, add it under "
            + ("rules:" if what == "the rule" else "a parameter file")))

    def parameters(self, changes: dict[str, list[dict[str, Any]]]) -> None:
        where = {}
        for display, doc in self.docs.items():
            if self.kinds[display] is FileKind.PARAMETERS:
                stem = Path(display).stem
                for name in doc.data["parameters"]:
                    where[f"{doc.data['jurisdiction']}.{stem}.{name}"] = (display, name)
        for param_id, values in changes.items():
            if param_id not in where:
                self.unknown("the parameter", param_id, list(where), ("parameters", param_id))
                continue
            display, name = where[param_id]
            doc = self.target(display)
            base: PathKey = ("parameters", name, "values")
            entries: list[tuple[str, SourceDocument, PathKey, dict[str, Any]]] = [
                (v["from"], self.docs[display], (*base, i), v)
                for i, v in enumerate(doc.data["parameters"][name]["values"])]
            old_spans = _copy(doc)
            for i, value in enumerate(values):
                entries = [e for e in entries if e[0] != value["from"]]
                entries.append((value["from"], self.reform, ("parameters", param_id, i), value))
            entries.sort(key=lambda e: e[0])
            doc.data["parameters"][name]["values"] = [copy.deepcopy(e[3]) for e in entries]
            for k, (_, origin, path, _) in enumerate(entries):
                _rebase(old_spans if origin is not self.reform else self.reform, doc, path,
                        (*base, k))

    def rule_docs(self) -> dict[str, str]:
        return {doc.data["id"]: display for display, doc in self.docs.items()
                if self.kinds[display] is FileKind.RULE}

    def versions(self, changes: dict[str, list[dict[str, Any]]]) -> None:
        rules = self.rule_docs()
        for rule_id, versions in changes.items():
            if rule_id not in rules:
                self.unknown("the rule", rule_id, list(rules), ("versions", rule_id))
                continue
            doc = self.target(rules[rule_id])
            start = len(doc.data["versions"])
            for i, version in enumerate(versions):
                doc.data["versions"].append(copy.deepcopy(version))
                _rebase(self.reform, doc, ("versions", rule_id, i), ("versions", start + i))

    def repeals(self, changes: dict[str, dict[str, Any]]) -> None:
        rules = self.rule_docs()
        for rule_id, repeal in changes.items():
            if rule_id not in rules:
                self.unknown("the rule", rule_id, list(rules), ("repeal", rule_id))
                continue
            doc = self.target(rules[rule_id])
            last = len(doc.data["versions"]) - 1
            doc.data["versions"][last]["repealed"] = copy.deepcopy(repeal)
            _rebase(self.reform, doc, ("repeal", rule_id), ("versions", last, "repealed"))

    def new_rules(self, rules: list[dict[str, Any]]) -> None:
        existing = self.rule_docs()
        for i, rule in enumerate(rules):
            if rule["id"] in existing:
                self.diagnostics.append(error(
                    "LX306", f"the reform adds the rule {rule['id']!r}, which already exists",
                    self.reform.span_at(("rules", i, "id")),
                    hint="give a new version of it under versions: instead"))
                continue
            virtual = "rules/" + "/".join(rule["id"].split(".")) + ".yaml"
            doc = SourceDocument(virtual, self.reform.lines, copy.deepcopy(rule))
            _rebase(self.reform, doc, ("rules", i), ())
            self.docs[virtual] = doc
            self.kinds[virtual] = FileKind.RULE


def load_reform(path: Path) -> tuple[SourceDocument | None, list[Diagnostic]]:
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        return None, problems
    if doc.data is None:
        return None, [error("LX203", "the reform file is empty", Span(doc.path, 1, 1, 1, 1))]
    problems = list(check_document(doc, FileKind.REFORM))
    return (doc if not problems else None), problems


def apply_reform(baseline: LoadResult, path: Path) -> LoadResult:
    """The knowledge base with the reform at ``path`` applied (a new one; baseline intact)."""
    reform, problems = load_reform(path)
    if reform is None:
        return LoadResult(baseline.kb, problems, {}, [])
    builder = ReformBuilder(baseline, reform)
    data = reform.data
    if data["jurisdiction"] not in baseline.kb.vocabularies:
        builder.diagnostics.append(error("LX315", f"no rules for the jurisdiction "
                                         f"{data['jurisdiction']!r}",
                                         reform.span_at(("jurisdiction",))))
    builder.parameters(data.get("parameters", {}))
    builder.versions(data.get("versions", {}))
    builder.repeals(data.get("repeal", {}))
    builder.new_rules(data.get("rules", []))
    kb, compiled = compile_documents(builder.docs, builder.kinds)
    diagnostics = sorted(builder.diagnostics + compiled, key=Diagnostic.sort_key)
    documents = dict(builder.docs)
    documents[reform.path] = reform
    return LoadResult(kb, diagnostics, documents, baseline.files)
