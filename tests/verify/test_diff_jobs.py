"""``lexlux diff --jobs N`` (checks/diff_jobs.py): the outputs' diffs run ahead by N
processes, each kept only when what it read of the pool of witnesses replays on the pool
of a one-process run; the JSON is that of ``--jobs 1``, a failing worker is a warning and
its units are run by the main process, and a bad number of processes is a usage error."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lexlux.cli import run
from lexlux.evaluate.case import Case
from lexlux.verify.checks import diff_jobs
from lexlux.verify.checks.diff_jobs import RecordingPool, mismatch, replays
from lexlux.verify.checks.diff_pool import Pool
from lexlux.verify.checks.run import run_diff

from conftest import KB

FIRST, SECOND = date(2018, 12, 31), date(2019, 1, 1)
#: outputs of the bundled rules whose diffs replay each other's witnesses (the limit of
#: 52 weeks of CSS art. 14 and the outputs reading it), with readings: a few seconds
OUTPUTS = ("sickness_benefit_exhausted_from", "sickness_benefit_limit_exceeded_on_day",
           "contract_ends_automatically_on")
#: the small knowledge base (a limit of 364 counted days raised to 546), one region each
SMALL = ("--rules", str(KB / "diff" / "rules"), "--max-regions", "1")


def diff(*extra: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", FIRST.isoformat(), "--to", SECOND.isoformat(),
                "--format", "json", *extra], out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def on_bundled(*extra: str) -> tuple[int, dict[str, Any], str]:
    return diff(*[a for name in OUTPUTS for a in ("--output", name)], *extra)


@pytest.fixture(scope="module")
def one() -> dict[str, Any]:
    """The JSON of ``--jobs 1`` (strictly one process) on :data:`OUTPUTS`."""
    code, found, _ = on_bundled("--jobs", "1")
    assert code == 1
    return found


def test_two_processes_give_the_json_of_one_on_the_bundled_rules(one: dict[str, Any]
                                                                 ) -> None:
    assert len(one["outputs"]) == 6       # with the readings' results
    assert {o.get("reading") for o in one["outputs"]} > {None}
    code, two, err = on_bundled("--jobs", "2")
    assert code == 1 and two == one and "stopped" not in err
    state = diff_jobs.LAST
    assert state is not None and len(state.log) == 6
    # every result is either a unit kept after its reads replayed, or run by this process
    assert {outcome.split(" ")[0] for _, outcome, _, _ in state.log} <= {
        "kept", "redone", "run"}


def test_two_processes_give_the_json_of_one_on_a_small_knowledge_base() -> None:
    code, small, _ = diff(*SMALL, "--jobs", "1")
    assert code == 1 and [o["status"] for o in small["outputs"]].count("differ") == 2
    code, two, err = diff(*SMALL, "--jobs", "2")
    assert code == 1 and two == small and "stopped" not in err


def _raises(*_: Any) -> None:
    raise RuntimeError("a planted failure")


def _exits(*_: Any) -> None:
    os._exit(9)


@pytest.mark.parametrize(("failure", "warning"), [
    (_raises, "worker 1 stopped (RuntimeError: a planted failure"),
    (_exits, "worker 1 stopped (exit code 9)")])
def test_a_failing_worker_is_a_warning_and_its_units_run_here(
        one: dict[str, Any], monkeypatch: pytest.MonkeyPatch, failure: Any, warning: str
        ) -> None:
    monkeypatch.setattr(diff_jobs, "worker_done", failure)   # after the worker's 1st unit
    code, two, err = on_bundled("--jobs", "2")
    assert code == 1 and two == one
    assert warning in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_bad_number_of_jobs_is_a_usage_error(tmp_path: Path, value: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--rules", str(tmp_path), "--from", "2019-01-01", "--to",
                "2020-01-01", "--jobs", value], out, err)
    assert code == 2 and "--jobs" in err.getvalue()


def test_witness_files_are_written_for_the_results_kept(tmp_path: Path) -> None:
    diff(*SMALL, "--witness-dir", str(tmp_path / "one"))
    diff(*SMALL, "--witness-dir", str(tmp_path / "two"), "--jobs", "2")
    written = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert written and written == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in written:
        assert (tmp_path / "one" / name).read_text(encoding="utf-8") == \
            (tmp_path / "two" / name).read_text(encoding="utf-8")


def test_the_reads_of_a_pool_replay_only_on_a_pool_that_gives_the_same(bundled: Any
                                                                      ) -> None:
    """A unit's reads of its pool (regions replayed, seeds, cases added) are checked
    against another pool: a case there that shows a region the unit did not see, or a
    case it added that is already there, is a mismatch."""
    kb = bundled.kb
    name = "sickness_benefit_exhausted_from"
    report = run_diff(kb, FIRST, SECOND, outputs=[name], max_regions=1)
    witness = next(f.facts for f in report.results[0].findings if f.facts)
    empty = Pool(kb, "lu", FIRST, SECOND)
    recording = RecordingPool(empty)
    uses = set(witness)
    assert list(recording.regions(name, uses)) == []
    assert recording.seeds({name}, uses, []) == []
    recording.add(witness, name)
    assert recording.cases[0].facts == witness
    assert [e[0] for e in recording.events] == ["regions", "seeds", "add", "cases"]
    assert replays(empty, recording.events)
    other = Pool(kb, "lu", FIRST, SECOND)
    other.add(witness, "contract_ends_automatically_on")
    assert mismatch(other, recording.events) == "regions"    # it shows a region first
    assert len(other.cases) == 1                              # not changed
    added = [e for e in recording.events if e[0] == "add"]
    assert mismatch(other, added) == "add"                   # already in the pool
    shown = Case("x", "lu", SECOND, dict(witness))
    assert [c.facts for c in other.seeds({"contract_ends_automatically_on"}, uses, [])] \
        == [witness] and other.seeds({"contract_ends_automatically_on"}, uses, [shown]) \
        == []
