"""lexlux diff without needless queries: an output whose law is the same text on both dates
is proved the same at once (checks/same_law.py); a witness found for one output is replayed
on the outputs that read it (checks/diff_pool.py); every witness is the evaluator's; and an
output the solver cannot decide stays undecided (LX510), never "same".

The knowledge base kb/diff: a limit of 364 counted days raised to 546 on 1 January 2019
(R1, exhausted_from), a contract that ends on the eve of that day (R2, contract_ends_on,
as L.125-4), and a headcount threshold that does not change (R3)."""

from __future__ import annotations

from datetime import date

import pytest
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.confirm import laws_differ
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.diff_pool import dependency_order
from lexlux.verify.checks.same_law import SAME_LAW, LawAt, same_law
from lexlux.verify.checks.versions import DiffResult, diff_versions

from conftest import load

BEFORE, AFTER = date(2018, 12, 31), date(2019, 1, 1)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load("diff")


def _diff(kb: KnowledgeBase, first: date, second: date, *, rlimit: int | None = None
          ) -> tuple[Audit, dict[str, DiffResult]]:
    audit = Audit(kb, "lu", max_regions=2)
    if rlimit is not None:
        audit.rlimit = rlimit
    return audit, {r.output: r for r in diff_versions(audit, first, second, None)}


def test_the_same_law_on_both_dates_is_proved_without_a_query(kb: KnowledgeBase) -> None:
    audit, results = _diff(kb, date(2000, 1, 1), date(2010, 1, 1))
    assert {r.status for r in results.values()} == {"same"}
    assert {r.reason for r in results.values()} == {SAME_LAW}
    assert audit.queries == 0


def test_a_changed_parameter_reaches_the_outputs_that_read_it(kb: KnowledgeBase) -> None:
    first, second = LawAt(kb, "lu", BEFORE), LawAt(kb, "lu", AFTER)
    assert not same_law(first, second, "exhausted_from")      # its parameter: 364 → 546
    assert not same_law(first, second, "contract_ends_on")    # reads exhausted_from
    assert same_law(first, second, "reclassification_duty")   # its threshold stays 25


def test_outputs_are_diffed_after_the_outputs_they_read(kb: KnowledgeBase) -> None:
    order = dependency_order(kb, "lu", ["contract_ends_on", "reclassification_duty",
                                        "exhausted_from"])
    assert order.index("exhausted_from") < order.index("contract_ends_on")
    assert sorted(order) == ["contract_ends_on", "exhausted_from", "reclassification_duty"]


def test_a_witness_of_an_output_read_is_replayed_on_the_output_reading_it(
        kb: KnowledgeBase) -> None:
    audit, results = _diff(kb, BEFORE, AFTER)
    assert results["reclassification_duty"].status == "same"
    limit, ends = results["exhausted_from"], results["contract_ends_on"]
    assert limit.status == ends.status == "differ"
    assert len(limit.findings) == len(ends.findings) == 2
    # both regions of contract_ends_on come from the witnesses of exhausted_from, with
    # no query of its own: as many queries as for exhausted_from alone
    assert [f.facts for f in ends.findings] == [f.facts for f in limit.findings]
    alone = Audit(kb, "lu", max_regions=2)
    assert [r.status for r in diff_versions(alone, BEFORE, AFTER, ["exhausted_from"])] \
        == ["differ"]
    assert audit.queries == alone.queries
    for result in (limit, ends):
        assert len({f.fingerprint for f in result.findings}) == len(result.findings)
        for finding in result.findings:
            assert finding.code == "LX507" and finding.replay is not None
            assert finding.replay.endswith("— confirmed")
            assert finding.facts is not None
            case = Case("witness", "lu", AFTER, dict(finding.facts))
            # the evaluator, not the encoding, shows the difference
            assert laws_differ(kb, case, AFTER, result.output, BEFORE, AFTER) is not None


def test_the_regions_are_told_apart_by_the_versions_applied(kb: KnowledgeBase) -> None:
    _, results = _diff(kb, BEFORE, AFTER)
    regions = {tuple(f.details[:2]) for f in results["exhausted_from"].findings}
    assert regions == {
        ("2018-12-31: lu.code_du_travail.R1@1990-01-01",
         "2019-01-01: lu.code_du_travail.R1@1990-01-01"),       # two different dates
        ("2018-12-31: lu.code_du_travail.R1@1990-01-01",
         "2019-01-01: no provision applies")}                   # 364 reached, 546 not


def test_laws_differ_is_the_evaluators_answer() -> None:
    kb = load("diff")
    start = date(2019, 1, 1)
    long = Case("long", "lu", AFTER, {"incapacity_start": start, "half_time": (),
                                      "incapacity": (Period(start, date(2021, 12, 31)),)})
    found = laws_differ(kb, long, AFTER, "exhausted_from", BEFORE, AFTER)
    assert found is not None
    assert (found[0].value, found[1].value) == (date(2019, 12, 31), date(2020, 6, 30))
    short = Case("short", "lu", AFTER, {"incapacity_start": start, "half_time": (),
                                        "incapacity": (Period(start, date(2019, 3, 31)),)})
    assert laws_differ(kb, short, AFTER, "exhausted_from", BEFORE, AFTER) is None
    missing = Case("missing", "lu", AFTER, {"incapacity_start": start})
    assert laws_differ(kb, missing, AFTER, "exhausted_from", BEFORE, AFTER) is None


def test_an_undecided_output_stays_unknown(kb: KnowledgeBase) -> None:
    _, results = _diff(kb, BEFORE, AFTER, rlimit=1)
    for name in ("exhausted_from", "contract_ends_on"):
        assert results[name].status == "unknown"
        assert [f.code for f in results[name].findings] == ["LX510"]
    assert results["reclassification_duty"].status == "same"   # the same text: proved


def test_bundled_timeline_outputs_with_the_same_law_are_the_same() -> None:
    """The 77-day rule's outputs are not encodable, but their law does not change on
    1 January 2019 (the 78-week limit does): the same text, the same answers."""
    loaded = load_knowledge_base(None)
    assert loaded.kb is not None
    first, second = LawAt(loaded.kb, "lu", BEFORE), LawAt(loaded.kb, "lu", AFTER)
    assert same_law(first, second, "seventy_seventh_day")
    assert same_law(first, second, "continuation_limit_reached")
    assert not same_law(first, second, "sickness_benefit_exhausted_from")
    assert not same_law(first, second, "contract_ends_automatically_on")
