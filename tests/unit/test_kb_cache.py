"""The compiled knowledge base cached on disk (lexlux.kb_cache) and the lazy imports of the
command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from lexlux.pipeline import load_knowledge_base

REPO = Path(__file__).resolve().parent.parent.parent
TEST_RULES = REPO / "tests" / "evaluate" / "kb" / "rules"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(TEST_RULES, target)
    return target


def _summary(result: object) -> tuple[object, ...]:
    kb = result.kb  # type: ignore[attr-defined]
    return (sorted(kb.rules), sorted(kb.parameters), sorted(kb.vocabularies),
            [(d.code, d.message) for d in result.diagnostics],  # type: ignore[attr-defined]
            [r.versions for r in kb.rules.values()])


def test_a_second_load_comes_from_the_cache_and_is_the_same(cache: Path, rules: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    first = load_knowledge_base([rules])
    assert len(list(cache.glob("kb-*.pickle"))) == 1
    import lexlux.pipeline as pipeline

    def no_build(*args: object) -> object:
        raise AssertionError("compiled again instead of read from the cache")

    monkeypatch.setattr(pipeline, "_build", no_build)
    second = load_knowledge_base([rules])
    assert _summary(second) == _summary(first)
    assert second.documents.keys() == first.documents.keys()     # read on first use
    assert second.source_lines() == first.source_lines()


def test_any_change_to_a_rule_file_is_a_new_key(cache: Path, rules: Path) -> None:
    load_knowledge_base([rules])
    vocabulary = next(rules.rglob("vocabulary*.yaml"), None) or next(rules.rglob("*.yaml"))
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n# edited\n",
                          encoding="utf-8")
    load_knowledge_base([rules])
    assert len(list(cache.glob("kb-*.pickle"))) == 2
    broken = next(p for p in rules.rglob("*.yaml") if p != vocabulary)
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    result = load_knowledge_base([rules])
    assert not result.ok and any(d.code.startswith("LX1") for d in result.diagnostics)
    again = load_knowledge_base([rules])          # from the cache: the same diagnostics
    assert [d.message for d in again.diagnostics] == [d.message for d in result.diagnostics]
    assert again.source_lines() == result.source_lines()


def test_the_cache_can_be_turned_off(cache: Path, rules: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEXLUX_NO_CACHE", "1")
    assert load_knowledge_base([rules]).ok
    assert not cache.exists()


def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache: Path, rules: Path) -> None:
    first = load_knowledge_base([rules])
    (target,) = cache.glob("kb-*.pickle")
    target.write_bytes(target.read_bytes()[:100])
    second = load_knowledge_base([rules])
    assert _summary(second) == _summary(first)
    assert len(target.read_bytes()) > 100       # written again, whole


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path, rules: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("LEXLUX_CACHE_DIR", str(blocker / "cache"))
    assert load_knowledge_base([rules]).ok


def test_concurrent_runs_share_the_cache_safely(cache: Path, rules: Path) -> None:
    code = ("import sys; from lexlux.pipeline import load_knowledge_base as l; "
            "r = l([__import__('pathlib').Path(sys.argv[1])]); print(len(r.kb.rules), r.ok)")
    env = {**os.environ, "LEXLUX_CACHE_DIR": str(cache)}
    runs = [subprocess.Popen([sys.executable, "-c", code, str(rules)], env=env,
                             stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = {run.communicate(timeout=60)[0] for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(outputs) == 1 and outputs.pop().endswith("True\n")
    assert not list(cache.glob(".kb-*.tmp"))       # no half-written file left behind
    assert load_knowledge_base([rules]).ok


def test_a_reform_applies_to_a_cached_baseline(cache: Path) -> None:
    from lexlux.evaluate.case import load_case
    from lexlux.evaluate.interpreter import evaluate
    from lexlux.whatif.reform import apply_reform
    load_knowledge_base()
    baseline = load_knowledge_base()          # from the cache, documents read on demand
    reformed = apply_reform(baseline, REPO / "examples" / "limit-52-weeks-from-2027.reform.yaml")
    assert reformed.ok
    case, _ = load_case(REPO / "examples" / "long-illness-2027.case.yaml", baseline.kb)
    assert case is not None and case.as_of is not None
    before = evaluate(baseline.kb, case, case.as_of, outputs=["sickness_benefit_exhausted_from"])
    after = evaluate(reformed.kb, case, case.as_of, outputs=["sickness_benefit_exhausted_from"])
    assert before.value("sickness_benefit_exhausted_from") == date(2028, 7, 31)
    assert after.value("sickness_benefit_exhausted_from") == date(2028, 1, 31)


def test_the_holiday_tables_are_kept_on_disk(cache: Path) -> None:
    from lexlux.calendar import holiday_table
    calls: list[int] = []

    def compute() -> dict[date, str]:
        calls.append(1)
        return {date(2031, 1, 1): "Jour de l'an"}

    holiday_table._memory = None
    assert holiday_table.holiday_table("XX", 2031, compute) == {date(2031, 1, 1): "Jour de l'an"}
    holiday_table._memory = None              # a new process: read from the file
    assert holiday_table.holiday_table("XX", 2031, compute) == {date(2031, 1, 1): "Jour de l'an"}
    assert calls == [1]

    def out_of_range() -> dict[date, str]:
        raise ValueError("known for 1950-2100 only")

    with pytest.raises(ValueError, match="1950-2100"):
        holiday_table.holiday_table("XX", 2200, out_of_range)


def _modules_after(argv: list[str], cache: Path) -> set[str]:
    """The top-level packages a fresh process has imported after ``lexlux ARGV``."""
    return {name.split(".")[0] for name in _all_modules_after(argv, cache)}


def test_the_command_line_imports_only_what_a_command_needs(cache: Path) -> None:
    heavy = {"z3", "networkx", "jsonschema", "holidays"}
    assert _modules_after(["--help"], cache) & heavy == set()
    case = str(REPO / "examples" / "dismissal-during-sickness.case.yaml")
    _modules_after(["eval", case], cache)                      # fills the caches
    # a case seen before is not schema-checked again (lexlux.validate.passed): no jsonschema
    assert _modules_after(["eval", case], cache) & heavy == set()
    assert _modules_after(["check"], cache) & heavy == set()


def _all_modules_after(argv: list[str], cache: Path) -> set[str]:
    probe = ("import io, sys; from lexlux.cli import run; "
             f"code = run({argv!r}, io.StringIO(), io.StringIO()); "
             "print(code, ' '.join(sorted(sys.modules)))")
    env = {**os.environ, "LEXLUX_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, check=True, cwd=REPO)
    code, *names = done.stdout.split()
    assert code in ("0", "1"), done.stderr     # (1: the outputs differ)
    return set(names)


def test_a_diff_on_a_cached_knowledge_base_imports_what_it_runs_only(cache: Path) -> None:
    """Stop 21: the fixed cost of a process.  ``lexlux diff`` reads no YAML (pyyaml), runs
    no check of ``lexlux verify`` (their modules), serves nothing (the server and the
    LSP), and finds the C library without ``ctypes.util`` (which runs ``ldconfig``)."""
    argv = ["diff", "--from", "2019-12-31", "--to", "2020-01-01", "--format", "json",
            "--output", "request_in_time"]
    _all_modules_after(argv, cache)                          # fills the knowledge base's cache
    loaded = _all_modules_after(argv, cache)
    assert "lexlux.verify.checks.versions" in loaded         # (the diff did run)
    unwanted = {"yaml", "networkx", "jsonschema", "holidays", "ctypes.util", "difflib",
                "lexlux.serve", "lexlux.lsp", "lexlux.report", "lexlux.whatif",
                "lexlux.verify.checks.rules", "lexlux.verify.checks.invariants",
                "lexlux.verify.checks.accepted"}
    assert loaded & unwanted == set()


def test_version_names_the_engine_and_the_knowledge_base() -> None:
    import io

    from lexlux.cli import run
    out = io.StringIO()
    assert run(["--version"], out, io.StringIO()) == 0
    engine, knowledge_base = out.getvalue().splitlines()
    assert engine.startswith("lexlux ")
    assert knowledge_base.startswith("knowledge base ") and "sha256 " in knowledge_base


def test_a_reformed_law_is_cached_and_follows_the_reform_file(cache: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    from lexlux.cli.common import load_reformed
    reform = tmp_path / "r.reform.yaml"
    text = (REPO / "examples" / "limit-52-weeks-from-2027.reform.yaml").read_text(
        encoding="utf-8")
    reform.write_text(text, encoding="utf-8")
    baseline = load_knowledge_base()
    first = load_reformed(baseline, reform)
    import lexlux.whatif.reform as reform_module

    def no_apply(*args: object) -> object:
        raise AssertionError("applied again instead of read from the cache")

    monkeypatch.setattr(reform_module, "apply_reform", no_apply)
    again = load_reformed(baseline, reform)
    values = again.kb.parameters["lu.sickness_benefit.max_weeks"].values
    assert values == first.kb.parameters["lu.sickness_benefit.max_weeks"].values
    monkeypatch.undo()
    monkeypatch.setenv("LEXLUX_CACHE_DIR", str(cache))
    reform.write_text(text.replace('value: 52', 'value: 60'), encoding="utf-8")
    changed = load_reformed(baseline, reform)
    assert changed.kb.parameters["lu.sickness_benefit.max_weeks"].values[-1].value != \
        values[-1].value
