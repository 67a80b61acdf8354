"""The process's entry point (the ``lexlux`` script, ``python -m lexlux``): :func:`.main.main`,
then the process ends without the interpreter's teardown.

Why: at exit, CPython frees every object still alive one by one — the knowledge base, the
evaluator's memos, the Z3 terms of an audit or a diff (each freed through Z3's reference
counting) — which the operating system would reclaim at once with the process.  Measured
at stop 19 on ``lexlux diff --from 2018-12-31 --to 2019-01-01``: 0.31-0.35 s of CPU after
the JSON was written, about 3 % of the whole process.

What: :func:`console` runs :func:`.main.main` (which always ends in ``SystemExit`` with the
exit code), flushes stdout and stderr, runs the ``atexit`` handlers (temporary files,
logging, ``multiprocessing``'s clean-up: what a normal exit runs before its teardown), then
ends the process with that exit code (``os._exit``).  It falls back to the normal exit
when that is not safe to skip: another thread is still running (a normal exit waits for
it), the exit code is no number (``sys.exit("message")``), or a stream cannot be flushed
(the reader went away).  :func:`.main.main` itself is unchanged, for programs that call
it in-process (profilers, benchmarks) and go on after its ``SystemExit``.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

from .main import main


def console() -> None:
    """:func:`.main.main`, then exit without tearing down the interpreter's objects."""
    try:
        main()
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
        if not isinstance(code, int) or threading.active_count() > 1:
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            raise exc from None           # as a normal exit would handle it
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass                          # the reader went away after the output
        os._exit(code)


__all__ = ["console"]
