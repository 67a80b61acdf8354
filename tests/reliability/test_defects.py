"""The twelve defects of issue 10 (D1-D12), each reproduced with the real command line.

Each test runs ``lexlux`` as a user would and checks the contract: exit 0, 1 or 2 (never 3),
a located diagnostic with its code, no traceback, and nothing written but the named output.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest
from lexlux.calendar.periods import Period, check_periods, days_in_window, nth_day_in_window
from lexlux.cli import run
from lexlux.output import write_atomically

from fixture_kb import DIAGNOSTICS, assemble
from paths import REPO

EXAMPLES = REPO / "examples"
TEST_KB = REPO / "tests" / "evaluate" / "kb" / "rules"
DISMISSAL = EXAMPLES / "dismissal-during-sickness.case.yaml"
REFORM = EXAMPLES / "limit-52-weeks-from-2027.reform.yaml"


def lexlux(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out, err)
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text and "LX900" not in text, text
    return code, text


def case_file(tmp_path: Path, facts: str, as_of: str = "2019-05-01",
              name: str = "c.case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"case: a reproducer\njurisdiction: lu\nas_of: \"{as_of}\"\nfacts:\n{facts}",
                    encoding="utf-8")
    return path


# D1 ------------------------------------------------------------------------------------
def test_d1_a_number_of_5000_digits_in_a_case_is_lx106(tmp_path: Path) -> None:
    path = case_file(tmp_path, "  person_age: " + "9" * 5000 + "\n")
    code, text = lexlux("eval", path)
    assert code == 1 and f"{path.name}:5:15: error[LX106]" in text


def test_d1_a_number_of_5000_digits_in_a_rule_file_is_lx106(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(DIAGNOSTICS / "good", tmp_path)
    rule = next(rules.rglob("L121-6.yaml"))
    rule.write_text(rule.read_text(encoding="utf-8").replace("value: 1", "value: " + "1" * 5000),
                    encoding="utf-8")
    code, text = lexlux("check", "rules")
    assert code == 1 and "error[LX106]" in text


def test_d1_a_number_of_5000_digits_in_set_is_lx106() -> None:
    code, text = lexlux("whatif", DISMISSAL, "--set", "person_age=" + "7" * 5000)
    assert code == 1 and "error[LX106]" in text and "--set:1:4" in text


# D2 ------------------------------------------------------------------------------------
def test_d2_a_source_item_with_a_misspelt_lines_is_reported_not_compiled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(DIAGNOSTICS / "bad" / "LX201-misspelt-source-lines", tmp_path)
    code, text = lexlux("check", rules)
    assert code == 1 and "L121-7.yaml:14:9: error[LX201]: unknown key 'line'" in text
    assert "did you mean 'lines'?" in text


# D3 ------------------------------------------------------------------------------------
def test_d3_every_output_late_in_9999_is_lx403_not_an_internal_error(tmp_path: Path) -> None:
    path = case_file(tmp_path, '  incapacity_start: "9999-12-01"\n'
                     '  absence_start: "9999-12-01"\n'
                     '  incapacity:\n    - {from: "9999-12-01", to: "9999-12-30"}\n',
                     as_of="9999-12-30")
    code, text = lexlux("eval", path)
    assert code == 1
    assert "error[LX403]" in text and "outside the calendar (years 0001 to 9999)" in text


# D4 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("row", "where", "words"), [
    ("a,2019-05-01,2019-01-01..2019-01-03..2019-01-05", "t.csv:2:3:", "column 'incapacity'"),
    ("b,2019-05-01,2019-01-01..2019-01-03,extra", "t.csv:2:4:", "the row has 4 cells"),
    ("c,2019-05-01,2019-02-01..2019-02-30", "t.csv:2:3:", "February 2019 has 28 days"),
])
def test_d4_a_bad_csv_row_is_located_at_its_row_and_column(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: str, where: str,
        words: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text(f"case,as_of,incapacity\n{row}\n", encoding="utf-8")
    code, text = lexlux("batch", "t.csv", "--reform", REFORM)
    assert code == 1 and where in text and words in text, text


def test_d4_a_csv_table_that_is_not_utf8_is_lx104_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_bytes(b"case,as_of\nfine,2019-05-01\n\xff\xfe,2019-05-01\n")
    code, text = lexlux("batch", "t.csv", "--reform", REFORM, "--format", "json")
    assert code == 1
    assert json.loads(text)["problems"] == [
        "t.csv:3:1: the table is not UTF-8 text (invalid start byte)"]


# D5 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("revision", ["--output={target}", "--remote=https://example.org/x",
                                      "no-such-branch-xyz", "HEAD -- /etc"])
def test_d5_impact_revisions_are_checked_and_never_reach_git_as_options(
        tmp_path: Path, revision: str) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("precious\n", encoding="utf-8")
    code, text = lexlux("impact", "--base=" + revision.format(target=target), "--head", "HEAD",
                        "--repo", REPO)
    assert code == 1 and "error[LX112]" in text and "--base" in text
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


# D6 ------------------------------------------------------------------------------------
def test_d6_a_witness_at_a_directory_is_lx110_naming_the_option(tmp_path: Path) -> None:
    code, text = lexlux("solve", REPO / "tests" / "verify" / "solve" / "limit-78.query.yaml",
                        "--rules", TEST_KB, "--witness", tmp_path)
    assert code == 1 and f"error[LX110]: --witness {tmp_path}: cannot write" in text
    assert list(tmp_path.iterdir()) == []


def test_d6_a_witness_dir_that_is_a_file_is_lx110_before_the_solver_runs(tmp_path: Path
                                                                       ) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, text = lexlux("verify", "--rules", TEST_KB, "--witness-dir", blocker)
    assert code == 1 and "error[LX110]: --witness-dir" in text and "solver queries" not in text
    assert blocker.read_text(encoding="utf-8") == "x"


def test_d6_overwriting_a_file_keeps_its_mode_and_a_new_file_follows_the_umask(
        tmp_path: Path) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o644)
    write_atomically(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o644 and kept.read_text() == "new"
    mask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.md"
        write_atomically(fresh, "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640


def test_d6_a_write_that_fails_is_a_diagnostic_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    from lexlux.diagnostics import LexluxError
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        if os.access(readonly, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(LexluxError) as caught:
            write_atomically(readonly / "out.md", "x", argument="--report")
    finally:
        readonly.chmod(0o700)
    assert caught.value.diagnostics[0].code == "LX110"
    assert list(readonly.iterdir()) == []


# D7 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("content", "expected"), [
    (b"accepted:\n  - fingerprint: LX505-1\n    reason: \"d\xe9j\xe0\"\n",
     "accepted.yaml:3:15: error[LX104]"),
    (b"accepted:\n  - fingerprint: [\n", "accepted.yaml:3:1: error[LX101]"),
    (b"accepted:\n  - fingerprint: LX505-1\n", "accepted.yaml:2:5: error[LX203]"),
])
def test_d7_a_broken_accepted_file_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             content: bytes, expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accepted.yaml").write_bytes(content)
    code, text = lexlux("verify", "--rules", TEST_KB, "--accepted", "accepted.yaml")
    assert code == 1 and expected in text, text


def test_d7_a_missing_accepted_file_given_by_name_is_lx104(tmp_path: Path) -> None:
    code, text = lexlux("verify", "--rules", TEST_KB, "--accepted", tmp_path / "nope.yaml")
    assert code == 1 and "error[LX104]: --accepted" in text


# D8 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "code", "words"), [
    ("[{from: 2019-03-10, to: 2019-03-01}]", "LX405", "ends before it starts"),
    ("[{from: 2019-03-01, to: 2019-03-10}, {from: 2019-03-05, to: 2019-03-20}]", "LX405",
     "overlap"),
    ("2019-03-08\nfacts: {}", "LX314", "line break"),
])
def test_d8_set_checks_periods_and_refuses_line_breaks(value: str, code: str, words: str
                                                       ) -> None:
    exit_code, text = lexlux("whatif", DISMISSAL, "--set",
                             f"{'incapacity' if code == 'LX405' else 'act_notified_on'}={value}")
    assert exit_code == 1 and f"error[{code}]" in text and words in text, text


# D9 ------------------------------------------------------------------------------------
def test_d9_an_unknown_reading_is_lx406_with_did_you_mean() -> None:
    code, text = lexlux("eval", DISMISSAL, "--reading", "ccss_worked_exampel")
    assert code == 1 and "error[LX406]: unknown reading 'ccss_worked_exampel'" in text
    assert "did you mean 'ccss_worked_example'?" in text


def test_d9_a_known_reading_is_still_followed() -> None:
    code, _ = lexlux("eval", DISMISSAL, "--reading", "ccss_worked_example")
    assert code == 0


def test_d9_an_unknown_reading_in_a_query_file_is_located(tmp_path: Path) -> None:
    query = tmp_path / "q.query.yaml"
    query.write_text(f"case: {DISMISSAL}\nreading: nope\n", encoding="utf-8")
    code, text = lexlux("eval", query)
    assert code == 1 and "q.query.yaml:2:10: error[LX406]" in text


@pytest.mark.parametrize("count", ["-1", "0", "x", "9" * 40])
def test_d9_batch_generate_needs_a_positive_count(count: str) -> None:
    code, text = lexlux("batch", "--generate", count, "--reform", REFORM)
    assert code == 2 and "--generate" in text


# D10 -----------------------------------------------------------------------------------
def test_d10_counts_on_the_index_agree_with_counting_day_by_day() -> None:
    import random
    rng = random.Random(10)
    for _ in range(200):
        periods = []
        for _ in range(rng.randint(0, 12)):
            start = date(2019, 1, 1).toordinal() + rng.randint(0, 120)
            periods.append(Period(date.fromordinal(start),
                                  date.fromordinal(start + rng.randint(0, 20))))
        a = date(2019, 1, 1).toordinal() + rng.randint(0, 150)
        b = a + rng.randint(0, 60)
        days = sorted({d for p in periods for d in range(p.start.toordinal(),
                                                          p.end.toordinal() + 1)
                       if a <= d <= b})
        window = (date.fromordinal(a), date.fromordinal(b))
        assert days_in_window(tuple(periods), *window) == len(days)
        for n in (1, 2, 5, len(days), len(days) + 1):
            if n >= 1:
                expected = date.fromordinal(days[n - 1]) if n <= len(days) else None
                assert nth_day_in_window(tuple(periods), n, *window) == expected


def test_d10_check_periods_finds_every_overlapping_pair() -> None:
    import itertools
    import random
    rng = random.Random(11)
    for _ in range(200):
        periods = []
        for _ in range(rng.randint(0, 9)):
            start = date(2019, 1, 1).toordinal() + rng.randint(0, 60)
            periods.append(Period(date.fromordinal(start),
                                  date.fromordinal(start + rng.randint(0, 15))))
        pairs = [f"periods {i + 1} " for i, j in itertools.combinations(range(len(periods)), 2)
                 if periods[i].start <= periods[j].end and periods[j].start <= periods[i].end]
        found = check_periods(periods)
        assert len(found) == len(pairs)
        assert [f[:len(p)] for f, p in zip(found, pairs, strict=True)] == pairs


def test_d10_ten_thousand_periods_are_read_and_evaluated(tmp_path: Path) -> None:
    lines = [f'    - {{from: "{date.fromordinal(730000 + 10 * i)}", '
             f'to: "{date.fromordinal(730002 + 10 * i)}"}}' for i in range(10_000)]
    last = date.fromordinal(730000 + 10 * 9_999)
    path = case_file(tmp_path, f'  incapacity_start: "{last}"\n  absence_start: "{last}"\n'
                     "  incapacity:\n" + "\n".join(lines) + "\n", as_of=str(last))
    code, text = lexlux("eval", path, "--output", "continuation_limit_reached", "--format",
                        "json")
    assert code in (0, 1) and "outputs" in json.loads(text)


# D11 -----------------------------------------------------------------------------------
def test_d11_a_symlink_out_of_the_rules_folder_is_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(DIAGNOSTICS / "good", tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (rules / "lu" / "leak.yaml").symlink_to(secret)
    code, text = lexlux("check", "rules")
    assert code == 1 and "rules/lu/leak.yaml:1:1: error[LX109]" in text
    assert "hunter2" not in text


def test_d11_a_symlink_inside_the_rules_folder_is_read(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = assemble(DIAGNOSTICS / "good", tmp_path)
    folder = rules / "lu" / "code_du_travail"
    shutil.move(folder / "L121-6.yaml", rules / "lu" / "L121-6.real")
    (folder / "L121-6.yaml").symlink_to(rules / "lu" / "L121-6.real")
    _, text = lexlux("check", "rules")
    assert "LX109" not in text and "L121-6" in text     # read (as the file it points to)


# D12 -----------------------------------------------------------------------------------
def test_d12_a_lone_anchor_is_lx103(tmp_path: Path) -> None:
    text = DISMISSAL.read_text(encoding="utf-8").replace("jurisdiction: lu",
                                                         "jurisdiction: &where lu")
    path = tmp_path / "a.case.yaml"
    path.write_text(text, encoding="utf-8")
    code, out = lexlux("eval", path)
    line = text.splitlines().index("jurisdiction: &where lu") + 1
    assert code == 1 and f"a.case.yaml:{line}:15: error[LX103]: anchors (&where)" in out


# found by the long fuzz run --------------------------------------------------------------
def test_a_path_too_long_for_the_system_is_lx104_not_an_internal_error() -> None:
    code, text = lexlux("check", "9" * 5000)
    assert code == 1 and "error[LX104]" in text and "File name too long" in text


@pytest.mark.parametrize("option", ["--rules=--", "--reform=--", "--output=--", "--set=--"])
def test_an_option_whose_value_is_two_dashes_is_a_usage_error(option: str) -> None:
    code, text = lexlux("whatif" if option == "--set=--" else "eval", DISMISSAL, option)
    assert code == 2 and "'--' is not a value" in text


def test_an_argument_with_a_nul_character_is_a_usage_error() -> None:
    code, text = lexlux("check", "rules\0x")
    assert code == 2 and "NUL" in text
