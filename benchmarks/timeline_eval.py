"""Benchmark: the cost of timeline cases (events → derived facts) against fact-style cases.

    .venv/bin/python benchmarks/timeline_eval.py --repeat 20

For every example in examples/ and its twin in examples/timeline/, in one run: the time to
evaluate every output of the fact-style case, of the timeline twin (derivation included),
and of the derivation alone; and the ratio twin / facts.  A fact-style case does not derive
anything (prepare_case returns at once), so its time is the evaluator's as before.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lexlux.evaluate.case import load_case
from lexlux.evaluate.derive import prepare_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kb = load_knowledge_base().kb
    print(f"{'example':40} {'facts ms':>9} {'twin ms':>9} {'derive ms':>10} {'ratio':>6}")
    for path in sorted((REPO / "examples").glob("*.case.yaml")):
        facts, _ = load_case(path, kb)
        twin, _ = load_case(REPO / "examples" / "timeline" / path.name, kb)
        assert facts is not None and twin is not None and facts.as_of is not None
        timings = []
        for case in (facts, twin):
            started = time.perf_counter()
            for _ in range(args.repeat):
                evaluate(kb, case, facts.as_of)
            timings.append((time.perf_counter() - started) / args.repeat * 1000)
        started = time.perf_counter()
        for _ in range(args.repeat):
            prepare_case(kb, twin, facts.as_of, None)
        derive_ms = (time.perf_counter() - started) / args.repeat * 1000
        print(f"{path.name:40} {timings[0]:9.1f} {timings[1]:9.1f} {derive_ms:10.2f} "
              f"{timings[1] / timings[0]:6.2f}")


if __name__ == "__main__":
    main()
