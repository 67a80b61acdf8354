"""`lexlux batch --backend vector`: the same table and report as the interpreter, and it
says which outputs it left to the interpreter."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("numpy")
from lexlux.cli import run

REPO = Path(__file__).resolve().parent.parent.parent
OUTPUTS = ["--output=monthly_payer", "--output=twelve_month_count", "--output=dismissal_ban"]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_same_table_with_either_backend(tmp_path: Path) -> None:
    argv = ["batch", "--generate", "120", "--from", "2018-06-01", "--to", "2019-12-31",
            *OUTPUTS, "--reading", "ccss_worked_example"]
    assert cli(*argv, "--table", str(tmp_path / "a.csv"))[0] == 0
    code, _, err = cli(*argv, "--table", str(tmp_path / "b.csv"), "--backend", "vector")
    assert code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # on the bundled rules L.125-4 is an exception to the 77-day payer timeline (knowledge
    # base III) and three rules conclude dismissal_ban: the backend resolves them as the
    # interpreter does
    assert "computed column-wise: dismissal_ban, monthly_payer, twelve_month_count; " \
        "left to the interpreter: none" in err


def test_the_same_report_with_either_backend() -> None:
    argv = ["batch", "--generate", "80", "--from", "2018-06-01", "--to", "2019-12-31",
            *OUTPUTS, "--reform", str(REPO / "examples" / "limit-52-weeks-from-2027.reform.yaml"),
            "--format", "json"]
    alone = cli(*argv)
    vector = cli(*argv, "--backend", "vector")
    assert alone[0] == vector[0] == 0
    assert alone[1] == vector[1]


def test_vector_without_numpy_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    import sys
    real = builtins.__import__
    for name in [m for m in sys.modules if m.startswith("lexlux.vector")]:
        monkeypatch.delitem(sys.modules, name)

    def no_numpy(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("numpy"):
            raise ImportError(name)
        return real(name, *args, **kwargs)   # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_numpy)
    code, out, _ = cli("batch", "--generate", "2", "--output", "certificate_in_time",
                       "--backend", "vector")
    assert code == 1 and "LX704" in out and "lexlux[vector]" in out


@pytest.mark.parametrize("left", [(), ("max_imprisonment", "sickness_benefit_cap",
                                      "reevaluation_periodicity_lawful")])
def test_every_output_the_same_table_with_either_backend(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, left: tuple[str, ...]) -> None:
    """All outputs in force: those computed column-wise, those left to the interpreter (which
    reads the column-wise outputs as they are; forced here for ``left``, as every output
    compiles on the bundled rules) and the persons left to it (a parameter without a
    verified value, a missing fact) give the same table as the interpreter alone."""
    from lexlux.vector import backend
    from lexlux.vector.compiler import Unsupported
    resolve = backend.Resolver._resolve

    def refuse(self: backend.Resolver, output: str) -> backend.Values:
        if output in left:
            raise Unsupported("left by the test")
        return resolve(self, output)

    monkeypatch.setattr(backend.Resolver, "_resolve", refuse)
    argv = ["batch", "--generate", "100", "--from", "2018-06-01", "--to", "2020-06-30"]
    assert cli(*argv, "--table", str(tmp_path / "a.csv"))[0] == 0
    code, _, err = cli(*argv, "--table", str(tmp_path / "b.csv"), "--backend", "vector")
    assert code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    if left:
        assert all(f"{name} (left by the test)" in err for name in left)
    else:
        assert "left to the interpreter: none" in err
