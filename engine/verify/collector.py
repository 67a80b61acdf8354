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

import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from .run_setting import RunSetting

P = ParamSpec("P")
R = TypeVar("R")

_was_enabled = [False]      # the collector's state before the first run


def _pause() -> None:
    """Collect once, then pause the collector."""
    _was_enabled[0] = gc.isenabled()
    gc.collect()
    gc.disable()


def _resume() -> None:
    if _was_enabled[0]:
        gc.enable()


_SETTING = RunSetting(_pause, _resume)
#: Collect once, then pause the cycle collector until the outermost run ends.
collector_paused = _SETTING.held


def pausing_collector(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run inside :func:`collector_paused`."""
    return _SETTING.around(function)


__all__ = ["collector_paused", "pausing_collector"]
