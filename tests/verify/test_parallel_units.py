"""verify --jobs N: the units of the audit run in worker processes; the findings, the JSON
(order included) and the summary are those of --jobs 1, with or without --cache; a
worker that fails is a warning and its units are run by the main process; the cache
written by a parallel run replays and is invalidated by an edit as one written by one
process.

The workers start only after a second of units (``START_AFTER``): set to 0 here, and the
main process declines every other unit, so that the workers always run some.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from lexlux.cli import run
from lexlux.verify.checks import parallel
from lexlux.verify.encoding.cache import QueryCache
from test_planted import CASES, assemble, load_case

ERRORS = ["e11-opposition-drifts-from-appeal", "e24-guide-more-than-25",
          "e28-impossible-condition"]


@pytest.fixture
def sharing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Workers from the first unit; the main process leaves every other unit to them.
    Returns the keys the main process received from the workers."""
    monkeypatch.setattr(parallel, "START_AFTER", 0.0)
    take = parallel.Sharing.take
    seen: list[str] = []

    def declining(self: parallel.Sharing, key: str) -> bool:
        if self.owner == 0 and self.folder is not None:
            seen.append(key)
            if len(seen) % 2 == 0 and not (self.folder / key).exists():
                return False         # left to a worker (which claims it)
        return take(self, key)
    monkeypatch.setattr(parallel.Sharing, "take", declining)
    received: list[str] = []
    receive = QueryCache.receive

    def counting(self: QueryCache, sent: dict[str, Any]) -> None:
        received.append(str(sent["key"]))
        receive(self, sent)
    monkeypatch.setattr(QueryCache, "receive", counting)
    return received


def verify(rules: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", "--rules", str(rules), "--format", "json", *extra], out, err)
    data = json.loads(out.getvalue())
    data["summary"].pop("seconds", None)
    data["summary"].get("units", {}).pop("run_seconds", None)
    return code, data, err.getvalue()


def planted(name: str, into: Path) -> Path:
    [path] = [p for p in CASES if p.stem == name]
    return assemble(load_case(path), into)


def _unfiled(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**f, "witness": f["witness"] and {**f["witness"], "file": None}}
            for f in findings]


@pytest.mark.parametrize("name", ERRORS)
def test_two_processes_give_the_json_of_one(tmp_path: Path, sharing: list[str],
                                            name: str) -> None:
    rules = planted(name, tmp_path)
    code1, one, _ = verify(rules, "--witness-dir", str(tmp_path / "w1"))
    code2, two, err = verify(rules, "--jobs", "2", "--witness-dir", str(tmp_path / "w2"))
    assert sharing, "the workers ran no unit"
    assert code1 == code2 == 1 and one["findings"]
    assert _unfiled(two["findings"]) == _unfiled(one["findings"])
    assert two["summary"] == one["summary"] and "stopped" not in err
    files = sorted(p.name for p in (tmp_path / "w1").iterdir())
    assert files and files == sorted(p.name for p in (tmp_path / "w2").iterdir())


def test_with_a_cache_the_same_json_and_the_entries_replay_and_invalidate(
        tmp_path: Path, sharing: list[str]) -> None:
    rules = planted("e11-opposition-drifts-from-appeal", tmp_path)
    _, one, _ = verify(rules, "--cache", str(tmp_path / "c1"))
    _, two, _ = verify(rules, "--cache", str(tmp_path / "c2"), "--jobs", "2")
    assert sharing and two == one and one["summary"]["units"]["from_cache"] == 0
    # the parallel run's cache: warm, every unit found and replayed
    _, warm, _ = verify(rules, "--cache", str(tmp_path / "c2"))
    assert warm["summary"]["units"]["run"] == 0
    assert warm["findings"] == one["findings"]
    # an edit: the same units run again as after a one-process run
    target = rules / "lu" / "code_du_travail" / "L551-2" / "p1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "headcount >= threshold", "headcount > threshold"), encoding="utf-8")
    _, edited_one, _ = verify(rules, "--cache", str(tmp_path / "c1"))
    _, edited_two, _ = verify(rules, "--cache", str(tmp_path / "c2"), "--jobs", "2")
    assert edited_one == edited_two
    assert 0 < edited_one["summary"]["units"]["run"] < one["summary"]["units"]["run"]


