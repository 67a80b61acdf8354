"""The command line: exit codes, formats, and no traceback for users."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from lexlux.cli import check as check_command
from lexlux.cli import run as run_cli


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_check_on_the_bundled_rules_is_clean() -> None:
    code, out, _ = run("check")
    assert code == 0, out
    assert "lexlux check: ok" in out


def test_check_json_reports_diagnostics_and_a_summary() -> None:
    code, out, _ = run("check", "--format", "json")
    payload = json.loads(out)
    assert code == 0
    assert payload["summary"]["rules"] >= 1
    assert all(d["severity"] != "error" for d in payload["diagnostics"])


def test_usage_error_exits_2() -> None:
    code, _, err = run("check", "--format", "xml")
    assert code == 2
    assert "invalid choice" in err


def test_missing_path_is_a_diagnostic_not_a_traceback() -> None:
    code, out, _ = run("check", "no/such/dir")
    assert code == 1
    assert "LX104" in out and "Traceback" not in out


def test_schema_prints_json_schema() -> None:
    code, out, _ = run("schema", "rule")
    assert code == 0
    assert json.loads(out)["$id"] == "urn:lexlux:schema:rule"


def test_internal_error_is_reported_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> int:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(check_command, "cmd_check", boom)
    code, _, err = run("check")
    assert code == 3
    assert "error[LX900]" in err and "Traceback" not in err
    code, _, err = run("--debug", "check")
    assert code == 3 and "Traceback" in err


def test_python_dash_m_lexlux_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "lexlux", "check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_command_is_registered() -> None:
    # a command module that fails to import must not silently drop its commands
    code, out, _ = run("--help")
    assert code == 0
    for command in ("check", "schema", "eval", "whatif", "batch", "verify", "diff", "graph",
                    "solve", "coverage", "impact", "lsp"):
        assert f"    {command} " in out, command
