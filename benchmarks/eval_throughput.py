"""Benchmark: evaluate N generated cases on the bundled knowledge base (run on demand).

    .venv/bin/python benchmarks/eval_throughput.py --cases 2000
    .venv/bin/python benchmarks/eval_throughput.py --cases 500 --before main

Prints cases per second (a) one case at a time, loading the knowledge base for each case as
a single `lexlux eval` does, and (b) as a batch, with the knowledge base loaded once.  With
``--before REV``, measures the evaluation time per case of the code and rules of git
revision REV and of the working tree in one run (alternating, best of ``--rounds``, the
same generated cases) and prints the ratio.
"""

from __future__ import annotations

import argparse
import os
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
PER_CASE = """
import sys, time
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base
from lexlux.whatif.generate import generate_cases
kb = load_knowledge_base().kb
cases = list(generate_cases(int(sys.argv[1]), kb.vocabularies["lu"], seed=1))
started = time.perf_counter()
for case in cases:
    evaluate(kb, case, case.as_of)
print((time.perf_counter() - started) / len(cases))
"""


def _per_case(pythonpath: str | None, cases: int) -> float:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", PER_CASE, str(cases)], env=env, check=True,
                          capture_output=True, text=True, cwd=tempfile.gettempdir())
    return float(done.stdout.split()[-1])


def before_after(revision: str, cases: int, rounds: int) -> None:
    """Seconds per case of ``revision`` and of the working tree, alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision,
                                  "engine", "rules", "schemas"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        shim = Path(tmp) / "path"
        shim.mkdir()
        (shim / "lexlux").symlink_to(tree / "engine")
        before, after = [], []
        for _ in range(rounds):
            before.append(_per_case(str(shim), cases))
            after.append(_per_case(None, cases))
    b, a = min(before), min(after)
    print(f"{revision}: {b * 1000:.2f} ms per case; working tree: {a * 1000:.2f} ms per case "
          f"(best of {rounds}, {cases} generated cases, seed 1)")
    print(f"ratio working tree / {revision}: {a / b:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--single", type=int, default=20,
                        help="cases for the one-at-a-time measure")
    parser.add_argument("--before", metavar="REV",
                        help="compare the time per case with git revision REV, in one run")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.before:
        before_after(args.before, args.cases, args.rounds)
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
