"""The ASGI application: ``create_app(workbench, settings)`` declares every route.

``/api/v1/…`` answers JSON (OpenAPI at ``/openapi.json``, committed as docs/openapi.json);
``/``, ``/rules/{id}``, ``/parameters/{id}``, ``/search``, ``/questions`` and ``/playground``
are the explorer's pages, each with a JSON twin under ``/api/v1``.  Every response carries the
engine version and the knowledge base's content hash (headers ``X-Lexlux-Version`` and
``X-Lexlux-KB-Hash``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from .. import __version__
from ..diagnostics import error
from .analysis import batch_plan, bundled_reforms, diff_of, solve_of, verify_of
from .jobs import Jobs
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
    window: bool = Field(False, description="also return the 104-week window: the days "
                                            "counted toward the sickness-benefit limit, week "
                                            "by week, and the limit (for the chart)")


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


class DiffRequest(BaseModel):
    """Two dates of the law: where do they give different results, for any case?"""

    model_config = ConfigDict(extra="forbid")
    first: str = Field(description="the law in force on this date", examples=["2018-06-01"])
    second: str = Field(description="against the law in force on this date",
                        examples=["2019-06-01"])
    outputs: list[str] | None = Field(None, description="outputs to compare (default: all)")
    max_regions: int = Field(3, ge=1, le=20, description="witness cases per output")
    rlimit: int | None = Field(None, description="Z3 resource limit per query (capped by "
                                                 "the server); a query beyond it is unknown")


class VerifyRequest(BaseModel):
    """An audit of the loaded rules with Z3 (cached per knowledge base)."""

    model_config = ConfigDict(extra="forbid")
    checks: list[str] | None = Field(None, description="some of conflicts, hierarchy, dead, "
                                                       "gaps, versions, invariants (default: "
                                                       "all)")
    rule: str | None = Field(None, description="only the findings about this rule")
    as_of: str | None = Field(None, description="only the law in force on this date")
    rlimit: int | None = Field(None, description="Z3 resource limit per query (capped by "
                                                 "the server); a query beyond it is unknown")


class SolveRequest(BaseModel):
    """A query (a *.query.yaml text or the same as JSON, with its case inline)."""

    model_config = ConfigDict(extra="forbid")
    query: str | dict[str, Any] = Field(description="the query, inline, with solve: {mode, "
                                                    "where, fact, …}")
    rlimit: int | None = Field(None, description="Z3 resource limit per query (capped)")


class GenerateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=1, description="persons drawn from the bundled distribution")
    seed: int = 2026
    ill_from: str | None = Field(None, description="persons fall ill from this day")
    ill_to: str | None = Field(None, description="… until this day")


class BatchRequest(BaseModel):
    """A population under the law and under a reform: how many change, and how."""

    model_config = ConfigDict(extra="forbid")
    reform: str = Field(description="a reform, inline (*.reform.yaml text), or the file name "
                                    "of a bundled example reform",
                        examples=["limit-52-weeks-from-2027.reform.yaml"])
    cases: list[str | dict[str, Any]] | None = Field(None, description="inline cases")
    generate: GenerateRequest | None = Field(None, description="synthetic persons")
    outputs: list[str] | None = None
    law_as_of: str | None = None


class JSONAnswer(Response):
    """A JSON body serialised once with :func:`json.dumps` (no jsonable_encoder pass)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                          default=str).encode("utf-8")


