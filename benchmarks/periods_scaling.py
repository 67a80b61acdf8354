"""Benchmark: evaluation time against the number of incapacity periods (run on demand).

    .venv/bin/python benchmarks/periods_scaling.py --sizes 100 1000 10000

Builds a case whose ``incapacity`` and ``insured_incapacity`` facts hold N disjoint periods
(three days of illness every ten days, the last on 6 January 2020), then evaluates every
output of the bundled knowledge base 30 days after the last period, and prints the seconds
per size (reading the case file, and reading + evaluating).
The whole case goes through the case-file loader (so the input limits apply: raise
``max_list_items`` with ``LEXLUX_LIMITS`` for sizes above the default).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import yaml
from lexlux.evaluate.case import case_from_text
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base


def case_text(n: int) -> str:
    step = 10 if n <= 50_000 else 3      # (3: one-day periods every three days, for 10^5)
    start = date(2020, 1, 6) - timedelta(days=step * (n - 1))
    periods = []
    for i in range(n):
        first = start + timedelta(days=step * i)
        periods.append({"from": first.isoformat(),
                        "to": (first + timedelta(days=2 if step == 10 else 0)).isoformat()})
    last = start + timedelta(days=step * (n - 1))
    document = {
        "case": f"{n} periods", "jurisdiction": "lu",
        "as_of": (last + timedelta(days=30)).isoformat(),
        "facts": {"incapacity": periods, "insured_incapacity": [dict(p) for p in periods],
                  "incapacity_start": last.isoformat(), "absence_start": last.isoformat(),
                  "certificate_received_on": last.isoformat(),
                  "employer_notified_on": last.isoformat()},
    }
    return yaml.safe_dump(document, sort_keys=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()
    loaded = load_knowledge_base()
    assert loaded.ok, "the bundled rules have errors"
    for n in args.sizes:
        text = case_text(n)
        started = time.perf_counter()
        case, problems = case_from_text(text, loaded.kb, f"<{n} periods>")
        assert case is not None, [p.message for p in problems]
        assert case.as_of is not None
        read = time.perf_counter() - started
        outcome = evaluate(loaded.kb, case, case.as_of)
        total = time.perf_counter() - started
        statuses: dict[str, int] = {}
        for result in outcome.results.values():
            statuses[result.status] = statuses.get(result.status, 0) + 1
        print(f"{n:>7} periods: read {read:7.3f} s, read + evaluate {total:7.3f} s  {statuses}")


if __name__ == "__main__":
    main()
