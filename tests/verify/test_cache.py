"""verify --cache: proofs are reused by the content of each query; an edit re-solves only
the queries that read what changed, and the findings are the same."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from lexlux.cli import run
from test_planted import PLANTED


def verify(rules: Path, cache: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    run(["verify", "--rules", str(rules), "--cache", str(cache)], out, err)
    return out.getvalue()


def test_a_second_run_reuses_the_proofs_and_an_edit_only_its_own(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(PLANTED / "base" / "rules", rules)
    first = verify(rules, tmp_path / "cache")
    assert (tmp_path / "cache" / "verify-unsat.json").is_file()
    from lexlux.verify.encoding import cache as module
    stats: list[module.QueryCache] = []
    original = module.QueryCache.__init__

    def spy(self: module.QueryCache, directory: Path) -> None:
        original(self, directory)
        stats.append(self)
    module.QueryCache.__init__ = spy   # type: ignore[method-assign]
    try:
        second = verify(rules, tmp_path / "cache")
        assert second.splitlines()[-1].split("(")[0] == first.splitlines()[-1].split("(")[0]
        assert stats[-1].hits > 20 and stats[-1].stored == 0
        rule = rules / "lu" / "code_du_travail" / "L551-2" / "p1.yaml"
        rule.write_text(rule.read_text(encoding="utf-8").replace(
            "headcount >= threshold", "headcount > threshold"), encoding="utf-8")
        third = verify(rules, tmp_path / "cache")
    finally:
        module.QueryCache.__init__ = original   # type: ignore[method-assign]
    assert "LX502" in third
    assert 0 < stats[-1].stored < stats[-1].hits
