"""``lexlux mcp``: the workbench's tools, called with the official SDK's client (in memory)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp", reason="the MCP server needs the extra 'mcp'")

from lexlux.serve.mcp_server import create_mcp_server
from lexlux.serve.workbench import Workbench
from mcp import Client

REPO = Path(__file__).resolve().parents[2]


def call(workbench: Workbench, tool: str, arguments: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with Client(create_mcp_server(workbench)) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert {"evaluate", "whatif", "rule", "parameter", "search",
                    "open_questions"} <= tools
            result = await client.call_tool(tool, arguments)
            assert not result.is_error, result
            if result.structured_content is not None:
                return result.structured_content
            return json.loads(result.content[0].text)
    return asyncio.run(go())


def test_an_assistant_gets_the_evaluated_cited_answer(workbench: Workbench) -> None:
    case = (REPO / "examples" / "dismissal-during-sickness.case.yaml").read_text()
    answer = call(workbench, "evaluate", {"case": case, "outputs": ["dismissal_sanction"]})
    output = answer["data"]["outputs"]["dismissal_sanction"]
    assert output["value"] == "abusive"
    assert output["citations"] == ["Code du travail, art. L.121-6, paragraph (3), alinéa 4"]
    assert answer["kb_hash"] == workbench.kb_hash


def test_a_bad_case_comes_back_as_diagnostics(workbench: Workbench) -> None:
    answer = call(workbench, "evaluate", {"case": "case: x\njurisdiction: lu\n"})
    assert answer["error"]["diagnostics"][0]["code"].startswith("LX")


def test_search_and_parameter(workbench: Workbench) -> None:
    hits = call(workbench, "search", {"query": "L.121-6"})["data"]
    assert any(h["kind"] == "rule" for h in hits)
    limit = call(workbench, "parameter", {"parameter_id": "lu.sickness_benefit.max_weeks"})
    assert limit["data"]["history"][-1]["shown"] == "546 days (78 weeks)"


def test_the_verifier_and_batch_are_tools(workbench: Workbench) -> None:
    query = (REPO / "examples" / "earliest-lawful-dismissal.query.yaml").read_text()
    found = call(workbench, "solve", {"query": query})["data"]
    assert (found["status"], found["optimum"]) == ("witness", "2019-05-01")
    compared = call(workbench, "diff", {"first": "2018-06-01", "second": "2019-06-01",
                                        "outputs": ["certificate_in_time"]})["data"]
    assert compared["outputs"][0]["status"] == "same"
    case = (REPO / "examples" / "dismissal-during-sickness.case.yaml").read_text()
    impact = call(workbench, "batch", {"reform": "limit-52-weeks-from-2027.reform.yaml",
                                       "cases": [case],
                                       "outputs": ["sickness_benefit_limit_reached_on"]})
    assert impact["data"]["cases"] == 1
