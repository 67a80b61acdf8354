"""Benchmark: evaluate N generated cases on the bundled knowledge base (run on demand).

    .venv/bin/python benchmarks/eval_throughput.py --cases 2000
    .venv/bin/python benchmarks/eval_throughput.py --cases 500 --before main

Prints cases per second (a) one case at a time, loading the knowledge base for each case as
a single `lexlux eval` does, and (b) as a batch, with the knowledge base loaded once.  With
``--before REV``, measures the evaluation time per case of the code and rules of git
revision REV and of the working tree in one process (case by case, alternating; the same
generated cases; a cold pass, then the best of ``--rounds`` warm passes) and prints the
ratios.  ``--same-rules`` gives the working tree the rules of REV too, so that the ratio
is the engines' alone (the knowledge base has grown since: more rules per case).

Issue 11's before/after is measured against 9067cfa, the last commit before the events and
three-valued work (the merge base of that branch):

    .venv/bin/python benchmarks/eval_throughput.py --cases 300 --before 9067cfa
    .venv/bin/python benchmarks/eval_throughput.py --cases 300 --before 9067cfa --same-rules
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.whatif.generate import generate_cases

REPO = Path(__file__).resolve().parent.parent
def before_after(revision: str, cases: int, rounds: int, same_rules: bool = False) -> None:
    """Seconds per case of ``revision`` and of the working tree, in one process: the code
    of ``revision`` is imported as the package ``lexlux_before`` (the engine's imports are
    relative), and each case is evaluated by both, alternately, so that the load of a shared
    machine weighs on both alike."""
    import importlib
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision,
                                  "engine", "rules", "schemas"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        shim = Path(tmp) / "path"
        shim.mkdir()
        (shim / "lexlux_before").symlink_to(tree / "engine")
        sys.path.insert(0, str(shim))
        try:
            old_pipeline = importlib.import_module("lexlux_before.pipeline")
            old_interpreter = importlib.import_module("lexlux_before.evaluate.interpreter")
            old_generate = importlib.import_module("lexlux_before.whatif.generate")
            old_kb = old_pipeline.load_knowledge_base().kb
            old_cases = list(old_generate.generate_cases(cases, old_kb.vocabularies["lu"],
                                                         seed=1))
        finally:
            sys.path.remove(str(shim))
        kb = load_knowledge_base([tree / "rules"] if same_rules else None).kb
        new_cases = list(generate_cases(cases, kb.vocabularies["lu"], seed=1))
        assert [repr(c.facts) for c in new_cases] == [repr(c.facts) for c in old_cases], \
            "the generated cases differ between the revisions"
        totals = {"before": [0.0] * (rounds + 1), "after": [0.0] * (rounds + 1)}
        cpu = {"before": [0.0] * (rounds + 1), "after": [0.0] * (rounds + 1)}
        for pass_ in range(rounds + 1):                  # pass 0: cold caches
            for index, (old, new) in enumerate(zip(old_cases, new_cases, strict=True)):
                order = [("before", old_interpreter.evaluate, old_kb, old),
                         ("after", evaluate, kb, new)]
                for label, run, base, case in order if index % 2 else order[::-1]:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    run(base, case, case.as_of)
                    totals[label][pass_] += time.perf_counter() - started
                    cpu[label][pass_] += time.process_time() - cpu_started
    import os
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, passes in (("first pass (cold caches)", slice(0, 1)),
                          (f"best of {rounds} warm passes", slice(1, None))):
        b = min(totals["before"][passes]) / cases
        a = min(totals["after"][passes]) / cases
        cb = min(cpu["before"][passes]) / cases
        ca = min(cpu["after"][passes]) / cases
        print(f"{label}: {revision} {b * 1000:.2f} ms per case (CPU {cb * 1000:.2f}), "
              f"working tree {a * 1000:.2f} ms per case (CPU {ca * 1000:.2f}), ratio {a / b:.2f} "
              f"(CPU {ca / cb:.2f}) ({cases} generated cases, seed 1; "
              f"rules of {revision if same_rules else 'each revision'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--single", type=int, default=20,
                        help="cases for the one-at-a-time measure")
    parser.add_argument("--before", metavar="REV",
                        help="compare the time per case with git revision REV, in one run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--same-rules", action="store_true",
                        help="with --before: the working tree evaluates REV's rules too")
    parser.add_argument("--no-gc", action="store_true", help="with the cycle collector off")
    args = parser.parse_args()
    if args.no_gc:
        import gc
        gc.disable()
    if args.before:
        before_after(args.before, args.cases, args.rounds, args.same_rules)
        return
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
