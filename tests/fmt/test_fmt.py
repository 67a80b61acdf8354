"""``lexlux fmt``: golden layouts for each file kind, idempotence, comments kept, and the
bundled rules and examples formatted on a copy compile to the same knowledge base."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lexlux.cli import run
from lexlux.compile.model import KnowledgeBase
from lexlux.fmt.formatter import fold_positions, format_text, plain_ok
from lexlux.load.yaml_source import load_text
from lexlux.pipeline import load_knowledge_base

from goldens import Golden

HERE = Path(__file__).parent
REPO = HERE.parent.parent
INPUTS = sorted(p for p in (HERE / "input").rglob("*.yaml"))


def cli(*argv: str | Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("source", INPUTS, ids=[p.relative_to(HERE / "input").as_posix()
                                                for p in INPUTS])
def test_each_file_kind_has_its_canonical_layout(source: Path, golden: Golden) -> None:
    text = source.read_text(encoding="utf-8")
    formatted = format_text(text, source).text
    expected = HERE / "expected" / source.relative_to(HERE / "input")
    expected.parent.mkdir(parents=True, exist_ok=True)
    golden.check(expected, formatted)
    assert format_text(formatted, source).text == formatted          # idempotent
    before, _ = load_text(text, "x")
    after, problems = load_text(formatted, "x")
    assert problems == [] and before is not None and after is not None
    assert after.data == before.data                                  # the same data
    for comment in (line.split("#", 1)[1] for line in text.splitlines()
                    if "#" in line and not line.lstrip().startswith(("-", "\"", "'"))
                    and "'#" not in line):
        assert comment.strip() in formatted                           # comments kept


def test_long_texts_are_folded_at_spaces_and_read_back_letter_for_letter() -> None:
    expression = ("has_nth_day_in_window(insured_incapacity, reach_n, window_start, period_end)"
                  " and days_in_window(therapeutic_half_time, window_start, period_end) == 0")
    folds = fold_positions(expression, 80, expression=True)
    assert folds and all(expression[i] == " " for i in folds)
    assert expression[folds[0] + 1:].startswith("and ")        # broken before 'and'
    text = f"id: x\nnotes: x\nwhen: {expression}\n"
    out = format_text(text, Path("rule.yaml")).text
    assert "when: >-\n" in out and max(len(line) for line in out.splitlines()) <= 100
    assert load_text(out, "x")[0].data["when"] == expression     # type: ignore[union-attr]


def test_quoting_keeps_what_yaml_reads() -> None:
    assert not plain_ok("2019-01-01") and not plain_ok("'abusive'") and not plain_ok("yes")
    assert not plain_ok("a: b") and not plain_ok("80") and not plain_ok("")
    assert plain_ok("onset + 26 weeks - 1 day") and plain_ok("in_periods(a, b)")
    assert not plain_ok("in_periods(a, b)", flow=True)


def test_check_mode_changes_nothing_and_says_where(tmp_path: Path) -> None:
    target = tmp_path / "rules" / "lu" / "vocabulary" / "topic.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(HERE / "input" / "rules" / "lu" / "vocabulary" / "topic.yaml", target)
    before = target.read_bytes()
    code, out = cli("fmt", "--check", tmp_path)
    assert code == 1 and "LX600" in out and "1 of 1 files not in the canonical layout" in out
    assert target.read_bytes() == before
    code, out = cli("fmt", tmp_path, "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["changed"] == 1
    assert cli("fmt", "--check", tmp_path)[0] == 0
    assert list(target.parent.iterdir()) == [target]        # no temporary file left behind


def test_a_file_that_is_not_yaml_is_reported_and_others_still_formatted(
        tmp_path: Path) -> None:
    (tmp_path / "broken.case.yaml").write_text("case: [unclosed\n", encoding="utf-8")
    (tmp_path / "fine.case.yaml").write_text("case: x\nas_of: 2019-01-01\n", encoding="utf-8")
    code, out = cli("fmt", tmp_path)
    assert code == 1 and "LX601" in out and "Traceback" not in out
    assert (tmp_path / "fine.case.yaml").read_text() == 'case: x\nas_of: "2019-01-01"\n'


def _summary(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything of the compiled law that formatting must not change (spans excepted)."""
    rules = {}
    for rule in kb.rules.values():
        rules[rule.id] = (rule.citation, rule.title, rule.authority, rule.reading,
                          rule.selected_by, [
            (v.valid_from, v.valid_until, v.amended_by, v.valid_from_basis, v.repealed,
             v.transitional[0].text if v.transitional else None,
             [(s.file, s.first_line, s.last_line, s.excerpt, s.summary) for s in v.sources],
             v.notes, v.parameters, [(n, t.text) for n, t in v.lets],
             [(e.rule, e.outputs) for e in v.exceptions], v.when.text if v.when else None,
             [(c.output, *(t.text if t else None for t in (c.when, c.value, c.deadline,
                                                           c.start, c.end)))
              for c in v.conclusions]) for v in rule.versions])
    parameters = {p.id: (p.type, p.unit, p.citation, [(v.start, v.value, v.amended_by)
                                                      for v in p.values])
                  for p in kb.parameters.values()}
    vocabulary = {j: (sorted(v.facts), sorted(v.outputs),
                      [(e.type, e.description) for e in (*v.facts.values(), *v.outputs.values())])
                  for j, v in kb.vocabularies.items()}
    return {"rules": rules, "parameters": parameters, "vocabulary": vocabulary}


