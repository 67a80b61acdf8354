"""Stage 5 (verify): the units of an audit shared with worker processes (``verify --jobs N``).

The units (:mod:`.units`: one check about one subject) are meant not to depend on each
other: a unit found in the cache is skipped and its findings rebuilt in its place,
whatever ran before it.  So with ``--jobs N`` the audit is walked by this process and
by ``N - 1`` workers, in the same order, each running the units it *claims* and skipping
the others:

* a claim is a file named by the unit's key in a temporary folder of this run, created
  exclusively (``O_CREAT | O_EXCL``): the first process to reach a unit runs it, the
  others go on to the next one (no unit runs twice, and a slow unit does not hold the
  others back).  The units about timeline outputs (or outputs reading one) are claimed
  together, one group per jurisdiction: the timeline search keeps state between the
  queries of a process (the cases earlier queries found, tried first; the frames of the
  timeline encoding, shared by every timeline output), so they run in one process, in
  the order of a one-process run;
* a worker sends each unit it ran (its cache entry: findings, witness cases, queries) to
  this process as soon as it is done, with its progress lines;
* when this process meets a unit claimed by a worker, its own walk can no longer give the
  findings in order: it goes on running its own claims (skipping the rest), waits for the
  workers, then walks the audit once more, every unit now found among the entries (the
  witnesses replayed by the evaluator, as for any cache hit) — in the order of a run with
  one process, so the order and the summary are those of ``--jobs 1``, and the findings
  too as far as each unit's answer does not depend on what ran before it in its process
  (see below and docs/verification.md: on the bundled rules one timeline query and one
  witness still differ).

The workers start only once this process has spent :data:`START_AFTER` seconds running
units, so a warm run or a run after a small edit never starts them.  A unit a worker
could not deliver (the worker failed or was stopped) is simply run by this process in the
last walk; the failure is a warning.  What is not shared: the slice solvers of
checks/quick.py keep what earlier queries taught them, and the encodings are built once
per process in the order the checks ask for them, which can change whether a query is
decided within its budget and which solve gives a witness (never a proved answer).
Workers are forked where the platform allows it (they inherit the loaded knowledge base
and the cache read from disk), else spawned.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ...compile.model import KnowledgeBase

#: Seconds of units run by this process before the workers are started.
START_AFTER = 1.0


def cpu_count() -> int:
    """The CPUs this process may use (``--jobs 0``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):      # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Settings:
    """What a worker needs to walk the same audit."""

    checks: tuple[str, ...]
    as_of: date | None
    rule: str | None
    rlimit: int | None


