"""lexlux diff does not search an output whose every difference it would hide as the
knowledge base's horizon (checks/horizon.py, ``horizon_only_output``): on one date no
provision concluding it is in force, the other date's start where the knowledge base
starts (valid_from_basis: horizon), and no parameter they read changes value."""

from __future__ import annotations

from datetime import date

import pytest
from lexlux.pipeline import LoadResult
from lexlux.verify.checks.horizon import horizon_only, horizon_only_output
from lexlux.verify.checks.run import run_diff
from lexlux.verify.checks.versions import parameter_changes

BEFORE, START = date(2014, 1, 28), date(2014, 1, 29)   # the disabled-worker rules start
#: outputs of the disabled-worker rules whose every version starts on 2014-01-29 at the
#: knowledge base's horizon, reading no parameter that starts then
NOT_COMPARED = ("disabled_extra_leave_days", "may_apply_for_disabled_status")


@pytest.mark.parametrize("name", NOT_COMPARED)
def test_an_output_that_starts_at_the_horizon_is_not_compared(bundled: LoadResult,
                                                              name: str) -> None:
    why = horizon_only_output(bundled.kb, "lu", name, BEFORE, START)
    assert why.startswith("not compared: no provision concluding it is in force on 2014-01-28")
    assert "valid_from_basis: horizon" in why and "--show-horizon" in why
    # the same in the other direction (the later date first)
    assert "in force on 2014-01-28" in horizon_only_output(bundled.kb, "lu", name, START,
                                                           BEFORE)


def test_a_parameter_the_knowledge_base_starts_there_is_the_horizon_too(
        bundled: LoadResult) -> None:
    # CSS art. 14 and its 52 weeks (364 days) both start on 2016-01-01 at the horizon, the
    # parameter's first value with no amending act: not an amendment of 2016
    why = horizon_only_output(bundled.kb, "lu", "sickness_benefit_limit_reached_on",
                              date(2015, 12, 31), date(2016, 1, 1))
    assert why.startswith("not compared")
    lines = parameter_changes(bundled.kb, ("lu.code_securite_sociale.art-014.p2@2016-01-01",),
                              date(2015, 12, 31), date(2016, 1, 1))
    assert lines and all(line.startswith("note: parameter ") for line in lines), lines
    assert any("lu.sickness_benefit.max_weeks" in line for line in lines)
    # the 2019 change of the same parameter (52 -> 78 weeks, by the law of 10 August 2018)
    # is a change of the law
    lines = parameter_changes(bundled.kb, ("lu.code_securite_sociale.art-014.p2@2016-01-01",),
                              date(2018, 12, 31), date(2019, 1, 1))
    assert any(line.startswith("parameter lu.sickness_benefit.max_weeks") for line in lines)


@pytest.mark.parametrize(("name", "first", "second"), [
    # a parameter it reads starts on the same date by an act (L.121-6's 77 days, from the
    # single-status law of 2008): an amendment, so the diff searches
    ("salary_continuation_applies", date(2008, 12, 31), date(2009, 1, 1)),
    # provisions on both dates (the 2019 reform of CSS art. 14)
    ("sickness_benefit_limit_reached_on", date(2018, 12, 31), date(2019, 1, 1)),
    # no provision before 2019, but the RPTRT law's date is stated, not the horizon
    ("rptrt_eligible", date(2018, 12, 31), date(2019, 1, 1)),
])
def test_an_output_that_may_differ_otherwise_is_compared(bundled: LoadResult, name: str,
                                                         first: date, second: date) -> None:
    assert horizon_only_output(bundled.kb, "lu", name, first, second) == ""


def test_what_the_search_would_find_is_only_the_horizon(bundled: LoadResult) -> None:
    """The premise, checked by searching anyway (--show-horizon): every region found is
    one lexlux diff hides; without --show-horizon the outputs are "horizon" at once."""
    shown = run_diff(bundled.kb, BEFORE, START, outputs=list(NOT_COMPARED),
                     show_horizon=True, max_regions=2)
    for result in shown.results:
        regions = [f for f in result.findings if f.code == "LX507"]
        assert result.status == "differ" and regions, result
        assert all(horizon_only(f) for f in regions), result.output
    hidden = run_diff(bundled.kb, BEFORE, START, outputs=list(NOT_COMPARED))
    assert [(r.output, r.status, r.findings) for r in hidden.results] == [
        (name, "horizon", []) for name in NOT_COMPARED]
    assert all(r.reason.startswith("not compared") for r in hidden.results)
