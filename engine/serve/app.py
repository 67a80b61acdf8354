"""The ASGI application: ``create_app(workbench, settings)`` declares every route.

``/api/v1/…`` answers JSON (OpenAPI at ``/openapi.json``, committed as docs/openapi.json);
``/``, ``/rules/{id}``, ``/parameters/{id}``, ``/search``, ``/questions`` and ``/playground``
are the explorer's pages, each with a JSON twin under ``/api/v1``.  Every response carries the
engine version and the knowledge base's content hash (headers ``X-Lexlux-Version`` and
``X-Lexlux-KB-Hash``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..diagnostics import error
from .operations import RequestError, evaluate_case, needs_of, whatif_case
from .pages import Renderer, bundled_examples
from .settings import Settings
from .workbench import Workbench


class EvaluateRequest(BaseModel):
    """A case (YAML text, or the same as a JSON object) and what to ask of it."""

    model_config = ConfigDict(extra="forbid")
    case: str | dict[str, Any] = Field(description="the case, inline: a *.case.yaml text or "
                                                   "the same structure as JSON")
    as_of: str | None = Field(None, description="evaluate as of this date (default: the "
                                                "case's as_of)", examples=["2019-05-01"])
    law_as_of: str | None = Field(None, description="apply the law in force on this date")
    outputs: list[str] | None = Field(None, description="outputs to report (default: all)")
    reading: str | None = Field(None, description="follow this reading where sources "
                                                  "disagree")
    explain: bool = Field(True, description="include the explanation tree of each answer")
    text: bool = Field(False, description="also return the plain-text rendering")


class WhatifRequest(BaseModel):
    """A case and the facts to change in its variant."""

    model_config = ConfigDict(extra="forbid")
    case: str | dict[str, Any]
    set: dict[str, str] = Field(description="facts of the variant, written as in --set")
    as_of: str | None = None
    law_as_of: str | None = None
    outputs: list[str] | None = None


class NeedsRequest(BaseModel):
    """The outputs asked for and, optionally, the case: what facts could still change them."""

    model_config = ConfigDict(extra="forbid")
    outputs: list[str] = Field(description="the outputs asked for")
    case: str | dict[str, Any] | None = Field(None, description="the case (without it: every "
                                                                "fact the outputs can read)")
    as_of: str | None = None
    law_as_of: str | None = None
    reading: str | None = None
    jurisdiction: str | None = Field(None, description="without a case (default lu)")


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(workbench: Workbench, settings: Settings | None = None) -> FastAPI:
    """The workbench over ``workbench`` (a loaded knowledge base), configured by ``settings``."""
    settings = settings or Settings()
    app = FastAPI(title="lexlux", version=__version__,
                  description="Luxembourg sickness, return-to-work and reclassification law "
                              "as code: evaluate cases with cited explanations, explore rules "
                              "and parameters.",
                  generate_unique_id_function=_operation_id)
    pages = Renderer(workbench, lang=settings.lang)
    identity = workbench.identity()

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["content-type"])

    @app.middleware("http")
    async def limits_and_identity(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit()
                                   or int(length) > settings.max_body_bytes):
            problem = RequestError(413, [error(
                "LX800", f"the request body is larger than {settings.max_body_bytes} bytes",
                hint="send one case per request; use batch for populations")])
            response: Response = JSONResponse(problem.to_json(), status_code=413)
        else:
            response = await call_next(request)
        response.headers["X-Lexlux-Version"] = identity["engine_version"]
        response.headers["X-Lexlux-KB-Hash"] = identity["kb_hash"]
        return response

    @app.exception_handler(RequestError)
    async def request_error(_: Request, exc: RequestError) -> JSONResponse:
        return JSONResponse({**exc.to_json(), **identity}, status_code=exc.status)

    def answer(data: Any) -> dict[str, Any]:
        return {**identity, "data": data}

    def not_found(kind: str, key: str, known: list[str]) -> RequestError:
        import difflib
        close = difflib.get_close_matches(key, known, n=1)
        return RequestError(404, [error("LX801", f"no {kind} {key!r}",
                                        hint=f"did you mean {close[0]!r}?" if close else
                                        f"GET /api/v1/{kind}s lists them")])

    # -- the API ---------------------------------------------------------------------------

    @app.get("/api/v1", tags=["meta"])
    def meta() -> dict[str, Any]:
        """The engine version and the knowledge base's content hash and size."""
        kb = workbench.kb
        return answer({"rules": len(kb.rules), "parameters": len(kb.parameters),
                       "jurisdictions": sorted(kb.vocabularies)})

    @app.post("/api/v1/evaluate", tags=["evaluate"])
    def evaluate(body: EvaluateRequest) -> dict[str, Any]:
        """What the law says about a case on a date, and why (as ``lexlux eval --format json``)."""
        return answer(evaluate_case(workbench, body.model_dump()))

    @app.post("/api/v1/whatif", tags=["evaluate"])
    def whatif(body: WhatifRequest) -> dict[str, Any]:
        """The outputs that change when facts change, each with the first reason that differs."""
        return answer(whatif_case(workbench, body.model_dump()))

    @app.post("/api/v1/needs", tags=["evaluate"])
    def needs(body: NeedsRequest) -> dict[str, Any]:
        """Every fact that could still change the asked outputs, with the articles asking
        for it (a questionnaire); without a case, every fact they can depend on."""
        return answer(needs_of(workbench, body.model_dump()))

    @app.get("/api/v1/rules", tags=["law"])
    def rules() -> dict[str, Any]:
        """Every rule: id, citation, title, authority, reading, outputs."""
        return answer([workbench.rule_summary(r) for _, r in sorted(workbench.kb.rules.items())])

    @app.get("/api/v1/rules/{rule_id}", tags=["law"])
    def rule(rule_id: str) -> dict[str, Any]:
        """A rule with its versions, sources, dependencies, scenarios and open questions."""
        found = workbench.kb.rules.get(rule_id)
        if found is None:
            raise not_found("rule", rule_id, list(workbench.kb.rules))
        return answer(workbench.rule_detail(found))

    @app.get("/api/v1/parameters", tags=["law"])
    def parameters() -> dict[str, Any]:
        """Every parameter with its history of values."""
        return answer([workbench.parameter_detail(p)
                       for _, p in sorted(workbench.kb.parameters.items())])

    @app.get("/api/v1/parameters/{parameter_id}", tags=["law"])
    def parameter(parameter_id: str) -> dict[str, Any]:
        """A parameter: its values over time, each with its amending act, and who uses it."""
        found = workbench.kb.parameters.get(parameter_id)
        if found is None:
            raise not_found("parameter", parameter_id, list(workbench.kb.parameters))
        return answer(workbench.parameter_detail(found))

    @app.get("/api/v1/coverage", tags=["law"])
    def coverage() -> dict[str, Any]:
        """Which articles of each source are encoded, partly, or not (and why)."""
        from ..report.coverage import coverage_documents
        return answer(coverage_documents(workbench.loaded))

    @app.get("/api/v1/open-questions", tags=["law"])
    def open_questions() -> dict[str, Any]:
        """Points where the sources are silent, unclear or contradict each other."""
        return answer(workbench.open_questions())

    @app.get("/api/v1/search", tags=["law"])
    def search(q: str = Query(..., min_length=1, max_length=200)) -> dict[str, Any]:
        """Rules, parameters, facts and outputs matching every word of ``q``."""
        return answer(workbench.search(q))

    @app.get("/api/v1/examples", tags=["evaluate"])
    def examples() -> dict[str, Any]:
        """The example cases shipped with lexlux, as YAML text."""
        return answer(bundled_examples())

    # -- the pages -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index_page() -> str:
        return pages.index()

    @app.get("/rules/{rule_id}", response_class=HTMLResponse, include_in_schema=False)
    def rule_page(rule_id: str) -> Response:
        html = pages.rule(rule_id)
        return HTMLResponse(html) if html is not None else HTMLResponse(
            pages.search(rule_id), status_code=404)

    @app.get("/parameters/{parameter_id}", response_class=HTMLResponse,
             include_in_schema=False)
    def parameter_page(parameter_id: str) -> Response:
        html = pages.parameter(parameter_id)
        return HTMLResponse(html) if html is not None else HTMLResponse(
            pages.search(parameter_id), status_code=404)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(q: str = "") -> str:
        return pages.search(q[:200])

    @app.get("/questions", response_class=HTMLResponse, include_in_schema=False)
    def questions_page() -> str:
        return pages.questions()

    @app.get("/playground", response_class=HTMLResponse, include_in_schema=False)
    def playground_page() -> str:
        return pages.playground(bundled_examples())

    from importlib import resources
    static = resources.files("lexlux.serve").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app
