"""Stage 5 (verify): answers cached by the content of the query.

A query's key is the SHA-256 of its exact Z3 text (every constraint and goal, in order —
the encoding is canonical, so the text depends only on the rules, parameters, invariants
and assumptions the query reads, never on paths or iteration order) with the resource
limit, whether an unsat core is asked, the version of Z3 and a digest of the engine's own
source files (so an edited checkout never reuses an older engine's answer).  Editing one
rule file changes the keys of the queries that read it, and only those.

What is kept per key:

* ``unsat`` with its core (a proof);
* ``sat`` where nobody reads the model (the dead-rule check: "this version can apply");
* ``unknown`` with its reason: each query is solved in a fresh context under a
  deterministic resource limit, so the same query gives up the same way again;
* ``case``: for a SAT answer whose model becomes a witness, the values of the case's
  variables.  A hit solves the query again with the case fixed (fast: the solver only
  propagates), so the witness still comes from a model and is still replayed by the
  evaluator.

The cache is one JSON file (``--cache DIR``), written atomically at the end of a run and
merged, under an exclusive lock, with what concurrent runs wrote meanwhile; nothing is
written without the option.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import z3

from ...output import write_atomically

FORMAT = 3


def _version() -> str:
    """The engine's version and a digest of its source files (a checkout edited in place
    keeps its version number)."""
    try:
        from importlib.metadata import version
        number = version("lexlux")
    except Exception:
        number = "checkout"
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return f"{number}+{digest.hexdigest()[:16]}"


class QueryCache:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "verify-unsat.json"
        self.hits = 0
        self.stored = 0
        #: key -> ["unsat", core...] | ["sat"] | ["unknown", reason] | ["case", values...]
        self.entries: dict[str, list[str]] = {}
        self.new: dict[str, list[str]] = {}
        self._texts: dict[int, tuple[Any, bytes]] = {}
        self.salt = f"{FORMAT}|{z3.get_version_string()}|{_version()}"
        self.entries = self._read()

    def _read(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("salt") == self.salt:
                return {str(k): [str(x) for x in v] for k, v in data["answers"].items()}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            pass
        return {}

    def key(self, constraints: Sequence[tuple[str | None, Any]], goals: Sequence[Any],
            rlimit: int, cores: bool) -> str:
        digest = hashlib.sha256(f"{self.salt}|{rlimit}|{cores}".encode())
        for label, formula in constraints:
            digest.update(f"\n{label if cores else ''}:".encode())
            digest.update(self._text(formula))
        for goal in goals:
            digest.update(b"\ngoal:")
            digest.update(self._text(goal))
        return digest.hexdigest()

    def _text(self, formula: Any) -> bytes:
        """The digest of a formula's SMT-LIB text, computed once per term (queries share
        most of their constraints; the term is kept so that its id is never reused)."""
        if not hasattr(formula, "sexpr"):
            return str(formula).encode()
        ident = formula.get_id()
        known = self._texts.get(ident)
        if known is None:
            known = self._texts[ident] = (formula, hashlib.sha256(
                formula.sexpr().encode()).digest())
        return bytes(known[1])

    def get(self, key: str) -> tuple[str, tuple[str, ...]] | None:
        """(status, core | reason | case values) of an earlier answer to the same query."""
        found = self.entries.get(key)
        if not found:
            return None
        self.hits += 1
        return found[0], tuple(found[1:])

    def put(self, key: str, status: str, core: tuple[str, ...] = ()) -> None:
        self.entries[key] = self.new[key] = [status, *core]
        self.stored += 1

    def save(self) -> None:
        """Write this run's answers, merged with the file as it is now (another run may
        have saved since this one read it), under an exclusive lock."""
        if not self.new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path.with_suffix(".lock")):
            merged = self._read()
            merged.update(self.new)
            write_atomically(self.path, json.dumps({"salt": self.salt, "answers": merged},
                                                   sort_keys=True) + "\n")
        self.new = {}


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (POSIX ``flock``; elsewhere the atomic write
    alone keeps the file whole, and a concurrent run's answers may be lost)."""
    try:
        import fcntl
    except ImportError:             # pragma: no cover - Windows
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
