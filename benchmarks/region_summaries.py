"""Benchmark: the region summaries of ``lexlux diff`` (checks/region_bounds.py), check by
check — what each kind of check (the first, "a case of the region at all"; whether a fact
is given; a bound; an enum value) costs and answers, and how each summary ends.

    .venv/bin/python benchmarks/region_summaries.py [--boundaries 2018-12-31,2019-01-01 ...]
        [--regions] [--fresh] [--pinned] [--tail] [--bisections]

The checks of a summary started from the witness (fresh solvers, ``ColdSolver``) are
counted apart as ``cold …``, and a summary that asked any is marked ``(from the witness)``.
``--regions``: a line per summary.  ``--fresh``: each check that ends unknown is asked
again, with the same limit and ten times it, of a fresh (non-incremental) Z3 solver in a
context of its own.  ``--pinned``: for each summary, after its witness is made, whether a
case of the region is found with the witness's facts fixed — as assumptions of the
summary's incremental solver (copied into a context of its own) and asserted in a fresh
solver.  ``--tail``: for each kind of check, the units of the largest that was decided
against the limits it had, and what the undecided ones spent (where a limit's tail never
decides anything, a smaller limit gives the same summaries for less: stop 18).
``--bisections``: each bound that took more than one check (the term, its floor, the bound
found and how far above the floor, the checks: stop 21).  The
experiments run outside the summary's solver, so its answers are those of
``lexlux diff``; they build a few terms in the main context (the witness's values), which
can change the text of later queries (see docs/verification.md, stop 15).  Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

BOUNDARIES = ("2018-12-31,2019-01-01", "2016-01-01,2020-01-01")


def _copy(assertions: Any, extra: list[Any]) -> tuple[Any, list[Any], list[Any]]:
    """A new context with ``assertions`` and ``extra`` translated into it."""
    import z3
    ctx = z3.Context()
    return ctx, [a.translate(ctx) for a in assertions], [e.translate(ctx) for e in extra]


def _fresh(assertions: Any, extra: list[Any], limit: int) -> tuple[str, float]:
    """The answer and CPU seconds of a fresh solver with ``extra`` asserted."""
    import z3
    ctx, kept, more = _copy(assertions, extra)
    cpu = time.process_time()
    solver = z3.Solver(ctx=ctx)
    solver.set("rlimit", limit)
    solver.add(*kept, *more)
    return str(solver.check()), time.process_time() - cpu


def _assumed(assertions: Any, extra: list[Any], limit: int) -> tuple[str, float]:
    """The same with ``extra`` as assumptions of an incremental solver (as the summary's)."""
    import z3
    ctx, kept, more = _copy(assertions, extra)
    cpu = time.process_time()
    solver = z3.Solver(ctx=ctx)
    solver.add(*kept)
    solver.push()
    solver.set("rlimit", limit)
    return str(solver.check(*more)), time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", nargs="*", default=list(BOUNDARIES))
    parser.add_argument("--regions", action="store_true", help="a line per summary")
    parser.add_argument("--fresh", action="store_true",
                        help="ask each undecided check again of a fresh solver")
    parser.add_argument("--pinned", action="store_true",
                        help="try each region's first case with its witness fixed")
    parser.add_argument("--tail", action="store_true",
                        help="the largest decided check of each kind against its limit")
    parser.add_argument("--bisections", action="store_true",
                        help="each bound that took more than one check")
    args = parser.parse_args()
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks import region_bounds as rb
    from lexlux.verify.checks import versions
    from lexlux.verify.checks.run import run_diff

    print(f"load average: {os.getloadavg()}")
    kb = load_knowledge_base(None).kb
    assert kb is not None
    phase = ["first"]
    kinds: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0])
    summaries: list[tuple[str, float, int, int, str]] = []
    fresh: list[str] = []
    pinned: list[str] = []
    aside = [0.0]           # CPU of the experiments (not counted in the summaries')
    check, run, given, least = (rb.RegionSolver.check, rb._Bounds.run, rb._Bounds.given,
                                rb._Bounds.least)
    cold_check, start = rb.ColdSolver.check, rb._Bounds.start
    kinds_cold: list[int] = []      # one per check of a summary started from the witness
    # (kind, decided): [checks, largest units, limits seen]
    tails: dict[tuple[str, bool], list[Any]] = defaultdict(lambda: [0, 0, set()])

    def tail(kind: str, answer: Any, limit: int) -> None:
        row = tails[(kind, answer[0] != "unknown")]
        row[0] += 1
        row[1] = max(row[1], answer[2])
        row[2].add(limit)
    cold_seen = [0]
    asked = [0]                     # checks so far (output's solvers and fresh ones)
    bisections: list[str] = []
    summarise = rb.summarise

    def timed_check(self: Any, extra: Any, limit: int, **more: Any) -> Any:
        cpu = time.process_time()
        answer = check(self, extra, limit, **more)
        asked[0] += 1
        row = kinds[(phase[0], answer[0])]
        row[0] += 1
        row[1] += time.process_time() - cpu
        row[2] += answer[2]
        tail(phase[0], answer, limit)
        if args.fresh and answer[0] == "unknown":
            start = time.process_time()
            mine = [rb._into(e, self.ctx) for e in extra]
            outcomes = [_fresh(self.solver.assertions(), mine, n) for n in (limit, 10 * limit)]
            fresh.append(f"{phase[0]:<6} unknown ({answer[2]:,} units) -> fresh: " + ", ".join(
                f"{n:,}: {a} {c:.3f} s" for n, (a, c) in zip((limit, 10 * limit), outcomes,
                                                              strict=True)))
            aside[0] += time.process_time() - start
        if phase[0] == "first":
            phase[0] = "enum"       # asks of bounds() outside given() and least()
        return answer

    def timed_cold(self: Any, extra: Any, limit: int) -> Any:
        cpu = time.process_time()
        answer = cold_check(self, extra, limit)
        asked[0] += 1
        row = kinds[("cold " + phase[0], answer[0])]
        row[0] += 1
        row[1] += time.process_time() - cpu
        row[2] += answer[2]
        tail("cold " + phase[0], answer, limit)
        kinds_cold.append(1)
        if phase[0] == "first":
            phase[0] = "enum"
        return answer

    def timed_start(self: Any, names: list[str], pins: Any) -> Any:
        phase[0] = "first"
        return start(self, names, pins)

    def in_phase(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            saved, phase[0] = phase[0], name
            try:
                return method(*a, **k)
            finally:
                phase[0] = saved
        return wrapper

    least_in_phase = in_phase("least", least)

    def timed_least(self: Any, guard: Any, term: Any, floor: int) -> Any:
        before = asked[0]
        bound = least_in_phase(self, guard, term, floor)
        if asked[0] - before > 1:
            bisections.append(f"{term!s:<48} floor {floor:>14,}: {bound:>14,} "
                              f"({bound - floor:,} above), {asked[0] - before} checks"
                              + (" (fresh solvers)" if self.stop else ""))
        return bound

    def timed_run(self: Any, names: list[str], *more: Any) -> Any:
        phase[0] = "first"
        return run(self, names, *more)

    def timed_summarise(region: Any, goals: Any, *more: Any, **named: Any) -> list[str]:
        cpu, count = time.process_time(), sum(int(v[0]) for v in kinds.values())
        before = aside[0]
        lines = summarise(region, goals, *more, **named)
        end = ("not summarised" if any("not summarised —" in line for line in lines) else
               "partial" if any("was not settled" in line for line in lines) else "settled")
        if any("started from the witness" in line for line in lines) or \
                cold_seen[0] != len(kinds_cold):
            end += " (from the witness)"
        cold_seen[0] = len(kinds_cold)
        summaries.append((region.name + (f" [{region.reading}]" if region.reading else ""),
                          time.process_time() - cpu - (aside[0] - before),
                          sum(int(v[0]) for v in kinds.values()) - count, len(lines), end))
        if args.pinned:
            region._bench_goals = goals      # for the witness, made after the summary
        return lines

    def witnessed(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, *a: Any, **k: Any) -> Any:
            before = len(a[2].findings) if len(a) > 2 else None
            out = method(self, *a, **k)
            goals = getattr(self, "_bench_goals", None)
            if args.pinned and goals is not None and self.ranges is not None and \
                    before is not None and len(a[2].findings) > before:
                self._bench_goals = None
                pin_region(self, goals, a[2].findings[-1].facts or {})
            return out
        return wrapper

    def pin_region(region: Any, goals: Any, case: dict[str, Any]) -> None:
        facts = region.one.shared.facts
        pins: list[Any] = []
        for name in sorted(region.one.cone({region.name})):
            for fact in sorted(region.one.output(name).facts):
                try:
                    pins += [v == c for v, c in facts.pin(fact, case.get(fact))]
                except (ValueError, KeyError):
                    continue
        shared = [*region.ranges.solver.assertions(),
                  *[rb._into(g, region.ranges.ctx) for g in goals]]
        extra = [rb._into(p, region.ranges.ctx) for p in pins]
        start = time.process_time()
        a, ca = _assumed(shared, extra, rb.FIRST_RLIMIT)
        f, cf = _fresh(shared, extra, rb.FIRST_RLIMIT)
        aside[0] += time.process_time() - start
        pinned.append(f"{region.name:<48} assumed: {a} {ca:.3f} s  asserted: {f} {cf:.3f} s")

    rb.RegionSolver.check = timed_check  # type: ignore[method-assign]
    rb.ColdSolver.check = timed_cold  # type: ignore[method-assign]
    rb._Bounds.start = timed_start  # type: ignore[method-assign]
    rb._Bounds.run = timed_run  # type: ignore[method-assign]
    rb._Bounds.given = in_phase("given", given)  # type: ignore[method-assign]
    rb._Bounds.least = timed_least  # type: ignore[method-assign]
    other_given = getattr(rb._Bounds, "other_given", None)    # stop 20 (not on older code)
    if other_given is not None:
        rb._Bounds.other_given = in_phase("given", other_given)  # type: ignore[attr-defined]
    rb.summarise = timed_summarise
    replayed, witness = versions._Region.replayed, versions._Region.witnessed
    versions._Region.replayed = witnessed(replayed)  # type: ignore[method-assign]
    versions._Region.witnessed = witnessed(witness)  # type: ignore[method-assign]
    try:
        for boundary in args.boundaries:
            first, second = (date.fromisoformat(d) for d in boundary.split(","))
            kinds.clear()
            tails.clear()
            summaries.clear()
            fresh.clear()
            pinned.clear()
            bisections.clear()
            aside[0] = 0.0
            cpu = time.process_time()
            run_diff(kb, first, second)
            cpu = time.process_time() - cpu - aside[0]
            ends: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
            for _, c, _, _, end in summaries:
                ends[end][0] += 1
                ends[end][1] += c
            print(f"diff {first} → {second}: CPU {cpu:.2f} s (experiments {aside[0]:.2f} s "
                  f"apart); {len(summaries)} summaries, "
                  f"CPU {sum(s[1] for s in summaries):.2f} s, of it checks "
                  f"{sum(v[1] for v in kinds.values()):.2f} s "
                  f"({sum(int(v[0]) for v in kinds.values())} checks)")
            print("    by end: " + ", ".join(f"{k} {int(n)} ({c:.2f} s)"
                                             for k, (n, c) in sorted(ends.items())))
            for (kind, answer), (n, c, units) in sorted(kinds.items(),
                                                         key=lambda kv: -kv[1][1]):
                print(f"    {kind:<11} {answer:<8} {int(n):4d} checks  CPU {c:6.3f} s  "
                      f"{int(units):>10,} units")
            if args.regions:
                for name, c, n, _, end in sorted(summaries, key=lambda s: -s[1]):
                    print(f"    {name:<70} CPU {c:6.3f} s  {n:3d} checks  {end}")
            if args.tail:
                for (kind, decided), (n, most, limits) in sorted(tails.items()):
                    print(f"    tail {kind:<11} {'decided' if decided else 'undecided':<9} "
                          f"{n:4d} checks, largest {most:>9,} units, limits "
                          + ", ".join(f"{x:,}" for x in sorted(limits)))
            if args.bisections:
                for line in bisections:
                    print("    bisection " + line)
            for line in fresh:
                print("    " + line)
            for line in pinned:
                print("    pinned " + line)
    finally:
        rb.RegionSolver.check = check  # type: ignore[method-assign]
        rb.ColdSolver.check = cold_check  # type: ignore[method-assign]
        rb._Bounds.start = start  # type: ignore[method-assign]
        rb._Bounds.run, rb._Bounds.given, rb._Bounds.least = run, given, least  # type: ignore[method-assign]
        if other_given is not None:
            rb._Bounds.other_given = other_given  # type: ignore[attr-defined]
        rb.summarise = summarise
        versions._Region.replayed = replayed  # type: ignore[method-assign]
        versions._Region.witnessed = witness  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
