"""Benchmark: ``lexlux diff --cache DIR`` on a copy of the bundled rules, per boundary —
the diff without cache and with a cold cache (side by side with a baseline install's diff
without cache, alternately), the same diff again (every unit from the cache), and after
editing one rule file (each edit then the diff again).  CPU seconds of each process
(user + system; the machine is shared: wall times are printed but say little).

    .venv/bin/python benchmarks/diff_cache.py [--repeat 3] \
        [--baseline OTHER/.venv/bin/python] [--boundaries 2018-12-31,2019-01-01 ...]

The edits (:data:`EDITS`): ``L552-2/p5.yaml`` (the verify cache benchmark's, a rule whose
outputs are the same law on both dates of both boundaries: no unit reads it, nothing runs
again) and ``statuts_cns/art-189.yaml`` (the notice before the end of the right, one
output that differs on both boundaries: its unit runs again).  Each line shows the
diff's last text line and, with the cache, its units from the cache / run
(``cache`` in the JSON).  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from verify_cache import prepare

#: (rule file, text, replacement): each keeps the rules valid.
EDITS = (("lu/code_du_travail/L552-2/p5.yaml", "cm_referral_date + 40 days",
          "cm_referral_date + 41 days"),
         ("lu/statuts_cns/art-189.yaml", "sickness_benefit_exhausted_from - 1 day",
          "sickness_benefit_exhausted_from - 2 days"))


def run_json(python: str, argv: list[str], kb_cache: Path
             ) -> tuple[float, float, dict[str, Any]]:
    """``python -m lexlux diff ...`` timed, with its JSON."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "LEXLUX_CACHE_DIR": str(kb_cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([python, "-m", "lexlux", *argv], capture_output=True, text=True,
                          check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        data = json.loads(done.stdout)
    except ValueError:
        data = {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return wall, cpu, data


def shown(data: dict[str, Any]) -> str:
    if "error" in data:
        return str(data["error"])[:90]
    statuses = [o["status"] for o in data["outputs"]]
    text = f"{len(statuses)} results, {statuses.count('differ')} differ"
    cache = data.get("cache")
    if cache is not None:
        text += (f"; units from the cache {cache['from_cache']}, run {cache['run']}"
                 + (f", stale {cache['stale']}" if cache["stale"] else ""))
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3,
                        help="pairs of cold runs per boundary (alternately)")
    parser.add_argument("--baseline", help="another install's python (its diff without "
                        "cache is run side by side with the cold runs)")
    parser.add_argument("--boundaries", nargs="*",
                        default=["2018-12-31,2019-01-01", "2016-01-01,2020-01-01"])
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    engines = [("this", sys.executable)]
    if args.baseline:
        engines.insert(0, ("baseline", args.baseline))
    for boundary in args.boundaries:
        first, second = boundary.split(",")
        base = ["diff", "--from", first, "--to", second, "--format", "json"]
        print(f"\ndiff {first} → {second}")
        cpu: dict[str, list[float]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            places = {name: prepare(root / name) for name, _ in engines}
            cold: Path | None = None
            for round_ in range(args.repeat):
                steps = [(name, python, None) for name, python in engines]
                steps.append(("this", sys.executable, root / f"cache{round_}"))
                for name, python, cache in steps:
                    rules = places[name]
                    argv = [*base, "--rules", str(rules)] + (
                        ["--cache", str(cache)] if cache is not None else [])
                    wall, used, data = run_json(python, argv, rules.parent / "kb")
                    label = f"{name} " + ("cold cache" if cache else "no cache")
                    cpu.setdefault(label, []).append(used)
                    print(f"  round {round_ + 1} {label:<22} wall {wall:7.2f} s  CPU "
                          f"{used:6.2f} s | {shown(data)}")
                    if cache is not None:
                        cold = cache
            assert cold is not None
            rules = places["this"]
            steps2 = [("warm (the same diff again)", None)]
            steps2 += [(f"after editing {path}", (path, old, new)) for path, old, new in EDITS]
            steps2.append(("again (warm)", None))
            for label, change in steps2:
                if change is not None:
                    target = rules / change[0]
                    target.write_text(target.read_text(encoding="utf-8").replace(
                        change[1], change[2], 1), encoding="utf-8")
                wall, used, data = run_json(sys.executable, [
                    *base, "--rules", str(rules), "--cache", str(cold)], rules.parent / "kb")
                print(f"  {label:<52} wall {wall:7.2f} s  CPU {used:6.2f} s | "
                      f"{shown(data)}")
        print("  medians (CPU): " + "; ".join(
            f"{label} {statistics.median(v):.2f} s" for label, v in cpu.items()))


if __name__ == "__main__":
    main()
