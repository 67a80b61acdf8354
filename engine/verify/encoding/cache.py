"""Stage 5 (verify): answers cached by the content of what they read (``--cache DIR``).

Two tables, one file (``verify-unsat.json`` in the directory):

**Units** — the answers of one check about one subject (the conflicts of an output, a pair
of readings of an output, the dead-rule test of a version, an invariant, the totality of
an output, whether an output can be encoded), keyed *before anything is encoded* by
(:mod:`lexlux.verify.checks.units`):

* the check's name and subject, the audit's options that change its answer (the as-of
  date or all dates, ``--rule``, the resource limit, the number of diff regions);
* the content digest of the slice of the knowledge base the check reads
  (:mod:`lexlux.verify.checks.slices`): the rules of the outputs involved and, through the
  compiled dependency graph, of everything they read; the facts' and outputs' vocabulary
  entries, the parameters, the invariant or totality condition proved, the plausibility
  constraints that may apply — canonical text, without paths or object ids;
* the salt below (cache format, Z3 version, engine source digest).

Editing one rule file changes the keys of the units whose slice holds the rule, and only
those.  A unit's entry is the number of queries it ran and its findings.  A finding with
a witness keeps the witness case (its YAML) and what was replayed: on a hit the case is
evaluated again by the evaluator, which must give what it gave when the witness was found
(else the entry is dropped and the check runs) — a witness is never reported unreplayed.
The timeline witness search (``checks/timeline_search.py``) runs inside the readings
unit, so its result, including "no witness found" (LX510), is kept the same way.

**Queries** — checks outside units (``lexlux diff``), and the queries of a unit that
missed: the key is the SHA-256 of the query's exact Z3 text with the resource limit,
whether an unsat core is asked and the salt.  What is kept per key:

* ``unsat`` with its core (a proof);
* ``sat`` where nobody reads the model (the dead-rule check: "this version can apply");
* ``unknown`` with its reason: each query is solved in a fresh context under a
  deterministic resource limit, so the same query gives up the same way again;
* ``case``: for a SAT answer whose model becomes a witness, the values of the case's
  variables.  A hit solves the query again with the case fixed (fast: the solver only
  propagates), so the witness still comes from a model and is still replayed by the
  evaluator.

The file is written atomically at the end of a run and merged, under an exclusive lock,
with what concurrent runs wrote meanwhile; nothing is written without the option.  A file
that cannot be read, or was written by another format, Z3 or engine, is ignored with a
warning (:attr:`QueryCache.problem`) and replaced at the end of the run.
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

FORMAT = 4


def _version() -> str:
    """The engine's version and a digest of its source files (a checkout edited in place
    keeps its version number)."""
    from ... import __version__ as number  # not importlib.metadata (0.02-0.04 s)
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return f"{number}+{digest.hexdigest()[:16]}"


class QueryCache:
    """The cache of ``--cache DIR``.  ``directory`` None: the units of this run only, in
    memory, and no answers to single queries (``verify --jobs N`` without ``--cache``:
    the findings are those of a run without cache).  ``units`` / ``entries`` given: these
    instead of the file's (a worker of ``--jobs N``, checks/parallel.py)."""

    def __init__(self, directory: Path | None, *, units: dict[str, Any] | None = None,
                 entries: dict[str, list[str]] | None = None) -> None:
        self.on_disk = directory is not None
        self.path = (directory or Path()) / "verify-unsat.json"
        self.hits = 0
        self.stored = 0
        self.unit_hits = 0
        self.units_stored = 0
        #: seconds spent in the units that ran (encoding, solving, replaying)
        self.run_seconds = 0.0
        #: why the file on disk was ignored (shown as a warning), else None
        self.problem: str | None = None
        #: key -> ["unsat", core...] | ["sat"] | ["unknown", reason] | ["case", values...]
        self.entries: dict[str, list[str]] = {}
        self.new: dict[str, list[str]] = {}
        #: unit key -> {"queries": n, "findings": [...]} (checks/units.py)
        self.units: dict[str, Any] = {}
        self.new_units: dict[str, Any] = {}
        self._texts: dict[int, tuple[Any, bytes]] = {}
        #: verify --jobs N: the run's sharing of units with workers (checks/parallel.py)
        self.share: Any = None
        #: keys of the units run by the workers of this run (counted as run, not cached)
        self.fresh: set[str] = set()
        self.salt = f"{FORMAT}|{z3.get_version_string()}|{_version()}"
        if units is not None or entries is not None:
            self.units, self.entries = dict(units or {}), dict(entries or {})
        elif self.on_disk:
            self.entries, self.units, self.problem = self._read()

    def _read(self) -> tuple[dict[str, list[str]], dict[str, Any], str | None]:
        """The answers and units of the file, or none and why it was ignored."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, {}, None
        except (OSError, UnicodeDecodeError) as exc:
            return {}, {}, f"cannot be read ({exc})"
        try:
            data = json.loads(text)
        except ValueError as exc:
            return {}, {}, f"is not valid JSON ({exc}): it is damaged"
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else None
            return {}, {}, (f"was written in cache format {found or 'older than 4'}, this "
                            f"lexlux writes format {FORMAT}")
        if data.get("salt") != self.salt:
            return {}, {}, "was written by another version of lexlux or of Z3"
        try:
            answers = {str(k): [str(x) for x in v] for k, v in data["answers"].items()}
            units = {str(k): v for k, v in data["units"].items() if isinstance(v, dict)}
        except (KeyError, AttributeError, TypeError) as exc:
            return {}, {}, f"does not have the expected content ({exc!r}): it is damaged"
        return answers, units, None

    def key(self, constraints: Sequence[tuple[str | None, Any]], goals: Sequence[Any],
            rlimit: int, cores: bool) -> str:
        if not self.on_disk:
            return ""                   # no answers to single queries kept in memory
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
        found = self.entries.get(key) if key else None
        if not found:
            return None
        self.hits += 1
        return found[0], tuple(found[1:])

    def put(self, key: str, status: str, core: tuple[str, ...] = ()) -> None:
        if not key:
            return
        self.entries[key] = self.new[key] = [status, *core]
        self.stored += 1

    def unit(self, key: str) -> dict[str, Any] | None:
        """A unit's stored answer (checks/units.py), or None."""
        found = self.units.get(key)
        if found is not None and key in self.fresh:
            self.units_stored += 1      # run by a worker of this run
        elif found is not None:
            self.unit_hits += 1
        return found

    def put_unit(self, key: str, entry: dict[str, Any]) -> None:
        self.units[key] = self.new_units[key] = entry
        self.units_stored += 1

    def drop_unit(self, key: str) -> None:
        """Forget an entry that did not replay (it is replaced by this run's answer)."""
        self.units.pop(key, None)
        if key in self.fresh:
            self.fresh.discard(key)
            self.units_stored -= 1
        else:
            self.unit_hits -= 1

    def receive(self, sent: dict[str, Any]) -> None:
        """A unit run by a worker of ``--jobs N`` (checks/parallel.py), with the answers to
        single queries it stored."""
        key = str(sent["key"])
        self.units[key] = self.new_units[key] = sent["entry"]
        self.fresh.add(key)
        if self.on_disk:
            self.entries.update(sent["answers"])
            self.new.update(sent["answers"])
        self.run_seconds += float(sent["seconds"])

    def save(self) -> None:
        """Write this run's answers, merged with the file as it is now (another run may
        have saved since this one read it), under an exclusive lock."""
        if not self.on_disk or (not self.new and not self.new_units):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path.with_suffix(".lock")):
            answers, units, _ = self._read()
            answers.update(self.new)
            units.update(self.new_units)
            write_atomically(self.path, json.dumps({"format": FORMAT, "salt": self.salt,
                                                    "answers": answers, "units": units},
                                                   sort_keys=True) + "\n")
        self.new, self.new_units = {}, {}


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
