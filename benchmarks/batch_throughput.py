"""Benchmark: `lexlux batch` throughput, baseline and reform, on generated histories.

    .venv/bin/python benchmarks/batch_throughput.py --sizes 1000,100000

Each size runs in its own process, so that the peak memory (max RSS) is that size's.  Cases
are generated and evaluated as a stream: memory should not grow with the number of cases.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def one(size: int, reform: Path, outputs: list[str], law_as_of: str | None) -> None:
    from lexlux.calendar.dates import parse_date
    from lexlux.pipeline import load_knowledge_base
    from lexlux.whatif.batch import run_batch
    from lexlux.whatif.generate import generate_cases
    from lexlux.whatif.reform import apply_reform

    baseline = load_knowledge_base()
    reformed = apply_reform(baseline, reform)
    assert baseline.ok and reformed.ok, [d.message for d in reformed.diagnostics]
    cases = generate_cases(size, baseline.kb.vocabularies["lu"], seed=7)
    started = time.perf_counter()
    report = run_batch(cases, baseline.kb, reformed.kb, outputs or None,
                       law_as_of=parse_date(law_as_of) if law_as_of else None)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size:>9} cases  {seconds:9.1f} s  {size / seconds:8.0f} cases/s "
          f"(2 evaluations each)  peak RSS {peak_mb:6.0f} MB  changed {report.cases_changed}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--reform", type=Path,
                        default=REPO / "examples" / "limit-52-weeks-from-2027.reform.yaml")
    parser.add_argument("--output", action="append", default=[],
                        help="evaluate only these outputs (default: all)")
    parser.add_argument("--law-as-of", default="2027-06-01",
                        help="the law applied to every history (default: the reform's first "
                             "year, so that the 2015-2025 histories fall under it)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.reform, args.output, args.law_as_of)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        extra = [f"--output={o}" for o in args.output]
        subprocess.run([sys.executable, __file__, "--one", str(size), "--reform",
                        str(args.reform), "--law-as-of", args.law_as_of, *extra], check=True)


if __name__ == "__main__":
    main()
