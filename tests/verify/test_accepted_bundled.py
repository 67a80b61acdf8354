"""The bundled audit's accepted findings, whatever the working directory (issue 14).

``lexlux verify`` without ``--rules`` audits the bundled rules; their accepted findings are
``audit/accepted.yaml`` of the checkout, shipped in the package as ``lexlux/_audit`` (the
same file, mapped by pyproject.toml), so that the audit run from anywhere finds them.
"""

from __future__ import annotations

import fnmatch
import io
import tomllib
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.load.discover import bundled_root, display_path
from lexlux.verify.checks.accepted import default_path, load_accepted

ROOT = Path(__file__).resolve().parents[2]
#: an acceptance of the bundled file whose finding a short run reports (CSS art. 14bis
#: against statuts art. 199 (2), LX502)
ACCEPTED = "LX502-ac22290b37"


def test_without_rules_the_bundled_acceptances_are_used_from_any_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = default_path(None)
    assert path == bundled_root("audit") / "accepted.yaml"
    assert path.resolve() == (ROOT / "audit" / "accepted.yaml").resolve()   # one copy
    assert ACCEPTED in [a.fingerprint for a in load_accepted(path)]
    assert display_path(path) == "audit/accepted.yaml"


def test_with_rules_the_file_next_to_the_rules_folder(tmp_path: Path) -> None:
    assert default_path([tmp_path / "rules"]) == tmp_path / "audit" / "accepted.yaml"
    assert default_path([]) == default_path(None)


def test_verify_run_elsewhere_lists_the_bundled_finding_as_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)          # no audit/ here
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", "--check", "hierarchy", "--rule",
                "lu.code_securite_sociale.art-014bis", "--as-of", "2020-01-01"], out, err)
    assert code == 0, out.getvalue()
    assert f"fingerprint: {ACCEPTED}" in out.getvalue()
    assert "0 finding(s), 1 accepted" in out.getvalue()


def test_the_package_ships_the_accepted_findings() -> None:
    """pyproject.toml maps audit/ into the package and ships accepted.yaml (the wheel and
    the sdist take package data from here; .ci/run also runs verify from the wheel)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tools = config["tool"]["setuptools"]
    assert tools["package-dir"]["lexlux._audit"] == "audit"
    assert "lexlux._audit" in tools["packages"]
    patterns = tools["package-data"]["lexlux._audit"]
    assert any(fnmatch.fnmatch("accepted.yaml", p) for p in patterns)
    assert (ROOT / "audit" / "accepted.yaml").is_file()
