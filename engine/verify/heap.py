"""Stage 5 (verify): the C heap keeps the memory that Z3 contexts free while an audit or a
diff runs, so that the next context is built in memory already mapped.

Why: a Z3 context touches about 16 MB when it is made (its managers and tables), and the
checks make many: a diff of one boundary makes about 120 (a fresh context per solve, one
per slice solver, one per region summary).  With glibc's default settings, memory freed
at the top of the heap beyond a threshold is given back to the operating system, and a
freed block above the mmap threshold is unmapped at once, so most new contexts fault
their pages in again and have them zeroed by the kernel: measured at stop 19 on
``lexlux diff --from 2018-12-31 --to 2019-01-01``, about 200,000 page faults and 0.7 s of
system time, the contexts alone 0.8 s of CPU (13 ms for a context made in fresh memory,
2 ms in memory freed by the one before).

What: :func:`heap_kept` around a run (:func:`.checks.run.run_audit`,
:func:`.checks.run.run_diff`) raises glibc's trim threshold to :data:`TRIM_THRESHOLD` and
its mmap threshold to :data:`MMAP_THRESHOLD`, so freed memory stays in the
heap for the next allocation.  When the outermost run ends, the heap is trimmed
(``malloc_trim``) and the trim threshold comes down to :data:`AFTER_TRIM_THRESHOLD`, the
value glibc's own dynamic threshold reaches once a large block has been freed (twice the
mmap threshold), so a long-lived process (the workbench) keeps between runs what glibc
would keep (``mallopt`` turns the dynamic thresholds off for good, so they are set).
Both settings are needed: the trim threshold alone turns off glibc's dynamic mmap
threshold, and every table of 128 KiB or more is then mapped and unmapped each time
(measured: 480,000 faults).  Nested and
concurrent runs share one setting, as :mod:`.collector` shares its pause.  The forked
workers of ``--jobs N`` inherit it.

What it does not change: what Z3 is sent and answers.  Each context's terms, ids and
searches are its own; only where its memory comes from changes (the bundled diffs and the
verify JSON are byte-identical).  On a C library other than glibc (no ``mallopt``) it does
nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from .run_setting import RunSetting

P = ParamSpec("P")
R = TypeVar("R")

#: glibc's ``mallopt`` parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Freed memory kept at the top of the heap during a run: enough for the contexts a diff
#: holds at once (the slice solvers of the outputs in progress, a solve's contexts).
TRIM_THRESHOLD = 512 * 1024 * 1024
#: Blocks at least this large are mapped apart (the ceiling of glibc's dynamic threshold
#: on 64-bit systems; Z3's tables are smaller, so they come from the heap).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: The trim threshold after the outermost run (the mmap threshold stays).
AFTER_TRIM_THRESHOLD = 2 * MMAP_THRESHOLD

def _libc() -> Any | None:
    """The C library, if it has ``mallopt`` and ``malloc_trim`` (glibc): looked up among
    the symbols the process has loaded already (``dlopen(NULL)``), the C library of the
    interpreter itself.  Not ``ctypes.util.find_library``, which imports ``subprocess``
    and runs ``ldconfig -p`` (20 ms of every ``lexlux diff`` and ``verify``)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


_LIBC = _libc()


def _set(trim: int, mmap: int) -> bool:
    """Set both thresholds; False when there is no ``mallopt`` or it refused a value."""
    if _LIBC is None:
        return False
    return bool(_LIBC.mallopt(M_MMAP_THRESHOLD, mmap)) and \
        bool(_LIBC.mallopt(M_TRIM_THRESHOLD, trim))


def _keep() -> None:
    _set(TRIM_THRESHOLD, MMAP_THRESHOLD)


def _give_back() -> None:
    if _LIBC is not None:
        _set(AFTER_TRIM_THRESHOLD, MMAP_THRESHOLD)
        _LIBC.malloc_trim(0)


_SETTING = RunSetting(_keep, _give_back)
#: Keep freed memory in the heap until the outermost run ends.
heap_kept = _SETTING.held


def keeping_heap(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run inside :func:`heap_kept`."""
    return _SETTING.around(function)


__all__ = ["heap_kept", "keeping_heap"]
