"""The seeded pass of lexlux diff for outputs that are not timelines (checks/diff_seeds.py,
checks/diff_seed_cases.py): a region answered by a generated case that the evaluator shows
and the solver confirms with the case fixed, without the solver's own search; the old path
when no candidate passes; the same candidates whatever ran before or the hash seed.

The knowledge base kb/diff (tests/verify/test_diff_replay.py): a limit of 364 counted days
raised to 546 on 1 January 2019 (R1, exhausted_from)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.verify.checks import diff_seeds, versions
from lexlux.verify.checks.confirm import laws_differ
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.diff_seed_cases import pool
from lexlux.verify.checks.diff_seeds import SEEDED, SeededRegions
from lexlux.verify.checks.versions import DiffResult, diff_versions

from conftest import KB, load

BEFORE, AFTER = date(2018, 12, 31), date(2019, 1, 1)
OUTPUT = "exhausted_from"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load("diff")


def _diff(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, max_regions: int
          ) -> tuple[DiffResult, list[int]]:
    """The diff of exhausted_from with the frames and the first small query left undecided
    (a budget of one unit), so that only the seeded pass or the full search can answer;
    and the budget of each query of the audit (the full search runs with the audit's)."""
    monkeypatch.setattr(versions, "FRAME_RLIMIT", 1)
    monkeypatch.setattr(versions, "GATE_RLIMIT", 1)
    budgets: list[int] = []
    query = Audit.query

    def spy(self: Audit, *args: Any, **kwargs: Any) -> Any:
        budgets.append(self.rlimit)
        return query(self, *args, **kwargs)

    monkeypatch.setattr(Audit, "query", spy)
    audit = Audit(kb, "lu", max_regions=max_regions)
    [result] = diff_versions(audit, BEFORE, AFTER, [OUTPUT])
    return result, budgets


def test_a_region_is_answered_by_the_seeded_pass_without_a_solver_search(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    result, budgets = _diff(kb, monkeypatch, max_regions=1)
    assert result.status == "differ"
    [finding] = result.findings
    assert SEEDED in finding.details               # the finding says where it came from
    assert budgets and set(budgets) == {1}         # no query of the audit's own budget
    # the witness is replayed and shows the region the finding names
    assert finding.replay.endswith("— confirmed")
    assert finding.facts is not None
    case = Case("witness", "lu", AFTER, dict(finding.facts))
    found = laws_differ(kb, case, AFTER, OUTPUT, BEFORE, AFTER)
    assert found is not None
    assert finding.details[:2] == [
        f"{BEFORE}: " + (", ".join(dict.fromkeys(found[0].version_ids))
                         or "no provision applies"),
        f"{AFTER}: " + (", ".join(dict.fromkeys(found[1].version_ids))
                        or "no provision applies")]


def test_without_a_passing_candidate_the_solver_searches_as_before(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded, _ = _diff(kb, monkeypatch, max_regions=2)
    monkeypatch.setattr(diff_seeds, "pool", lambda *args, **kwargs: [])
    plain, budgets = _diff(kb, monkeypatch, max_regions=2)
    assert plain.status == seeded.status == "differ"
    assert not any(SEEDED in f.details for f in plain.findings)
    assert any(b > 1 for b in budgets)             # the full search ran
    # the same regions, whichever found them
    assert sorted(f.fingerprint for f in plain.findings) == \
        sorted(f.fingerprint for f in seeded.findings)
    assert all(f.replay.endswith("— confirmed") for f in plain.findings)


def _candidates(kb: KnowledgeBase) -> list[tuple[dict[str, Any], Any]]:
    audit = Audit(kb, "lu")
    one = audit.encoding(law_as_of=BEFORE, tag="L1|")
    two = audit.encoding(law_as_of=AFTER, shared=one.shared, tag="L2|")
    uses = set().union(*(one.output(n).facts for n in one.cone({OUTPUT})))
    return list(SeededRegions(audit, one, two, OUTPUT, BEFORE, AFTER, uses, None)
                .candidates())


def test_the_candidates_are_the_same_whatever_ran_before(kb: KnowledgeBase) -> None:
    first = _candidates(kb)
    assert first, "the pool shows the change of the limit"
    for facts, region in first:
        case = Case("candidate", "lu", AFTER, dict(facts))
        found = laws_differ(kb, case, AFTER, OUTPUT, BEFORE, AFTER)
        assert found is not None
        assert region == (tuple(dict.fromkeys(found[0].version_ids)),
                          tuple(dict.fromkeys(found[1].version_ids)))
    list(diff_versions(Audit(kb, "lu", max_regions=2), BEFORE, AFTER, None))
    assert _candidates(kb) == first


def test_the_pool_does_not_depend_on_the_hash_seed(kb: KnowledgeBase) -> None:
    script = (
        "import sys; from datetime import date; from pathlib import Path; "
        "from lexlux.pipeline import load_knowledge_base; "
        "from lexlux.verify.checks.diff_seed_cases import pool; "
        "kb = load_knowledge_base([Path(sys.argv[1])]).kb; "
        "rules = [kb.rules[r] for r in sorted(kb.rules)]; "
        "facts = sorted(kb.vocabularies['lu'].facts); "
        "print(repr(pool(kb, 'lu', facts, rules, date(2019, 1, 1))))")
    texts = []
    for seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        texts.append(subprocess.run(
            [sys.executable, "-c", script, str(KB / "diff" / "rules")], env=env,
            capture_output=True, text=True, check=True).stdout)
    assert texts[0] == texts[1]
    rules = [kb.rules[r] for r in sorted(kb.rules)]
    here = pool(kb, "lu", sorted(kb.vocabularies["lu"].facts), rules, date(2019, 1, 1))
    assert repr(here) + "\n" == texts[0]
