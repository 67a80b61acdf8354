"""Stage 5 (verify): Python's cycle collector paused while an audit or a diff builds Z3 terms,
so that the terms' ids do not depend on when the collector happens to run.

Why: Z3 gives the id of a freed term to the next term built, and ``z3.simplify`` (which
orders arguments by id) and the solver's search depend on ids, so a term freed at another
moment can change a later query's text, whether a budgeted check is decided and which
model (witness) comes out.  Most terms are freed by reference counting, at points fixed
by the code.  Some are held only by reference cycles — an expression scope, its encoder
and its closures (``encode.LawEncoding._scope``), the month values' ``_Kept``, encodings
dropped with their outputs — and those are freed when the collector runs, a moment that
depends on every allocation of the process (a change anywhere in the Python code, a
caller's own objects, another collector setting).  Measured on main at stop 17: the ids of
``z3.simplify``'s results in ``lexlux verify`` differed between the default collector
and a disabled one (tests/verify/test_term_ids_collector.py).

What: :func:`collector_paused` around a run (:func:`.checks.run.run_audit`,
:func:`.checks.run.run_diff`, ``lexlux audit``): one collection first (what earlier work
left in cycles is freed there, at a fixed point), then no collection until the run ends;
terms held by cycles live until then, as long as the run that built them.  The forked
workers of ``--jobs N`` inherit the pause.  Nested and concurrent runs (the workbench's
threads) share one pause: the collector runs again when the last run ends, if it was
running before the first.

Chosen over breaking the cycles one by one: the cycles are in several places (above) and
new ones would come back unseen, while one pause covers them all; and it keeps the terms
of the checks exactly as before (the bundled diffs and the verify are byte-identical: the
collector freed those terms only between checks, never a term a later check is built
from).  Cost measured (docs/verification.md, stop 18): peak memory within noise (the
cycles are a few tens of thousands of objects), and less CPU (no collector passes over
the terms during the run).
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_depth = 0                  # runs inside the pause
_was_enabled = False        # the collector's state before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Collect once, then pause the cycle collector until the outermost run ends."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.collect()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def pausing_collector(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run inside :func:`collector_paused`."""
    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)
    return paused


__all__ = ["collector_paused", "pausing_collector"]
