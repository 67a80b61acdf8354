"""lexlux diff on the bundled rules: the 2019 and 2016 reforms are found, with witnesses."""

from __future__ import annotations

import io
import json

from lexlux.cli import run


def diff(*argv: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", *argv, "--format", "json"], out, err)
    assert code == 1, out.getvalue() + err.getvalue()     # 1: the laws differ
    payload: dict[str, object] = json.loads(out.getvalue())
    return payload


def test_52_to_78_weeks_on_1_january_2019_css_14_2() -> None:
    # which regions of disagreement Z3 shows first may vary; what each says may not
    payload = diff("--from", "2018-12-31", "--to", "2019-01-01", "--output",
                   "sickness_benefit_exhausted_from", "--max-regions", "2")
    # the default reading (CSS art. 14 (2)), then the statuts' reading (art. 186 al. 1)
    output, statuts = payload["outputs"]  # type: ignore[misc]
    assert "reading" not in output and statuts["reading"] == "statuts_daily_window"
    assert output["status"] == statuts["status"] == "differ"
    assert output["findings"] and statuts["findings"]
    for finding in output["findings"]:
        assert finding["code"] == "LX507"
        assert finding["replay"].endswith("confirmed")
        ids = {v["id"] for v in finding["versions"]}
        assert ids & {"lu.code_securite_sociale.art-014.p2@2016-01-01",
                      "lu.code_securite_sociale.art-014.p2@2019-01-01"}
        assert "364 days (from 2016-01-01) → 546 days (from 2019-01-01)" in \
            " ".join(finding["details"])
    for finding in statuts["findings"]:
        assert finding["code"] == "LX507"
        assert "under the reading 'statuts_daily_window'" in finding["message"]
        assert "reading=statuts_daily_window] — confirmed" in finding["replay"]
        ids = {v["id"] for v in finding["versions"]}
        assert ids & {"lu.statuts_cns.art-186.a1@2016-01-01",
                      "lu.statuts_cns.art-186.a1@2019-01-01"}


def test_the_2016_reclassification_reform_changes_the_25_employee_threshold_l551_2() -> None:
    payload = diff("--from", "2015-12-31", "--to", "2016-01-01", "--output",
                   "internal_reclassification_obligation", "--max-regions", "1")
    [output] = payload["outputs"]  # type: ignore[misc]
    assert output["status"] == "differ"
    [finding] = output["findings"]
    assert finding["replay"].endswith("confirmed")
    assert [v["id"] for v in finding["versions"]] == ["lu.code_du_travail.L551-2.p1@2009-01-01",
                                                      "lu.code_du_travail.L551-2.p1@2016-01-01"]


def test_differences_that_are_only_the_horizon_are_hidden_unless_asked() -> None:
    # the disabled-worker rules start on 2014-01-29, the coordinated texts the 004 sheets cite
    # (valid_from_basis: horizon): before it the knowledge base claims nothing, and no rule
    # concluding the output is in force on 2014-01-28, so it is not even compared
    out, err = io.StringIO(), io.StringIO()
    argv = ["diff", "--from", "2014-01-28", "--to", "2014-01-29", "--output",
            "disabled_extra_leave_days", "--max-regions", "1"]
    code = run(argv, out, err)
    assert code == 0, out.getvalue()
    assert out.getvalue().startswith("horizon[disabled_extra_leave_days]: not compared: no "
                                     "provision concluding it is in force on 2014-01-28")
    assert "1 output(s) not compared" in out.getvalue()
    out = io.StringIO()
    assert run([*argv, "--show-horizon"], out, err) == 1
    assert "valid_from_basis: horizon" in out.getvalue()


def test_a_region_that_is_only_the_horizon_is_hidden_unless_asked() -> None:
    # under the guide's reading, the practical guide's rule (lu.guide_csl.s1-1, commentary)
    # starts on 2016-01-01 at the horizon beside L.121-6 (5), in force on both dates: the
    # diff searches, and hides the region it finds
    out, err = io.StringIO(), io.StringIO()
    argv = ["diff", "--from", "2015-12-31", "--to", "2016-01-01", "--output",
            "dismissal_permitted_from", "--max-regions", "1"]
    assert run(argv, out, err) == 0, out.getvalue()
    assert "horizon[dismissal_permitted_from, reading guide_case_law]: differs only" \
        in out.getvalue()
    assert "1 region(s) that are only the knowledge base's horizon hidden" in out.getvalue()
    out = io.StringIO()
    assert run([*argv, "--show-horizon"], out, err) == 1
    assert "valid_from_basis: horizon" in out.getvalue()
