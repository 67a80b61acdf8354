"""Benchmark: the audit with the timeline outputs (checks/timeline_search.py) — the full
``lexlux verify --all-dates`` and ``--check hierarchy`` (the readings check, where the
timeline witness search started) — CPU and wall time of each, in fresh processes, for this
checkout and optionally for another one side by side (``--base``: a folder holding a
``lexlux`` package, e.g. an unpacked older commit with ``lexlux`` linked to its engine/).

    .venv/bin/python benchmarks/verify_timelines.py [--base /tmp/base-pkg] [--runs 1]

Prints one line per run: the summary (problems, accepted, queries, notes by code), CPU
and wall seconds.  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter

RUNS = {"full": ["verify", "--all-dates"], "hierarchy": ["verify", "--check", "hierarchy"]}


def measure(pythonpath: str | None, argv: list[str]) -> tuple[dict[str, object], float, float]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lexlux", *argv, "--format", "json"],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data = json.loads(done.stdout)
    codes = Counter(f["code"] for f in data["findings"])
    summary = {**data["summary"], "codes": dict(sorted(codes.items()))}
    summary.pop("seconds", None)
    return summary, cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a folder with another lexlux package to compare")
    parser.add_argument("--runs", default="full,hierarchy")
    args = parser.parse_args()
    for name in args.runs.split(","):
        for label, path in ([("base", args.base)] if args.base else []) + [("this", None)]:
            summary, cpu, wall = measure(path, RUNS[name])
            print(f"{name:10} {label:5} cpu {cpu:6.1f} s  wall {wall:6.1f} s  {summary}",
                  flush=True)


if __name__ == "__main__":
    main()
