"""cli/entry.py: the process ends with main()'s exit code and every byte of its output,
after the atexit handlers, without the interpreter's teardown; with another thread alive,
or an exit code that is no number, it exits normally."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest
from lexlux.cli import entry

SCRIPT = """
import atexit, sys
atexit.register(lambda: print("atexit ran", file=sys.stderr))
sys.argv = ["lexlux", *sys.argv[1:]]
from lexlux.cli.entry import console
console()
"""


class _ExitedError(Exception):
    pass


def _exits(monkeypatch: pytest.MonkeyPatch, code: Any) -> list[int]:
    codes: list[int] = []

    def fake_exit(value: int) -> None:
        codes.append(value)
        raise _ExitedError
    monkeypatch.setattr(entry.os, "_exit", fake_exit)

    def fake_main() -> None:
        sys.exit(code)
    monkeypatch.setattr(entry, "main", fake_main)
    monkeypatch.setattr(entry.atexit, "_run_exitfuncs", lambda: None)
    # threads left by other tests (servers, the LSP) would take the normal exit
    monkeypatch.setattr(entry.threading, "active_count", lambda: 1)
    return codes


@pytest.mark.parametrize("code, expected", [(0, 0), (1, 1), (None, 0)])
def test_the_exit_code_is_main_s(monkeypatch: pytest.MonkeyPatch, code: Any,
                                 expected: int) -> None:
    codes = _exits(monkeypatch, code)
    with pytest.raises(_ExitedError):
        entry.console()
    assert codes == [expected]


def test_a_message_exits_normally(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = _exits(monkeypatch, "a message")
    with pytest.raises(SystemExit) as exc:
        entry.console()
    assert exc.value.code == "a message" and not codes


def test_another_thread_alive_exits_normally(monkeypatch: pytest.MonkeyPatch) -> None:
    real = threading.active_count
    codes = _exits(monkeypatch, 0)
    monkeypatch.setattr(entry.threading, "active_count", real)
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        with pytest.raises(SystemExit):
            entry.console()
    finally:
        done.set()
        thread.join()
    assert not codes


def test_a_whole_process_keeps_its_output_and_atexit() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, "schema", "rule"],
                          capture_output=True, text=True, timeout=120)
    normal = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'lexlux'; "
                             "from lexlux.cli.main import main; main()", "schema", "rule"],
                            capture_output=True, text=True, timeout=120)
    assert done.returncode == normal.returncode == 0
    assert done.stdout == normal.stdout and len(done.stdout) > 1000
    assert "atexit ran" in done.stderr
    bad = subprocess.run([sys.executable, "-c", SCRIPT, "diff", "--from", "2018-12-31",
                          "--to", "2019-01-01", "--output", "no_such_output"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "LX404" in bad.stdout + bad.stderr
