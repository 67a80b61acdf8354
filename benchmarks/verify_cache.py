"""Benchmark: ``lexlux verify --all-dates`` on a copy of the bundled rules — without cache,
with a cold cache, warm, and after editing one rule file — and ``lexlux diff`` of one
boundary, each in its own process, wall-clock and CPU time (the machine is shared: CPU
time is the steadier figure; run under ``nice`` and repeat).

    .venv/bin/python benchmarks/verify_cache.py [--repeat 2] [--diff ""] \
        [--baseline OTHER/.venv/bin/python]

``--baseline``: the same steps, side by side (step by step, alternately), with another
install's interpreter (e.g. a checkout of the main branch), each in its own copy of the
rules and its own cache.  ``--diff ""`` leaves the diff out.  Each verify line shows the
run's summary: findings, accepted, queries, of which answered from the cache, and units
(checks about one subject) run / taken from the cache.  ``--jobs N``: also the audit
without cache with ``verify --jobs N`` (its units in N processes; CPU counts them all).

Bytecode: the children run without ``PYTHONDONTWRITEBYTECODE`` (an installed lexlux has its
modules compiled; the first step writes them for a checkout), unless ``--no-bytecode``: then
each process compiles lexlux's modules again (about 0.17 s on the quiet machine), as in an
environment that sets the variable.  The setting is printed.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
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
NEXT = "cm_referral_date + 42 days"


#: Whether the children may write and read bytecode (``--no-bytecode``: as the environment).
BYTECODE = True


def timed(python: str, argv: list[str], kb_cache: Path | None = None
          ) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = dict(os.environ) if kb_cache is None else {**os.environ,
                                                     "LEXLUX_CACHE_DIR": str(kb_cache)}
    if BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([python, "-m", "lexlux", *argv], capture_output=True,
                          text=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if argv[0] == "verify":
        try:
            summary = json.loads(done.stdout)["summary"]
        except (ValueError, KeyError):
            return wall, cpu, (done.stderr.strip().splitlines() or ["?"])[-1]
        units = summary.get("units")
        shown = (f"{summary['problems']} finding(s), {summary['accepted']} accepted, "
                 f"{summary['queries']} queries")
        if units is not None:
            shown += (f" ({summary['cached_queries']} cached), units run "
                      f"{units['run']} ({units.get('run_seconds', 0):.2f} s) / cached "
                      f"{units['from_cache']}")
        return wall, cpu, shown
    last = (done.stdout.strip().splitlines() or [""])[-1]
    return wall, cpu, last


def prepare(into: Path) -> Path:
    """A copy of the bundled rules (and the accepted findings beside them) in ``into``."""
    from lexlux.load.discover import bundled_root
    rules = into / "rules"
    shutil.copytree(bundled_root("rules"), rules)
    audit = bundled_root("rules").parent / "audit"
    if audit.is_dir():                 # the accepted findings, next to the rules
        shutil.copytree(audit, into / "audit")
    return rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--diff", default="2016-01-01,2020-01-01")
    parser.add_argument("--baseline", help="another install's python, run side by side")
    parser.add_argument("--no-uncached", action="store_true",
                        help="leave out the first step (verify without its cache)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="also verify without cache in N processes (verify --jobs N)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE of the environment (each process "
                             "compiles lexlux's modules again)")
    args = parser.parse_args()
    global BYTECODE
    BYTECODE = not args.no_bytecode
    print(f"load average: {os.getloadavg()}; bytecode: "
          + ("written and used (PYTHONDONTWRITEBYTECODE removed in the children)"
             if BYTECODE else "as the environment says: PYTHONDONTWRITEBYTECODE="
             + os.environ.get("PYTHONDONTWRITEBYTECODE", "(unset)")))
    engines = [("this", sys.executable)]
    if args.baseline:
        engines.insert(0, ("baseline", args.baseline))
    for round_ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            places = {name: prepare(Path(tmp) / name) for name, _ in engines}
            rows: list[tuple[str, str, tuple[float, float, str]]] = []

            def step(label: str, argv: list[str], places: dict[str, Path] = places,
                     rows: list[tuple[str, str, tuple[float, float, str]]] = rows) -> None:
                for name, python in engines:
                    rules = places[name]
                    given = [a.replace("{rules}", str(rules)).replace(
                        "{cache}", str(rules.parent / "cache")) for a in argv]
                    # each engine its own compiled-rules cache (LEXLUX_CACHE_DIR), in the copy
                    rows.append((label, name, timed(python, given, rules.parent / "kb")))
            base = ["verify", "--all-dates", "--rules", "{rules}", "--format", "json"]
            if not args.no_uncached:
                step("no cache", base)
            if args.jobs:
                step(f"no cache, --jobs {args.jobs}", [*base, "--jobs", str(args.jobs)])
            step("cold cache", [*base, "--cache", "{cache}"])
            step("warm cache", [*base, "--cache", "{cache}"])
            path, old, new = EDIT
            for rules in places.values():
                target = rules / path
                target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1),
                                  encoding="utf-8")
            step(f"after editing {path}", [*base, "--cache", "{cache}"])
            step("again (warm)", [*base, "--cache", "{cache}"])
            for rules in places.values():        # a second edit, then check the rules
                target = rules / path
                target.write_text(target.read_text(encoding="utf-8").replace(new, NEXT, 1),
                                  encoding="utf-8")
            step("check after a second edit", ["check", "{rules}"])
            step("check again", ["check", "{rules}"])
            if args.diff:
                first, second = args.diff.split(",")
                step(f"diff {first} → {second}",
                     ["diff", "--from", first, "--to", second, "--rules", "{rules}"])
            print(f"round {round_ + 1} (load average {os.getloadavg()[0]:.1f})")
            for label, name, (wall, cpu, last) in rows:
                print(f"  {label:<44} {name:<8} wall {wall:7.2f} s  CPU {cpu:7.2f} s  "
                      f"| {last[:100]}")


if __name__ == "__main__":
    main()
