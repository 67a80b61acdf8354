"""Populations: the honest counts of `lexlux batch`, the generator and its distribution file,
the plain (no reform) run written as a table."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.evaluate.interpreter import outputs_in_force
from lexlux.pipeline import LoadResult
from lexlux.whatif.batch import OUTCOMES
from lexlux.whatif.needs import facts_needed
from lexlux.whatif.population import Generator, load_population, reform_window

HERE = Path(__file__).parent
REPO = HERE.parent.parent
REFORM = REPO / "examples" / "dismissal-ban-52-weeks-from-2027.reform.yaml"
POPULATION = HERE / "dismissal-ban.population.yaml"
BAN_OUTPUTS = ("dismissal_ban", "act_banned", "dismissal_sanction")


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue() + err.getvalue()


def expected_counts(bundled: LoadResult, n: int) -> dict[str, Counter[str]]:
    """The counts worked out from the facts alone (not by the evaluator): the ban runs from
    the onset for 26 weeks (182 days, onset included), or 52 weeks for onsets from 2027 under
    the reform, and never past the end of the sick leave; a letter within it is abusive."""
    vocabulary = bundled.kb.vocabularies["lu"]
    generator = Generator(load_population(POPULATION, vocabulary), vocabulary,
                          facts_needed(bundled.kb, "lu", BAN_OUTPUTS), date(2026, 7, 1),
                          date(2027, 6, 30), seed=7)
    counts: dict[str, Counter[str]] = {name: Counter() for name in BAN_OUTPUTS}
    for case in generator.cases(n):
        start = case.facts["incapacity_start"]
        (spell,) = case.facts["incapacity"]
        assert isinstance(start, date) and spell.start == start
        old_end = min(start + timedelta(days=181), spell.end)
        new_end = min(start + timedelta(days=363), spell.end) if start >= date(2027, 1, 1) \
            else old_end
        counts["dismissal_ban"]["changed" if new_end != old_end else "unchanged"] += 1
        counts["dismissal_ban"][f"shift {(new_end - old_end).days}"] += new_end != old_end
        act = case.facts["act_notified_on"]
        assert isinstance(act, date)
        before, after = start <= act <= old_end, start <= act <= new_end
        for name in ("act_banned", "dismissal_sanction"):
            counts[name]["changed" if before != after else "unchanged"] += 1
        counts["act_banned"]["no → yes"] += before != after
    return counts


def test_the_dismissal_ban_reform_gives_the_right_counts(bundled: LoadResult) -> None:
    n = 160
    code, out = cli("batch", "--generate", str(n), "--seed", "7", "--population",
                    str(POPULATION), "--from", "2026-07-01", "--to", "2027-06-30",
                    "--reform", str(REFORM), *[f"--output={o}" for o in BAN_OUTPUTS],
                    "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    want = expected_counts(bundled, n)
    assert report["cases"] == n
    for name in BAN_OUTPUTS:
        got = report["outputs"][name]["counts"]
        assert sum(got.values()) == n
        assert got["changed"] == want[name]["changed"] > 0, name
        assert got["unchanged"] == want[name]["unchanged"] > 0, name
        assert got["only_before"] == got["only_after"] == got["unanswered"] == 0
    ban = report["outputs"]["dismissal_ban"]
    (kind,) = ban["change_kinds"]
    assert kind["kind"] == "ends later"
    shifts = Counter({int(k.split()[1]): v for k, v in want["dismissal_ban"].items()
                      if k.startswith("shift") and v})
    assert kind["date_shift_days"]["cases"] == sum(shifts.values())
    assert kind["date_shift_days"]["min"] == min(shifts)
    assert kind["date_shift_days"]["max"] == max(shifts)
    assert kind["date_shift_days"]["mean"] == pytest.approx(
        sum(k * v for k, v in shifts.items()) / sum(shifts.values()))
    kinds = {k["kind"]: k["cases"] for k in report["outputs"]["dismissal_sanction"]
             ["change_kinds"]}
    assert kinds == {"lawful → abusive": want["act_banned"]["no → yes"]}
    assert report["affected_persons_any_output"] == want["dismissal_ban"]["changed"]


def test_the_reform_example_of_docs_whatif_gives_these_counts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command of docs/whatif.md section 4 prints what the page shows (the counts
    themselves are worked out from the facts by the test above, on the same population)."""
    import re
    import shlex
    page = (REPO / "docs" / "whatif.md").read_text(encoding="utf-8")
    section = page[page.index("## 4. Populations"):]
    command, shown = re.findall(r"```(?:sh|text)\n(.*?)```", section, re.S)[:2]
    argv = shlex.split(command.replace("\\\n", " "))
    assert argv[:2] == ["lexlux", "batch"] and "--report" in argv
    argv[argv.index("--report") + 1] = str(tmp_path / "impact.md")
    monkeypatch.chdir(REPO)          # the page's paths are relative to the repository
    code, out = cli(*argv[1:])
    assert code == 0, out
    assert out.strip() == shown.strip()
    assert (tmp_path / "impact.md").is_file()


