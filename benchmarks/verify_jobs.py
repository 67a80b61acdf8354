"""Benchmark and check, on demand: ``lexlux verify --all-dates --jobs N`` on the bundled
rules (no cache) gives exactly the JSON of ``--jobs 1`` (the time of the run left out),
and how long each takes (CPU of the process and its workers, and wall).  Run from the
repository root (the accepted findings are read from audit/accepted.yaml there):

    .venv/bin/python benchmarks/verify_jobs.py [--jobs 2] [--python .venv/bin/python] \
        [--rules DIR]

Each run costs about 90 s of CPU, so this is not part of the test suite (the planted
knowledge bases are: tests/verify/test_parallel_units.py).  Prints the figures and the
findings that differ; exit status 1 when the two JSON outputs differ.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any


def timed(python: str, jobs: int, rules: list[str]) -> tuple[float, float, dict[str, Any]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "lexlux", "verify", "--all-dates", "--jobs",
                           str(jobs), "--format", "json",
                           *[a for r in rules for a in ("--rules", r)]],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out: dict[str, Any] = json.loads(done.stdout)
    out["summary"].pop("seconds", None)
    out["summary"].get("units", {}).pop("run_seconds", None)
    return cpu, wall, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--rules", action="append", default=[],
                        help="rules folder instead of the bundled rules (repeatable)")
    args = parser.parse_args()
    cpu1, wall1, one = timed(args.python, 1, args.rules)
    print(f"--jobs 1: {cpu1:.1f} s CPU, {wall1:.1f} s wall, "
          f"{len(one['findings'])} findings, summary {one['summary']}")
    cpun, walln, many = timed(args.python, args.jobs, args.rules)
    print(f"--jobs {args.jobs}: {cpun:.1f} s CPU (all processes), {walln:.1f} s wall, "
          f"{len(many['findings'])} findings, summary {many['summary']}")
    if many == one:
        print("identical JSON")
        return 0
    first = {f["fingerprint"]: f for f in one["findings"]}
    second = {f["fingerprint"]: f for f in many["findings"]}
    for key in sorted(first.keys() | second.keys()):
        if first.get(key) != second.get(key):
            print(f"differs: {key} (--jobs 1: {key in first}, --jobs {args.jobs}: "
                  f"{key in second})")
    if one["summary"] != many["summary"]:
        print("the summaries differ")
    return 1


if __name__ == "__main__":
    sys.exit(main())
