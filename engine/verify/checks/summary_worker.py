"""Stage 5 (verify): the region summaries of ``lexlux diff`` worked out by a second process.

The fact ranges of a diff's regions (:mod:`.region_bounds`) are 30-50 % of the CPU of the
slow boundaries, and nothing the diff does afterwards reads them: an output's summaries run
in order on that output's :class:`.region_bounds.RegionSolver`, a Z3 context of its own,
and give detail lines of its findings, read only by the report.  So while the main process
goes on with the next outputs, a forked child works out the summaries of the outputs done,
and the main process puts their lines into the findings before the results are used.

Why the JSON is that of one process.  A summary is split (:func:`.region_bounds.summary_of`)
into the terms it builds in the encodings' context — the query's constraints, the horizon
and plausibility bounds — built where they always were, in the main process, and the summary
proper, which translates those terms into the region solver's context and searches there.
That context starts empty for each output, its terms are built only by the output's
summaries, in their order, and the terms it reads from the encodings' context are alive
(held by the summaries) and unchanged: so a summary's searches, and its lines, are the same
whenever and wherever it runs.  What the summary proper builds in the encodings' context
(the terms of a bound, ``term <= m``, translated into the solver's; a witness's pinned
values) are built by the child, not the main process — temporary terms that the
one-process run frees right away: the main process's later queries are asked of the same
terms; the bundled diffs (the references of docs/verification.md, stop 21) are
byte-identical either way.

How.  :func:`background` (``lexlux diff`` without ``--jobs`` or ``--cache``, on a machine
with fork and at least two CPUs: ``cli/verify.py``) opens a queue; each region's summary
is queued (:func:`summary`) instead of run; at the end of each output's diff
(:func:`output_done`) its summaries form a batch.  At most one child runs at a time: when
the last one is done and :data:`FORK_MIN` summaries wait, they go to a new child, at once
(so the main process never waits for one during the diff: on two cores both are busy, and
a third process would only share them; fewer summaries do not pay for a fork).  When the
diff ends, the main process runs in itself the batches no child has taken — while the last
child finishes — then takes the children's lines (a file each, pickled strings).  A child
that fails (its exit code, or no file) is a warning, and its batches run in the main
process: never a line missing or made up.  The child inherits the pause of the cycle
collector (:mod:`..collector`): it is forked inside the diff's run.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: The summaries waiting that make it worth a child: a fork costs both processes the
#: copies of the pages either writes afterwards (measured on 2015-12-31 -> 2016-01-01: about
#: 40 ms of system time in the main process and 90 ms in the child per fork), more than a
#: summary's 20-90 ms; fewer wait for the next output or the end of the diff.
FORK_MIN = 10

#: One summary: the detail lines it gives, and where they go (the finding's ``details``
#: and the position they take there).
Job = tuple[Callable[[], list[str]], list[str], int]


def available() -> bool:
    """A second process can work out the summaries: fork exists and this process may use
    at least two CPUs (with one, a child would only take turns with the main process)."""
    from .parallel import cpu_count
    return "fork" in multiprocessing.get_all_start_methods() and cpu_count() >= 2


@dataclass
class _Child:
    pid: int
    path: Path
    batches: list[list[Job]]


@dataclass
class Queue:
    """The summaries of a diff that runs with a second process (:func:`background`)."""

    #: the summaries of the output being worked out
    current: list[Job] = field(default_factory=list)
    #: the outputs' batches waiting for a child
    waiting: list[list[Job]] = field(default_factory=list)
    child: _Child | None = None
    done: list[_Child] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    folder: Path | None = None
    forks: int = 0
    #: False: each output's batch runs here at its end, in order (the same searches, only
    #: later: the tests check that the lines are the same)
    fork_children: bool = True

    def add(self, job: Job) -> None:
        self.current.append(job)

    def output_done(self) -> None:
        """The output's summaries form a batch; a child takes the batches waiting when
        no other runs."""
        if self.current:
            self.waiting.append(self.current)
            self.current = []
        if not self.fork_children:
            _run_here(self.waiting)
            return
        if self.child is not None and _finished(self.child.pid):
            self.done.append(self.child)
            self.child = None
        if self.child is None and sum(map(len, self.waiting)) >= FORK_MIN:
            self.fork()

    def fork(self) -> None:
        batches, self.waiting = self.waiting, []
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="lexlux-summaries-"))
        self.forks += 1
        path = self.folder / f"lines-{self.forks}.pickle"
        try:
            pid = os.fork()
        except OSError as exc:
            self.warnings.append(f"region summaries: no second process ({exc}); they were "
                                 "worked out by the main process")
            _run_here(batches)
            return
        if pid == 0:                    # the child: never returns
            _child(batches, path)
        self.child = _Child(pid, path, batches)

    def settle(self) -> None:
        """Every summary's lines in its finding: the batches no child took run here (while
        the last child finishes), then the children's lines are read."""
        if self.current:
            self.waiting.append(self.current)
            self.current = []
        _run_here(self.waiting)
        children = [*self.done, *([self.child] if self.child is not None else [])]
        self.done, self.child = [], None
        for child in children:
            self.take(child)
        self._remove_folder()

    def abandon(self) -> None:
        """The diff stopped (an error): its children are stopped, nothing is run."""
        for child in [*self.done, *([self.child] if self.child is not None else [])]:
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
        self.done, self.child, self.waiting, self.current = [], None, [], []
        self._remove_folder()

    def _remove_folder(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def take(self, child: _Child) -> None:
        """A child's lines into their findings; its batches run here if it failed."""
        _, status = os.waitpid(child.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        found: list[list[list[str]]] | None = None
        why = f"exit code {code}"
        if code == 0:
            try:
                found = pickle.loads(child.path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError) as exc:
                why = f"its lines could not be read: {exc}"
        elif (error := child.path.with_suffix(".error")).exists():
            why = error.read_text(encoding="utf-8")
        if found is None or [len(b) for b in found] != [len(b) for b in child.batches]:
            self.warnings.append(f"region summaries: the second process stopped ({why}); "
                                 "its summaries were worked out by the main process")
            _run_here(child.batches)
            return
        for batch, lines in zip(child.batches, found, strict=True):
            for (_, details, at), got in zip(batch, lines, strict=True):
                _place(details, at, got)


_QUEUE: list[Queue] = []
#: The queue of the last diff with summaries in the background (read by the tests).
LAST: Queue | None = None


@contextlib.contextmanager
def background(warnings: list[str], enabled: bool = True, *, fork: bool = True
               ) -> Iterator[None]:
    """The region summaries of the diff run inside worked out by a second process (see the
    module); ``warnings``: where a child's failure is reported.  Not ``enabled``: here, each
    when its region is found; not ``fork``: here, at the end of each output."""
    if not enabled or _QUEUE:
        yield
        return
    global LAST
    queue = LAST = Queue(fork_children=fork)
    _QUEUE.append(queue)
    try:
        yield
    except BaseException:
        _QUEUE.remove(queue)
        queue.abandon()
        raise
    _QUEUE.remove(queue)
    queue.settle()
    warnings += queue.warnings


def queued() -> bool:
    """Inside :func:`background`: a region's summary goes to :func:`summary`."""
    return bool(_QUEUE)


def summary(details: list[str], lines: Callable[[], list[str]]) -> None:
    """The lines of a region's summary (``lines``) at the end of ``details``: now, or
    (inside :func:`background`) when the diff ends, at the place they have now."""
    if _QUEUE:
        _QUEUE[-1].add((lines, details, len(details)))
    else:
        details += lines()


def output_done() -> None:
    """The end of an output's diff (its summaries are a batch of their own)."""
    if _QUEUE:
        _QUEUE[-1].output_done()


def _place(details: list[str], at: int, lines: list[str]) -> None:
    details[at:at] = lines


def _run_here(batches: list[list[Job]]) -> None:
    """The batches' lines, here; each output's solver freed after its summaries (as
    :func:`_child`), ``batches`` emptied."""
    while batches:
        batch = batches.pop(0)
        for lines, details, at in batch:
            _place(details, at, lines())
        del batch


def child_started() -> None:
    """Called by a child before its summaries (a test plants a failure here)."""


def _child(batches: list[list[Job]], path: Path) -> None:
    """A child: the batches' lines, pickled to ``path``; never returns."""
    code = 0
    try:
        _QUEUE.clear()
        child_started()
        found: list[list[list[str]]] = []
        while batches:
            # an output's summaries, then its solver freed with them (as in one process,
            # at the end of its output): held to the end, the solvers of a child's
            # outputs took 15 MB a summary, each page a fault (2015-12-31 -> 2016-01-01)
            batch = batches.pop(0)
            found.append([lines() for lines, _, _ in batch])
            del batch
        part = path.with_suffix(".part")
        part.write_bytes(pickle.dumps(found))
        part.rename(path)
    except BaseException as exc:        # reported by the main process, never a traceback
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
        with contextlib.suppress(OSError):
            path.with_suffix(".error").write_text(f"{type(exc).__name__}: {exc}{where}",
                                                  encoding="utf-8")
        code = 1
    os._exit(code)


def _finished(pid: int) -> bool:
    """The child has ended (it is not reaped: :meth:`Queue.take` does)."""
    try:
        result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return result is not None


__all__ = ["Queue", "available", "background", "child_started", "output_done", "queued",
           "summary"]
