"""``lexlux mcp``: the workbench's operations as tools of a Model Context Protocol server.

An assistant connected to it answers with lexlux's evaluated, cited results instead of its own
reading of the law.  The tools are the API's operations (same functions, same diagnostics):
evaluate, whatif, rule, parameter, search, open_questions, and the verifier's diff, verify
and solve, and batch (a small population, answered when done).  Needs the extra ``mcp``.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from .. import __version__
from .analysis import batch_plan, diff_of, solve_of, verify_of
from .jobs import Job, JobControl
from .operations import RequestError, evaluate_case, whatif_case
from .workbench import Workbench

#: the most persons the batch tool evaluates (it answers when done; use the API's jobs or
#: ``lexlux batch`` for more)
MCP_BATCH_LIMIT = 2_000

INSTRUCTIONS = (
    "lexlux encodes Luxembourg sickness, return-to-work and reclassification law (and Belgian "
    "partial resumption of work) as versioned rules with citations. Use evaluate to answer a "
    "question about a case: give the case as YAML text (case, jurisdiction lu/be, as_of, "
    "facts). Quote the citations and explanation lexlux returns; when an output is missing, "
    "say which facts it needs instead of guessing.")


def _answer(workbench: Workbench, data: Any) -> dict[str, Any]:
    return {**workbench.identity(), "data": data}


def _error(exc: RequestError) -> dict[str, Any]:
    return {"error": exc.to_json()}


def create_mcp_server(workbench: Workbench) -> MCPServer:
    """An MCP server whose tools call the workbench (one knowledge base, loaded once)."""
    server = MCPServer("lexlux", version=__version__, instructions=INSTRUCTIONS)

    @server.tool()
    def evaluate(case: str, as_of: str | None = None, law_as_of: str | None = None,
                 outputs: list[str] | None = None, reading: str | None = None
                 ) -> dict[str, Any]:
        """What the law says about a case on a date, each answer with its citations and the
        explanation (rule versions, facts and parameters it relied on)."""
        try:
            return _answer(workbench, evaluate_case(workbench, {
                "case": case, "as_of": as_of, "law_as_of": law_as_of, "outputs": outputs,
                "reading": reading, "explain": True}))
        except RequestError as exc:
            return _error(exc)

    @server.tool()
    def whatif(case: str, set: dict[str, str], as_of: str | None = None,
               outputs: list[str] | None = None) -> dict[str, Any]:
        """The outputs that change when the facts in ``set`` change, with the first reason."""
        try:
            return _answer(workbench, whatif_case(workbench, {
                "case": case, "set": set, "as_of": as_of, "outputs": outputs}))
        except RequestError as exc:
            return _error(exc)

    @server.tool()
    def rule(rule_id: str) -> dict[str, Any]:
        """A rule: its versions in time, cited source lines, parameters and open questions."""
        found = workbench.kb.rules.get(rule_id)
        if found is None:
            return {"error": f"no rule {rule_id!r}; use search to find one"}
        return _answer(workbench, workbench.rule_detail(found))

    @server.tool()
    def parameter(parameter_id: str) -> dict[str, Any]:
        """A parameter's values over time, each with the act that set it."""
        found = workbench.kb.parameters.get(parameter_id)
        if found is None:
            return {"error": f"no parameter {parameter_id!r}; use search to find one"}
        return _answer(workbench, workbench.parameter_detail(found))

    @server.tool()
    def search(query: str) -> dict[str, Any]:
        """Rules, parameters, facts and outputs matching every word of the query."""
        return _answer(workbench, workbench.search(query))

    @server.tool()
    def open_questions() -> dict[str, Any]:
        """Points where the sources are silent or unclear, and what lexlux does meanwhile."""
        return _answer(workbench, workbench.open_questions())

    @server.tool()
    def diff(first: str, second: str, outputs: list[str] | None = None) -> dict[str, Any]:
        """Where the law in force on ``first`` and on ``second`` give different results for
        any case: per output "same" (proved by Z3), "differ" (with witness cases replayed by
        the evaluator), "unknown" or "horizon"."""
        try:
            return _answer(workbench, diff_of(workbench, {
                "first": first, "second": second, "outputs": outputs}))
        except RequestError as exc:
            return _error(exc)

    @server.tool()
    def verify(rule: str | None = None, checks: list[str] | None = None,
               as_of: str | None = None) -> dict[str, Any]:
        """The audit's findings (conflicts, dead rules, gaps, version changes, invariants),
        each with a witness case; accepted findings carry their reason.  Narrow it to a rule
        or some checks: a full audit takes seconds to minutes (then it is cached)."""
        try:
            return _answer(workbench, verify_of(workbench, {
                "rule": rule, "checks": checks, "as_of": as_of}))
        except RequestError as exc:
            return _error(exc)

    @server.tool()
    def solve(query: str) -> dict[str, Any]:
        """Answer a query (YAML text with its case inline and a solve: section): a case with
        the asked answers, a proof that none exists, or the earliest/latest date of a fact."""
        try:
            return _answer(workbench, solve_of(workbench, {"query": query}))
        except RequestError as exc:
            return _error(exc)

    @server.tool()
    def batch(reform: str, cases: list[str] | None = None, generate: int | None = None,
              seed: int = 2026, outputs: list[str] | None = None) -> dict[str, Any]:
        """How many persons a reform changes, and how, output by output: ``reform`` is a
        bundled example reform's file name or a reform's YAML text; the population is the
        inline ``cases`` and/or ``generate`` synthetic persons."""
        body = {"reform": reform, "cases": cases, "outputs": outputs,
                "generate": {"count": generate, "seed": seed} if generate else None}
        try:
            total, work = batch_plan(workbench, body)
            if total > MCP_BATCH_LIMIT:
                return {"error": f"{total} persons: the batch tool evaluates at most "
                                 f"{MCP_BATCH_LIMIT}; use the HTTP API's jobs or lexlux batch"}
            return _answer(workbench, work(JobControl(Job("mcp", "batch", total))))
        except RequestError as exc:
            return _error(exc)

    return server
