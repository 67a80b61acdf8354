"""Benchmark: one case at a time, warm (knowledge base loaded, caches filled), issue 15's
"single case" goal (median <= 0.3 ms, p99 <= 3 ms), run on demand.

    .venv/bin/python benchmarks/single_case.py
    .venv/bin/python benchmarks/single_case.py --before 9067cfa      # both engines, one run
    .venv/bin/python benchmarks/single_case.py --frozen-heap  # the heap as `lexlux serve` keeps it

With ``--before`` two engines and two knowledge bases are loaded in one process, so each
collection of the garbage collector walks both: the figures of the working tree alone are
lower (measured 2026-12-06: 0.285-0.288 ms median alone against 0.318 ms beside 0ec30b6).

"A single case" is measured two ways, each timed per case:

1. payer + limit: one person of the peer's seeded generator (``--peer``, the OpenFisca
   peer's ``gen_cases.py``; without it, a seeded generator of the same shape here): the
   payer of each month 2018-01 .. 2019-12 under both 77-day readings (``statute``,
   ``ccss_worked_example``), the 12-month counts and the 52/78-week limit dates of the
   person's latest spell, as of 2019-12-31 — the task the issue compares with the peer
   (the same work as ``vector_vs_peer.py``'s single-case figure): two evaluations.
2. README: the one output ``dismissal_sanction`` of ``examples/dismissal-during-sickness
   .case.yaml`` (the case read once; the evaluation timed).

Each figure is given as wall-clock time and as CPU time of the process (on a shared
machine the wall clock also counts the time the process waits for a core).  With
``--before REV`` the code and rules of git revision REV are imported as ``lexlux_before``
and each case is evaluated by both engines alternately, so that the machine's load weighs
on both alike; the ratios are printed.  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True      # never write into the peer's (read-only) folder

REPO = Path(__file__).resolve().parent.parent
README_CASE = REPO / "examples" / "dismissal-during-sickness.case.yaml"
OUTPUTS = ["monthly_payer", "twelve_month_count", "sickness_benefit_limit_reached_on",
           "sickness_benefit_exhausted_from"]
READINGS = ("statute", "ccss_worked_example")
EMPLOYED, YEAR_END = date(2018, 1, 1), date(2019, 12, 31)


def spells(n: int, seed: int, peer: Path | None) -> Iterator[list[tuple[date, date]]]:
    """The persons' incapacity spells (inclusive days), from the peer's generator if given."""
    if peer is not None and (peer / "gen_cases.py").exists():
        sys.path.insert(0, str(peer))
        gen_cases = importlib.import_module("gen_cases")
        cases = gen_cases.generate(n, seed)
        for i in range(n):
            yield list(gen_cases.spells(cases, i))
        return
    rng = random.Random(seed)          # the same shape: short spells mostly, a few long ones
    for _ in range(n):
        day, out = date(2015, 1, 1) + timedelta(days=rng.randrange(200)), []
        while day <= YEAR_END:
            length = rng.choice([rng.randint(1, 3)] * 14 + [rng.randint(4, 14)] * 4
                                + [rng.randint(15, 90), rng.randint(91, 500)])
            out.append((day, day + timedelta(days=length - 1)))
            day += timedelta(days=length + rng.randint(1, 400))
        yield out


class Engine:
    """One revision's evaluator: ``lexlux`` (the working tree) or ``lexlux_before``."""

    def __init__(self, package: str, rules: Path | None = None) -> None:
        self.package = package
        self.model = importlib.import_module(f"{package}.compile.model")
        self.case_module = importlib.import_module(f"{package}.evaluate.case")
        self.interpreter = importlib.import_module(f"{package}.evaluate.interpreter")
        pipeline = importlib.import_module(f"{package}.pipeline")
        loaded = pipeline.load_knowledge_base([rules] if rules else None)
        self.kb = loaded.kb

    def person(self, history: list[tuple[date, date]]) -> Any:
        """The peer's inputs for year 2019: the days up to 2019-12-31, months from 2018-01."""
        period = self.model.Period
        spells_ = [period(a, min(b, YEAR_END)) for a, b in history if a <= YEAR_END]
        clipped = tuple(period(max(p.start, EMPLOYED), p.end) for p in spells_
                        if p.end >= EMPLOYED)
        if not clipped:
            return None
        return self.case_module.Case("person", "lu", YEAR_END, {
            "incapacity": clipped, "insured_incapacity": tuple(spells_),
            "incapacity_start": spells_[-1].start})

    def payer_and_limit(self, case: Any) -> Callable[[], Any]:
        evaluate = self.interpreter.evaluate
        kb = self.kb

        def run() -> None:
            for reading in READINGS:
                evaluate(kb, case, YEAR_END, outputs=OUTPUTS, reading=reading)
        return run

    def readme(self) -> Callable[[], Any]:
        case, problems = self.case_module.load_case(README_CASE, self.kb)
        assert case is not None, problems
        evaluate, kb, as_of = self.interpreter.evaluate, self.kb, case.as_of
        return lambda: evaluate(kb, case, as_of, outputs=["dismissal_sanction"])


