"""Benchmark: ``lexlux verify --all-dates`` on a copy of the bundled rules — without cache,
with a cold cache, warm, and after editing one rule file — and ``lexlux diff`` of one
boundary, each in its own process, wall-clock and CPU time (the machine is shared: CPU
time is the steadier figure; run under ``nice`` and repeat).

    .venv/bin/python benchmarks/verify_cache.py [--repeat 2] [--edit RULE_FILE]

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: A rule file of the bundled knowledge base and an edit that keeps it valid.
EDIT = ("lu/code_du_travail/L552-2/p5.yaml", "cm_referral_date + 40 days",
        "cm_referral_date + 41 days")


def timed(argv: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lexlux", *argv], capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return wall, cpu, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--diff", default="2016-01-01,2020-01-01")
    args = parser.parse_args()
    from lexlux.load.discover import bundled_root
    print(f"load average: {os.getloadavg()}")
    for round_ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            rules = Path(tmp) / "rules"
            shutil.copytree(bundled_root("rules"), rules)
            audit = bundled_root("rules").parent / "audit"
            if audit.is_dir():                 # the accepted findings, next to the rules
                shutil.copytree(audit, Path(tmp) / "audit")
            cache = Path(tmp) / "cache"
            base = ["verify", "--all-dates", "--rules", str(rules)]
            rows = [("no cache", timed(base))]
            rows.append(("cold cache", timed([*base, "--cache", str(cache)])))
            rows.append(("warm cache", timed([*base, "--cache", str(cache)])))
            path, old, new = EDIT
            target = rules / path
            target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1),
                              encoding="utf-8")
            rows.append((f"after editing {path}", timed([*base, "--cache", str(cache)])))
            first, second = args.diff.split(",")
            rows.append((f"diff {first} → {second}",
                         timed(["diff", "--from", first, "--to", second, "--rules",
                                str(rules)])))
            print(f"round {round_ + 1} (load average {os.getloadavg()[0]:.1f})")
            for label, (wall, cpu, last) in rows:
                print(f"  {label:<48} wall {wall:7.2f} s  CPU {cpu:7.2f} s  | {last[:70]}")


if __name__ == "__main__":
    main()