def test_a_failing_worker_is_a_warning_and_its_units_run_here(
        tmp_path: Path, sharing: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rules = planted("e24-guide-more-than-25", tmp_path)
    _, one, _ = verify(rules)

    def broken(*_: Any) -> None:
        raise RuntimeError("a planted failure")
    monkeypatch.setattr(parallel, "sent", broken)
    code, two, err = verify(rules, "--jobs", "2")
    assert code == 1 and two == one
    assert "worker 1 stopped (RuntimeError: a planted failure" in err
    assert "Traceback" not in err

    def killed(*_: Any) -> None:
        os._exit(9)
    monkeypatch.setattr(parallel, "sent", killed)
    code, three, err = verify(rules, "--jobs", "2")
    assert code == 1 and three == one
    assert "worker 1 stopped (exit code 9)" in err


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_bad_number_of_jobs_is_a_usage_error(tmp_path: Path, value: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", "--rules", str(tmp_path), "--jobs", value], out, err)
    assert code == 2 and "--jobs" in err.getvalue()



def test_the_units_about_timeline_outputs_are_claimed_together(bundled: Any) -> None:
    """The timeline search keeps state between the queries of a process, so every unit
    about a timeline output (or an output reading one) goes to one process; any other
    unit is claimed by itself."""
    kb = bundled.kb
    share = parallel.Sharing(2, kb, parallel.Settings((), None, None, None))
    outputs = kb.vocabularies["lu"].outputs
    timeline = sorted(n for n, e in outputs.items() if e.type.kind == "timeline")
    assert len(timeline) >= 2
    claims = {share.claim("lu", [name], f"unit {name}") for name in timeline}
    assert len(claims) == 1 and not claims & {f"unit {n}" for n in timeline}
    plain = [n for n in sorted(outputs) if not share._timeline("lu", n)]
    assert plain and all(share.claim("lu", [n], f"unit {n}") == f"unit {n}" for n in plain)
    assert share.claim("lu", [], "an invariant") == "an invariant"


def test_the_dead_rule_units_are_claimed_together(bundled: Any) -> None:
    """A "can apply" replays the witnesses of the versions checked before it
    (checks/can_apply.py), so the dead-rule units of a jurisdiction go to one process, in
    the order of a one-process run; the other checks' units are claimed by themselves."""
    share = parallel.Sharing(2, bundled.kb, parallel.Settings((), None, None, None))
    plain = [n for n in sorted(bundled.kb.vocabularies["lu"].outputs)
             if not share._timeline("lu", n)][:5]
    dead = {share.claim("lu", [n], f"dead {n}", "dead") for n in plain}
    assert len(dead) == 1 and not dead & {f"dead {n}" for n in plain}
    assert share.claim("be", [], "dead be", "dead") not in dead
    assert all(share.claim("lu", [n], f"gaps {n}", "gaps") == f"gaps {n}" for n in plain)


def _units_seen(audit: Any) -> int:
    """Run the dead-rule check; how many units it ran, each checked to start with slice
    solvers that have answered nothing yet."""
    from lexlux.verify.checks import rules as rules_module
    from lexlux.verify.checks.rules import check_dead
    from lexlux.verify.checks.units import units
    seen: list[int] = []

    def recording(audit: Any, *args: Any, **kwargs: Any) -> Any:
        for item in units(audit, *args, **kwargs):
            seen.append(1)
            assert audit._slices.decided == 0     # nothing from an earlier unit
            yield item
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules_module, "units", recording)
        list(check_dead(audit))
    return len(seen)


def test_each_unit_starts_with_fresh_slice_solvers(tmp_path: Path) -> None:
    """What a slice solver (checks/quick.py) learnt from the queries of one unit is not
    carried into the next unit, with or without a cache (so a unit's answer does not depend
    on the units run before it in its process)."""
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks.context import Audit
    kb = load_knowledge_base([planted("e28-impossible-condition", tmp_path)]).kb
    assert _units_seen(Audit(kb, "lu")) > 3
    assert _units_seen(Audit(kb, "lu", cache=QueryCache(None))) > 3
