"""Stage 5 (verify): ``lexlux diff --jobs N``, the diff's outputs worked out by N processes.

A diff works out its outputs one by one, in the order of their dependencies
(:func:`.diff_pool.dependency_order`), then each other reading (:mod:`.reading_diff`).  Each
output's diff (:func:`.versions._diff_output`, here a *unit*) reads what the outputs before
it left behind: the pool of their witnesses (:class:`.diff_pool.Pool`: replayed first as
regions, completed as seeds, read whole by the timeline search's narrow attempts).  So the
units are not independent, and this module runs them *speculatively*, then checks each
against what a one-process run would have given it:

* a first pass over the diff (the same loop, :func:`.versions.diff_versions`, with each
  unit only noted) lists the units in the order of a one-process run, with what each
  waits for: the units of the outputs it reads (for a unit under another reading, every
  unit of the default reading, whose pool it starts from); a unit of the timeline search
  (a timeline output or one reading one), every unit before it — so that it reads the
  whole pool of a one-process run, and the timeline units are run together, in order, by
  one process (the timeline search keeps state between its queries, as for ``verify
  --jobs``: :mod:`.parallel`);
* this process and ``N - 1`` forked workers then take units (a claim is a file created
  exclusively in a temporary folder of this run; the timeline units are claimed as one),
  the first unit in order whose units waited for are done.  Each runs it on a pool rebuilt
  from the units done so far, in their order, and writes down every read of the pool
  (:class:`RecordingPool`: the regions replayed, the seeds returned, the cases read, the
  cases added) and the unit's result;
* this process then walks the diff again, in order, with the pool of a one-process run.
  For each unit it replays the reads written down against that pool: when each read gives
  what it gave, the unit read exactly what a one-process run would have given it, and its
  result is taken (its cases added to the pool); otherwise (or when its worker failed) this
  process runs the unit itself, there and then.  A unit run after a timeline unit so
  redone is redone too (the timeline search's state).

So the pool each result rests on is that of ``--jobs 1``.  What is not shared: the Z3 terms
(built per process in another order: ``z3.simplify`` orders by term id, which can change the
text of a narrow query) and the slice solvers (:mod:`.quick`) keep per-process histories,
which can change whether a query is decided within its budget and which model gives a
witness: on the bundled diff 2016-01-01 -> 2020-01-01 the witnesses of ``monthly_payer``
(a timeline output) differed in three runs of nine at stop 16, its statuses, regions and
fingerprints never (at stop 18, with the collector paused during a run:
:mod:`..collector`, none of 21 runs differed); on
2018-12-31 -> 2019-01-01 the JSON is that of ``--jobs 1`` (benchmarks/diff_jobs.py,
docs/verification.md).  A worker that fails is a warning and its units are run here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ...evaluate.case import Case
from ...evaluate.interpreter import OutputResult
from .context import Audit
from .diff_pool import Pool
from .versions import DiffResult, _diff_output, diff_versions

if TYPE_CHECKING:
    from .diff_cache import DiffCache

T = TypeVar("T")

#: The claim of every unit of the timeline search (one process runs them, in order).
TIMELINE = "timeline"
#: The state of the last run in this process (its ``log``: benchmarks/diff_jobs.py).
LAST: Run | None = None
#: How long a process waits between two looks at the units done (seconds).
POLL = 0.01
#: How long the units done may be taken as unchanged while the folder's time is (seconds).
RESCAN = 0.1


class RecordingPool(Pool):
    """A copy of a pool that writes down every read and every addition (:attr:`events`),
    to be replayed against another pool (:func:`replays`)."""

    def __init__(self, base: Pool) -> None:
        self._quiet = 1
        self.events: list[tuple[Any, ...]] = []
        super().__init__(base.kb, base.jurisdiction, base.first, base.second,
                         reading=base.reading)
        self._cases: list[Case] = list(base.cases)
        self._found: list[str] = list(base.found_for)
        self._quiet = 0

    # the cases read directly (the timeline search's narrow attempts read them whole)
    @property
    def cases(self) -> list[Case]:
        self._read()
        return self._cases

    @cases.setter
    def cases(self, value: list[Case]) -> None:
        self._cases = value

    @property
    def found_for(self) -> list[str]:
        self._read()
        return self._found

    @found_for.setter
    def found_for(self, value: list[str]) -> None:
        self._found = value

    def _read(self) -> None:
        if self._quiet:
            return
        event = ("cases", _snapshot(self._cases, self._found))
        if not self.events or self.events[-1] != event:
            self.events.append(event)

    def fact_sets(self, outputs: set[str], uses: set[str], read: Callable[[], T]) -> T:
        """``read()``, a read of the whole pool that depends only on which of its cases
        give which of the facts ``uses``, and whether each was found for one of
        ``outputs`` (:func:`.timeline_diff._seed_facts`): written down as those, not as
        the whole pool."""
        self.events.append(("fact_sets", set(outputs), set(uses),
                            _fact_sets(self._cases, self._found, outputs, uses)))
        self._quiet += 1
        try:
            return read()
        finally:
            self._quiet -= 1

    def add(self, facts: dict[str, Any], output: str) -> None:
        before = len(self._cases)
        self._quiet += 1
        try:
            super().add(facts, output)
        finally:
            self._quiet -= 1
        self.events.append(("add", dict(facts), output, len(self._cases) > before))

    def seeds(self, outputs: set[str], facts: set[str], skip: list[Case]  # type: ignore[override]
              ) -> list[Case]:
        self._quiet += 1
        try:
            found = super().seeds(outputs, facts, skip)
        finally:
            self._quiet -= 1
        self.events.append(("seeds", set(outputs), set(facts),
                            [dict(c.facts) for c in skip], [dict(c.facts) for c in found]))
        return found

    def regions(self, name: str, facts: set[str]
                ) -> Iterator[tuple[Case, OutputResult, OutputResult]]:
        pulled: list[dict[str, Any]] = []
        end = [False]
        self.events.append(("regions", name, set(facts), pulled, end))
        inner = super().regions(name, facts)
        while True:
            self._quiet += 1
            try:
                item = next(inner)
            except StopIteration:
                end[0] = True
                return
            finally:
                self._quiet -= 1
            pulled.append(dict(item[0].facts))
            yield item


def _snapshot(cases: list[Case], found: list[str]) -> list[tuple[str, dict[str, Any]]]:
    return [(output, dict(case.facts)) for case, output in zip(cases, found, strict=True)]


def _fact_sets(cases: list[Case], found: list[str], outputs: set[str], uses: set[str]
               ) -> set[tuple[bool, frozenset[str]]]:
    return {(output in outputs, frozenset(case.facts.keys() & uses))
            for case, output in zip(cases, found, strict=True)}


def replays(pool: Pool, events: list[tuple[Any, ...]]) -> bool:
    """Whether each read of ``events`` gives on ``pool`` what it gave when it was written
    down (tried on a copy: ``pool`` is not changed)."""
    return mismatch(pool, events) is None


def mismatch(pool: Pool, events: list[tuple[Any, ...]]) -> str | None:
    """The first read of ``events`` that gives something else on ``pool`` (its kind), or
    None when each gives what it gave (tried on a copy: ``pool`` is not changed)."""
    trial = Pool(pool.kb, pool.jurisdiction, pool.first, pool.second, reading=pool.reading)
    trial.cases, trial.found_for = list(pool.cases), list(pool.found_for)
    for event in events:
        kind = event[0]
        if kind == "regions":
            _, name, facts, pulled, end = event
            found = trial.regions(name, facts)
            for expected in pulled:
                item = next(found, None)
                if item is None or item[0].facts != expected:
                    return str(kind)
            if end[0] and next(found, None) is not None:
                return str(kind)
        elif kind == "seeds":
            _, outputs, facts, skip, got = event
            shown = [Case("shown", pool.jurisdiction, pool.as_of, dict(f)) for f in skip]
            if [c.facts for c in trial.seeds(outputs, facts, shown)] != got:
                return str(kind)
        elif kind == "fact_sets":
            _, outputs, uses, expected = event
            if _fact_sets(trial.cases, trial.found_for, outputs, uses) != expected:
                return str(kind)
        elif kind == "cases":
            if _snapshot(trial.cases, trial.found_for) != event[1]:
                return str(kind)
        elif kind == "add":
            _, facts, output, added = event
            before = len(trial.cases)
            trial.add(facts, output)
            if (len(trial.cases) > before) != added:
                return str(kind)
    return None


def apply_additions(pool: Pool, events: list[tuple[Any, ...]]) -> None:
    """Add to ``pool`` the cases a unit added, in its order."""
    for event in events:
        if event[0] == "add":
            pool.add(event[1], event[2])


def run_recorded(audit: Audit, one: Any, two: Any, name: str, first: date, second: date,
                 pool: Pool, show_horizon: bool, reading: str | None
                 ) -> tuple[DiffResult, RecordingPool]:
    """One output's diff (:func:`.versions._diff_output`) on a recording copy of ``pool``
    (``pool`` itself is not changed): its result, and the copy with every read and
    addition written down (``diff --jobs N`` and ``diff --cache``: :mod:`.diff_cache`)."""
    recording = RecordingPool(pool)
    from . import timeline_diff
    seed_facts = getattr(timeline_diff, "_seed_facts", None)
    if seed_facts is not None:      # its read of the pool, written down as fact sets
        def recorded(*args: Any, **options: Any) -> Any:
            """(audit, one, two, name, pool, outputs, uses); called otherwise, its
            reads of the pool are written down whole (the cases read)."""
            assert seed_facts is not None
            if len(args) == 7 and not options and isinstance(args[4], RecordingPool) \
                    and isinstance(args[5], set) and isinstance(args[6], set):
                return args[4].fact_sets(args[5], args[6],
                                         lambda: seed_facts(*args))
            return seed_facts(*args, **options)
        timeline_diff._seed_facts = recorded
    try:
        result = _diff_output(audit, one, two, name, first, second, recording,
                              show_horizon, reading=reading)
    finally:
        if seed_facts is not None:
            timeline_diff._seed_facts = seed_facts
    return result, recording


@dataclass
class Unit:
    """One output's diff (under ``reading``), as the diff's loop asks for it."""

    index: int
    name: str
    reading: str | None
    timeline: bool
    #: the units whose cases it waits for
    after: tuple[int, ...]
    #: the arguments of the diff's loop (the encodings, the dates, show_horizon)
    args: tuple[Any, ...]
    #: the settings the diff's loop gives the audit (audit.quick_rlimit, .first_round,
    #: .quick_unsat_rlimit)
    settings: tuple[Any, ...]
    #: its key in the cache of ``diff --cache`` (:mod:`.diff_cache`), if any
    key: str | None = None

    @property
    def claim(self) -> str:
        return TIMELINE if self.timeline else f"u{self.index}"


@dataclass
class Run:
    """The state of one audit's diff with ``--jobs N``."""

    audit: Audit
    jobs: int
    #: ``diff --cache``: a unit found there is done before any process starts (its stored
    #: reads of the pool stand for it), and taken by the last walk if they replay
    cache: DiffCache | None = None
    units: list[Unit] = field(default_factory=list)
    folder: Path | None = None
    owner: int = 0
    warnings: list[str] = field(default_factory=list)
    _done: dict[int, dict[str, Any]] = field(default_factory=dict)
    _stamps: dict[int, float] = field(default_factory=dict)
    _seen: int = -1                     # the folder's mtime at the last look
    _scanned: float = 0.0
    _processes: list[Any] = field(default_factory=list)
    _next: int = 0                      # the unit the last walk is at
    _slices: Any = None
    _holders: dict[str, int] = field(default_factory=dict)
    _redone_timeline: bool = False      # a timeline unit was redone here: redo the rest
    #: what became of each unit in the last walk: (unit, "kept" | "run here" | "redone",
    #: the process that ran the result kept, its CPU seconds) — benchmarks/diff_jobs.py
    log: list[tuple[str, str, int, float]] = field(default_factory=list)

    # -- the first pass: the units, in order --------------------------------------------
    def note(self, audit: Audit, one: Any, two: Any, name: str, first: date, second: date,
             pool: Pool, show_horizon: bool, reading: str | None = None) -> DiffResult:
        """In place of a unit, during the first pass: note it (nothing is solved)."""
        timeline, read = self.reads(name)
        index = len(self.units)
        # the units of the outputs it reads (under its reading or the default one); a
        # timeline unit, or a unit under another reading, also every unit whose cases are
        # in its pool (under the default reading, those before it: a timeline unit's narrow
        # attempts read the whole pool, and a unit under another reading replays many of
        # them) and every timeline unit before it (they run in order); what it reads of
        # the units it does not wait for is checked by the last walk
        whole = timeline or reading is not None
        after = tuple(u.index for u in self.units if
                      (u.name in read and u.reading in (None, reading))
                      or (whole and u.reading is None)
                      or (timeline and (u.timeline or u.reading == reading)))
        key = None if self.cache is None else self.cache.key(audit, name, first, second,
                                                             show_horizon, reading)
        self.units.append(Unit(index, name, reading, timeline, after,
                               (one, two, first, second, show_horizon),
                               (audit.quick_rlimit, dict(audit.first_round),
                                audit.quick_unsat_rlimit), key))
        entry = None if key is None or self.cache is None else \
            self.cache.store.units.get(key)
        if entry is not None and self.cache is not None:
            try:
                events = [self.cache._unevent(audit.jurisdiction, e) for e in entry["events"]]
            except Exception:               # a damaged entry: the unit runs
                return DiffResult(name, "same", reading=reading)
            self._done[index] = {"result": None, "events": events, "owner": -1,
                                 "seconds": 0.0, "entry": entry}
        return DiffResult(name, "same", reading=reading)

    def reads(self, name: str) -> tuple[bool, set[str]]:
        """Whether ``name`` is a timeline output or reads one (its diff goes to the
        timeline search), and the outputs it reads (from the rules: no Z3 term built)."""
        from .slices import Slices
        if self._slices is None:
            self._slices = Slices(self.audit.kb)
        _, _, _, read = self._slices.rules(self.audit.jurisdiction, [name])
        outputs = self.audit.kb.vocabularies[self.audit.jurisdiction].outputs
        timeline = any(outputs[o].type.kind == "timeline" for o in read | {name}
                       if o in outputs)
        return timeline, read - {name}

    # -- claims and results ----------------------------------------------------------
    def take(self, key: str) -> bool:
        """Whether this process runs the units of the claim ``key`` (now or before)."""
        assert self.folder is not None
        if key in self._holders:
            return self._holders[key] == self.owner
        # the claim appears with its owner written in it: a hard link to a written file
        # fails if the claim exists (no reader sees a claim without its owner)
        written = self.folder / f"tmp-claim-{self.owner}"
        try:
            written.write_text(str(self.owner), encoding="ascii")
            os.link(written, self.folder / f"claim-{key}")
        except FileExistsError:
            return self.holder(key) == self.owner
        except OSError:
            return False
        finally:
            with contextlib.suppress(OSError):
                written.unlink()
        self._holders[key] = self.owner
        return True

    def holder(self, key: str) -> int | None:
        """The process that claimed ``key`` (None: free); a claim never changes."""
        assert self.folder is not None
        known = self._holders.get(key)
        if known is None:
            try:
                known = int((self.folder / f"claim-{key}").read_text(encoding="ascii"))
            except (OSError, ValueError):
                return None
            self._holders[key] = known
        return known

    def done(self) -> dict[int, dict[str, Any]]:
        """The units done so far (read again when their file changed)."""
        assert self.folder is not None
        # nothing written since the last look (the folder's time is coarse: a full look
        # at least every RESCAN seconds all the same)
        with contextlib.suppress(OSError):
            stamp, now = self.folder.stat().st_mtime_ns, time.monotonic()
            if stamp == self._seen and now - self._scanned < RESCAN:
                return self._done
            self._seen, self._scanned = stamp, now
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not entry.name.startswith("done-"):
                    continue
                index = int(entry.name.removeprefix("done-"))
                with contextlib.suppress(OSError):
                    stamp = entry.stat().st_mtime_ns
                    if self._stamps.get(index) != stamp:
                        self._done[index] = pickle.loads(Path(entry.path).read_bytes())
                        self._stamps[index] = stamp
        return self._done

    def deliver(self, unit: Unit, result: DiffResult, events: list[tuple[Any, ...]],
                seconds: float) -> None:
        """Write a unit's result and the reads of its pool (read by every process)."""
        assert self.folder is not None
        record = {"result": result, "events": events, "owner": self.owner,
                  "seconds": seconds, "end": time.time()}
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        temporary = self.folder / f"tmp-{self.owner}-{unit.index}"
        temporary.write_bytes(data)
        temporary.replace(self.folder / f"done-{unit.index}")
        self._done[unit.index] = record
        with contextlib.suppress(OSError):
            self._stamps[unit.index] = (self.folder / f"done-{unit.index}").stat().st_mtime_ns

    # -- the units run ahead ---------------------------------------------------------
    def step(self) -> bool | None:
        """Run a unit that is free (or this process's) and whose units waited for are
        done: True if one ran, False if none is ready yet, None if none is left to take."""
        done = self.done()
        left = False
        # this process takes the first unit in order (its walk is at the front); a worker
        # the last one that is ready, away from the front, where it is least often waited
        # for (the units still ahead are mostly worked out by then)
        for unit in (reversed(self.units) if self.owner else self.units):
            if unit.index in done or unit.index < self._next:
                continue
            holder = self.holder(unit.claim)
            if holder is not None and holder != self.owner:
                continue
            left = True
            if all(i in done for i in unit.after) and self.take(unit.claim):
                self.run(unit, self.pool_for(unit))
                return True
        return False if left else None

    def pool_for(self, unit: Unit) -> Pool:
        """The pool of a one-process run before ``unit``, as far as the units done so far
        tell (rebuilt from their additions, in order)."""
        audit, first, second = self.audit, unit.args[2], unit.args[3]
        default = Pool(audit.kb, audit.jurisdiction, first, second)
        for other in self.units:
            if other.reading is None and other.index in self._done and (
                    unit.reading is not None or other.index < unit.index):
                apply_additions(default, self._done[other.index]["events"])
        if unit.reading is None:
            return default
        pool = Pool(audit.kb, audit.jurisdiction, first, second, reading=unit.reading)
        pool.cases, pool.found_for = list(default.cases), list(default.found_for)
        for other in self.units[:unit.index]:
            if other.reading == unit.reading and other.index in self._done:
                apply_additions(pool, self._done[other.index]["events"])
        return pool

    def run(self, unit: Unit, pool: Pool) -> tuple[DiffResult, RecordingPool]:
        """Run ``unit`` on a recording copy of ``pool`` and deliver it."""
        audit = self.audit
        one, two, first, second, show_horizon = unit.args
        saved = audit.quick_rlimit, audit.first_round, audit.witness_dir
        unsat_saved = audit.quick_unsat_rlimit
        audit.quick_rlimit, audit.first_round = unit.settings[0], dict(unit.settings[1])
        audit.quick_unsat_rlimit = unit.settings[2]
        audit.witness_dir = None            # written by the last walk, for what it keeps
        started = time.process_time()
        try:
            result, recording = run_recorded(audit, one, two, unit.name, first, second, pool,
                                             show_horizon, unit.reading)
        finally:
            audit.quick_rlimit, audit.first_round, audit.witness_dir = saved
            audit.quick_unsat_rlimit = unsat_saved
        self.deliver(unit, result, recording.events, time.process_time() - started)
        if self.owner:
            worker_done(unit)
        return result, recording

    # -- the last walk (this process) --------------------------------------------------
    def walk(self, audit: Audit, one: Any, two: Any, name: str, first: date, second: date,
             pool: Pool, show_horizon: bool, reading: str | None = None) -> DiffResult:
        """In place of a unit, during the last walk: the result of a one-process run's
        pool (a unit run ahead whose reads replay on ``pool``, else run here)."""
        unit = self.units[self._next]
        assert (unit.name, unit.reading) == (name, reading), "the same loop, the same units"
        self._next += 1
        record = self.wait_for(unit)
        if record is not None and "entry" in record and self.cache is not None:
            taken, stale = self.cache.taken(audit, record["entry"], pool, name, first,
                                            second, reading)
            if taken is not None:
                apply_additions(pool, taken[1])
                self.cache.hits += 1
                self.cache.log.append((_label(unit), "from the cache"))
                self.log.append((_label(unit), "from the cache", -1, 0.0))
                return taken[0]
            self.cache.stale[stale] = self.cache.stale.get(stale, 0) + 1
            record = None                   # run here
        why = "not run" if record is None else "after a timeline unit redone" if (
            unit.timeline and self._redone_timeline) else mismatch(pool, record["events"])
        if why is None:
            assert record is not None
            apply_additions(pool, record["events"])
            self.log.append((_label(unit), "kept", record["owner"], record["seconds"]))
            result: DiffResult = record["result"]
            _write_witnesses(audit, result)
            self.stored(unit, result, record["events"])
            return result
        if unit.timeline and self.holder(TIMELINE) != self.owner:
            self._redone_timeline = True    # another process ran the timeline units before
        result, recording = self.run(unit, pool)
        self.log.append((_label(unit), "run here" if record is None else f"redone ({why})", 0,
                         self._done[unit.index]["seconds"]))
        pool.cases, pool.found_for = list(recording._cases), list(recording._found)
        _write_witnesses(audit, result)
        self.stored(unit, result, recording.events)
        return result

    def stored(self, unit: Unit, result: DiffResult, events: list[tuple[Any, ...]]) -> None:
        """``diff --cache``: keep a unit's result taken by the last walk (run, not found)."""
        if self.cache is not None:
            self.cache.ran += 1
            self.cache.log.append((_label(unit), "run"))
            if unit.key is not None:
                self.cache.put(self.audit, unit.key, result, events)

    def wait_for(self, unit: Unit) -> dict[str, Any] | None:
        """The record of ``unit`` once it is done, or None when no other process will do
        it (free, or its process stopped); meanwhile, run units ahead."""
        while True:
            done = self.done()
            if unit.index in done:
                return done[unit.index]
            holder = self.holder(unit.claim)
            if holder is None and self.take(unit.claim):
                return None
            holder = self.holder(unit.claim)
            if holder == self.owner or holder is None or not self.alive(holder):
                self.done()
                return self._done.get(unit.index)
            if not self.step():
                time.sleep(POLL)

    # -- the workers --------------------------------------------------------------------
    def start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="lexlux-diff-"))
        methods = multiprocessing.get_all_start_methods()
        if "fork" not in methods:       # the units hold Z3 terms: only a fork shares them
            self.warnings.append("--jobs: no fork on this platform; the diff runs in one "
                                 "process")
            return
        context: Any = multiprocessing.get_context("fork")
        for owner in range(1, self.jobs):
            process = context.Process(target=_worker, args=(self, owner), daemon=True,
                                      name=f"lexlux-diff-{owner}")
            process.start()
            self._processes.append(process)

    def alive(self, owner: int) -> bool:
        return 0 < owner <= len(self._processes) and self._processes[owner - 1].is_alive()

    def finish(self) -> None:
        """Stop the workers (every unit is done) and report those that failed."""
        failed = [n for n, p in enumerate(self._processes, start=1)
                  if not p.is_alive() and p.exitcode != 0]
        for process in self._processes:     # what they run now is no longer needed
            if process.is_alive():
                process.terminate()
            process.join()
        for owner, process in enumerate(self._processes, start=1):
            if owner in failed and self.folder is not None:
                failure = self.folder / f"error-{owner}"
                why = failure.read_text(encoding="utf-8") if failure.exists() else \
                    f"exit code {process.exitcode}"
                self.warnings.append(f"worker {owner} stopped ({why}); its units were run "
                                     "by the main process")
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def worker_done(unit: Unit) -> None:
    """Called by a worker after each unit it delivered (a test plants a failure here)."""


