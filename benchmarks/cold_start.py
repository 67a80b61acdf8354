"""Benchmark: whole-process time of `lexlux --help`, one `lexlux eval` and `lexlux check`
(median of N runs, each a fresh process; the disk cache warm after a first untimed run).

    .venv/bin/python benchmarks/cold_start.py --runs 5
    LEXLUX_NO_CACHE=1 .venv/bin/python benchmarks/cold_start.py     # without the cache

With ``--before REV`` the same commands of git revision REV (its code and bundled rules,
extracted to a temporary folder and put first on the path) run alternately with the working
tree's, each a fresh process, and the ratios are printed: a before/after in one run.

    .venv/bin/python benchmarks/cold_start.py --runs 5 --before b71eed6

Goals (issue 15): --help <= 0.15 s, eval <= 0.4 s, check <= 0.5 s.  Figures are printed,
never asserted; they depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEXLUX = [sys.executable, "-m", "lexlux"]
COMMANDS = {
    "--help": ["--help"],
    "eval": ["eval", str(REPO / "examples" / "dismissal-during-sickness.case.yaml")],
    "eval --output": ["eval", str(REPO / "examples" / "dismissal-during-sickness.case.yaml"),
                      "--output", "dismissal_sanction"],
    "check": ["check"],
}


# the children write and read their bytecode (__pycache__), as an installed lexlux does: a
# PYTHONDONTWRITEBYTECODE inherited from the shell would make every run compile every module
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def launcher(path: Path | None) -> list[str]:
    """How to start lexlux: ``python -m lexlux``, or with the code under ``path`` first."""
    if path is None:
        return LEXLUX
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(path)!r}); "
            "sys.argv[0] = 'lexlux'; from lexlux.cli.main import main; main()"]


def timed(argv: list[str], start: list[str] = LEXLUX) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*start, *argv], capture_output=True, env=ENVIRONMENT, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"lexlux {' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REV",
                        help="also git revision REV, alternately, in the same run")
    args = parser.parse_args()
    if args.before:
        with tempfile.TemporaryDirectory() as tmp:
            before_after(args.before, Path(tmp), args.runs)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; cache "
          f"{'off' if os.environ.get('LEXLUX_NO_CACHE') else 'on'}; median of {args.runs}")
    for name, argv in COMMANDS.items():
        timed(argv)                       # warm the disk cache (and the knowledge-base cache)
        runs = [timed(argv) for _ in range(args.runs)]
        wall = [w for w, _ in runs]
        cpu = [c for _, c in runs]
        print(f"  lexlux {name:<13} median {statistics.median(wall):6.3f} s wall "
              f"(min {min(wall):.3f}, max {max(wall):.3f}); "
              f"CPU median {statistics.median(cpu):.3f} s")


def before_after(revision: str, tmp: Path, runs: int) -> None:
    tree = tmp / "tree"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision,
                              "engine", "rules", "schemas", "examples"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tmp / "path").mkdir()
    (tmp / "path" / "lexlux").symlink_to(tree / "engine")
    starts = {revision: launcher(tmp / "path"), "working tree": launcher(None)}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; median of {runs}, "
          f"{revision} and the working tree alternately (each with its own rules)")
    for name, argv in COMMANDS.items():
        seen: dict[str, list[tuple[float, float]]] = {label: [] for label in starts}
        for start in starts.values():
            timed(argv, start)            # warm the disk caches and the bytecode
        for i in range(runs):
            for label, start in (list(starts.items()) if i % 2 else
                                 list(starts.items())[::-1]):
                seen[label].append(timed(argv, start))
        medians = {label: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
                   for label, r in seen.items()}
        (bw, bc), (aw, ac) = medians[revision], medians["working tree"]
        print(f"  lexlux {name:<13} {revision}: {bw:.3f} s wall, CPU {bc:.3f} s; working tree: "
              f"{aw:.3f} s wall, CPU {ac:.3f} s; ratio wall {aw / bw:.2f}, CPU {ac / bc:.2f}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
