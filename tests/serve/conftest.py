"""The workbench over the bundled knowledge base: one in-process client, one live server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workbench needs the extra 'web'")

from fastapi.testclient import TestClient
from lexlux.serve.app import create_app
from lexlux.serve.settings import Settings
from lexlux.serve.workbench import Workbench

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def workbench() -> Workbench:
    return Workbench.load(None, REPO / "tests" / "law")


@pytest.fixture(scope="session")
def client(workbench: Workbench) -> TestClient:
    return TestClient(create_app(workbench, Settings(max_body_bytes=200_000)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """``lexlux serve`` as a user starts it, on a free loopback port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexlux", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    import httpx
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base + "/api/v1", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                out, err = process.communicate()
                raise RuntimeError(f"lexlux serve did not start:\n{out}\n{err}") from None
            time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
