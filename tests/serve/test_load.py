"""A short load test: concurrent clients on loopback, no error, every answer the same.

The long one (60 s, latency percentiles, requests/s) is benchmarks/serve_load.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def test_concurrent_clients_get_the_same_answer_and_no_error(live_server: str) -> None:
    case = (REPO / "examples" / "dismissal-during-sickness.case.yaml").read_text()
    payload = {"case": case, "outputs": ["dismissal_sanction"]}

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
            async def client() -> list[httpx.Response]:
                return [await http.post("/api/v1/evaluate", json=payload) for _ in range(10)]
            batches = await asyncio.gather(*(client() for _ in range(8)))
        return [r for batch in batches for r in batch]

    responses = asyncio.run(go())
    assert len(responses) == 80
    assert {r.status_code for r in responses} == {200}
    values = {r.json()["data"]["outputs"]["dismissal_sanction"]["value"] for r in responses}
    assert values == {"abusive"}