def _worker(state: Run, owner: int) -> None:
    """A worker: take units until none is left (or this run stops)."""
    state.owner = owner
    state.audit.progress = lambda _: None
    parent = os.getppid()
    assert state.folder is not None
    try:
        while os.getppid() == parent:
            ran = state.step()
            if ran is None:
                break
            if not ran:
                time.sleep(POLL)
    except BaseException as exc:        # reported by the main process, never a traceback
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
        with contextlib.suppress(OSError):
            (state.folder / f"error-{owner}").write_text(
                f"{type(exc).__name__}: {exc}{where}", encoding="utf-8")
        os._exit(1)
    os._exit(0)


def _label(unit: Unit) -> str:
    return unit.name + (f" [{unit.reading}]" if unit.reading else "")


def _write_witnesses(audit: Audit, result: DiffResult) -> None:
    """Write the witness cases of a result run with no witness folder (``--witness-dir``)."""
    if audit.witness_dir is None:
        return
    from ...output import write_atomically
    for finding in result.findings:
        if finding.witness_yaml is not None and finding.witness_path is None:
            path = audit.witness_dir / f"{finding.fingerprint}.case.yaml"
            write_atomically(path, finding.witness_yaml, argument="--witness-dir")
            finding.witness_path = path


def diff_in_processes(audit: Audit, first: date, second: date, names: list[str], *,
                      show_horizon: bool, jobs: int, warnings: list[str],
                      cache: DiffCache | None = None) -> list[DiffResult]:
    """The results of :func:`.versions.diff_versions` (with the readings) for ``names``,
    worked out by ``jobs`` processes; the workers' problems are added to ``warnings``.
    ``cache``: the units of ``diff --cache`` (:mod:`.diff_cache`)."""
    global LAST
    state = LAST = Run(audit, jobs, cache)
    list(diff_versions(audit, first, second, names, show_horizon=show_horizon,
                       readings=True, run=state.note))
    if len(state.units) < 2 or all(u.index in state._done for u in state.units[1:]):
        # one unit, or none but the first to run: no worker would have anything to do
        return list(diff_versions(audit, first, second, names, show_horizon=show_horizon,
                                  readings=True, run=None if cache is None else cache.run))
    try:
        state.start()
        return list(diff_versions(audit, first, second, names, show_horizon=show_horizon,
                                  readings=True, run=state.walk))
    finally:
        state.finish()
        warnings += state.warnings


__all__ = ["RecordingPool", "Run", "diff_in_processes", "replays", "run_recorded"]
