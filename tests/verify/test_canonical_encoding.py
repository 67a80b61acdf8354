"""The encoding is canonical: the same queries, term for term and in the same order, in
every process (Python's string hashing is randomised per process, so a set iterated
somewhere would show here), and whatever the order the rule folders are given in.  Two
processes with different hash seeds audit the planted-corpus base and print a digest of
every query they send to Z3 (to the slice solvers of checks/quick.py and to the fresh
solves)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE / "planted" / "base" / "rules"

DUMP = r"""
import hashlib, sys
import z3
from lexlux.verify.checks import context
from lexlux.verify.encoding.solve import solve
digests = []
def spy(constraints, goals, calls, **kw):
    s = z3.Solver()
    for _, formula in constraints:
        s.add(formula)
    for goal in goals:
        s.add(goal)
    digests.append(hashlib.sha256(s.sexpr().encode()).hexdigest()[:16])
    if kw.pop("quick", False):      # the slice solver's query (checks/quick.py)
        return None
    return solve(constraints, goals, calls, **kw)
context.solve = spy
from lexlux.verify.checks import quick
decide = quick.Slices.decide
def quick_spy(self, owners, key, constraints, extra, goals, calls, rlimit):
    spy(constraints, [*extra, *goals], calls, quick=True)
    return decide(self, owners, key, constraints, extra, goals, calls, rlimit)
quick.Slices.decide = quick_spy
from lexlux.verify.checks import rules      # every query asked (no shortcut before Z3)
rules.cannot_overlap = lambda *a: False
rules.applies_somewhere = lambda *a: False
rules.evaluator_first = lambda *a: None
from pathlib import Path
from lexlux.verify.checks.run import CHECKS
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.context import Audit
roots = [Path(p) for p in sys.argv[1:]]
kb = load_knowledge_base(roots).kb
audit = Audit(kb, "lu")
for check in CHECKS.values():
    list(check(audit))
print(" ".join(digests))
"""


def digests(seed: str, *roots: Path) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", DUMP, *map(str, roots)], env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_the_same_queries_whatever_the_hash_seed_and_folder_order() -> None:
    first = digests("1", BASE)
    assert len(first) > 20
    folders = sorted(p for p in (BASE / "lu").iterdir() if p.is_dir())
    assert digests("2", *reversed(folders)) == first
