"""Benchmark (on demand): `lexlux batch` on one process and on a Dask LocalCluster give the
same output byte for byte, on 10^4 persons; prints both wall times.

    .venv/bin/python benchmarks/dask_same.py --n 10000 --workers 2
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    from distributed import LocalCluster
    from lexlux.cli import run
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    argv = ["batch", "--generate", str(args.n), "--seed", "3", "--reform",
            str(REPO / "examples" / "dismissal-ban-52-weeks-from-2027.reform.yaml"),
            "--output", "dismissal_ban", "--output", "act_banned", "--output",
            "monthly_payer", "--format", "json"]
    out = io.StringIO()
    started = time.perf_counter()
    run(argv, out, io.StringIO())
    alone = time.perf_counter() - started
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        spread_out = io.StringIO()
        started = time.perf_counter()
        run([*argv, "--scheduler", cluster.scheduler_address], spread_out, io.StringIO())
        spread = time.perf_counter() - started
    same = out.getvalue() == spread_out.getvalue()
    print(f"{args.n} persons: one process {alone:.1f} s, {args.workers} Dask workers "
          f"{spread:.1f} s; identical output: {same} ({len(out.getvalue())} bytes)")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
