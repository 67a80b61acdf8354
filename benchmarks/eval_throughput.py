"""Benchmark: evaluate N generated cases on the bundled knowledge base (run on demand).

    .venv/bin/python benchmarks/eval_throughput.py --cases 2000

Prints cases per second (a) one case at a time, loading the knowledge base for each case as
a single `lexlux eval` does, and (b) as a batch, with the knowledge base loaded once.
"""

from __future__ import annotations

import argparse
import time
from itertools import islice

from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.whatif.generate import generate_cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--single", type=int, default=20,
                        help="cases for the one-at-a-time measure")
    args = parser.parse_args()
    started = time.perf_counter()
    loaded = load_knowledge_base()
    load_seconds = time.perf_counter() - started
    assert loaded.ok, "the bundled rules have errors"
    vocabulary = loaded.kb.vocabularies["lu"]
    cases = list(generate_cases(args.cases, vocabulary, seed=1))

    started = time.perf_counter()
    for case in islice(cases, args.single):
        kb = load_knowledge_base().kb
        assert case.as_of is not None
        evaluate(kb, case, case.as_of)
    single = args.single / (time.perf_counter() - started)

    started = time.perf_counter()
    statuses = {"value": 0, "no_value": 0, "missing": 0, "conflict": 0, "error": 0}
    for case in cases:
        assert case.as_of is not None
        for result in evaluate(loaded.kb, case, case.as_of).results.values():
            statuses[result.status] += 1
    batch = len(cases) / (time.perf_counter() - started)

    print(f"knowledge base: {len(loaded.kb.rules)} rules, loaded in {load_seconds:.2f} s")
    print(f"one case at a time (load + evaluate): {single:8.1f} cases/s")
    print(f"batch, knowledge base loaded once:    {batch:8.1f} cases/s "
          f"({len(cases)} cases, {len(vocabulary.outputs)} outputs declared)")
    print(f"ratio batch / one at a time: {batch / single:.0f}")
    print("output statuses over the batch:", statuses)


if __name__ == "__main__":
    main()
