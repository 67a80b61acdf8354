"""The variants of a diff's own witnesses (checks/witness_variants.py): one date fact more,
on one of the witness's dates, tried by the evaluator before the solver looks for another
region of a timeline output; on the bundled rules, the third region of ``monthly_payer`` on
2018-12-31 → 2019-01-01 (L.125-4 under the law of 52 weeks, CSS art. 9 under the law of 78
weeks), which the solver never found within its budget (LX510 before)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from lexlux.calendar.periods import Period
from lexlux.cli import run
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import witness_variants
from lexlux.verify.checks.confirm import laws_differ
from lexlux.verify.checks.witness_variants import differing_variant, landmarks, variants

FIRST, SECOND = date(2018, 12, 31), date(2019, 1, 1)
HISTORY = (Period(date(2019, 1, 19), date(2020, 7, 16)),)
#: the witness of the region (L.125-4, L.121-6 s1) of the bundled diff on that boundary
WITNESS = {"incapacity": HISTORY, "incapacity_start": date(2019, 1, 19),
           "insured_incapacity": HISTORY}
L125_4 = "lu.code_du_travail.L125-4.payer@2016-01-01"
S1 = "lu.code_du_travail.L121-6.p3.a2.s1@2009-01-01"
ART_9 = "lu.code_securite_sociale.art-009.payer@2016-01-01"
#: the facts monthly_payer may read that the variants below use
USES = {"cmss_fit_from", "incapacity", "incapacity_start", "insured_incapacity",
        "refusal_revised"}


@pytest.fixture(scope="module")
def kb(bundled: LoadResult) -> KnowledgeBase:
    assert bundled.kb is not None
    return bundled.kb


def test_landmarks_are_the_witness_dates_and_its_periods_ends() -> None:
    facts = {"incapacity": (Period(date(2019, 1, 19), date(2019, 3, 1)),
                            Period(date(2019, 5, 1), date(2019, 5, 31))),
             "incapacity_start": date(2019, 5, 1), "refusal_revised": True}
    assert landmarks(facts) == [date(2019, 1, 19), date(2019, 3, 1), date(2019, 5, 1),
                                date(2019, 5, 31)]


def test_a_variant_adds_one_date_fact_the_output_reads_and_the_witness_does_not_give(
        kb: KnowledgeBase) -> None:
    made = list(variants(kb, "lu", [WITNESS], USES))
    # incapacity_start is given, refusal_revised is no date, the periods are not varied
    assert [(f, d) for f, d, _ in made] == [("cmss_fit_from", date(2019, 1, 19)),
                                            ("cmss_fit_from", date(2020, 7, 16))]
    for fact, day, facts in made:
        assert facts == {**WITNESS, fact: day}


def test_at_most_max_variants(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(witness_variants, "MAX_VARIANTS", 1)
    assert len(list(variants(kb, "lu", [WITNESS, WITNESS], USES))) == 1


def test_the_third_region_of_the_payer_in_2019_is_one_date_away(kb: KnowledgeBase) -> None:
    """The medical board's finding of fitness on the last day of a 545-day incapacity: the
    limit of 52 weeks came first under the old law (the contract ends by L.125-4, nobody
    pays from February 2020); under the law of 78 weeks the limit is not reached and CSS
    art. 9 applies (the CNS pays up to that end)."""
    seen = {((L125_4,), (S1,)), ((L125_4,), (L125_4,))}
    found = differing_variant(kb, "lu", "monthly_payer", FIRST, SECOND, [WITNESS], USES,
                              seen)
    assert found is not None
    fact, day, case, (a, b) = found
    assert (fact, day) == ("cmss_fit_from", date(2020, 7, 16))
    assert list(dict.fromkeys(a.version_ids)) == [L125_4]
    assert list(dict.fromkeys(b.version_ids)) == [ART_9]
    # the evaluator shows it again, as a witness of the diff is replayed
    replay = Case("replay", "lu", SECOND, dict(case.facts))
    again = laws_differ(kb, replay, SECOND, "monthly_payer", FIRST, SECOND)
    assert again is not None
    assert [r.value for r in again] == [a.value, b.value] and a.value != b.value
    # that region seen too: no variant of this witness shows another one
    seen.add(((L125_4,), (ART_9,)))
    assert differing_variant(kb, "lu", "monthly_payer", FIRST, SECOND, [WITNESS], USES,
                             seen) is None


def test_no_variant_of_a_witness_in_a_region_seen(kb: KnowledgeBase) -> None:
    """A variant must show a region not seen yet: with the region (L.125-4, art. 9) seen,
    the variant of the test above is not returned again."""
    seen = {((L125_4,), (S1,)), ((L125_4,), (L125_4,)), ((L125_4,), (ART_9,))}
    uses = {"cmss_fit_from", *WITNESS}
    assert differing_variant(kb, "lu", "monthly_payer", FIRST, SECOND, [WITNESS], uses,
                             seen) is None


def test_the_payer_diff_on_1_january_2019_is_decided() -> None:
    """The diff of monthly_payer on 2018-12-31 → 2019-01-01 finds its three regions (the
    third from a variant), each replayed, and no longer ends undecided (LX510)."""
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--from", "2018-12-31", "--to", "2019-01-01", "--output",
                "monthly_payer", "--format", "json", "--jobs", "1"], out, err)
    assert code == 1, out.getvalue() + err.getvalue()
    payload = json.loads(out.getvalue())
    [default] = [r for r in payload["outputs"] if "reading" not in r]
    assert default["status"] == "differ"
    codes = [f["code"] for f in default["findings"]]
    assert codes.count("LX507") == 3 and "LX510" not in codes
    regions = []
    for finding in default["findings"]:
        if finding["code"] == "LX507":
            assert finding["replay"].endswith("confirmed")
            regions.append(tuple(finding["details"][:2]))
    assert ("2018-12-31: " + L125_4, "2019-01-01: " + ART_9) in regions
    [note] = [f for f in default["findings"] if f["code"] == "LX522"]
    assert any("a variant of a witness of this diff" in line for line in note["details"])
