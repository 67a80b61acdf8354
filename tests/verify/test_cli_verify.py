"""``lexlux verify``, ``lexlux diff`` and ``lexlux graph`` through the command line."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lexlux.cli import run

from conftest import KB

PLANTED = str(KB / "planted" / "rules")
CLEAN = str(KB / "clean" / "rules")


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_clean_rules_exit_0() -> None:
    code, out, _ = cli("verify", "--rules", CLEAN)
    assert code == 0, out
    assert "0 finding(s)" in out


def test_findings_exit_1_with_witness_files(tmp_path: Path) -> None:
    code, out, _ = cli("verify", "--rules", PLANTED, "--witness-dir", str(tmp_path))
    assert code == 1
    assert "finding[LX501 conflict]" in out and "unsat core: lu.code_du_travail.L121-10" in out
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.case.yaml")) == \
        ["LX501", "LX502", "LX503", "LX506"]
    assert "Traceback" not in out


def test_json_output_lists_findings_with_fingerprints() -> None:
    code, out, _ = cli("verify", "--rules", PLANTED, "--format", "json", "--check",
                       "conflicts,dead")
    data = json.loads(out)
    assert code == 1
    assert {f["code"] for f in data["findings"]} == {"LX501", "LX504"}
    assert all(f["fingerprint"].startswith(f["code"] + "-") for f in data["findings"])


def test_as_of_audits_one_date() -> None:
    code, out, _ = cli("verify", "--rules", PLANTED, "--as-of", "2011-06-01", "--check",
                       "conflicts,gaps")
    assert code == 1 and "LX501" in out and "LX506" in out


def test_usage_errors_exit_2() -> None:
    assert cli("verify", "--check", "nonsense")[0] == 2
    assert cli("verify", "--as-of", "2019-13-01")[0] == 2
    assert cli("diff", "--from", "2019-01-01")[0] == 2
    code, _, err = cli("verify", "--rules", PLANTED, "--rule", "lu.code_du_travail.L121-99")
    assert code == 2 and "did you mean" in err


def test_accepted_findings_and_stale_acceptances(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(PLANTED, rules)
    _, out, _ = cli("verify", "--rules", str(rules), "--format", "json")
    fingerprints = {f["code"]: f["fingerprint"] for f in json.loads(out)["findings"]}
    audit = tmp_path / "audit"
    audit.mkdir()
    accepted = [{"fingerprint": fp, "reason": "checked against the source"}
                for fp in fingerprints.values()]
    accepted.append({"fingerprint": "LX501-0000000000", "reason": "an old finding"})
    (audit / "accepted.yaml").write_text(json.dumps({"accepted": accepted}),
                                         encoding="utf-8")
    code, out, _ = cli("verify", "--rules", str(rules))
    assert code == 1
    assert "accepted[LX501 conflict]" in out
    assert "finding[LX530 stale acceptance]" in out and "LX501-0000000000" in out
    accepted.pop()
    (audit / "accepted.yaml").write_text(json.dumps({"accepted": accepted}),
                                         encoding="utf-8")
    code, out, _ = cli("verify", "--rules", str(rules))
    assert code == 0, out


def test_diff_proves_or_shows_witnesses(tmp_path: Path) -> None:
    code, out, _ = cli("diff", "--rules", PLANTED, "--from", "2015-01-01", "--to",
                       "2020-01-01", "--witness-dir", str(tmp_path))
    assert code == 1
    assert "same[payer]: proved" in out
    assert "finding[LX507 version diff]" in out
    assert list(tmp_path.glob("LX507-*.case.yaml"))
    code, out, _ = cli("diff", "--rules", PLANTED, "--from", "2015-01-01", "--to",
                       "2016-01-01", "--output", "certificate_in_time")
    assert code == 0 and "same[certificate_in_time]" in out
    code, out, _ = cli("diff", "--rules", PLANTED, "--from", "2015-01-01", "--to",
                       "2016-01-01", "--output", "no_such_output")
    assert code == 1 and out.count("error[LX404]") == 1     # as eval: one clear diagnostic


def test_graph_formats() -> None:
    code, out, _ = cli("graph", "--rules", PLANTED, "--format", "json", "--dependencies-of",
                       "payer")
    assert code == 0
    nodes = {n["id"] for n in json.loads(out)["nodes"]}
    assert nodes == {"output:lu.payer", "fact:lu.worked_days",
                     "version:lu.code_du_travail.L121-7@2000-01-01",
                     "version:lu.code_du_travail.L121-8@2000-01-01"}
    code, out, _ = cli("graph", "--rules", PLANTED, "--format", "graphml", "--dependents-of",
                       "worked_days")
    assert code == 0 and "<graphml" in out and "lu.waiting_days" in out
    assert cli("graph", "--rules", PLANTED, "--focus", "nothing")[0] == 2


def test_dot_renders_with_graphviz() -> None:
    code, out, _ = cli("graph", "--rules", PLANTED)
    assert code == 0 and out.startswith("digraph lexlux {")
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz (dot) is not installed")
    rendered = subprocess.run([dot, "-Tsvg"], input=out, capture_output=True, text=True,
                              check=False)
    assert rendered.returncode == 0, rendered.stderr
    assert "<svg" in rendered.stdout


def test_the_command_line_offers_every_check_of_the_verifier() -> None:
    from lexlux.cli.verify import CHECKS as OFFERED
    from lexlux.verify.checks.run import CHECKS
    assert tuple(CHECKS) == OFFERED
