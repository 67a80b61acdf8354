"""The language server over its protocol: pygls's client starts ``lexlux lsp`` as a
subprocess, opens documents, and receives diagnostics, completions, hovers and definitions."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types  # pygls is in the dev extra: this test never skips
from pygls.lsp.client import LanguageClient

from paths import REPO

RULE = REPO / "rules" / "lu" / "code_du_travail" / "L121-6" / "p2.yaml"
CASE = REPO / "examples" / "late-certificate.case.yaml"
VOCABULARY = REPO / "rules" / "lu" / "vocabulary" / "employment.yaml"


def position(text: str, needle: str, offset: int = 0) -> types.Position:
    """The position ``offset`` characters into the first occurrence of ``needle``."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


class Session:
    def __init__(self) -> None:
        self.client = LanguageClient("lexlux-test", "1")
        self.published: dict[str, list[list[types.Diagnostic]]] = {}
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params.diagnostics)
            self.arrived.set()

    async def diagnostics_for(self, uri: str, count: int) -> list[types.Diagnostic]:
        """The ``count``-th publication for ``uri`` (waits for it)."""
        async def wait() -> None:
            while len(self.published.get(uri, [])) < count:
                self.arrived.clear()
                await self.arrived.wait()
        await asyncio.wait_for(wait(), timeout=15)
        return self.published[uri][count - 1]

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1,
                                                 text=text)))
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def run_session(body: Callable[[Session], Awaitable[None]]) -> None:
    async def main() -> None:
        session = Session()
        await session.client.start_io(sys.executable, "-m", "lexlux", "lsp", cwd=str(REPO))
        try:
            await session.client.initialize_async(types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=REPO.as_uri()))
            session.client.initialized(types.InitializedParams())
            await body(session)
            await session.client.shutdown_async(None)
            session.client.exit(None)
        finally:
            await session.client.stop()
    asyncio.run(main())


def test_the_language_server_over_its_protocol() -> None:
    text = RULE.read_text(encoding="utf-8")
    typo = text.replace("value: certificate_received_on <= last_day",
                        "value: certificate_recieved_on <= last_day")
    assert typo != text
    seen: dict[str, Any] = {}

    async def body(session: Session) -> None:
        client = session.client
        document = types.TextDocumentIdentifier(uri=RULE.as_uri())
        # diagnostics as you type: the unsaved text is checked within its knowledge base
        uri = session.open(RULE, typo)
        seen["typo"] = await session.diagnostics_for(uri, 1)
        session.change(uri, text, 2)
        seen["fixed"] = await session.diagnostics_for(uri, 2)
        # completion of names: facts, parameters, built-ins
        at = position(text, "nth_day(absence_start", len("nth_day(absence_st"))
        seen["facts"] = await client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=at))
        at = position(text, "nth_day(", 3)
        seen["functions"] = await client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=at))
        # hover: a parameter's values over time, a rule's citation
        seen["parameter"] = await client.text_document_hover_async(types.HoverParams(
            text_document=document, position=position(text, "absence_start, day)", 16)))
        seen["rule"] = await client.text_document_hover_async(types.HoverParams(
            text_document=document, position=position(text, "id: lu.", 6)))
        # go to definition: a fact's declaration in the vocabulary
        seen["definition"] = await client.text_document_definition_async(
            types.DefinitionParams(text_document=document,
                                   position=position(text, "value: certificate_rec", 10)))
        # a case file is read against the vocabulary
        case_text = CASE.read_text(encoding="utf-8")
        case_uri = session.open(CASE, case_text.replace("certificate_received_on:",
                                                        "certificate_recieved_on:"))
        seen["case"] = await session.diagnostics_for(case_uri, 1)

    run_session(body)

    typo_diagnostics = seen["typo"]
    assert [d.code for d in typo_diagnostics] == ["LX301"]
    problem = typo_diagnostics[0]
    assert "certificate_recieved_on" in problem.message and problem.source == "lexlux"
    assert problem.severity == types.DiagnosticSeverity.Error
    line = text.splitlines().index(next(row for row in text.splitlines()
                                        if "value: certificate_received_on" in row))
    assert problem.range.start.line == line
    assert "certificate_received_on" in problem.message   # the hint: did you mean
    assert list(seen["fixed"]) == []

    facts = {item.label: item for item in seen["facts"].items}
    assert list(facts) == ["absence_start"]
    assert facts["absence_start"].kind == types.CompletionItemKind.Variable
    functions = {item.label for item in seen["functions"].items}
    assert {"nth_day", "nth_counted_day"} <= functions

    parameter = seen["parameter"].contents.value
    assert "lu.incapacity.certificate_day" in parameter
    assert "Values over time" in parameter and "from 2009-01-01: **3**" in parameter
    assert "Code du travail, art. L.121-6, paragraph (2)" in parameter
    rule = seen["rule"].contents.value
    assert "Code du travail, art. L.121-6, paragraph (2)" in rule and "from 2009-01-01" in rule

    definition = seen["definition"]
    assert definition.uri == VOCABULARY.as_uri()
    declared = VOCABULARY.read_text(encoding="utf-8").splitlines()[definition.range.start.line]
    assert declared.strip() == "certificate_received_on:"

    assert [d.code for d in seen["case"]] == ["LX314"]
    assert "did you mean 'certificate_received_on'" in seen["case"][0].message
