"""Benchmark: the vector backend and the OpenFisca peer on the same persons, in one run.

    .venv/bin/python benchmarks/vector_vs_peer.py --peer /work/shared/peer \
        --peer-python .venv-peer/bin/python
    .venv/bin/python benchmarks/vector_vs_peer.py --sizes 10000,1000000 --parity-n 0

The task is the peer's (README of the peer), per person and year Y:

* rule 1: with the employment starting on (Y-1)-01-01 (nothing before counts), the payer of
  each month (Y-1)-01 .. Y-12 and the 12-month running total, under both readings:
  ``statute`` (every day counts; the peer's ``all_days``) and ``ccss_worked_example`` (the
  days at the employer's charge; the peer's ``employer_days``).  lexlux computes them from
  its own compiled rules: the ``monthly_payer`` and ``twelve_month_count`` conclusions of the
  77-day rule version in force, evaluated by the vector backend over the 24-month grid (the
  peer's persons have no insured history, so the L.125-4 exception does not apply to them);
* rule 2: the first incapacity day of Y on which the sickness benefit is not due and the
  number of days of Y on which it is due, from ``sickness_benefit_limit_exceeded_on_day``
  under the named reading ``statuts_daily_window_limit_of_the_day`` (the limit in force on
  each day, the peer's reading; lexlux's default fixes it at the period's start, OQ-CSS7):
  benchmarks/peer_rule2.py.

1. Parity first: every case-year of the peer's parity set (2,000 persons x 2017-2024 =
   16,000 case-years, 98 values each) against the peer's plain-Python references
   (``payer77.py``, ``oracle_limit.py``), per reading and per rule, with the persons whose
   spell straddles 2019-01-01 counted apart; and against lexlux's own interpreter on the same
   case-years: rule 1 on every month of the interpreter's timelines, rule 2 on the decisive
   days of every period (the day before the first day over, that day, the period's last day
   in Y, under the interpreter) and rule 2 over every incapacity day with the vector backend.
2. Then timings, each size in a fresh process (peak RSS is that process's): the persons'
   spells as CSR arrays are input (outside the clock, as the peer's daily arrays are); the
   clock covers rule 1 (clipping to the employment start, the per-person month table, both
   readings over the 24 months) and rule 2 (the search of the first day over).  With
   ``--peer-python``, the peer's own ``bench.py --batch N`` runs right after each size on
   the same persons.

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
sys.path.insert(0, str(Path(__file__).resolve().parent))     # peer_rule2

REPO = Path(__file__).resolve().parent.parent
READINGS = {"statute": "all_days", "ccss_worked_example": "employer_days"}


def peer_modules(peer: Path) -> tuple[Any, Any]:
    if str(peer) not in sys.path:
        sys.path.insert(0, str(peer))
    import gen_cases
    import payer77
    return gen_cases, payer77


def compiled(kb: Any, output: str, reading: str, on: date) -> tuple[Any, Any]:
    """The 77-day rule version concluding ``output`` under ``reading`` on ``on`` (not the
    L.125-4 exception to it, which needs an insured history the peer's persons lack), and
    its conclusion."""
    from lexlux.vector.compiler import candidate_rules
    rules = candidate_rules(kb, "lu", output, reading)
    (rule,) = [r for r in rules if not any(e.outputs == () or output in e.outputs
                                           for v in r.versions for e in v.exceptions)]
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
    employed = day(date(year - 1, 1, 1))
    start = cases["start"][first:last].astype(np.int64)
    start += origin
    end = start + cases["length"][first:last]
    end -= 1
    keep = np.flatnonzero(end >= employed)      # nothing before the employment start counts
    # the persons' new offsets: the spells kept before each person's first
    new_offsets = np.searchsorted(keep, offsets[lo:hi + 1] - first)
    start = start[keep]
    np.maximum(start, employed, out=start)
    periods = Periods.from_arrays(new_offsets, start, end[keep], np.ones(hi - lo, np.bool_))
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


def parity(peer: Path, n: int, seed: int, interpreter: bool) -> None:
    import numpy as np
    import peer_rule2
    from lexlux.pipeline import load_knowledge_base
    from lexlux.vector.columns import to_date
    gen_cases, payer77 = peer_modules(peer)
    import oracle_limit
    kb = load_knowledge_base().kb
    cases = gen_cases.generate(n, seed)
    straddles = [gen_cases_straddles(cases, i) for i in range(n)]
    none = np.iinfo(np.int64).max
    # per check: [identical case-years, straddling ones that differ, others that differ]
    tally: dict[str, list[int]] = {}

    def count(check: str, i: int, ok: bool) -> None:
        row = tally.setdefault(check, [0, 0, 0])
        row[0 if ok else 1 if straddles[i] else 2] += 1

    started = time.perf_counter()
    for year in range(2017, 2025):
        got = task(kb, cases, year)
        first, due = peer_rule2.by_search(kb, cases, year)
        first_l, due_l = peer_rule2.literal(kb, cases, year)
        first_d, due_d, unanswered = peer_rule2.default_reading(kb, cases, year)
        for i in range(n):
            want = reference(payer77, gen_cases, cases, i, year)
            for peer_name in READINGS.values():
                keys = [f"payer_{peer_name}", f"running_total_{peer_name}"]
                count(f"rule 1 {peer_name}", i,
                      all(list(map(int, got[k][i])) == want[k] for k in keys))
            limit = oracle_limit.evaluate(gen_cases.sick_days(cases, i), year)
            for check, (f, d) in (("rule 2 (search)", (first, due)),
                                  ("rule 2 (every day)", (first_l, due_l))):
                mine = (None if f[i] == none else to_date(int(f[i])), int(d[i]))
                count(check, i, mine == limit)
            if unanswered[i]:
                count("rule 2 under lexlux's default (statuts_daily_window): no answer "
                      "(a period begun before 2016-01-01, the horizon)", i, False)
            else:
                mine = (None if first_d[i] == none else to_date(int(first_d[i])), int(due_d[i]))
                count("rule 2 under lexlux's default (statuts_daily_window), answered", i,
                      mine == limit)
            mine_all = all(list(map(int, got[k][i])) == want[k] for k in want) and \
                (None if first[i] == none else to_date(int(first[i])), int(due[i])) == limit
            count("all 98 values", i, mine_all)
    print(f"parity with the peer's references, {n} persons x 2017-2024 "
          f"({sum(straddles)} persons straddle 2019-01-01), {time.perf_counter() - started:.0f} s:")
    for check, (same, bad_straddling, bad_other) in tally.items():
        print(f"  {check}: {same} of {same + bad_straddling + bad_other} case-years identical; "
              f"mismatches: {bad_straddling} straddling, {bad_other} others")
    if interpreter:
        against_interpreter(kb, cases, n, straddles, gen_cases)


def against_interpreter(kb: Any, cases: dict[str, Any], n: int, straddles: list[bool],
                        gen_cases: Any) -> None:
    """The vector results against lexlux's interpreter on the same case-years."""
    import numpy as np
    import peer_rule2
    from lexlux.compile.model import Period
    from lexlux.evaluate.case import Case
    from lexlux.evaluate.interpreter import evaluate
    from lexlux.vector.columns import to_date
    started = time.perf_counter()
    months = values = bad = evaluations = 0
    for year in range(2017, 2025):
        got = task(kb, cases, year)
        employed = date(year - 1, 1, 1)
        grid0 = (year - 1) * 12
        for i in range(n):
            spells = [(a, b) for a, b in gen_cases.spells(cases, i) if b >= employed]
            if not spells:
                continue
            clipped = tuple(Period(max(a, employed), b) for a, b in spells)
            case = Case(f"peer case {i}", "lu", date(year, 12, 31),
                        {"incapacity": clipped, "incapacity_start": clipped[0].start})
            for reading, peer_name in READINGS.items():
                outcome = evaluate(kb, case, date(year, 12, 31), reading=reading,
                                   outputs=["monthly_payer", "twelve_month_count"])
                evaluations += 1
                for output, key in (("monthly_payer", "payer"),
                                    ("twelve_month_count", "running_total")):
                    result = outcome.results[output]
                    assert result.status == "value", (i, year, output, result.message)
                    for start, _, value in result.value.entries:
                        k = start.year * 12 + start.month - 1 - grid0
                        if 0 <= k < 24:
                            mine = int(got[f"{key}_{peer_name}"][i][k])
                            theirs = int(value == "cns") if key == "payer" else int(value)
                            months += 1
                            bad += mine != theirs
        # rule 2: the decisive days of each period in Y
        seg = peer_rule2.segments(cases, year)
        compiled = peer_rule2.Compiled(kb, year)
        rows = np.arange(len(seg["a"]), dtype=np.int64)
        first_over = _first_over(compiled, seg, rows)
        asked: list[tuple[int, int, bool]] = []        # row, day, the interpreter's answer
        for r in rows:
            i = int(seg["owner"][r])
            history = tuple(Period(a, b) for a, b in gen_cases.spells(cases, i))
            start = to_date(int(seg["start"][r]))
            days = {int(seg["b"][r])}
            if first_over[r] >= 0:
                days |= {int(first_over[r]), int(first_over[r]) - 1}
            for d in sorted(days):
                if d < int(seg["a"][r]):
                    continue               # a day of the year before: another version
                on = to_date(d)
                case = Case(f"peer case {i}", "lu", on, {"insured_incapacity": history,
                                                         "incapacity_start": start,
                                                         "day_considered": on})
                result = evaluate(kb, case, on, outputs=[peer_rule2.OUTPUT],
                                  reading=peer_rule2.READING).results[peer_rule2.OUTPUT]
                evaluations += 1
                assert result.status == "value", (i, on, result.message)
                asked.append((int(r), d, bool(result.value)))
        if asked:
            mine = compiled.exceeded(np.array([a[0] for a in asked]), seg,
                                     np.array([a[1] for a in asked]))
            values += len(asked)
            bad += sum(bool(m) != a[2] for m, a in zip(mine, asked, strict=True))
    print(f"against the interpreter: {months} months of rule 1 and {values} days of rule 2, "
          f"{bad} differ ({evaluations} interpreter evaluations, "
          f"{time.perf_counter() - started:.0f} s)")


def _first_over(compiled: Any, seg: dict[str, Any], rows: Any) -> Any:
    """The first day over of each row (-1: none), from the per-day output on every day."""
    import numpy as np
    length = seg["b"] - seg["a"] + 1
    owner = np.repeat(rows, length)
    k = np.arange(int(length.sum()), dtype=np.int64) - np.repeat(np.cumsum(length) - length,
                                                                  length)
    days = seg["a"][owner] + k
    over = compiled.exceeded(owner, seg, days)
    first = np.full(len(rows), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, owner[over], days[over])
    return np.where(first == np.iinfo(np.int64).max, -1, first)


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
    import peer_rule2
    task(kb, cases, 2019, 0, min(n, 100))         # warm (imports, caches)
    compiled_limit = peer_rule2.Compiled(kb, 2019)
    peer_rule2.by_search(kb, cases, 2019, 0, min(n, 100), compiled_limit)
    started, cpu = time.perf_counter(), time.process_time()
    for lo in range(0, n, chunk):
        task(kb, cases, 2019, lo, min(n, lo + chunk))
    rule1 = time.perf_counter() - started
    for lo in range(0, n, chunk):
        peer_rule2.by_search(kb, cases, 2019, lo, min(n, lo + chunk), compiled_limit)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"engine": "lexlux vector", "n": n, "seconds": round(seconds, 3),
                      "rule1_seconds": round(rule1, 3), "rule2_seconds": round(seconds - rule1, 3),
                      "us_per_person": round(seconds / n * 1e6, 2),
                      "cpu_us_per_person": round(cpu / n * 1e6, 2), "peak_rss_mb": round(peak),
                      "chunk": chunk}))


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
    parser.add_argument("--chunk", type=int, default=10_000,
                        help="persons per block (10,000: the arrays stay in the caches)")
    parser.add_argument("--single", type=int, default=500,
                        help="cases for the single-case timing (0: none)")
    parser.add_argument("--no-interpreter", action="store_true",
                        help="skip the check against the interpreter (about 2 minutes)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        timed(args.peer, args.one, args.seed, args.chunk)
        return
    if args.parity_n:
        parity(args.peer, args.parity_n, args.seed, not args.no_interpreter)
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
