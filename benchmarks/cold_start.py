"""Benchmark: whole-process time of `lexlux --help`, one `lexlux eval` and `lexlux check`
(median of N runs, each a fresh process; the disk cache warm after a first untimed run).

    .venv/bin/python benchmarks/cold_start.py --runs 5
    LEXLUX_NO_CACHE=1 .venv/bin/python benchmarks/cold_start.py     # without the cache

Goals (issue 15): --help <= 0.15 s, eval <= 0.4 s, check <= 0.5 s.  Figures are printed,
never asserted; they depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEXLUX = [sys.executable, "-m", "lexlux"]
COMMANDS = {
    "--help": ["--help"],
    "eval": ["eval", str(REPO / "examples" / "dismissal-during-sickness.case.yaml")],
    "eval --output": ["eval", str(REPO / "examples" / "dismissal-during-sickness.case.yaml"),
                      "--output", "dismissal_sanction"],
    "check": ["check"],
}


# the children write and read their bytecode (__pycache__), as an installed lexlux does: a
# PYTHONDONTWRITEBYTECODE inherited from the shell would make every run compile every module
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*LEXLUX, *argv], capture_output=True, env=ENVIRONMENT, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"lexlux {' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; cache "
          f"{'off' if os.environ.get('LEXLUX_NO_CACHE') else 'on'}; median of {args.runs}")
    for name, argv in COMMANDS.items():
        timed(argv)                       # warm the disk cache (and the knowledge-base cache)
        runs = [timed(argv) for _ in range(args.runs)]
        wall = [w for w, _ in runs]
        cpu = [c for _, c in runs]
        print(f"  lexlux {name:<13} median {statistics.median(wall):6.3f} s wall "
              f"(min {min(wall):.3f}, max {max(wall):.3f}); "
              f"CPU median {statistics.median(cpu):.3f} s")


if __name__ == "__main__":
    main()
