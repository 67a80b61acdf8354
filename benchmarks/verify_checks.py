"""Benchmark: CPU and wall time of single ``lexlux verify --check NAME`` runs on the bundled
rules (no cache), each in its own process; with ``--baseline``, the same runs of another
install (e.g. a checkout of the main branch) side by side, alternately, and whether the two
JSON outputs are identical (the time of the run left out).

    .venv/bin/python benchmarks/verify_checks.py \
        [--checks conflicts,hierarchy,gaps,versions,invariants] \
        [--baseline OTHER/.venv/bin/python]

The machine is shared: CPU time is the steadier figure.  Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any


def timed(python: str, checks: str) -> tuple[float, float, dict[str, Any]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "lexlux", "verify", "--check", checks,
                           "--format", "json"], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out: dict[str, Any] = json.loads(done.stdout)
    out["summary"].pop("seconds", None)
    return cpu, wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", default="conflicts,hierarchy,gaps,versions,invariants",
                        help="the runs, comma-separated; a+b runs the checks a and b in one")
    parser.add_argument("--baseline", help="another install's python, run side by side")
    args = parser.parse_args()
    total = {"this": 0.0, "baseline": 0.0}
    for checks in args.checks.split(","):
        checks = checks.replace("+", ",")
        cpu, wall, out = timed(sys.executable, checks)
        total["this"] += cpu
        line = (f"{checks:40} this: {cpu:6.2f} s CPU {wall:6.2f} s wall, "
                f"{out['summary']['queries']} queries")
        if args.baseline:
            bcpu, bwall, bout = timed(args.baseline, checks)
            total["baseline"] += bcpu
            line += (f" | baseline: {bcpu:6.2f} s CPU {bwall:6.2f} s wall; JSON "
                     + ("identical" if bout == out else "DIFFERENT"))
        print(line, flush=True)
    print(f"{'total':40} this: {total['this']:6.2f} s CPU"
          + (f" | baseline: {total['baseline']:6.2f} s CPU" if args.baseline else ""))


if __name__ == "__main__":
    main()
