"""The what-if examples of docs/whatif.md, on the bundled knowledge base."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lexlux.cli import run

from paths import REPO


def cli(*argv: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--format", "json"], out, err)
    assert code == 0, out.getvalue() + err.getvalue()
    payload: dict[str, object] = json.loads(out.getvalue())
    return payload


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_a_certificate_on_the_fourth_day_lifts_the_ban_l121_6_3_al_3() -> None:
    # L.121-6 (3) al. 3: if the certificate is not presented before the end of the 3rd day of
    # absence, al. 1 (the ban) and al. 2 stop applying to the employer (002 lines 3886-3887)
    payload = cli("whatif", "examples/dismissal-during-sickness.case.yaml",
                  "--set", "certificate_received_on=2019-03-07")
    changes = {c["output"]: c for c in payload["changes"]}  # type: ignore[union-attr]
    assert changes["dismissal_sanction"]["before"] == "abusive"
    assert changes["dismissal_sanction"]["after"] == "lawful"
    assert changes["certificate_in_time"]["after"] is False
    assert "certificate_received_on: 2019-03-06 → 2019-03-07" in \
        changes["dismissal_sanction"]["divergence"]
    assert "notice_in_time" not in changes          # the notice was still given on day 1


def test_the_52_week_reform_brings_exhaustion_six_months_earlier_css_14_2() -> None:
    # 78 weeks = 546 days from 2027-02-01 → reached 2028-07-30; 52 weeks = 364 days → 2028-01-30
    payload = cli("eval", "examples/long-illness-2027.case.yaml", "--reform",
                  "examples/limit-52-weeks-from-2027.reform.yaml")
    changes = {c["output"]: c for c in payload["changes"]}  # type: ignore[union-attr]
    assert changes["sickness_benefit_exhausted_from"]["before"] == "2028-07-31"
    assert changes["sickness_benefit_exhausted_from"]["after"] == "2028-01-31"
    # the contract ends with the benefit (L.125-4) and nobody pays from the next month on
    assert changes["contract_ends_automatically_on"]["after"] == "2028-01-30"
    assert set(changes) == {"sickness_benefit_exhausted_from",
                            "sickness_benefit_limit_reached_on",
                            "contract_ends_automatically_on", "monthly_payer",
                            "end_of_right_notice_deadline"}


def test_the_same_what_if_written_as_a_query_file() -> None:
    payload = cli("eval", "examples/fourth-day-certificate.query.yaml")
    changes = {c["output"]: c for c in payload["changes"]}  # type: ignore[union-attr]
    assert set(changes) == {"dismissal_sanction", "certificate_in_time"}
    assert changes["dismissal_sanction"]["after"] == "lawful"


def test_a_query_with_an_unknown_output_gets_one_clear_message(tmp_path: Path) -> None:
    query = tmp_path / "bad.query.yaml"
    query.write_text(f"case: {REPO / 'examples' / 'dismissal-during-sickness.case.yaml'}\n"
                     "outputs: [dismisal_sanction]\n")
    out, err = io.StringIO(), io.StringIO()
    assert run(["eval", str(query)], out, err) == 1
    assert out.getvalue().count("error[LX404]") == 1
    assert "did you mean 'dismissal_sanction'?" in out.getvalue()
