"""Benchmark: the Z3 contexts a ``lexlux diff`` makes — how many, by whom, what each costs,
and what the slice solvers' contexts were used for.

    .venv/bin/python benchmarks/z3_contexts.py [--boundaries 2015-12-31,2016-01-01 ...]
        [--params]

Each ``z3.Context`` made during the diff (in-process, ``--format json``, the output thrown
away) is counted under its maker: a slice solver (``checks/quick.py``), a fresh solve
(``encoding/solve.py``, by the caller of ``solve``: the query, the nicer query tried
first, the seeded pass's confirmation, a timeline frame), a region summary
(``checks/region_bounds.py``), or other; with the CPU of making it.  Then each slice
solver's life: how many queries it was asked and whether any of its answers was UNSAT
(the only answer of a slice the diff's frames read: ``Audit._quick_budget``).  A slice
asked once that did not answer UNSAT was made for nothing — but only its answer tells.

``--params``: the CPU of ``z3.Context(...)`` with some parameters given at creation, made
and freed in a loop inside :func:`lexlux.verify.heap.heap_kept` (as in a diff).  Figures
are printed, never asserted; nothing the diff sends to Z3 changes (the counters wrap
``z3.Context.__init__`` and the slice's methods, they build no term).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections import Counter, defaultdict
from typing import Any

BOUNDARIES = ("2015-12-31,2016-01-01", "2008-12-31,2009-01-01")
#: The functions that make contexts, and what they are called here.
MAKERS = {"_Slice.__init__": "slice solver", "RegionSolver._start": "region summary",
          "_Run._start": "fresh solve"}
#: Parameters tried at creation (``--params``); those that change answers are only timed.
PARAMS: tuple[dict[str, Any], ...] = ({}, {"model": False}, {"auto_config": False},
                                      {"proof": False}, {"unsat_core": False})


def count(first: str, second: str) -> None:
    import z3
    from lexlux.cli.main import main
    from lexlux.verify.checks import quick

    made: Counter[str] = Counter()
    cpu: defaultdict[str, float] = defaultdict(float)
    lives: dict[int, list[str | None]] = {}
    init, decide = z3.Context.__init__, quick.Slices.decide

    def counted_init(self: Any, *args: Any, **kws: Any) -> None:
        start = time.process_time()
        init(self, *args, **kws)
        spent = time.process_time() - start
        frames = sys._getframe(1)
        names = []
        while frames is not None:
            names.append(frames.f_code.co_qualname)
            frames = frames.f_back
        who = _who(list(reversed(names)))
        made[who] += 1
        cpu[who] += spent

    def counted_decide(self: Any, owners: Any, key: Any, *args: Any, **kws: Any) -> Any:
        answer = decide(self, owners, key, *args, **kws)
        found = self._slices.get((tuple(id(o) for o in owners), key))
        lives.setdefault(id(found), []).append(answer)
        return answer

    z3.Context.__init__ = counted_init
    quick.Slices.decide = counted_decide      # type: ignore[method-assign]
    argv, sys.argv = sys.argv, ["lexlux", "diff", "--from", first, "--to", second,
                                "--format", "json", "--jobs", "1"]
    start = time.process_time()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main()
    finally:
        sys.argv = argv
        z3.Context.__init__ = init
        quick.Slices.decide = decide          # type: ignore[method-assign]
    total = time.process_time() - start
    print(f"diff {first} → {second}: CPU {total:.2f} s, {sum(made.values())} contexts "
          f"made in {sum(cpu.values()):.2f} s")
    for who, n in made.most_common():
        print(f"    {who:48s} {n:4d}  {cpu[who]:.3f} s  ({1000 * cpu[who] / n:.1f} ms each)")
    fates: Counter[str] = Counter()
    for answers in lives.values():
        once = "asked once" if len(answers) == 1 else "asked more than once"
        read = "an UNSAT" if "unsat" in answers else "no UNSAT"
        fates[f"{once}, {read}"] += 1
    for fate, n in sorted(fates.items()):
        print(f"    slice solvers {fate:40s} {n:4d}")


def _who(names: list[str]) -> str:
    """The maker of a context from the qualified names of the stack (outermost first)."""
    for i in range(len(names) - 1, -1, -1):
        what = MAKERS.get(names[i])
        if what == "fresh solve":
            callers = [n for n in names[:i] if n not in ("solve", "_Run.advance")]
            return f"{what} < {callers[-1] if callers else '?'}"
        if what is not None:
            return what
    return "other"


def params() -> None:
    import z3
    from lexlux.verify.heap import heap_kept
    with heap_kept():
        for given in PARAMS * 2:
            for _ in range(5):
                z3.Context(**given)
            start = time.process_time()
            for _ in range(100):
                z3.Context(**given)
            ms = (time.process_time() - start) * 10
            print(f"    z3.Context({', '.join(f'{k}={v}' for k, v in given.items())}): "
                  f"{ms:.2f} ms each")


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", nargs="*", default=list(BOUNDARIES))
    parser.add_argument("--params", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("LEXLUX_CACHE_DIR", "/tmp/cache-z3-contexts")
    for pair in args.boundaries:
        first, second = pair.split(",")
        count(first, second)
    if args.params:
        params()


if __name__ == "__main__":
    run()