def test_unanswered_in_both_is_never_counted_as_unchanged(tmp_path: Path) -> None:
    # no case gives employer_act: dismissal_sanction has no answer under either law
    code, out = cli("batch", "--generate", "40", "--reform", str(REFORM), "--output",
                    "dismissal_sanction", "--output", "dismissal_ban", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    for name in ("dismissal_sanction", "dismissal_ban"):
        counts = report["outputs"][name]["counts"]
        assert set(counts) == set(OUTCOMES) and sum(counts.values()) == 40
    assert report["outputs"]["dismissal_sanction"]["counts"]["unanswered"] > 0
    assert report["outputs"]["dismissal_sanction"]["counts"]["unchanged"] < 40


def test_markdown_report_has_tables_and_a_histogram(tmp_path: Path) -> None:
    target = tmp_path / "impact.md"
    code, out = cli("batch", "--generate", "60", "--seed", "7", "--population", str(POPULATION),
                    "--from", "2026-07-01", "--to", "2027-06-30", "--reform", str(REFORM),
                    "--output", "dismissal_ban", "--report", str(target))
    assert code == 0, out
    text = target.read_text(encoding="utf-8")
    assert "| `dismissal_ban` |" in text and "answered only before" in text
    assert "Date shift (days, after − before)" in text and "█" in text
    assert "ends later" in out


def test_the_generator_covers_the_window_and_every_needed_fact(bundled: LoadResult) -> None:
    vocabulary = bundled.kb.vocabularies["lu"]
    outputs = ["dismissal_ban", "sickness_benefit_limit_reached_on", "monthly_payer"]
    needed = facts_needed(bundled.kb, "lu", outputs)
    assert {"incapacity", "incapacity_start", "certificate_received_on", "insured_incapacity",
            "day_considered"} <= set(needed)
    generator = Generator(load_population(None, vocabulary), vocabulary, needed,
                          date(2030, 1, 1), date(2030, 12, 31), seed=3)
    cases = list(generator.cases(50))
    starts = [c.facts["incapacity_start"] for c in cases]
    assert all(isinstance(d, date) and date(2030, 1, 1) <= d <= date(2030, 12, 31)
               for d in starts)
    always = {"incapacity", "incapacity_start", "absence_start", "certificate_received_on",
              "insured_incapacity", "day_considered"}
    assert all(always <= set(c.facts) for c in cases)
    # reproducible, and person i does not depend on how many are drawn
    again = Generator(load_population(None, vocabulary), vocabulary, needed,
                      date(2030, 1, 1), date(2030, 12, 31), seed=3)
    assert list(again.cases(5, start=10)) == cases[10:15]


def test_the_default_window_is_around_the_reform() -> None:
    assert reform_window({"parameters": {"x": [{"from": "2027-01-01", "value": 52,
                                                "amended_by": {"date": "2026-10-01"}}]}}) \
        == (date(2026, 1, 1), date(2028, 12, 31))


def test_plain_run_writes_a_table_a_lawyer_can_read(tmp_path: Path,
                                                    bundled: LoadResult) -> None:
    table = tmp_path / "out.csv"
    code, out = cli("batch", "--generate", "20", "--from", "2019-01-01", "--to", "2019-12-31",
                    "--table", str(table))
    assert code == 0, out
    assert "20 cases evaluated" in out
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == 20
    assert set(outputs_in_force(bundled.kb, "lu")) <= set(rows[0])
    text = table.read_text(encoding="utf-8")
    for python in ("Period(", "datetime", "Fraction(", "Deontic(", "{'", "True", "False"):
        assert python not in text
    assert any(r["certificate_in_time"] in ("yes", "no") for r in rows)
    lines = tmp_path / "out.jsonl"
    code, out = cli("batch", "--generate", "5", "--output", "dismissal_ban", "--table",
                    str(lines))
    assert code == 0, out
    first = json.loads(lines.read_text(encoding="utf-8").splitlines()[0])
    assert set(first["outputs"]["dismissal_ban"]) >= {"status"}


def test_plain_run_on_stdout_and_no_progress_bar_off_a_terminal() -> None:
    code, out = cli("batch", "--generate", "150", "--output", "certificate_in_time")
    assert code == 0, out
    assert out.splitlines()[0] == "case,as_of,certificate_in_time"
    assert len(out.splitlines()) == 151 and "[#" not in out


@pytest.mark.parametrize("fixture", sorted((HERE / "bad").glob("LX7*.population.yaml")),
                         ids=lambda p: p.name)
def test_bad_population_files(fixture: Path) -> None:
    code, out = cli("batch", "--generate", "3", "--population", str(fixture))
    assert code == 1
    assert f"error[{fixture.name.split('-')[0]}]" in out
    assert "Traceback" not in out and ":" in out.splitlines()[0]


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    real = builtins.__import__

    def no_pyarrow(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args, **kwargs)   # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    code, out = cli("batch", "--generate", "2", "--output", "certificate_in_time", "--table",
                    str(tmp_path / "t.parquet"))
    assert code == 1 and "LX702" in out and "lexlux[parquet]" in out
