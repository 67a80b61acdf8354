"""Equivalent mutants (engine/report/equivalent.py, ``lexlux mutate --equivalent``), on the tiny
knowledge base of the diagnostic fixtures: one rule (certificate by the third day of absence,
``certificate_received_on <= nth_day(absence_start, day)``) and its parameter ``day`` = 3."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from lexlux.cli import run

from fixture_kb import DIAGNOSTICS, assemble

PARAMS = "rules/lu/parameters/incapacity.yaml"
RULE = "rules/lu/code_du_travail/L121-6.yaml"
SCENARIOS = """provision: [lu.code_du_travail.L121-6]
scenarios:
  - name: a certificate received on the third day of absence is in time
    as_of: "2019-03-31"
    facts: {absence_start: "2019-03-04", certificate_received_on: "2019-03-06"}
    expect: {certificate_in_time: true}
"""
# 3 -> 4 survives: a later deadline leaves a certificate of the third day in time
THREE_TO_FOUR = {"file": PARAMS, "kind": "parameter", "change": "3 -> 4",
                 "reason": "the tiny fixture has no scenario after the third day (a test)"}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assemble(DIAGNOSTICS / "good", tmp_path)
    (tmp_path / "law" / "lu").mkdir(parents=True)
    (tmp_path / "law" / "lu" / "certificate.yaml").write_text(SCENARIOS, encoding="utf-8")
    (tmp_path / "mutation" / "equivalent").mkdir(parents=True)
    return tmp_path


def write(repo: Path, text: str, name: str = "parameters.yaml") -> None:
    (repo / "mutation" / "equivalent" / name).write_text(text, encoding="utf-8")


def entries(*items: dict[str, Any]) -> str:
    return json.dumps(list(items), indent=1)       # JSON is YAML


def mutate(*extra: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["mutate", "--rules", "rules", "--law", "law", "--format", "json", *extra],
               out, err)
    return code, (json.loads(out.getvalue()) if out.getvalue().startswith("{") else {}), \
        out.getvalue() + err.getvalue()


def test_without_entries_the_surviving_mutant_is_scored(repo: Path) -> None:
    code, report, _ = mutate()
    assert code == 0
    survivors = [s["change"] for s in report["survivors"] if s["kind"] == "parameter"]
    assert survivors == ["3 -> 4"]
    assert report["equivalent"] == 0 and report["diagnostics"] == []


def test_a_listed_survivor_is_equivalent_with_its_reason_and_not_scored(repo: Path) -> None:
    _, before, _ = mutate()
    write(repo, entries(THREE_TO_FOUR))
    code, report, _ = mutate()
    assert code == 0
    assert report["equivalent"] == 1
    [equivalent] = report["equivalents"]
    assert equivalent["mutant"] == f"{PARAMS}:10: parameter 3 -> 4"
    assert equivalent["reason"] == THREE_TO_FOUR["reason"]
    assert equivalent["entry"].startswith("mutation/equivalent/parameters.yaml:2:")
    assert report["survived"] == before["survived"] - 1
    assert report["killed"] == before["killed"]
    assert report["score"] > before["score"]
    assert report["by_kind"]["parameter"]["equivalent"] == 1


@pytest.mark.parametrize("change", [
    f"{PARAMS}:10: parameter 3 -> 4",        # the whole label, as printed
    f"{PARAMS}:99: parameter 3 -> 4",        # a label whose line has moved
    "3  ->\n  4",                            # spaces do not matter
])
def test_an_entry_matches_the_label_or_its_change_whatever_the_line(repo: Path,
                                                                    change: str) -> None:
    write(repo, entries({**THREE_TO_FOUR, "change": change, "line": 40}))
    code, report, _ = mutate()
    assert (code, report["equivalent"], report["diagnostics"]) == (0, 1, [])


def test_a_text_change_is_given_with_its_quotes_or_without(repo: Path) -> None:
    _, report, _ = mutate()
    [date] = [s for s in report["survivors"] if s["kind"] == "date"][:1]
    before, after = date["change"].split(" -> ")
    write(repo, entries({"file": date["file"], "kind": "date",
                         "change": f"{before.strip(chr(39))} -> {after.strip(chr(39))}",
                         "reason": "a date the tiny fixture does not reach (a test)"}))
    _, marked, _ = mutate()
    assert [e["mutant"] for e in marked["equivalents"]] == [date["mutant"]]


def test_an_entry_that_matches_no_survivor_is_stale(repo: Path) -> None:
    write(repo, entries(THREE_TO_FOUR, {**THREE_TO_FOUR, "change": "3 -> 7"}))
    code, report, _ = mutate()
    assert code == 0                                    # a warning
    [stale] = report["diagnostics"]
    assert (stale["code"], stale["severity"]) == ("LX113", "warning")
    assert (stale["file"], stale["line"]) == ("mutation/equivalent/parameters.yaml", 8)
    assert "3 -> 7" in stale["message"] and "stale" in stale["message"]


def test_a_listed_mutant_that_a_scenario_kills_is_an_error(repo: Path) -> None:
    # 3 -> 2: the deadline is the second day, so the certificate of the third day is late
    write(repo, entries({**THREE_TO_FOUR, "change": "3 -> 2"}))
    code, report, _ = mutate()
    assert code == 1
    [killed] = report["diagnostics"]
    assert (killed["code"], killed["severity"]) == ("LX114", "error")
    assert "certificate.yaml" in killed["message"] and "3 -> 2" in killed["message"]
    assert report["equivalent"] == 0


def test_entries_of_files_not_mutated_with_only_are_not_stale(repo: Path) -> None:
    write(repo, entries(THREE_TO_FOUR))
    code, report, _ = mutate("--only", "L121-6")
    assert (code, report["diagnostics"], report["equivalent"]) == (0, [], 0)


def test_the_text_report_lists_the_equivalent_mutant_and_the_stale_entry(repo: Path) -> None:
    write(repo, entries(THREE_TO_FOUR, {**THREE_TO_FOUR, "change": "3 -> 7"}))
    out = io.StringIO()
    assert run(["mutate", "--rules", "rules", "--law", "law"], out, io.StringIO()) == 0
    text = out.getvalue()
    assert f"equivalent: {PARAMS}:10: parameter 3 -> 4\n  because: the tiny" in text
    assert "mutation/equivalent/parameters.yaml:8:2: warning[LX113]" in text
    assert "1 equivalent (not scored)" in text


def test_the_mapping_form_and_an_empty_file_are_read(repo: Path) -> None:
    write(repo, "equivalent:\n" + "\n".join("  " + line for line in
                                            entries(THREE_TO_FOUR).splitlines()) + "\n")
    write(repo, "", "empty.yaml")
    _, report, _ = mutate()
    assert report["equivalent"] == 1


@pytest.mark.parametrize(("text", "code", "line", "column"), [
    # an unknown kind
    ('- {file: a.yaml, kind: parameters, change: "3 -> 4", reason: "twenty characters at least"}',
     "LX205", 1, 24),
    # a missing reason, on the second entry
    ('- {file: a.yaml, kind: date, change: "a -> b", reason: "twenty characters at least"}\n'
     '- {file: a.yaml, kind: date, change: "a -> b"}', "LX202", 2, 3),
    # a misspelt key
    ('- {file: a.yaml, kind: date, change: "a -> b", reasn: "twenty characters at least"}',
     "LX201", 1, 48),
    # not YAML
    ("- {file: a.yaml\n", "LX101", 2, 1),
    # neither a list nor a mapping
    ("just a text\n", "LX203", 1, 1),
])
def test_a_bad_entry_is_a_located_error(repo: Path, text: str, code: str, line: int,
                                        column: int) -> None:
    write(repo, text)
    exit_code, _, output = mutate()
    assert exit_code == 1
    assert "Traceback" not in output
    [diagnostic] = json.loads(output[:output.rindex("}") + 1])["diagnostics"]
    assert diagnostic["code"] == code
    assert (diagnostic["file"], diagnostic["line"], diagnostic["column"]) == (
        "mutation/equivalent/parameters.yaml", line, column)


def test_a_missing_equivalent_folder_is_an_error(repo: Path) -> None:
    exit_code, _, output = mutate("--equivalent", "nowhere")
    assert exit_code == 1 and "LX104" in output and "nowhere" in output


def test_the_repository_files_fit_the_schema() -> None:
    from lexlux.report.equivalent import load_folder
    folder = Path(__file__).resolve().parents[2] / "mutation" / "equivalent"
    for entry in load_folder(folder):
        assert entry.file.startswith("rules/") and Path(folder.parents[1], entry.file).is_file()


TWO_PARAMETERS = """jurisdiction: lu
parameters:
  certificate_day:
    title: {fr: Jour du certificat, en: Certificate day}
    type: integer
    unit: days
    citation: {instrument: Code du travail, article: L.121-6, paragraph: "(2)"}
    values:
      - from: "2009-01-01"
        value: 3
        amended_by: {act: "Loi du 13 mai 2008", date: "2008-05-13"}
  other_day:
    title: {fr: Autre jour, en: Another day}
    type: integer
    unit: days
    citation: {instrument: Code du travail, article: L.121-6, paragraph: "(2)"}
    values:
      - from: "2009-01-01"
        value: 5
        amended_by: {act: "Loi du 13 mai 2008", date: "2008-05-13"}
"""
EVE = {"file": PARAMS, "kind": "date", "change": "'2009-01-01' -> '2008-12-31'",
       "reason": "no rule of the tiny fixture applies before 2009 (a test)"}


@pytest.mark.parametrize(("line", "marked"), [
    (None, [9, 18]),          # without a line: every mutant of the file with that change
    (18, [18]), (20, [18]),   # with a line: the nearest one, also after a shift
    (8, [9]),
])
def test_a_line_chooses_among_identical_changes(repo: Path, line: int | None,
                                                marked: list[int]) -> None:
    (repo / PARAMS).write_text(TWO_PARAMETERS, encoding="utf-8")
    write(repo, entries(EVE if line is None else {**EVE, "line": line}))
    code, report, _ = mutate("--only", "parameters")
    assert code == 0 and report["diagnostics"] == []
    assert sorted(e["line"] for e in report["equivalents"]) == marked
