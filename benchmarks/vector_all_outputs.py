"""Benchmark: every output in force on generated persons with the vector backend
(`lexlux batch --backend vector` without a reform: the plain microsimulation run), CPU and
wall time, and where the time goes, output by output.

    .venv/bin/python benchmarks/vector_all_outputs.py --sizes 10000,100000
    .venv/bin/python benchmarks/vector_all_outputs.py --sizes 10000 --per-output 30

Each size runs in its own process.  The total is the outcomes of every person for every
output (``VectorRun.outcomes``: the column-wise outputs and the interpreter's for the
persons and outputs left to it), without writing a table.  ``--per-output K`` also lists the
K dearest outputs of the first block: the column-wise time of each (its own work: what it
reads is computed, and charged, first) and, for an output left to the interpreter, what the
interpreter costs on that block (measured on a sample of persons, scaled).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _cases(size: int) -> tuple[Any, list[Any], list[str]]:
    from lexlux.evaluate.interpreter import outputs_in_force
    from lexlux.pipeline import load_knowledge_base
    from lexlux.whatif.needs import facts_needed
    from lexlux.whatif.population import Generator, load_population
    loaded = load_knowledge_base()
    assert loaded.ok
    kb = loaded.kb
    vocabulary = kb.vocabularies["lu"]
    outputs = outputs_in_force(kb, "lu")
    generator = Generator(load_population(None, vocabulary), vocabulary,
                          facts_needed(kb, "lu", outputs), date(2016, 1, 1),
                          date(2022, 12, 31), seed=3)
    return kb, list(generator.cases(size)), outputs


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def per_output(kb: Any, cases: list[Any], outputs: list[str], top: int) -> None:
    from lexlux.evaluate.interpreter import evaluate
    from lexlux.vector.backend import Resolver
    from lexlux.vector.compiler import Unsupported
    from lexlux.vector.outcomes import BLOCK
    block = cases[:BLOCK]
    resolver = Resolver(kb, block, None, None)
    rows: list[tuple[float, str, str]] = []
    for name in outputs:
        _, cpu = _clock()
        try:
            resolver.column(name)
            how = "vector"
        except Unsupported as exc:
            how = f"interpreter ({exc})"
        rows.append((time.process_time() - cpu, name, how))
    sample = block[:200]
    left = 0.0
    for k, (seconds, name, how) in enumerate(rows):
        if how == "vector":
            continue
        _, cpu = _clock()
        for case in sample:
            evaluate(kb, case, case.as_of or date.today(), outputs=[name])
        scaled = (time.process_time() - cpu) * len(block) / len(sample)
        left += scaled
        rows[k] = (seconds + scaled, name, how)
    rows.sort(reverse=True)
    print(f"  per output, block of {len(block)} persons (CPU s; an interpreted output "
          f"evaluated alone): interpreted outputs together {left:.1f} s")
    for seconds, name, how in rows[:top]:
        print(f"  {seconds:8.3f}  {name:55} {how[:70]}")


def one(size: int, top: int) -> None:
    from lexlux.vector.outcomes import VectorRun
    kb, cases, outputs = _cases(size)
    if top:
        per_output(kb, cases, outputs, top)
    run = VectorRun(kb, None)
    wall, cpu = _clock()
    answered = 0
    for outcome in run.outcomes(cases):
        answered += sum(r.status == "value" for r in outcome.results.values())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size:>8} persons x {len(outputs)} outputs: {wall:7.1f} s wall {cpu:7.1f} s CPU "
          f"({cpu / size * 1e6:7.0f} us CPU/person), peak RSS {peak_mb:5.0f} MB; "
          f"column-wise {len(run.vectorised)}, left to the interpreter {len(run.fallbacks)} "
          f"outputs, persons partly left {run.persons_left} (persons x outputs left "
          f"{run.left_results}); values {answered}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--per-output", type=int, default=0, metavar="K",
                        help="list the K dearest outputs (of the first size's first block)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.per_output)
        return
    for k, size in enumerate(int(s) for s in args.sizes.split(",")):
        subprocess.run([sys.executable, __file__, "--one", str(size), "--per-output",
                        str(args.per_output if k == 0 else 0)], check=True)


if __name__ == "__main__":
    main()
