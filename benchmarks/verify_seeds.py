"""Benchmark: the seeded witness pass (engine/verify/checks/seeds.py) on the bundled rules.

    .venv/bin/python benchmarks/verify_seeds.py

Prints, never asserts: for each timeline output with two readings, the CPU and wall time
of its readings check (the seeded pass first, then the solver's search if no candidate is
confirmed), where the witness came from, and the cost of the pool alone (generation and
evaluation under both readings).  CPU time is printed next to wall-clock time: the
development machine is shared.
"""

from __future__ import annotations

import time

from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks import seeds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import _check_readings
from lexlux.verify.encoding.encode import query_constraints

OUTPUTS = ["monthly_payer", "twelve_month_count", "days_counted_in_month",
           "continuation_limit_reached", "salary_continuation_end", "seventy_seventh_day",
           "new_right_opens_on"]


def main() -> None:
    loaded = load_knowledge_base()
    assert loaded.ok
    kb = loaded.kb
    for name in OUTPUTS:
        audit = Audit(kb, "lu")
        audit.outputs = lambda name=name: [name]    # type: ignore[method-assign]
        wall, cpu = time.perf_counter(), time.process_time()
        found = list(_check_readings(audit))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        how = ", ".join(f"{f.code} ({'seeded' if seeds.SEEDED in f.details else 'solver'})"
                        for f in found) or "no finding"
        one = audit.encoding(reading="ccss_worked_example", tag="R1|", timelines=True)
        two = audit.encoding(reading="statute", shared=one.shared, tag="R2|", timelines=True)
        _, _, facts = query_constraints([one, two], {0: {name}, 1: {name}})
        pool_cpu = time.process_time()
        cases = seeds._pool(Audit(kb, "lu"), [one, two], [{name}, {name}], facts)
        test = seeds.readings_differ(audit, name, "ccss_worked_example", "statute")
        passing = sum(1 for case, as_of in cases if test(case, as_of))
        pool_cpu = time.process_time() - pool_cpu
        print(f"{name:28} check {cpu:6.2f} s CPU {wall:6.2f} s wall  {how:20} "
              f"pool {len(cases)} cases, {passing} differ, {pool_cpu:5.2f} s CPU")


if __name__ == "__main__":
    main()
