"""Z3's term ids do not depend on Python's cycle collector (verify/collector.py).

Z3 gives a freed term's id to the next term built, and ``z3.simplify`` and the solver's
search depend on ids; terms held only by reference cycles were freed whenever the
collector ran.  The same audit is run in subprocesses whose collector runs at its default
pace, after every allocation or never: the id of every term ``z3.simplify`` returns and of
every check's assertions, and the JSON, must be the same.  On main at stop 17 the ids of
``simplify``'s results differed between these processes (the check ``conflicts`` builds
every output's encoding: a few hundred of its ``simplify`` results moved by one id)."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from typing import Any

import pytest

#: run in a subprocess: argv[1] the collector's setting, then lexlux's arguments
PROBE = r"""
import gc, io, json, sys
mode, args = sys.argv[1], sys.argv[2:]
if mode == "aggressive":
    gc.set_threshold(1, 1, 1)
elif mode == "off":
    gc.disable()
import z3
log = []
def wrap(cls):
    check = cls.check
    def recorded(self, *assumptions):
        answer = check(self, *assumptions)
        log.append(["check", str(answer), [f.get_id() for f in self.assertions()],
                    [a.get_id() for a in assumptions]])
        return answer
    cls.check = recorded
wrap(z3.Solver)
wrap(z3.Optimize)
simplify = z3.simplify
def simplified(*args, **options):
    term = simplify(*args, **options)
    log.append(["simplify", term.get_id()])
    return term
z3.simplify = simplified
from lexlux.cli import run
out = io.StringIO()
code = run(args, out, io.StringIO())
json.dump({"code": code, "out": out.getvalue(), "log": log}, sys.stdout)
"""

ARGS = ("verify", "--check", "conflicts", "--format", "json")


@functools.cache            # the default run is compared twice
def probe(mode: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PROBE, mode, *ARGS], capture_output=True,
                          text=True, check=True, timeout=600)
    found: dict[str, Any] = json.loads(done.stdout)
    report = json.loads(found["out"])
    report["summary"].pop("seconds", None)             # the only field that varies
    found["out"] = report
    return found


@pytest.mark.parametrize("mode", ["aggressive", "off"])
def test_term_ids_do_not_depend_on_the_collector(mode: str) -> None:
    default, other = probe("default"), probe(mode)
    assert default["code"] == other["code"]
    assert any(e[0] == "simplify" for e in default["log"])      # the probe sees terms
    assert any(e[0] == "check" for e in default["log"])
    first = next((i for i, (a, b) in enumerate(zip(default["log"], other["log"],
                                                    strict=False)) if a != b), None)
    assert first is None, (f"event {first}: {default['log'][first]} with the default "
                           f"collector, {other['log'][first]} with {mode!r}")
    assert len(default["log"]) == len(other["log"])
    assert default["out"] == other["out"]
