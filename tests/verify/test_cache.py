"""verify --cache: answers are reused by the content of what they read; an edit re-solves
only the checks that read what changed, and the findings are the same (units and their
keys: test_cache_units.py)."""

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
        assert second.splitlines()[-1].split(",")[:3] == first.splitlines()[-1].split(",")[:3]
        assert stats[-1].unit_hits > 20 and stats[-1].units_stored == 0
        assert stats[-1].hits == stats[-1].stored == 0      # no query encoded
        rule = rules / "lu" / "code_du_travail" / "L551-2" / "p1.yaml"
        rule.write_text(rule.read_text(encoding="utf-8").replace(
            "headcount >= threshold", "headcount > threshold"), encoding="utf-8")
        third = verify(rules, tmp_path / "cache")
    finally:
        module.QueryCache.__init__ = original   # type: ignore[method-assign]
    assert "LX502" in third
    assert 0 < stats[-1].units_stored < stats[-1].unit_hits


def test_two_runs_saving_the_same_cache_keep_both_answers(tmp_path: Path) -> None:
    """Concurrent runs: each saves its own answers merged with what is on disk."""
    from lexlux.verify.encoding.cache import QueryCache
    first, second = QueryCache(tmp_path), QueryCache(tmp_path)   # both read an empty file
    first.put("a", "unsat", ("core-a",))
    second.put("b", "unknown", ("gave up",))
    first.save()
    second.save()
    again = QueryCache(tmp_path)
    assert again.get("a") == ("unsat", ("core-a",))
    assert again.get("b") == ("unknown", ("gave up",))


def test_the_key_names_the_engine_source(tmp_path: Path) -> None:
    """An edited checkout keeps its version number: the salt has a digest of the source."""
    from lexlux.verify.encoding.cache import QueryCache
    salt = QueryCache(tmp_path).salt
    assert "+" in salt.rsplit("|", 1)[-1] and len(salt.rsplit("+", 1)[-1]) == 16


def test_a_cached_witness_gives_the_same_findings(tmp_path: Path) -> None:
    """SAT answers whose model is a witness keep the case; a hit solves again with the case
    fixed, so the witness (and its replay) is the same as the first run's."""
    rules = tmp_path / "rules"
    shutil.copytree(PLANTED / "base" / "rules", rules)
    rule = rules / "lu" / "code_du_travail" / "L551-2" / "p1.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "headcount >= threshold", "headcount > threshold"), encoding="utf-8")
    first = verify(rules, tmp_path / "cache")
    assert "LX502" in first
    text = (tmp_path / "cache" / "verify-unsat.json").read_text(encoding="utf-8")
    assert '"case"' in text
    second = verify(rules, tmp_path / "cache")
    strip = [line for line in first.splitlines() if "solver queries" not in line]
    assert [line for line in second.splitlines() if "solver queries" not in line] == strip
