"""The same part-time resumption, qualified by the law of the date (golden).

examples/timeline/part-time-resumption.case.yaml tells the happenings once; the two runs
differ only in --law-as-of.  Under the law of 2018 the resumption is a mi-temps thérapeutique
(therapeutic_half_time, its 92 days counted 46 in the 52 weeks: limit reached on 2019-02-21);
under the law of 2019 it is an RPTRT (no half-time, counted in full in the 78 weeks: limit
reached on 2019-07-07).  Sources: statuts CNS art. 169 al. 3 (002 lines 5738-5742); 001 lines
17-19, 61, 88.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lexlux.cli import run

from goldens import Golden

REPO = Path(__file__).resolve().parent.parent
CASE = "examples/timeline/part-time-resumption.case.yaml"
OUTPUTS = ["sickness_benefit_limit_reached_on", "sickness_benefit_exhausted_from",
           "therapeutic_half_time_counting_rate", "rptrt_counting_rate"]


def _eval(law_as_of: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    args = ["eval", CASE, "--law-as-of", law_as_of, "--explain"]
    for name in OUTPUTS:
        args += ["--output", name]
    assert run(args, out, err) in (0, 1), err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("law_as_of", ["2018-12-31", "2019-01-01"])
def test_part_time_resumption_under_the_law_of_each_date(
        law_as_of: str, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    golden.check(REPO / "tests" / "timeline" / f"part-time-resumption-{law_as_of}.txt",
                 _eval(law_as_of))


def test_the_two_laws_qualify_the_same_events_differently(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    before, after = _eval("2018-12-31"), _eval("2019-01-01")
    assert "sickness_benefit_limit_reached_on = 2019-02-21" in before
    assert "fact therapeutic_half_time = 2018-06-01 to 2018-08-31, derived from event 2" in before
    assert "sickness_benefit_limit_reached_on = 2019-07-07" in after
    assert "therapeutic_half_time" not in after.split("Cannot be answered")[0].split(
        "No provision")[0].replace("therapeutic_half_time_counting_rate", "")