def timed(run: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def summary(label: str, times: list[tuple[float, float]]) -> dict[str, float]:
    walls = sorted(w for w, _ in times)
    cpus = sorted(c for _, c in times)

    def p99(values: list[float]) -> float:
        return values[max(0, int(len(values) * 0.99) - 1)]
    out = {"wall_median": statistics.median(walls), "wall_p99": p99(walls),
           "cpu_median": statistics.median(cpus), "cpu_p99": p99(cpus)}
    print(f"  {label:<28} median {out['wall_median'] * 1e3:6.3f} ms wall "
          f"(p99 {out['wall_p99'] * 1e3:6.3f}), CPU median {out['cpu_median'] * 1e3:6.3f} ms "
          f"(p99 {out['cpu_p99'] * 1e3:6.3f}); {len(times)} cases")
    return out


def measure(engines: list[Engine], persons: int, seed: int, peer: Path | None,
            repeats: int, frozen: bool = False
            ) -> dict[str, dict[str, list[tuple[float, float]]]]:
    times: dict[str, dict[str, list[tuple[float, float]]]] = {
        e.package: {"payer + limit": [], "README, one output": []} for e in engines}
    histories = list(spells(persons, seed, peer))
    for warm in (True, False):                         # a first untimed pass fills caches
        for index, history in enumerate(histories):
            order = engines if index % 2 else engines[::-1]
            for engine in order:
                case = engine.person(history)
                if case is None:
                    continue
                took = timed(engine.payer_and_limit(case))
                if not warm:
                    times[engine.package]["payer + limit"].append(took)
        for index in range(repeats):
            order = engines if index % 2 else engines[::-1]
            for engine in order:
                took = timed(engine.readme())
                if not warm:
                    times[engine.package]["README, one output"].append(took)
        if warm and frozen:        # as `lexlux serve` keeps the loaded knowledge base
            gc.collect()
            gc.freeze()
    return times


def before_tree(revision: str, tmp: Path) -> Path:
    tree = tmp / "tree"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision,
                              "engine", "rules", "schemas"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    shim = tmp / "path"
    shim.mkdir()
    (shim / "lexlux_before").symlink_to(tree / "engine")
    sys.path.insert(0, str(shim))
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=500,
                        help="evaluations of the README example")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peer", type=Path, default=Path("/work/shared/peer"))
    parser.add_argument("--before", metavar="REV",
                        help="the engine and rules of git revision REV too, in the same run")
    parser.add_argument("--frozen-heap", action="store_true",
                        help="after the untimed pass, move what is loaded out of the garbage "
                        "collector's reach (gc.freeze), as `lexlux serve` does")
    parser.add_argument("--same-rules", action="store_true",
                        help="with --before: the working tree evaluates REV's rules too")
    args = parser.parse_args()
    peer = args.peer if args.peer.exists() else None
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; persons from "
          f"{peer / 'gen_cases.py' if peer else 'the seeded generator here'} (seed {args.seed})")
    with tempfile.TemporaryDirectory() as tmp:
        engines = [Engine("lexlux")]
        if args.before:
            tree = before_tree(args.before, Path(tmp))
            engines.insert(0, Engine("lexlux_before"))
            if args.same_rules:
                engines[1] = Engine("lexlux", tree / "rules")
        times = measure(engines, args.persons, args.seed, peer, args.repeats,
                        args.frozen_heap)
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for engine in engines:
        name = f"{args.before} (before)" if engine.package == "lexlux_before" else \
            "working tree" + (f" (rules of {args.before})" if args.same_rules else "")
        print(name)
        figures[engine.package] = {task: summary(task, runs)
                                   for task, runs in times[engine.package].items()}
    if args.before:
        for task in ("payer + limit", "README, one output"):
            b, a = figures["lexlux_before"][task], figures["lexlux"][task]
            print(f"ratio working tree / {args.before}, {task}: median wall "
                  f"{a['wall_median'] / b['wall_median']:.2f}, median CPU "
                  f"{a['cpu_median'] / b['cpu_median']:.2f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
