"""Benchmark and check, on demand: ``lexlux diff --jobs N`` on the bundled rules (no cache)
gives exactly the JSON of ``--jobs 1``, and how long each takes per boundary: wall time and
CPU time (user + system of the process and of its workers), run after run in turn, so that
a busy machine weighs on both alike.  With ``--base PYTHON``, the same ``lexlux diff``
without ``--jobs`` from another install (e.g. a checkout of main with its own venv) is run
in turn too, and its JSON compared::

    .venv/bin/python benchmarks/diff_jobs.py [--jobs 2] [--repeat 3] \\
        [--base /path/to/main/.venv/bin/python] [--python .venv/bin/python]

Prints one line per run, then the medians side by side; exit status 1 when the JSON of
``--jobs N`` differs from that of ``--jobs 1`` on a boundary.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

#: The boundaries of issue 14's goal (each diff <= 3 s).
BOUNDARIES = (("2018-12-31", "2019-01-01"), ("2016-01-01", "2020-01-01"))


def timed(python: str, first: str, second: str, jobs: int | None
          ) -> tuple[float, float, dict[str, Any]]:
    """CPU and wall seconds of one ``lexlux diff`` (``jobs`` None: no --jobs), its JSON."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "lexlux", "diff", "--from", first, "--to", second,
                           "--format", "json",
                           *(["--jobs", str(jobs)] if jobs is not None else [])],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"lexlux diff failed ({done.returncode}): {done.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(done.stdout)
    return cpu, wall, out


def differences(one: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """The results (output, reading) whose JSON differs."""
    def keyed(data: dict[str, Any]) -> dict[tuple[str, str], Any]:
        return {(o["output"], o.get("reading") or ""): o for o in data["outputs"]}
    a, b = keyed(one), keyed(other)
    return [f"{name}" + (f" [{reading}]" if reading else "")
            for name, reading in sorted(a.keys() | b.keys())
            if a.get((name, reading)) != b.get((name, reading))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--base", metavar="PYTHON",
                        help="the python of another install, run without --jobs")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    status = 0
    for first, second in BOUNDARIES:
        runs: dict[str, list[tuple[float, float]]] = {}
        outputs: dict[str, dict[str, Any]] = {}
        kinds: list[tuple[str, str, int | None]] = []
        if args.base:
            kinds.append(("base", args.base, None))
        kinds += [("--jobs 1", args.python, 1), (f"--jobs {args.jobs}", args.python, args.jobs)]
        for _ in range(args.repeat):
            for label, python, jobs in kinds:
                cpu, wall, out = timed(python, first, second, jobs)
                runs.setdefault(label, []).append((cpu, wall))
                outputs.setdefault(label, out)
                print(f"{first} -> {second} {label}: {cpu:.2f} s CPU, {wall:.2f} s wall "
                      f"(load {os.getloadavg()[0]:.2f})", flush=True)
        print(f"{first} -> {second}, medians of {args.repeat}:")
        for label, _, _ in kinds:
            cpus, walls = zip(*runs[label], strict=True)
            print(f"  {label:10} {statistics.median(cpus):6.2f} s CPU "
                  f"{statistics.median(walls):6.2f} s wall")
        one, many = outputs["--jobs 1"], outputs[f"--jobs {args.jobs}"]
        changed = differences(one, many)
        print(f"  --jobs {args.jobs} JSON " + ("identical to --jobs 1" if not changed else
                                              f"differs on: {', '.join(changed)}"))
        if changed:
            status = 1
        if "base" in outputs:
            against = differences(outputs["base"], many)
            print("  base JSON " + ("identical" if not against else
                                    f"differs on: {', '.join(against)}"))
    return status


if __name__ == "__main__":
    sys.exit(main())
