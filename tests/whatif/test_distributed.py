"""`lexlux batch --scheduler`: the same output as one machine, byte for byte, on a Dask
LocalCluster (threads in this process: fast to start)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from lexlux.cli import run

REPO = Path(__file__).resolve().parent.parent.parent
REFORM = REPO / "examples" / "dismissal-ban-52-weeks-from-2027.reform.yaml"
OUTPUTS = ["--output=dismissal_ban", "--output=act_banned", "--output=dismissal_sanction",
           "--output=certificate_in_time", "--output=sickness_benefit_limit_reached_on"]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue()


def test_a_reform_report_is_the_same_on_a_cluster(scheduler: str, tmp_path: Path) -> None:
    argv = ["batch", "--generate", "200", "--seed", "11", "--reform", str(REFORM), *OUTPUTS]
    for fmt in ("json", "text"):
        alone = cli(*argv, "--format", fmt)
        spread = cli(*argv, "--format", fmt, "--scheduler", scheduler, "--partition", "23")
        assert alone[0] == spread[0] == 0
        assert alone[1] == spread[1]
    assert '"affected_persons_any_output"' in alone[1] or "affected" in alone[1]


def test_a_table_is_the_same_on_a_cluster(scheduler: str, tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("dismissal-during-sickness", "late-certificate"):
        (folder / f"{name}.case.yaml").write_text(
            (REPO / "examples" / f"{name}.case.yaml").read_text(encoding="utf-8"),
            encoding="utf-8")
    for suffix in ("csv", "jsonl"):
        one, many = tmp_path / f"one.{suffix}", tmp_path / f"many.{suffix}"
        argv = ["batch", str(folder), "--generate", "80", "--seed", "5", *OUTPUTS]
        assert cli(*argv, "--table", str(one))[0] == 0
        assert cli(*argv, "--table", str(many), "--scheduler", scheduler,
                   "--partition", "16")[0] == 0
        assert one.read_bytes() == many.read_bytes()
        assert len(one.read_text(encoding="utf-8").splitlines()) == 82 + (suffix == "csv")


def test_dask_without_distributed_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    real = builtins.__import__

    def no_distributed(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("distributed"):
            raise ImportError(name)
        return real(name, *args, **kwargs)   # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    code, out = cli("batch", "--generate", "2", "--output", "certificate_in_time", "--dask")
    assert code == 1 and "LX703" in out and "lexlux[dask]" in out
