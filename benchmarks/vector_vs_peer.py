"""Benchmark: the vector backend and the OpenFisca peer on the same persons, in one run.

    .venv/bin/python benchmarks/vector_vs_peer.py --peer /work/shared/peer
    .venv/bin/python benchmarks/vector_vs_peer.py --sizes 10000,1000000 \
        --peer-python .venv-peer/bin/python

The task is the peer's rule 1 (README of the peer): for each person and year Y, with the
employment starting on (Y-1)-01-01 (nothing before counts), the payer of each month
(Y-1)-01 .. Y-12 and the 12-month running total, under both readings: ``statute`` (every
day counts; the peer's ``all_days``) and ``ccss_worked_example`` (the days at the employer's
charge; the peer's ``employer_days``).  lexlux computes them from its own compiled rules: the
``monthly_payer`` and ``twelve_month_count`` conclusions of the rule version in force,
evaluated by the vector backend over the 24-month grid.

1. Parity first: every case-year of the peer's parity set (2,000 persons x 2017-2024 =
   16,000 case-years, 96 values each) against the peer's plain-Python reference
   (``payer77.py``), and against lexlux's own interpreter on a sample.
2. Then timings, each size in a fresh process (peak RSS is that process's): the persons'
   spells as CSR arrays are input (outside the clock, as the peer's daily arrays are); the
   clock covers clipping to the employment start, the per-person prefix sums and both
   readings over the 24 months.  With ``--peer-python``, the peer's own ``bench.py --batch N``
   runs right after each size on the same persons (its figures cover rule 1 and rule 2).

Rule 2 (the 52/78-week limit) is not yet compiled by the vector backend: not timed here.
Nothing is written into the peer's folder (no bytecode).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True      # never write into the peer's (read-only) folder

REPO = Path(__file__).resolve().parent.parent
READINGS = {"statute": "all_days", "ccss_worked_example": "employer_days"}


def peer_modules(peer: Path) -> tuple[Any, Any]:
    sys.path.insert(0, str(peer))
    import gen_cases
    import payer77
    return gen_cases, payer77


def compiled(kb: Any, output: str, reading: str, on: date) -> tuple[Any, Any]:
    """The rule version concluding ``output`` under ``reading`` on ``on``, and its conclusion."""
    from lexlux.vector.compiler import candidate_rules
    (rule,) = candidate_rules(kb, "lu", output, reading)
    version = rule.version_on(on)
    (conclusion,) = [c for c in version.conclusions if c.output == output]
    return version, conclusion


def task(kb: Any, cases: dict[str, Any], year: int, lo: int = 0, hi: int | None = None
         ) -> dict[str, Any]:
    """Both readings' payer (0 employer, 1 cns) and running totals, (persons, 24) arrays."""
    import numpy as np
    from lexlux.vector.columns import Periods, day, month_of_day
    from lexlux.vector.compiler import Block, Compiler
    offsets = cases["offsets"]
    hi = len(offsets) - 1 if hi is None else hi
    first, last = int(offsets[lo]), int(offsets[hi])
    origin = day(date(2015, 1, 1))
    start = cases["start"][first:last].astype(np.int64) + origin
    end = start + cases["length"][first:last].astype(np.int64) - 1
    employed = day(date(year - 1, 1, 1))
    keep = end >= employed                       # nothing before the employment start counts
    owner = np.repeat(np.arange(hi - lo), np.diff(offsets[lo:hi + 1]))[keep]
    new_offsets = np.zeros(hi - lo + 1, np.int64)
    np.cumsum(np.bincount(owner, minlength=hi - lo), out=new_offsets[1:])
    periods = Periods.from_arrays(new_offsets, np.maximum(start[keep], employed), end[keep],
                                  np.ones(hi - lo, np.bool_))
    grid = month_of_day(np.array([employed]))[0] + np.arange(24, dtype=np.int64)
    block = Block(hi - lo, periods={"incapacity": periods}, months=grid.reshape(1, -1))
    out: dict[str, Any] = {}
    for reading, peer_name in READINGS.items():
        for output, key in (("monthly_payer", "payer"), ("twelve_month_count", "running_total")):
            version, conclusion = compiled(kb, output, reading, date(year, 12, 31))
            value = Compiler(kb, version, date(year, 12, 31), block).value(conclusion.value.expr)
            data = np.broadcast_to(value.data, (hi - lo, 24))
            out[f"{key}_{peer_name}"] = (data == block.strings.index("cns")).astype(np.int8) \
                if key == "payer" else data
    return out


def reference(payer77: Any, gen_cases: Any, cases: dict[str, Any], i: int, year: int
              ) -> dict[str, list[int]]:
    months = payer77.months_between((year - 1, 1), 24)
    days = dict.fromkeys(months, 0)
    for d in gen_cases.sick_days(cases, i):
        if (d.year, d.month) in days:
            days[(d.year, d.month)] += 1
    counts = [days[m] for m in months]
    out: dict[str, list[int]] = {}
    for peer_name in READINGS.values():
        payer, totals = payer77.payer_by_month(counts, peer_name)
        out[f"payer_{peer_name}"] = [0 if p == "Empl." else 1 for p in payer]
        out[f"running_total_{peer_name}"] = totals
    return out


