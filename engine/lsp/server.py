"""``lexlux lsp``: the language server (pygls) for rule, case, query and vocabulary files.

The server only translates between the protocol and :mod:`lexlux.lsp.analysis`:

* ``textDocument/didOpen``, ``didChange``, ``didSave``: the document is checked within its
  knowledge base (after a short pause while typing), and the diagnostics of every open
  document of that knowledge base are published;
* ``textDocument/completion``, ``hover``, ``definition``: names, citations, parameter
  values over time, and where a name is declared.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ..diagnostics import Diagnostic, Severity
from .analysis import Completion, Location, Workspace

#: seconds without a change before a changed document is checked again
DEBOUNCE = 0.3

_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error,
             Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.NOTE: types.DiagnosticSeverity.Information}
_KIND = {"fact": types.CompletionItemKind.Variable, "output": types.CompletionItemKind.Field,
         "parameter": types.CompletionItemKind.Constant,
         "function": types.CompletionItemKind.Function,
         "rule": types.CompletionItemKind.Reference, "type": types.CompletionItemKind.TypeParameter}


class LexluxServer(LanguageServer):
    def __init__(self, rules: list[Path] | None = None) -> None:
        from .. import __version__
        super().__init__("lexlux", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.analysis = Workspace(rules)
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._lock = asyncio.Lock()

    def texts(self) -> dict[Path, str]:
        out = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path is not None:
                out[Path(path).resolve()] = document.source
        return out

    def path_of(self, uri: str) -> Path | None:
        path = to_fs_path(uri)
        return Path(path).resolve() if path is not None else None

    async def check(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)    # a newer change cancels this task while it waits
        if self._pending.get(uri) is asyncio.current_task():
            del self._pending[uri]        # from here on it runs to the end, in order
        path = self.path_of(uri)
        if path is None:
            return
        texts = self.texts()
        async with self._lock:
            found = await asyncio.to_thread(self.analysis.check_open, path, texts)
        for checked, diagnostics in found.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=from_fs_path(str(checked)) or uri,
                diagnostics=[self.lsp_diagnostic(d) for d in diagnostics]))

    def schedule(self, uri: str, delay: float) -> None:
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self._pending[uri] = asyncio.ensure_future(self.check(uri, delay))

    def lsp_diagnostic(self, d: Diagnostic) -> types.Diagnostic:
        span = d.span
        start = types.Position(max(span.line - 1, 0), max(span.column - 1, 0)) if span \
            else types.Position(0, 0)
        end = types.Position(max(span.end_line - 1, 0), max(span.end_column - 1, 0)) \
            if span else types.Position(0, 1)
        message = d.message
        if d.expected:
            message += f"\nexpected: {d.expected}"
        if d.hint:
            message += f"\nhint: {d.hint}"
        related = []
        for text, other in d.related:
            location = self.analysis.locate(other)
            if location is not None:
                related.append(types.DiagnosticRelatedInformation(
                    location=self.lsp_location(location), message=text))
        return types.Diagnostic(range=types.Range(start, end), message=message,
                                severity=_SEVERITY[d.severity], code=d.code, source="lexlux",
                                related_information=related or None)

    @staticmethod
    def lsp_location(location: Location) -> types.Location:
        return types.Location(
            uri=from_fs_path(str(location.path)) or location.path.as_uri(),
            range=types.Range(types.Position(location.line, location.character),
                              types.Position(location.end_line, location.end_character)))

    @staticmethod
    def lsp_completion(item: Completion) -> types.CompletionItem:
        return types.CompletionItem(
            label=item.label, kind=_KIND.get(item.kind), detail=item.detail,
            documentation=types.MarkupContent(types.MarkupKind.Markdown, item.documentation)
            if item.documentation else None)


def build_server(rules: list[Path] | None = None) -> LexluxServer:
    server = LexluxServer(rules)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LexluxServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LexluxServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LexluxServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LexluxServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))

    def where(ls: LexluxServer, uri: str) -> tuple[Path, str] | None:
        path = ls.path_of(uri)
        if path is None:
            return None
        return path, ls.workspace.get_text_document(uri).source

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[".", "(", " "]))
    def completion(ls: LexluxServer, params: types.CompletionParams
                   ) -> types.CompletionList | None:
        found = where(ls, params.text_document.uri)
        if found is None:
            return None
        items = ls.analysis.completions(found[0], found[1], params.position.line,
                                        params.position.character, ls.texts())
        return types.CompletionList(is_incomplete=False,
                                    items=[ls.lsp_completion(i) for i in items])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LexluxServer, params: types.HoverParams) -> types.Hover | None:
        found = where(ls, params.text_document.uri)
        if found is None:
            return None
        text = ls.analysis.hover(found[0], found[1], params.position.line,
                                 params.position.character, ls.texts())
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: LexluxServer, params: types.DefinitionParams
                   ) -> types.Location | None:
        found = where(ls, params.text_document.uri)
        if found is None:
            return None
        location = ls.analysis.definition(found[0], found[1], params.position.line,
                                          params.position.character, ls.texts())
        return None if location is None else ls.lsp_location(location)

    return server


def serve(rules: list[Path] | None = None) -> None:
    """Speak the protocol on standard input and output until the client says exit."""
    build_server(rules).start_io()
