"""Stage 5 (verify): proofs (UNSAT answers) cached by the content of the query.

A query's key is the SHA-256 of its exact Z3 text (every constraint and goal, in order —
the encoding is canonical, so the text depends only on the rules, parameters, invariants
and assumptions the query reads) with the resource limit, whether an unsat core is asked,
and the versions of Z3 and of lexlux.  Editing one rule file changes the keys of the
queries that read it, and only those.  UNSAT answers (proofs, with their cores) are cached;
a SAT answer only where nobody reads its model — the queries that ask for an unsat core (the
dead-rule check: SAT there means "this version can apply"); elsewhere a SAT answer becomes a
witness that must be replayed by the evaluator.  An UNKNOWN is always tried again.  The
cache is a JSON file written atomically at the end of a run (``--cache DIR``); nothing is
written without the option.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import z3

from ...output import write_atomically

FORMAT = 2


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("lexlux")
    except Exception:
        return "checkout"


class QueryCache:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "verify-unsat.json"
        self.hits = 0
        self.stored = 0
        self.entries: dict[str, list[str]] = {}     # key -> ["unsat", core...] | ["sat"]
        self.salt = f"{FORMAT}|{z3.get_version_string()}|{_version()}"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("salt") == self.salt:
                self.entries = {k: list(v) for k, v in data["unsat"].items()}
        except (OSError, ValueError, KeyError, AttributeError):
            self.entries = {}

    def key(self, constraints: Sequence[tuple[str | None, Any]], goals: Sequence[Any],
            rlimit: int, cores: bool) -> str:
        digest = hashlib.sha256(f"{self.salt}|{rlimit}|{cores}".encode())
        for label, formula in constraints:
            digest.update(f"\n{label if cores else ''}:".encode())
            digest.update(formula.sexpr().encode() if hasattr(formula, "sexpr")
                          else str(formula).encode())
        for goal in goals:
            digest.update(b"\ngoal:")
            digest.update(goal.sexpr().encode() if hasattr(goal, "sexpr")
                          else str(goal).encode())
        return digest.hexdigest()

    def get(self, key: str) -> tuple[str, tuple[str, ...]] | None:
        """(status, core) of an earlier answer to the same query."""
        found = self.entries.get(key)
        if not found:
            return None
        self.hits += 1
        return found[0], tuple(found[1:])

    def put(self, key: str, status: str, core: tuple[str, ...] = ()) -> None:
        self.entries[key] = [status, *core]
        self.stored += 1

    def save(self) -> None:
        write_atomically(self.path, json.dumps({"salt": self.salt, "unsat": self.entries},
                                               sort_keys=True) + "\n")
