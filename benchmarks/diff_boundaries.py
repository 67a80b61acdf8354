"""Benchmark: ``lexlux diff`` of the bundled rules, boundary by boundary — wall-clock and CPU
time of each boundary, and with ``--outputs`` of each output and each solver query (the
machine is shared: CPU time is the steadier figure).

    .venv/bin/python benchmarks/diff_boundaries.py [--boundaries 2016-01-01,2020-01-01 ...]
        [--every-boundary] [--outputs] [--queries] [--max-regions 3]

``--every-boundary``: instead of the two spans above, each date on which a rule version or
a parameter value of the bundled rules starts or ends, as ``D−1,D`` (the goal of issue 14
is per boundary; docs/verification.md, stop 18).

Each solver query is timed by wrapping :func:`lexlux.verify.encoding.solve.solve` where the
checks call it (the engine is not changed).  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BOUNDARIES = ("2016-01-01,2020-01-01", "2018-12-31,2019-01-01")


def _cpu() -> float:
    return time.process_time()


@contextmanager
def timed_solver(log: list[tuple[str, float, float, Any]], label: Callable[[], str]
                 ) -> Iterator[None]:
    """Record (label, wall, CPU, result) of every ``solve`` the checks make."""
    from lexlux.verify.checks import context

    original = context.solve

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), _cpu()
        result = original(*args, **kwargs)
        log.append((label(), time.perf_counter() - wall, _cpu() - cpu, result))
        return result

    from lexlux.verify.checks import regions

    try:        # the diff's summaries since stop 13; before, regions.fact_ranges
        from lexlux.verify.checks import region_bounds
        module: Any = region_bounds
        attribute = "summarise"
    except ImportError:
        module, attribute = regions, "fact_ranges"
    ranges = getattr(module, attribute)

    def summarised(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), _cpu()
        result = ranges(*args, **kwargs)
        log.append((f"{label()} ({len(result)} ranges)", time.perf_counter() - wall,
                    _cpu() - cpu, None))
        return result

    context.solve = wrapper  # type: ignore[assignment]
    setattr(module, attribute, summarised)
    try:
        yield
    finally:
        context.solve = original  # type: ignore[assignment]
        setattr(module, attribute, ranges)


def every_boundary(kb: Any) -> list[str]:
    """``D−1,D`` for each date a rule version or a parameter value starts or ends."""
    days: set[date] = set()
    for rule in kb.rules.values():
        for version in rule.versions:
            days.add(version.valid_from)
            if version.valid_until is not None:
                days.add(version.valid_until)
    for parameter in kb.parameters.values():
        days.update(value.start for value in parameter.values)
    return [f"{day - timedelta(days=1)},{day}" for day in sorted(days)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", nargs="*", default=list(BOUNDARIES))
    parser.add_argument("--every-boundary", action="store_true",
                        help="every date a rule version or parameter value starts or ends")
    parser.add_argument("--outputs", action="store_true", help="a line per output")
    parser.add_argument("--queries", action="store_true",
                        help="a line per solver query (implies --outputs)")
    parser.add_argument("--output", action="append", help="only these outputs")
    parser.add_argument("--min-query", type=float, default=0.5, metavar="SECONDS",
                        help="the shortest query listed by --queries")
    parser.add_argument("--max-regions", type=int, default=3)
    parser.add_argument("--json", type=Path, metavar="DIR",
                        help="write each boundary's report (as lexlux diff --format json)")
    args = parser.parse_args()
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks.run import run_diff

    print(f"load average: {os.getloadavg()}")
    kb = load_knowledge_base(None).kb
    assert kb is not None
    current = [""]
    log: list[tuple[str, float, float, Any]] = []
    totals = []
    for boundary in every_boundary(kb) if args.every_boundary else args.boundaries:
        first, second = (date.fromisoformat(d) for d in boundary.split(","))
        log.clear()
        per_output: list[tuple[str, float, float]] = []
        mark = [time.perf_counter(), _cpu()]

        def progress(message: str, per_output: list[tuple[str, float, float]] = per_output,
                     mark: list[float] = mark) -> None:
            now, cpu = time.perf_counter(), _cpu()
            if current[0]:
                per_output.append((current[0], now - mark[0], cpu - mark[1]))
            current[0] = message.removeprefix("diff: ")
            mark[:] = [now, cpu]

        wall, cpu = time.perf_counter(), _cpu()
        with timed_solver(log, lambda: current[0]):
            report = run_diff(kb, first, second, outputs=args.output,
                              max_regions=args.max_regions, progress=progress)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        progress("")
        if args.json is not None:
            import json
            args.json.mkdir(parents=True, exist_ok=True)
            (args.json / f"diff_{first}_{second}.json").write_text(
                json.dumps(report.to_json(kb), indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8")
        statuses: dict[str, int] = {}
        for r in report.results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        regions = sum(len(r.findings) for r in report.results)
        totals.append((boundary, wall, cpu))
        queries = [entry for entry in log if entry[3] is not None]
        ranges = [entry for entry in log if entry[3] is None]
        print(f"diff {first} → {second}: wall {wall:7.2f} s  CPU {cpu:7.2f} s  "
              f"{len(queries)} queries (CPU {sum(e[2] for e in queries):.2f} s), "
              f"{len(ranges)} region summaries (CPU {sum(e[2] for e in ranges):.2f} s), "
              f"{regions} findings, {statuses}")
        by_status: dict[str, list[float]] = {}
        for _, _, c, result in queries:
            by_status.setdefault(result.status, []).append(c)
        print("    queries by answer: " + ", ".join(
            f"{k} {len(v)} (CPU {sum(v):.2f} s)" for k, v in sorted(by_status.items())))
        # the outputs diffed under a reading other than the default (since stop 14)
        read = [(w, c) for name, w, c in per_output if "(reading " in name]
        under = [r for r in report.results if getattr(r, "reading", None)]
        print(f"    under other readings: {len(under)} results "
              f"({sum(r.status in ('differ', 'unknown') for r in under)} differ or "
              f"undecided), wall {sum(w for w, _ in read):.2f} s  "
              f"CPU {sum(c for _, c in read):.2f} s")
        if args.outputs or args.queries:
            status = {r.output + (f" (reading {r.reading})" if getattr(r, "reading", None)
                                  else ""): r.status for r in report.results}
            for name, w, c in sorted(per_output, key=lambda t: -t[1]):
                if w >= 0.05:
                    print(f"    {name:<52} wall {w:6.2f} s  CPU {c:6.2f} s  "
                          f"{status.get(name, '')}")
        if args.queries:
            for name, w, c, result in log:           # in the order they ran
                if w < args.min_query:
                    continue
                print(f"      query {name:<44} wall {w:6.2f} s  CPU {c:6.2f} s  " + (
                    "" if result is None else
                    f"{result.status} spent {result.spent:,} refinements "
                    f"{result.refinements} confirmed {result.confirmed} "
                    f"by {result.strategy}"))
    print("per boundary: " + "; ".join(f"{b} wall {w:.2f} s CPU {c:.2f} s"
                                       for b, w, c in totals))


if __name__ == "__main__":
    main()