def parity(peer: Path, n: int, seed: int) -> None:
    from lexlux.pipeline import load_knowledge_base
    gen_cases, payer77 = peer_modules(peer)
    kb = load_knowledge_base().kb
    cases = gen_cases.generate(n, seed)
    same = total = values = 0
    straddling_bad = other_bad = 0
    for year in range(2017, 2025):
        got = task(kb, cases, year)
        for i in range(n):
            want = reference(payer77, gen_cases, cases, i, year)
            ok = all(list(map(int, got[k][i])) == want[k] for k in want)
            total += 1
            values += sum(len(v) for v in want.values())
            same += ok
            if not ok:
                if gen_cases_straddles(cases, i):
                    straddling_bad += 1
                else:
                    other_bad += 1
    print(f"parity (rule 1, both readings): {same} of {total} case-years identical "
          f"({values} values; mismatches: {straddling_bad} straddling 2019-01-01, "
          f"{other_bad} others)")


def gen_cases_straddles(cases: dict[str, Any], i: int) -> bool:
    o, s, n = cases["offsets"], cases["start"], cases["length"]
    new_year = (date(2019, 1, 1) - date(2015, 1, 1)).days
    return any(int(a) <= new_year - 1 and int(a) + int(b) - 1 >= new_year
               for a, b in zip(s[o[i]:o[i + 1]], n[o[i]:o[i + 1]], strict=True))


def timed(peer: Path, n: int, seed: int, chunk: int) -> None:
    import numpy as np  # noqa: F401
    from lexlux.pipeline import load_knowledge_base
    gen_cases, _ = peer_modules(peer)
    kb = load_knowledge_base().kb
    cases = gen_cases.generate(n, seed)
    task(kb, cases, 2019, 0, min(n, 100))         # warm (imports, caches)
    started = time.perf_counter()
    for lo in range(0, n, chunk):
        task(kb, cases, 2019, lo, min(n, lo + chunk))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"engine": "lexlux vector", "n": n, "seconds": round(seconds, 3),
                      "us_per_person": round(seconds / n * 1e6, 2), "peak_rss_mb": round(peak)}))


def single(peer: Path, n: int, seed: int) -> None:
    """One case at a time with the interpreter (knowledge base loaded, warm): the payer of
    each month under both readings, the 12-month counts and the benefit-limit outputs of
    the person's latest spell, year 2019 (comparable work to the peer's single case)."""
    import statistics

    from lexlux.compile.model import Period
    from lexlux.evaluate.case import Case
    from lexlux.evaluate.interpreter import evaluate
    from lexlux.pipeline import load_knowledge_base
    gen_cases, _ = peer_modules(peer)
    kb = load_knowledge_base().kb
    cases = gen_cases.generate(n, seed)
    outputs = ["monthly_payer", "twelve_month_count", "sickness_benefit_limit_reached_on",
               "sickness_benefit_exhausted_from"]
    employed, year_end = date(2018, 1, 1), date(2019, 12, 31)
    times: list[float] = []
    for i in range(n):
        # the peer's inputs for year 2019: the days up to 2019-12-31, months from 2018-01
        spells = [Period(a, min(b, year_end)) for a, b in gen_cases.spells(cases, i)
                  if a <= year_end]
        clipped = tuple(Period(max(p.start, employed), p.end) for p in spells
                        if p.end >= employed)
        if not clipped:
            continue
        case = Case(f"peer case {i}", "lu", year_end,
                    {"incapacity": clipped, "insured_incapacity": tuple(spells),
                     "incapacity_start": spells[-1].start})
        started = time.perf_counter()
        for reading in READINGS:
            evaluate(kb, case, year_end, outputs=outputs, reading=reading)
        times.append(time.perf_counter() - started)
    times.sort()
    print(f"single case, interpreter, warm: median {statistics.median(times) * 1e3:.2f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1] * 1e3:.2f} ms ({len(times)} cases)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=Path("/work/shared/peer"))
    parser.add_argument("--peer-python", type=Path, help="the peer's virtual environment's python")
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parity-n", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--single", type=int, default=500,
                        help="cases for the single-case timing (0: none)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        timed(args.peer, args.one, args.seed, args.chunk)
        return
    parity(args.peer, args.parity_n, args.seed)
    if args.single:
        single(args.peer, args.single, args.seed)
    for size in (int(s) for s in args.sizes.split(",")):
        subprocess.run(["sh", "-c", " ".join([sys.executable, __file__, "--one", str(size),
                                              "--peer", str(args.peer), "--seed",
                                              str(args.seed), "--chunk", str(args.chunk)])],
                       check=True)
        if args.peer_python:
            done = subprocess.run(["sh", "-c", f"PYTHONDONTWRITEBYTECODE=1 {args.peer_python} "
                                   f"{args.peer / 'bench.py'} --batch {size} --seed {args.seed}"],
                                  capture_output=True, text=True, check=False)
            print("peer (OpenFisca):", done.stdout.strip() or done.stderr.strip()[-300:])


if __name__ == "__main__":
    main()