CHUNKS = 4      # the bundled files are formatted in parts: each test stays short


@pytest.fixture(scope="module")
def bundled_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], set[int]]:
    """A copy of rules/ and examples/ (files in a stable order; the parts formatted so far)."""
    copy = tmp_path_factory.mktemp("copy")
    shutil.copytree(REPO / "rules", copy / "rules")
    shutil.copytree(REPO / "examples", copy / "examples")
    return copy, sorted(copy.rglob("*.yaml")), set()


def _format_part(bundled: tuple[Path, list[Path], set[int]], part: int) -> list[Path]:
    _, files, done = bundled
    mine = files[part::CHUNKS]
    if part not in done:
        code, out = cli("fmt", *mine)
        assert code == 0, out
        done.add(part)
    return mine


@pytest.mark.parametrize("part", range(CHUNKS))
def test_formatting_the_bundled_files_is_idempotent_and_keeps_comments_and_data(
        bundled_copy: tuple[Path, list[Path], set[int]], part: int) -> None:
    for path in _format_part(bundled_copy, part):
        formatted = path.read_text(encoding="utf-8")
        original = (REPO / path.relative_to(bundled_copy[0])).read_text(encoding="utf-8")
        assert format_text(formatted, path).text == formatted, path          # idempotent
        for line in original.splitlines():                                   # comments kept
            if line.lstrip().startswith("#"):
                assert line.strip() in formatted, (path, line)
        before = load_text(original, str(path))[0]
        after = load_text(formatted, str(path))[0]
        assert before is not None and after is not None and before.data == after.data, path


def test_the_bundled_rules_formatted_compile_to_the_same_law(
        bundled_copy: tuple[Path, list[Path], set[int]]) -> None:
    for part in range(CHUNKS):
        _format_part(bundled_copy, part)
    original = load_knowledge_base([REPO / "rules"])
    formatted_kb = load_knowledge_base([bundled_copy[0] / "rules"])
    assert formatted_kb.ok and original.ok
    assert _summary(formatted_kb.kb) == _summary(original.kb)


BAD = sorted(p for p in (HERE / "bad").iterdir() if p.is_dir())


@pytest.mark.parametrize("fixture", BAD, ids=[p.name for p in BAD])
def test_bad_fixture_gives_its_diagnostic(fixture: Path, golden: Golden,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture)
    before = {p: p.read_bytes() for p in fixture.glob("*.yaml")}
    code, out = cli("fmt", "--check", ".")
    assert code == 1 and f"[{fixture.name[:5]}]" in out
    assert {p: p.read_bytes() for p in fixture.glob("*.yaml")} == before
    golden.check(fixture / "expected.txt", out)
