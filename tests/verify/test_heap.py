"""verify/heap.py: glibc keeps the memory freed during a run (both thresholds set on the
outermost run's entry, the trim threshold lowered and the heap trimmed on its exit; nested
runs share one setting), and the runs of the audit and of the diff are inside it."""

from __future__ import annotations

import ctypes.util
import sys

import pytest
from lexlux.verify import heap
from lexlux.verify.checks import run


def _recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []

    def record(trim: int, mmap: int) -> bool:
        calls.append((trim, mmap))
        return True
    monkeypatch.setattr(heap, "_set", record)
    return calls


def test_the_outermost_run_sets_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _recorded(monkeypatch)
    with heap.heap_kept():
        assert calls == [(heap.TRIM_THRESHOLD, heap.MMAP_THRESHOLD)]
        with heap.heap_kept():                   # nested: shares the setting
            pass
        assert calls == [(heap.TRIM_THRESHOLD, heap.MMAP_THRESHOLD)]
    if heap._LIBC is not None:
        assert calls[1:] == [(heap.AFTER_TRIM_THRESHOLD, heap.MMAP_THRESHOLD)]
    assert heap._SETTING.depth == 0


def test_an_error_in_the_run_still_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _recorded(monkeypatch)
    with pytest.raises(RuntimeError), heap.heap_kept():
        raise RuntimeError("a check failed")
    assert heap._SETTING.depth == 0
    if heap._LIBC is not None:
        assert calls[-1] == (heap.AFTER_TRIM_THRESHOLD, heap.MMAP_THRESHOLD)


@pytest.mark.skipif(not sys.platform.startswith("linux") or ctypes.util.find_library("c")
                    is None, reason="glibc's mallopt")
def test_glibc_accepts_the_values() -> None:
    # mallopt answers 0 for a value it refuses: the settings would then be glibc's own
    if heap._LIBC is None:
        pytest.skip("no mallopt (not glibc)")
    assert heap._set(heap.TRIM_THRESHOLD, heap.MMAP_THRESHOLD)
    assert heap._set(heap.AFTER_TRIM_THRESHOLD, heap.MMAP_THRESHOLD)


def test_the_runs_keep_the_heap() -> None:
    for function in (run.run_audit, run.run_diff):
        inner = function
        settings = []
        while hasattr(inner, "__wrapped__"):
            settings.append(getattr(inner, "run_setting", None))
            inner = inner.__wrapped__
        assert heap._SETTING in settings, function.__name__
