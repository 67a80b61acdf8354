"""``lexlux diff --cache DIR`` (checks/diff_cache.py): each output's diff is kept under a
key computed before encoding (the content of the rules it reads, the dates, the options);
on a hit its reads of the pool of witnesses are replayed against this run's pool and its
witnesses by the evaluator, and only then is its result taken.

On the small knowledge base of tests/verify/kb/diff: ``exhausted_from`` (rule R1, the
limit parameter) and ``contract_ends_on`` (R2, reading ``exhausted_from``, whose witness
it replays from the pool) are units; ``reclassification_duty`` (R3) is the same law on both
dates (no unit).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lexlux import api
from lexlux.cli import run

from conftest import KB

FIRST, SECOND = "2018-12-31", "2019-01-01"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the small knowledge base (edited by some tests)."""
    into = tmp_path / "rules"
    shutil.copytree(KB / "diff" / "rules", into)
    return into


def diff(rules: Path, *extra: str, fmt: str = "json") -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", FIRST, "--to", SECOND, "--rules", str(rules),
                "--max-regions", "1", "--format", fmt, *extra], out, err)
    text = out.getvalue()
    return code, json.loads(text) if fmt == "json" else text, err.getvalue()


def without_cache(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "cache"}


def no_files(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the witness files' paths (a run with ``--witness-dir``)."""
    return {**data, "outputs": [
        {**o, "findings": [{**f, "witness": {**f["witness"], "file": None}}
                           if f["witness"] else f for f in o["findings"]]}
        for o in data["outputs"]]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entries(cache: Path) -> dict[str, Any]:
    data = json.loads((cache / "verify-unsat.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data["units"].items() if "result" in v}


def test_a_warm_run_takes_every_unit_and_gives_the_json_of_a_cold_run(
        rules: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, plain, _ = diff(rules)
    assert code == 1 and "cache" not in plain
    code, cold, err = diff(rules, "--cache", str(cache))
    assert code == 1 and not err
    assert cold["cache"] == {"from_cache": 0, "run": 2, "stale": {}}
    assert without_cache(cold) == plain            # a unit that runs runs as without
    code, warm, err = diff(rules, "--cache", str(cache), "--witness-dir",
                           str(tmp_path / "w"))
    assert code == 1 and not err
    assert warm["cache"] == {"from_cache": 2, "run": 0, "stale": {}}
    assert no_files(without_cache(warm)) == plain
    # the witnesses were replayed and written again under --witness-dir
    witnessed = [f for o in warm["outputs"] for f in o["findings"] if f["witness"]]
    assert witnessed and all(f["replay"].endswith("— confirmed") for f in witnessed)
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == sorted(
        f"{f['fingerprint']}.case.yaml" for f in witnessed)
    for f in witnessed:
        assert f["witness"]["yaml"] == next(
            g for o in plain["outputs"] for g in o["findings"]
            if g["fingerprint"] == f["fingerprint"])["witness"]["yaml"]


def test_the_same_json_without_witness_files(rules: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, cold, _ = diff(rules, "--cache", str(cache))
    _, warm, _ = diff(rules, "--cache", str(cache))
    assert warm["cache"]["from_cache"] == 2
    assert without_cache(warm) == without_cache(cold)


def test_an_edit_of_a_rule_an_output_reads_runs_that_output_again(
        rules: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    diff(rules, "--cache", str(cache))
    edit(rules / "lu" / "code_du_travail" / "R2.yaml", "value: eve(exhausted_from)",
         "value: exhausted_from")
    _, edited, _ = diff(rules, "--cache", str(cache))
    # R2 is read by contract_ends_on only: exhausted_from comes from the cache
    assert edited["cache"] == {"from_cache": 1, "run": 1, "stale": {}}
    _, plain, _ = diff(rules)
    assert without_cache(edited) == plain
    # the limit parameter is read by both
    edit(rules / "lu" / "parameters" / "limits.yaml", "value: 546", "value: 547")
    _, again, _ = diff(rules, "--cache", str(cache))
    assert again["cache"] == {"from_cache": 0, "run": 2, "stale": {}}


def test_an_edit_of_a_rule_no_unit_reads_misses_nothing(rules: Path, tmp_path: Path
                                                       ) -> None:
    cache = tmp_path / "cache"
    _, cold, _ = diff(rules, "--cache", str(cache))
    before = set(entries(cache))
    edit(rules / "lu" / "code_du_travail" / "R3.yaml", "headcount >= threshold",
         "headcount > threshold")
    _, edited, _ = diff(rules, "--cache", str(cache))
    assert edited["cache"] == {"from_cache": 2, "run": 0, "stale": {}}
    assert set(entries(cache)) == before
    assert without_cache(edited) == without_cache(cold)


def test_a_unit_whose_pool_differs_runs_again(rules: Path, tmp_path: Path) -> None:
    """contract_ends_on replayed exhausted_from's witness from the pool; asked alone, its
    pool is empty: the stored read no longer replays and it runs (the result of a run
    without cache, not the stored one)."""
    cache = tmp_path / "cache"
    diff(rules, "--cache", str(cache))
    alone = ("--output", "contract_ends_on")
    _, cached, _ = diff(rules, *alone, "--cache", str(cache))
    assert cached["cache"] == {"from_cache": 0, "run": 1, "stale": {
        "the pool of witnesses differs (regions)": 1}}
    _, plain, _ = diff(rules, *alone)
    assert without_cache(cached) == plain
    # its entry is replaced by this run's (one entry per key): taken when asked alone
    # again, not in the whole diff, where the pool holds exhausted_from's witness again
    _, again, _ = diff(rules, *alone, "--cache", str(cache))
    assert again["cache"]["from_cache"] == 1 and without_cache(again) == plain
    _, whole, _ = diff(rules, "--cache", str(cache))
    assert whole["cache"] == {"from_cache": 1, "run": 1, "stale": {
        "the pool of witnesses differs (regions)": 1}}


def test_a_witness_that_no_longer_replays_is_not_taken(rules: Path, tmp_path: Path
                                                       ) -> None:
    cache = tmp_path / "cache"
    _, cold, _ = diff(rules, "--cache", str(cache))
    path = cache / "verify-unsat.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for entry in data["units"].values():
        for finding in entry.get("result", {}).get("findings", []):
            if finding.get("witness"):
                finding["witness"]["replay"] = finding["witness"]["replay"].replace(
                    "—", "(altered) —")
                changed += 1
    assert changed
    path.write_text(json.dumps(data), encoding="utf-8")
    _, warm, _ = diff(rules, "--cache", str(cache))
    assert warm["cache"]["stale"] == {"a witness no longer replays": changed}
    assert without_cache(warm) == without_cache(cold)


def test_a_damaged_entry_runs_its_unit(rules: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, cold, _ = diff(rules, "--cache", str(cache))
    path = cache / "verify-unsat.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["units"].values():
        entry["events"] = [["no such read"]]
    path.write_text(json.dumps(data), encoding="utf-8")
    code, warm, err = diff(rules, "--cache", str(cache))
    assert code == 1 and warm["cache"]["stale"] == {"damaged entry": 2} and not err
    assert without_cache(warm) == without_cache(cold)


@pytest.mark.parametrize(("content", "said"), [
    ("{not json", "is not valid JSON"),
    ('{"format": 1, "units": {}}', "cache format 1"),
    ("[1, 2]", "cache format older than"),
])
def test_a_damaged_or_foreign_cache_file_is_a_warning(rules: Path, tmp_path: Path,
                                                      content: str, said: str) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "verify-unsat.json").write_text(content, encoding="utf-8")
    code, data, err = diff(rules, "--cache", str(cache))
    assert code == 1 and data["cache"]["run"] == 2
    assert "lexlux diff: warning: the verify cache" in err and said in err
    assert "Traceback" not in err
    assert len(entries(cache)) == 2                    # written again


def test_the_flag_in_help_and_text_output(rules: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["diff", "--help"], out, err) == 0
    assert "--cache DIR" in out.getvalue()
    cache = tmp_path / "cache"
    diff(rules, "--cache", str(cache))
    code, text, _ = diff(rules, "--cache", str(cache), fmt="text")
    assert code == 1 and "2 from the cache, 0 worked out" in text.splitlines()[-1]
    code, text, _ = diff(rules, fmt="text")
    assert "from the cache" not in text


def test_two_processes_with_a_cache(rules: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, plain, _ = diff(rules)
    _, cold, err = diff(rules, "--cache", str(cache), "--jobs", "2")
    assert without_cache(cold) == plain and "stopped" not in err
    assert cold["cache"]["run"] == 2
    _, warm, _ = diff(rules, "--cache", str(cache), "--jobs", "2")
    assert warm["cache"] == {"from_cache": 2, "run": 0, "stale": {}}
    assert without_cache(warm) == plain
    edit(rules / "lu" / "code_du_travail" / "R2.yaml", "value: eve(exhausted_from)",
         "value: exhausted_from")
    _, edited, _ = diff(rules, "--cache", str(cache), "--jobs", "2")
    assert edited["cache"] == {"from_cache": 1, "run": 1, "stale": {}}
    _, fresh, _ = diff(rules)
    assert without_cache(edited) == fresh


def test_the_python_api_takes_jobs_and_cache(rules: Path, tmp_path: Path) -> None:
    law = api.load(rules)
    plain = api.diff(law, FIRST, SECOND, max_regions=1)
    assert "cache" not in plain and "warnings" not in plain
    cold = api.diff(law, FIRST, SECOND, max_regions=1, cache=tmp_path / "cache")
    warm = api.diff(law, FIRST, SECOND, max_regions=1, cache=str(tmp_path / "cache"),
                    jobs=2)
    assert cold["cache"]["run"] == 2 and warm["cache"]["from_cache"] == 2
    assert without_cache(cold) == without_cache(warm) == plain
    (tmp_path / "cache" / "verify-unsat.json").write_text("{", encoding="utf-8")
    damaged = api.diff(law, FIRST, SECOND, max_regions=1, cache=tmp_path / "cache")
    assert "is not valid JSON" in damaged["warnings"][0]
    for bad in (0, -1, "2", True):
        with pytest.raises(api.InvalidInput, match="jobs"):
            api.diff(law, FIRST, SECOND, jobs=bad)  # type: ignore[arg-type]


def test_the_workbench_keeps_its_diffs_in_the_server_s_cache_folder(
        rules: Path, tmp_path: Path) -> None:
    """``lexlux serve --diff-cache DIR``: a server started again (here: a new workbench,
    whose in-memory answers are gone) takes each output's diff from the folder."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from lexlux.serve.app import create_app
    from lexlux.serve.settings import Settings
    from lexlux.serve.workbench import Workbench
    body = {"first": FIRST, "second": SECOND, "max_regions": 1}
    answers = []
    for _ in range(2):
        bench = Workbench.load([rules])
        bench.diff_cache = tmp_path / "cache"
        client = TestClient(create_app(bench, Settings()))
        response = client.post("/api/v1/diff", json=body)
        assert response.status_code == 200, response.json()
        answers.append(response.json()["data"])
    assert answers[0]["cache"]["run"] == 2 and answers[1]["cache"]["from_cache"] == 2
    assert answers[0]["outputs"] == answers[1]["outputs"]
    assert "cache" not in TestClient(create_app(Workbench.load([rules]), Settings())).post(
        "/api/v1/diff", json=body).json()["data"]
