"""Stage 5 (verify): a process-wide setting held while audits and diffs run, shared by
nested and concurrent runs (the workbench's threads, a run inside another): made when the
first run starts, undone when the last one ends.

Two settings use it: the cycle collector's pause (:mod:`.collector`) and the C heap's
thresholds (:mod:`.heap`).  Each says what it makes and undoes; the counting of the runs
in progress, under a lock, is here once.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class RunSetting:
    """``make`` when the first run starts, ``undo`` when the last one ends."""

    def __init__(self, make: Callable[[], None], undo: Callable[[], None]) -> None:
        self._make, self._undo = make, undo
        self._lock = threading.Lock()
        self.depth = 0              # runs in progress

    @contextmanager
    def held(self) -> Iterator[None]:
        """The setting, for the time of one run."""
        with self._lock:
            if self.depth == 0:
                self._make()
            self.depth += 1
        try:
            yield
        finally:
            with self._lock:
                self.depth -= 1
                if self.depth == 0:
                    self._undo()

    def around(self, function: Callable[P, R]) -> Callable[P, R]:
        """``function`` run inside :meth:`held` (the wrapper names this setting in its
        ``run_setting`` attribute)."""
        @functools.wraps(function)
        def held(*args: P.args, **kwargs: P.kwargs) -> R:
            with self.held():
                return function(*args, **kwargs)
        held.run_setting = self         # type: ignore[attr-defined]
        return held


__all__ = ["RunSetting"]
