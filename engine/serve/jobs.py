"""Long requests as jobs: created by a POST, run on one background thread, polled with
``GET /api/v1/jobs/{id}`` (progress, then the result), cancelled with ``DELETE``.

The number of jobs kept is bounded (``max_jobs``): a new job when that many are still
queued or running is refused (LX804, HTTP 429); finished jobs beyond the bound are
forgotten oldest first.  Jobs run one at a time, so a population never takes more than
one core from the evaluations served beside it.  A job's work function receives a
:class:`JobControl` and calls ``control.advance(done)``, which raises :class:`CancelledError`
once the job was cancelled (the work stops at its next step).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import error
from .operations import RequestError


class CancelledError(Exception):
    """The job was cancelled; raised at the work's next step."""


@dataclass
class Job:
    id: str
    kind: str
    total: int | None
    state: str = "queued"             # queued | running | done | failed | cancelled
    done: int = 0
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: dict[str, Any] | None = None
    cancel_requested: bool = False

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "state": self.state,
            "progress": {"done": self.done, "total": self.total,
                         "fraction": (round(self.done / self.total, 4)
                                      if self.total else None)},
            "seconds": round((self.finished or time.time()) - (self.started or self.created),
                             3) if self.started else 0.0}
        if self.state == "done":
            out["result"] = self.result
        if self.error is not None:
            out["error"] = self.error
        return out


class JobControl:
    """What a job's work sees of it: report progress, learn that it was cancelled."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def advance(self, done: int) -> None:
        self._job.done = done
        if self._job.cancel_requested:
            raise CancelledError


class Jobs:
    """The jobs of one server."""

    def __init__(self, max_jobs: int = 4) -> None:
        self.max_jobs = max_jobs
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lexlux-job")

    def submit(self, kind: str, total: int | None,
               work: Callable[[JobControl], Any]) -> Job:
        """Queue ``work``; LX804 (429) when ``max_jobs`` jobs are still queued or running."""
        with self._lock:
            active = sum(j.active for j in self._jobs.values())
            if active >= self.max_jobs:
                raise RequestError(429, [error(
                    "LX804", f"{active} jobs are already queued or running (the server "
                             f"keeps at most {self.max_jobs})",
                    hint="wait for one to finish (GET /api/v1/jobs/{id}) or cancel one "
                         "(DELETE /api/v1/jobs/{id})")])
            job = Job(f"job-{next(self._ids)}", kind, total)
            self._jobs[job.id] = job
            self._forget_finished()
        self._pool.submit(self._run, job, work)
        return job

    def _forget_finished(self) -> None:
        while len(self._jobs) > self.max_jobs * 4:
            oldest = next((k for k, j in self._jobs.items() if not j.active), None)
            if oldest is None:
                return
            del self._jobs[oldest]

    def _run(self, job: Job, work: Callable[[JobControl], Any]) -> None:
        if job.cancel_requested:
            job.state, job.finished = "cancelled", time.time()
            return
        job.state, job.started = "running", time.time()
        try:
            job.result = work(JobControl(job))
            job.state = "done"
        except CancelledError:
            job.state = "cancelled"
        except RequestError as exc:
            job.state, job.error = "failed", exc.to_json()
        except Exception as exc:   # a job's failure is reported, not raised
            job.state = "failed"
            job.error = {"error": "LX900", "diagnostics": [
                {"code": "LX900", "severity": "error",
                 "message": f"internal error in the job: {type(exc).__name__}: {exc}"}]}
        finally:
            job.finished = time.time()

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise RequestError(404, [error("LX805", f"no job {job_id!r}",
                                           hint="jobs are forgotten when the server stops "
                                                "or after later jobs; GET /api/v1/jobs "
                                                "lists those kept")])
        return job

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.active:
            job.cancel_requested = True
            if job.state == "queued":
                job.state = "cancelled"
        return job

    def all(self) -> list[Job]:
        return list(self._jobs.values())

    def wait(self, job_id: str, timeout: float = 30.0) -> Job:
        """Block until the job has finished (for tests and the MCP tools)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job.active and time.monotonic() < deadline:
            time.sleep(0.02)
        return job

    def shutdown(self) -> None:
        for job in self._jobs.values():
            job.cancel_requested = True
        self._pool.shutdown(wait=False, cancel_futures=True)
