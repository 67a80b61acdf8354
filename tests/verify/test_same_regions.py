"""The regions of a diff where one version alone gives the output under both laws, with the
same parameter values and outputs read (checks/same_regions.py): left out of the diff's
queries, since no case there can differ; on the bundled payer timeline, the rule of the 77
days always, CSS art. 9 when the benefit limit is not read (its cone does not read it),
never L.125-4 across 2019 (it reads the end of the contract, which moves with the limit)."""

from __future__ import annotations

from datetime import date

import pytest
from lexlux.calendar.dates import month_index
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import LoadResult
from lexlux.verify.checks.run import audits
from lexlux.verify.checks.same_law import LawAt
from lexlux.verify.checks.same_regions import same_version_goals, unchanged_versions
from lexlux.verify.checks.timeline_diff import diff_encodings
from lexlux.verify.encoding.timelines import TIMELINE_MONTHS, Frame

S1 = "lu.code_du_travail.L121-6.p3.a2.s1@2009-01-01"
CCSS = "lu.code_du_travail.L121-6.p3.a2.ccss@2009-01-01"
ART_9 = "lu.code_securite_sociale.art-009.payer@2016-01-01"
L125_4 = "lu.code_du_travail.L125-4.payer@2016-01-01"


@pytest.fixture(scope="module")
def kb(bundled: LoadResult) -> KnowledgeBase:
    assert bundled.kb is not None
    return bundled.kb


def _kept(kb: KnowledgeBase, first: date, second: date, reading: str | None = None
          ) -> list[str]:
    [audit] = [a for a in audits(kb) if a.jurisdiction == "lu"]
    one, two = diff_encodings(audit, first, second, reading,
                              Frame(TIMELINE_MONTHS, month_index(second)))
    a, b = one.output("monthly_payer"), two.output("monthly_payer")
    kept, goals = same_version_goals(kb, "lu", first, second, a, b)
    assert len(goals) == len(kept)
    assert kept == unchanged_versions(LawAt(kb, "lu", first), LawAt(kb, "lu", second), a, b)
    return kept


def test_2016_only_the_77_day_rule_is_in_force_on_both_dates(kb: KnowledgeBase) -> None:
    """CSS art. 9 and L.125-4 start on 2016-01-01: only the 77-day rule may give the payer
    under both laws, with the same version and parameters."""
    assert _kept(kb, date(2015, 12, 31), date(2016, 1, 1)) == [S1]
    assert _kept(kb, date(2015, 12, 31), date(2016, 1, 1), "ccss_worked_example") == [CCSS]


def test_2019_l125_4_is_not_left_out(kb: KnowledgeBase) -> None:
    """L.125-4 is in force on both dates with the same parameters, but it reads the end of
    the contract, whose cone reads the benefit limit (52 → 78 weeks): its region is asked."""
    kept = _kept(kb, date(2018, 12, 31), date(2019, 1, 1))
    assert S1 in kept and ART_9 in kept
    assert L125_4 not in kept


def test_a_version_whose_parameter_changes_is_not_left_out(kb: KnowledgeBase) -> None:
    """The same version, read with another parameter value on one date, is not the same
    computation: a fake value of the 77 days from 2016 keeps the 77-day rule's region in
    the diff."""
    first, second = LawAt(kb, "lu", date(2015, 12, 31)), LawAt(kb, "lu", date(2016, 1, 1))
    version = kb.rules["lu.code_du_travail.L121-6.p3.a2.s1"].versions[0]
    assert first._version(version, []) == second._version(version, [])

    class Moved(LawAt):
        def _version(self, version, outputs):  # type: ignore[no-untyped-def]
            vid, params = super()._version(version, outputs)
            return vid, tuple((p, ("value", 78)) for p, _ in params)

    [audit] = [a for a in audits(kb) if a.jurisdiction == "lu"]
    one, two = diff_encodings(audit, first.day, second.day, None,
                              Frame(TIMELINE_MONTHS, month_index(second.day)))
    a, b = one.output("monthly_payer"), two.output("monthly_payer")
    assert unchanged_versions(first, second, a, b) == [S1]
    moved = Moved(kb, "lu", second.day)
    assert unchanged_versions(first, moved, a, b) == []


def test_where_the_77_day_rule_alone_applies_both_laws_agree(kb: KnowledgeBase) -> None:
    """The evaluator on histories where the 77-day rule alone gives the payer under both
    laws (no insured's history, no other end of the benefit): the same timeline."""
    for days in (30, 76, 77, 120, 400):
        start = date(2016, 1, 4)
        case = Case("77 days", "lu", date(2016, 1, 1),
                    {"incapacity": (Period(start, date.fromordinal(start.toordinal()
                                                                   + days - 1)),),
                     "incapacity_start": start})
        results = [evaluate(kb, case, case.as_of, law_as_of=day,
                            outputs=["monthly_payer"]).results["monthly_payer"]
                   for day in (date(2015, 12, 31), date(2016, 1, 1))]
        assert [list(dict.fromkeys(r.version_ids)) for r in results] == [[S1], [S1]]
        assert results[0].value == results[1].value


def test_a_version_in_force_on_one_date_only_is_not_named(kb: KnowledgeBase) -> None:
    """Every version's conclusions are encoded under each law; one in force on one date
    only gives the output under that law only: it is not named (nor left out)."""
    kept = _kept(kb, date(2008, 12, 31), date(2009, 1, 1))
    assert S1 not in kept                      # the 77-day rule starts on 2009-01-01
    for vid in kept:
        [version] = [v for v in kb.rules[vid.split("@")[0]].versions if v.id == vid]
        assert version.in_force_on(date(2008, 12, 31)) and version.in_force_on(
            date(2009, 1, 1))
