"""Fingerprints of every check the verifier sends to Z3 (on demand, not a test).

Runs a ``lexlux`` command (its arguments after ``--``) with ``z3.Solver.check`` and
``z3.Optimize.check`` wrapped: at each check, the solver's assertions and the check's
assumptions, as SMT-LIB text in the solver's order, are hashed and written one line per
check to ``OUT`` (the command's output to ``OUT.out``).  Two runs whose files are equal
sent Z3 the same assertions in the same order (used to show that a change in how terms
are built leaves the terms alone).

    python benchmarks/smt_dump.py OUT -- verify --all-dates --format json

With ``SMT_DUMP_FULL=298,299`` the text of those checks (line numbers of ``OUT``) is
written to ``OUT.298`` and ``OUT.299``.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import z3
from lexlux.cli.main import run


def main(argv: list[str]) -> int:
    out, rest = argv[0], argv[argv.index("--") + 1:]
    lines: list[str] = []
    full = set(os.environ.get("SMT_DUMP_FULL", "").split(","))   # line numbers: the text

    def wrap(cls: Any) -> None:
        original = cls.check

        def check(self: Any, *assumptions: Any) -> Any:
            body = "\n".join([*(f.sexpr() for f in self.assertions()), "assume",
                              *(a.sexpr() for a in assumptions)])
            answer = original(self, *assumptions)
            lines.append(f"{cls.__name__} {len(self.assertions())} {answer} "
                         f"{hashlib.sha1(body.encode()).hexdigest()}")
            if str(len(lines)) in full:
                where = "".join(traceback.format_stack(limit=12))
                Path(f"{out}.{len(lines)}").write_text(f"{where}\n{body}", encoding="utf-8")
            return answer

        cls.check = check

    wrap(z3.Solver)
    wrap(z3.Optimize)
    stdout = io.StringIO()
    code = run(rest, stdout, io.StringIO())
    with Path(out).open("w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    Path(out + ".out").write_text(stdout.getvalue(), encoding="utf-8")
    print(f"{len(lines)} checks, exit {code}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
