"""Benchmark: concurrent clients against `lexlux serve` on loopback (run on demand).

    .venv/bin/python benchmarks/serve_load.py --seconds 60 --clients 16

Starts `lexlux serve` on a free port, then for --seconds keeps --clients concurrent clients
POSTing /api/v1/evaluate (the README's dismissal case, one output, no explanation — and with
--explain the full explanation) and reports requests/s, p50/p99 latency and errors.  The load
goes to 127.0.0.1 only and stops by itself.  With `wrk` installed (Debian package) it is used as
the load generator (it does not compete with the server for the GIL); otherwise asyncio+httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def body(explain: bool) -> str:
    case = (REPO / "examples" / "dismissal-during-sickness.case.yaml").read_text()
    return json.dumps({"case": case, "outputs": ["dismissal_sanction"], "explain": explain})


def start(port: int, workers: int, python: str = sys.executable) -> subprocess.Popen[str]:
    import httpx
    process = subprocess.Popen([python, "-m", "lexlux", "serve", "--port", str(port),
                                "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("lexlux serve did not start")


def with_wrk(url: str, payload: str, seconds: int, clients: int) -> dict[str, float]:
    script = ("wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n"
              f"wrk.body = {json.dumps(payload)}\n"
              "done = function(summary, latency, requests)\n"
              "  io.write(string.format('JSON {\"requests\": %d, \"errors\": %d, "
              "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"seconds\": %.3f}\\n', summary.requests, "
              "summary.errors.status + summary.errors.connect + summary.errors.read + "
              "summary.errors.write + summary.errors.timeout, latency:percentile(50) / 1000, "
              "latency:percentile(99) / 1000, summary.duration / 1e6))\nend\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    done = subprocess.run(["wrk", "-t", "1", "-c", str(clients), "-d", f"{seconds}s", "-s",
                           f.name, "--latency", url], capture_output=True, text=True,
                          check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("JSON "))
    result: dict[str, float] = json.loads(line[5:])
    result["requests_per_s"] = result["requests"] / result["seconds"]
    return result


async def with_httpx(url: str, payload: str, seconds: int, clients: int) -> dict[str, float]:
    import httpx
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < stop:
            started = time.perf_counter()
            response = await http.post(url, content=payload,
                                       headers={"content-type": "application/json"})
            latencies.append(time.perf_counter() - started)
            errors += response.status_code != 200
    async with httpx.AsyncClient(timeout=30) as http:
        started = time.monotonic()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "seconds": elapsed,
            "requests_per_s": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))]}


def run_once(python: str, args: argparse.Namespace) -> tuple[str, dict[str, float]]:
    port = free_port()
    server = start(port, args.workers, python)
    url = f"http://127.0.0.1:{port}/api/v1/evaluate"
    payload = body(args.explain)
    try:
        if shutil.which("wrk") and not args.httpx:
            return "wrk", with_wrk(url, payload, args.seconds, args.clients)
        return "httpx", asyncio.run(with_httpx(url, payload, args.seconds, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=10)


def load_average() -> str:
    """The machine's 1/5/15-minute load average (it is shared: report it with the numbers)."""
    import os
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="lexlux serve --workers")
    parser.add_argument("--httpx", action="store_true", help="use httpx even if wrk exists")
    parser.add_argument("--compare", metavar="PYTHON", default=None,
                        help="also serve with this interpreter (another checkout's venv, "
                             "e.g. the main branch's), alternating with this one, and report "
                             "both: before/after under the same load on the machine")
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: alternations")
    args = parser.parse_args()
    servers = [("this", sys.executable)]
    if args.compare:
        servers = [("compared", args.compare), *servers] * args.rounds
    for name, python in servers:
        before = load_average()
        tool, result = run_once(python, args)
        print(f"[{name}: {python}] load generator {tool}, {args.clients} clients, "
              f"{args.seconds} s, explain={args.explain}, server workers {args.workers}, "
              f"load average before {before}, after {load_average()}")
        print(f"  requests {result['requests']:.0f}, errors {result['errors']:.0f}, "
              f"{result['requests_per_s']:.0f} evaluations/s, p50 {result['p50_ms']:.1f} ms, "
              f"p99 {result['p99_ms']:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