@dataclass
class Sharing:
    """The state of a run with ``--jobs N`` (kept on the cache object, read by
    :func:`.units.units`)."""

    jobs: int
    kb: KnowledgeBase
    settings: Settings
    progress: Callable[[str], None] | None = None
    #: "first": this process's first walk; "worker": a worker's walk; "final": the last
    #: walk of this process (every unit a worker ran is among the cache's entries)
    mode: str = "first"
    #: 0 for this process, 1.. for the workers
    owner: int = 0
    #: this process met a unit claimed by a worker: a last walk is needed
    deferred: bool = False
    #: problems of the workers (warnings)
    warnings: list[str] = field(default_factory=list)
    folder: Path | None = None
    _processes: list[Any] = field(default_factory=list)
    _reader: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _received: list[dict[str, Any]] = field(default_factory=list)
    _failed: set[int] = field(default_factory=set)
    _send: Connection | None = None
    _taken: set[str] = field(default_factory=set)
    _timelines: dict[tuple[str, str], bool] = field(default_factory=dict)
    _slices: Any = None

    @property
    def worker(self) -> bool:
        return self.mode == "worker"

    # -- claims ---------------------------------------------------------------------
    def claim(self, jurisdiction: str, reads: Sequence[str], key: str, check: str = ""
              ) -> str:
        """What a unit's process is chosen by: for a unit about a timeline output (or an
        output reading one), the jurisdiction's timeline group, which runs whole in one
        process, in the order of a one-process run (the timeline search keeps state
        between queries: its hints); for the other units of the dead-rule check, the
        jurisdiction's dead-rule group, likewise (a "can apply" replays the witnesses of
        the versions checked before it: checks/can_apply.py); any other unit by itself
        (the first free process runs it)."""
        if not reads or not any(self._timeline(jurisdiction, name) for name in reads):
            if check == "dead":
                return hashlib.sha256(f"dead\0{jurisdiction}".encode()).hexdigest()
            return key
        # one group for every timeline unit of the jurisdiction: the frames of the timeline
        # encoding are shared by all timeline outputs of an audit (a group per set of
        # outputs still left two dead-rule tests undecided on the bundled rules)
        return hashlib.sha256(f"timeline\0{jurisdiction}".encode()).hexdigest()

    def _timeline(self, jurisdiction: str, name: str) -> bool:
        """Whether ``name`` is a timeline output or reads one (its queries go to the
        timeline witness search, checks/timeline_search.py)."""
        known = self._timelines.get((jurisdiction, name))
        if known is None:
            from .slices import Slices
            if self._slices is None:
                self._slices = Slices(self.kb)
            outputs = self.kb.vocabularies[jurisdiction].outputs
            _, _, _, read = self._slices.rules(jurisdiction, [name])
            known = self._timelines[(jurisdiction, name)] = any(
                outputs[o].type.kind == "timeline" for o in read if o in outputs)
        return known

    def take(self, key: str) -> bool:
        """Whether this process runs the unit ``key`` (it claimed it now or before)."""
        if self.folder is None:         # no workers yet: claimed when they start
            self._taken.add(key)
            return True
        path = self.folder / key
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                return path.read_text(encoding="ascii").strip() == str(self.owner)
            except OSError:
                return False
        except OSError:             # the folder is gone (the run is ending): skip it
            return False
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(str(self.owner))
        return True

    # -- this process ---------------------------------------------------------------
    def maybe_start(self, cache: Any) -> None:
        """Start the workers once this process has run units for :data:`START_AFTER` s."""
        if self.mode != "first" or self.folder is not None or self.jobs < 2 \
                or cache.run_seconds < START_AFTER:
            return
        self.folder = Path(tempfile.mkdtemp(prefix="lexlux-units-"))
        for key in sorted(self._taken):     # what this process ran so far stays its own
            (self.folder / key).write_text(str(self.owner), encoding="ascii")
        for stream in (sys.stdout, sys.stderr):   # a forked worker must not write it again
            with contextlib.suppress(Exception):
                stream.flush()
        methods = multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        receivers = []
        for owner in range(1, self.jobs):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_worker, name=f"lexlux-verify-{owner}", daemon=True,
                args=(self.kb, self.settings, owner, self.folder, send,
                      cache.path.parent if cache.on_disk else None, cache.units,
                      cache.entries))
            process.start()
            send.close()
            receivers.append(receive)
            self._processes.append(process)
        self._reader = threading.Thread(target=self._read, args=(receivers,), daemon=True)
        self._reader.start()

    def _read(self, receivers: list[Connection]) -> None:
        """Collect the workers' messages (their progress is shown at once)."""
        owners = {id(r): n for n, r in enumerate(receivers, start=1)}
        open_ = list(receivers)
        while open_ and not self._stop.is_set():
            for ready in wait(open_, timeout=0.2):
                assert isinstance(ready, Connection)
                try:
                    message = ready.recv()
                except (EOFError, OSError):
                    open_.remove(ready)
                    continue
                except Exception as exc:     # a message that cannot be read
                    self.warnings.append(f"worker {owners[id(ready)]}: a message could "
                                         f"not be read ({exc!r})")
                    open_.remove(ready)
                    continue
                kind = message[0]
                if kind == "progress" and self.progress is not None:
                    self.progress(f"[worker {owners[id(ready)]}] {message[1]}")
                elif kind == "unit":
                    self._received.append(message[1])
                elif kind == "error":
                    self._failed.add(owners[id(ready)])
                    self.warnings.append(
                        f"worker {owners[id(ready)]} stopped ({message[1]}); its units "
                        "are run by the main process")

    def finish(self, cache: Any, *, abort: bool = False) -> None:
        """End the workers: with a last walk to come, wait for them and put what they ran
        among the cache's entries; else (or on ``abort``) stop them."""
        wait_for = self.deferred and not abort
        if self._reader is not None:
            if not wait_for:
                self._stop.set()
                for process in self._processes:
                    process.terminate()
            self._reader.join()
        for owner, process in enumerate(self._processes, start=1):
            process.join()
            if wait_for and process.exitcode != 0 and owner not in self._failed:
                self.warnings.append(f"worker {owner} stopped (exit code "
                                     f"{process.exitcode}); its units are run by the main "
                                     "process")
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        if wait_for:
            for entry in self._received:
                cache.receive(entry)
        self._received, self._processes = [], []
        self.mode = "final"


def _worker(kb: KnowledgeBase, settings: Settings, owner: int, folder: Path,
            send: Connection, directory: Path | None, units: dict[str, Any],
            entries: dict[str, list[str]]) -> None:
    """A worker's walk: the units it claims, each sent when done."""
    from ..encoding.cache import QueryCache
    from .rules import check_encodable
    from .run import CHECKS, audits
    try:
        cache = QueryCache(directory, units=units, entries=entries)
        cache.share = Sharing(0, kb, settings, mode="worker", owner=owner, folder=folder,
                              _send=send)
        found = audits(kb, as_of=settings.as_of, rule=settings.rule, rlimit=settings.rlimit,
                       progress=lambda line: _post(send, ("progress", line)))
        checks: Sequence[Callable[..., Any]] = [
            check_encodable, *[CHECKS[name] for name in settings.checks
                               if hasattr(CHECKS[name], "__wrapped__")]]  # with units
        for audit in found:
            audit.cache = cache
            for check in checks:
                for _ in check(audit):
                    pass
    except BaseException as exc:         # reported by the main process, never a traceback
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
        _post(send, ("error", f"{type(exc).__name__}: {exc}{where}"))
        send.close()
        os._exit(1)
    send.close()


def _post(send: Connection, message: tuple[Any, ...]) -> None:
    with contextlib.suppress(OSError, ValueError):
        send.send(message)


def sent(share: Sharing, cache: Any, key: str, entry: dict[str, Any]) -> None:
    """A worker's unit, sent to the main process as soon as it is stored, with the answers
    to single queries it stored (kept in the cache file by the main process)."""
    if share._send is not None:
        answers, cache.new = cache.new, {}
        _post(share._send, ("unit", {"key": key, "entry": entry, "answers": answers,
                                     "seconds": cache.run_seconds}))
        cache.run_seconds = 0.0


