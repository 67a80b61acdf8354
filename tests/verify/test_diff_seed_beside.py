"""The anchored sweep again with the integer facts beside the rules' literals
(checks/diff_seed_cases.py ``beside``, scanned by checks/diff_seeds.py after the anchored
templates).

On the bundled rules, 2008-12-31 -> 2009-01-01: ``mutualite_reimbursement_amount`` has a
value under the law of 2009 only when the month's total hours are above zero, i.e.
``floor((mutualite_total_minutes + 30) / 60) > 0``: 30 minutes or more.  The numbers of
the generated candidates came from the rules' parameters (and 0 and 1), so none had it,
and the region's witness was the solver completing a witness of an earlier output (a
query within 500,000 units, about 0.5 s)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import diff_seeds, versions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.diff_seed_cases import ANCHORED_SIZE, beside, pool
from lexlux.verify.checks.diff_seeds import SEEDED, SeededRegions
from lexlux.verify.checks.versions import DiffResult, diff_versions

BEFORE, AFTER = date(2008, 12, 31), date(2009, 1, 1)
OUTPUT = "mutualite_reimbursement_amount"
AMOUNT = "lu.statuts_mutualite.art-014.a3@2009-01-01"
RATE = "mutualite_reimbursement_rate"          # read by OUTPUT, diffed first


def _rules(kb: KnowledgeBase) -> tuple[list[Any], list[str]]:
    """The rules of OUTPUT's cone and the facts it reads."""
    audit = Audit(kb, "lu")
    one = audit.encoding(law_as_of=BEFORE, tag="L1|")
    cone = one.cone({OUTPUT})
    uses = sorted(set().union(*(one.output(n).facts for n in cone)))
    rules = {r.id: r for n in sorted(cone) for r in one.candidates(n)}
    return [rules[r] for r in sorted(rules)], uses


def test_the_copies_put_each_integer_fact_beside_the_literals_of_its_rules(
        bundled: LoadResult) -> None:
    kb = bundled.kb
    rules, uses = _rules(kb)
    templates = pool(kb, "lu", uses, rules, AFTER, anchored=ANCHORED_SIZE)
    copies = beside(kb, "lu", uses, rules, templates)
    assert len(copies) == len(templates) > 0
    # the total is read by floor((mutualite_total_minutes + 30) / 60): 30 and 60, one
    # more, one less, in turn; every other fact as in its template
    assert [c["mutualite_total_minutes"] for c in copies[:6]] == [30, 31, 29, 60, 61, 59]
    for copy, template in zip(copies, templates, strict=True):
        assert {k: v for k, v in copy.items() if not k.endswith("_minutes")} == \
            {k: v for k, v in template.items() if not k.endswith("_minutes")}
    # a pure function, and the templates are not changed by it
    assert beside(kb, "lu", uses, rules, templates) == copies
    assert pool(kb, "lu", uses, rules, AFTER, anchored=ANCHORED_SIZE) == templates


def test_no_copy_without_an_integer_fact(bundled: LoadResult) -> None:
    kb = bundled.kb
    rules, uses = _rules(kb)
    others = [u for u in uses if not u.endswith("_minutes")]
    templates = pool(kb, "lu", others, rules, AFTER, anchored=ANCHORED_SIZE)
    assert templates
    assert beside(kb, "lu", others, rules, templates) == []
    # and none of an integer fact that no version with an integer literal reads
    assert beside(kb, "lu", ["private_employer_headcount"], [], [{}]) == []


def _regions(kb: KnowledgeBase, with_beside: bool, monkeypatch: pytest.MonkeyPatch
             ) -> list[tuple[dict[str, Any], Any]]:
    if not with_beside:
        monkeypatch.setattr(diff_seeds, "beside", lambda *args: [])
    audit = Audit(kb, "lu")
    one = audit.encoding(law_as_of=BEFORE, tag="L1|")
    two = audit.encoding(law_as_of=AFTER, shared=one.shared, tag="L2|")
    uses = set().union(*(one.output(n).facts for n in one.cone({OUTPUT})))
    seeded = SeededRegions(audit, one, two, OUTPUT, BEFORE, AFTER, uses, None)
    seeded.anchored_only = True
    return list(seeded.candidates())


def test_the_anchored_sweep_reaches_the_region_of_the_total_hours(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = bundled.kb
    found = _regions(kb, True, monkeypatch)
    assert found and {region for _, region in found} == {((), (AMOUNT,))}
    assert all(facts["mutualite_total_minutes"] >= 30 for facts, _ in found)
    # without the copies, the anchored sweep shows nothing
    assert _regions(kb, False, monkeypatch) == []


def _diff(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[DiffResult, list[int]]:
    """The diff of RATE and OUTPUT, and the budget of each query asked for OUTPUT."""
    asked: list[int] = []
    query = Audit.query

    def spy(self: Audit, encodings: Any, names: Any, *args: Any, **kwargs: Any) -> Any:
        if names[0] == {OUTPUT}:
            asked.append(self.rlimit)
        return query(self, encodings, names, *args, **kwargs)

    monkeypatch.setattr(Audit, "query", spy)
    audit = Audit(kb, "lu", max_regions=3)
    results = list(diff_versions(audit, BEFORE, AFTER, [RATE, OUTPUT]))
    return results[-1], asked


def test_the_region_comes_from_the_seeded_pass_without_a_partial_witness(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = bundled.kb
    result, asked = _diff(kb, monkeypatch)
    assert result.status == "differ" and len(result.findings) == 1
    finding = result.findings[0]
    assert SEEDED in finding.details
    assert finding.replay.endswith("— confirmed")
    # the one region the structure allows (one date without a provision) is found: no
    # query of the solver's own is asked, the partial witness (SEED_RLIMIT) included
    assert versions.SEED_RLIMIT not in asked
    assert asked == []
