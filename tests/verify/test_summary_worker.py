"""The region summaries of ``lexlux diff`` worked out by a second process
(checks/summary_worker.py): the JSON is that of one process (``--jobs 1``), the lines go
into their findings at their place, and a child that fails is a warning, its summaries
worked out by the main process."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from datetime import date
from typing import Any

import pytest
from lexlux.cli import run
from lexlux.verify.checks import summary_worker

from conftest import KB

FIRST, SECOND = date(2018, 12, 31), date(2019, 1, 1)
#: the small knowledge base of test_diff_jobs.py (a limit of 364 counted days raised to
#: 546), two regions an output
SMALL = ("--rules", str(KB / "diff" / "rules"), "--max-regions", "2")

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="a second process is forked")


def diff(*extra: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", FIRST.isoformat(), "--to", SECOND.isoformat(),
                "--format", "json", *SMALL, *extra], out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def summaries(found: dict[str, Any]) -> list[str]:
    return [line for o in found["outputs"] for f in o.get("findings", [])
            for line in f.get("details", []) if line.startswith("region")]


@pytest.fixture(scope="module")
def one() -> dict[str, Any]:
    """The JSON of ``--jobs 1`` (one process): with summaries to work out."""
    code, found, _ = diff("--jobs", "1")
    assert code == 1 and summaries(found)
    return found


@pytest.fixture
def forks_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child for every output's summaries, on any machine that has fork."""
    monkeypatch.setattr(summary_worker, "FORK_MIN", 1)
    monkeypatch.setattr(summary_worker, "available", lambda: True)


@pytest.mark.usefixtures("forks_at_once")
def test_the_summaries_of_a_second_process_give_the_json_of_one(one: dict[str, Any]
                                                                ) -> None:
    code, two, err = diff()
    assert summary_worker.LAST is not None and summary_worker.LAST.forks >= 1
    assert code == 1 and two == one and "region summaries" not in err


def test_one_process_with_jobs_1(one: dict[str, Any], monkeypatch: pytest.MonkeyPatch
                                 ) -> None:
    summary_worker.LAST = None
    monkeypatch.setattr(summary_worker, "FORK_MIN", 1)
    code, found, _ = diff("--jobs", "1")
    assert code == 1 and found == one and summary_worker.LAST is None


def _raises() -> None:
    raise RuntimeError("a planted failure")


def _exits() -> None:
    os._exit(9)


@pytest.mark.usefixtures("forks_at_once")
@pytest.mark.parametrize(("failure", "warning"), [
    (_raises, "the second process stopped (RuntimeError: a planted failure"),
    (_exits, "the second process stopped (exit code 9)")])
def test_a_failing_child_is_a_warning_and_its_summaries_run_here(
        one: dict[str, Any], monkeypatch: pytest.MonkeyPatch, failure: Any, warning: str
        ) -> None:
    monkeypatch.setattr(summary_worker, "child_started", failure)
    code, two, err = diff()
    assert code == 1 and two == one
    assert warning in err and "Traceback" not in err


def test_lines_go_to_their_place_in_the_details() -> None:
    first, second = ["a", "b"], ["c"]
    queue = summary_worker.Queue(fork_children=False)
    queue.add((lambda: ["x", "y"], first, 1))
    queue.add((lambda: ["z"], second, 1))
    queue.output_done()
    assert first == ["a", "x", "y", "b"] and second == ["c", "z"]
