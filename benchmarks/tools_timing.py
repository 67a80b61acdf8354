"""Benchmark: the drafter tools on the bundled files (run on demand).

    .venv/bin/python benchmarks/tools_timing.py [--sources ../shared/sources]

Prints the time of `lexlux fmt` (computing the layout of rules/ and examples/, nothing
written), of `lexlux check` with and without the excerpt check, and of `lexlux test` on
tests/law.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lexlux.fmt.formatter import format_file
from lexlux.load.discover import bundled_root
from lexlux.pipeline import load_knowledge_base
from lexlux.report.scenario_run import run_scenario_files
from lexlux.validate.excerpts import check_excerpts

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "sources")
    args = parser.parse_args()
    files = sorted((REPO / "rules").rglob("*.yaml")) + sorted((REPO / "examples").rglob("*.yaml"))
    started = time.perf_counter()
    changed = sum(1 for f in files if format_file(f).changed)
    elapsed = time.perf_counter() - started
    print(f"fmt: {len(files)} files in {elapsed:.2f} s ({len(files) / elapsed:.0f} files/s); "
          f"{changed} not in the canonical layout")
    started = time.perf_counter()
    loaded = load_knowledge_base([bundled_root("rules")])
    load_time = time.perf_counter() - started
    print(f"check without sources: {load_time:.2f} s")
    if args.sources.is_dir():
        started = time.perf_counter()
        report = check_excerpts(loaded.documents, args.sources)
        print(f"excerpt check: {report.checked} excerpts in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    run = run_scenario_files([REPO / "tests" / "law"], loaded.kb)
    elapsed = time.perf_counter() - started
    print(f"test: {len(run.results)} scenarios in {elapsed:.2f} s "
          f"({len(run.results) / elapsed:.0f} scenarios/s)")


if __name__ == "__main__":
    main()