class Guard:
    """Pure ASGI middleware (no per-request task or stream, unlike ``@app.middleware``):
    refuses bodies over the limit (LX800) and stamps every response with the engine version
    and the knowledge base's hash."""

    def __init__(self, app: Any, max_body: int, identity: dict[str, str]) -> None:
        self.app, self.max_body = app, max_body
        self.headers = [(b"x-lexlux-version", identity["engine_version"].encode()),
                        (b"x-lexlux-kb-hash", identity["kb_hash"].encode())]
        self.identity = identity

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            problem = RequestError(413, [error(
                "LX800", f"the request body is larger than {self.max_body} bytes",
                hint="send one case per request; use batch for populations")])
            await JSONAnswer(problem.to_json(), status_code=413,
                             headers={k.decode(): v.decode() for k, v in self.headers}
                             )(scope, receive, send)
            return

        async def stamped(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)
        await self.app(scope, receive, stamped)


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
    jobs = Jobs(settings.max_jobs)
    app.state.jobs = jobs
    if settings.audit:      # the rule pages show its findings once it is done
        jobs.submit("verify", None, lambda control: verify_of(workbench, {}))

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["content-type"])

    app.add_middleware(Guard, max_body=settings.max_body_bytes, identity=identity)

    @app.exception_handler(RequestError)
    async def request_error(_: Request, exc: RequestError) -> JSONResponse:
        return JSONResponse({**exc.to_json(), **identity}, status_code=exc.status)

    def answer(data: Any) -> dict[str, Any]:
        return {**identity, "data": data}

    def fast_answer(data: Any) -> Any:
        return JSONAnswer({**identity, "data": data})

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

    @app.post("/api/v1/evaluate", tags=["evaluate"], response_model=dict[str, Any])
    async def evaluate(body: EvaluateRequest) -> Any:
        """What the law says about a case on a date, and why (as ``lexlux eval --format json``)."""
        # async: a served evaluation takes well under a millisecond of CPU, less than the
        # hop to a worker thread would add (populations go to batch jobs, Z3 to threads)
        return fast_answer(evaluate_case(workbench, body.model_dump()))

    @app.post("/api/v1/whatif", tags=["evaluate"])
    def whatif(body: WhatifRequest) -> dict[str, Any]:
        """The outputs that change when facts change, each with the first reason that differs."""
        return answer(whatif_case(workbench, body.model_dump()))

    @app.post("/api/v1/needs", tags=["evaluate"])
    def needs(body: NeedsRequest) -> dict[str, Any]:
        """Every fact that could still change the asked outputs, with the articles asking
        for it (a questionnaire); without a case, every fact they can depend on."""
        return answer(needs_of(workbench, body.model_dump()))

    @app.post("/api/v1/diff", tags=["verify"])
    def diff(body: DiffRequest) -> dict[str, Any]:
        """Where the law of two dates gives different results for any case (``lexlux
        diff``): per output ``same`` (proved), ``differ`` (witness cases replayed by the
        evaluator), ``unknown``, or ``horizon``; cached per knowledge base."""
        return answer(diff_of(workbench, body.model_dump()))

    @app.post("/api/v1/verify", tags=["verify"])
    def verify(body: VerifyRequest) -> dict[str, Any]:
        """Audit the rules with Z3 (``lexlux verify``): conflicts, dead rules, gaps, version
        changes and invariants, each finding with a witness case; the accepted ones with
        their reason.  Cached per knowledge base: the first full audit takes seconds."""
        return answer(verify_of(workbench, body.model_dump()))

    @app.post("/api/v1/solve", tags=["verify"])
    def solve(body: SolveRequest) -> dict[str, Any]:
        """Answer a query's ``solve:`` question (``lexlux solve``): a case with the asked
        answers, a proof that none exists, or the earliest / latest date of a fact."""
        return answer(solve_of(workbench, body.model_dump()))

    @app.post("/api/v1/batch", tags=["batch"], status_code=202)
    def batch(body: BatchRequest) -> dict[str, Any]:
        """Start a job: a population (inline cases and/or generated persons) under the law
        and under a reform.  Poll ``GET /api/v1/jobs/{id}`` for its progress, then its
        result (the JSON of ``lexlux batch``)."""
        total, work = batch_plan(workbench, body.model_dump())
        return answer(jobs.submit("batch", total, work).to_json())

    @app.get("/api/v1/jobs", tags=["batch"])
    def job_list() -> dict[str, Any]:
        """The jobs this server keeps (the most recent ones), without their results."""
        return answer([{k: v for k, v in j.to_json().items() if k != "result"}
                       for j in jobs.all()])

    @app.get("/api/v1/jobs/{job_id}", tags=["batch"])
    def job(job_id: str) -> dict[str, Any]:
        """A job's state (queued, running, done, failed, cancelled) and progress; once done,
        its result."""
        return answer(jobs.get(job_id).to_json())

    @app.delete("/api/v1/jobs/{job_id}", tags=["batch"])
    def cancel_job(job_id: str) -> dict[str, Any]:
        """Cancel a job: a queued job never starts, a running one stops at its next case."""
        return answer(jobs.cancel(job_id).to_json())

    @app.get("/api/v1/reforms", tags=["batch"])
    def reforms() -> dict[str, Any]:
        """The example reforms shipped with lexlux, as YAML text (usable by name in batch)."""
        return answer({name: path.read_text(encoding="utf-8")
                       for name, path in bundled_reforms().items()})

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
