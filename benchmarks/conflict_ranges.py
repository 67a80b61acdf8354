"""Benchmark: the overlap lines of the conflicts (LX501) of a generated knowledge base,
by Z3's ``Optimize`` (checks/regions.py ``fact_ranges``, used before stop 13) and by
probing one incremental solver (checks/conflict_ranges.py), side by side on the same
constraints in one process.

    .venv/bin/python benchmarks/conflict_ranges.py --sizes 1000

Prints CPU and wall seconds of each and how many conflicts' lines differ (only where
``Optimize`` gave up, leaving no line, is a difference expected).  Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from verify_audit import generate


def measure(size: int) -> None:
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks import conflict_ranges, regions
    from lexlux.verify.checks.context import Audit
    from lexlux.verify.checks.rules import check_conflicts, check_encodable

    probe = conflict_ranges.probe_ranges
    spent = {"optimize": [0.0, 0.0], "probes": [0.0, 0.0]}
    counts = {"conflicts": 0, "differ": 0, "optimize gave up": 0}

    def both(constraints: Any, goals: Any, facts: Any, names: set[str]) -> list[str]:
        answers = {}
        for label, run in (("optimize", regions.fact_ranges), ("probes", probe)):
            wall, cpu = time.perf_counter(), time.process_time()
            answers[label] = run(constraints, goals, facts, names)
            spent[label][0] += time.perf_counter() - wall
            spent[label][1] += time.process_time() - cpu
        counts["conflicts"] += 1
        counts["differ"] += answers["optimize"] != answers["probes"]
        counts["optimize gave up"] += not answers["optimize"]
        return answers["probes"]

    conflict_ranges.probe_ranges = both  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            loaded = load_knowledge_base([generate(Path(tmp), size)])
            assert loaded.ok
            audit = Audit(loaded.kb, "lu")
            list(check_encodable(audit))
            list(check_conflicts(audit))
    finally:
        conflict_ranges.probe_ranges = probe
    print(f"generated ({size} rules): {counts}")
    for label, (wall, cpu) in spent.items():
        print(f"  {label:<9} {wall:8.2f} s wall {cpu:8.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    args = parser.parse_args()
    for size in [int(s) for s in args.sizes.split(",") if s]:
        measure(size)


if __name__ == "__main__":
    main()
