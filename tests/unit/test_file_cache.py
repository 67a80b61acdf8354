"""The per-file cache of the read/YAML/schema stages (lexlux.load.file_cache): after an edit,
only the edited file is loaded again, and the result is the one of a load without cache."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from lexlux.load.discover import bundled_root
from lexlux.pipeline import LoadResult, load_knowledge_base

REPO = Path(__file__).resolve().parent.parent.parent
EDITED = "lu/code_du_travail/L552-2/p5.yaml"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_root("rules"), target)
    return target


def _loaded_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files that go through the per-file stages from now on (not from the cache)."""
    import lexlux.pipeline as pipeline
    seen: list[str] = []
    real = pipeline._load_one

    def counting(file: Any, content: Any) -> Any:
        seen.append(file.display)
        return real(file, content)

    monkeypatch.setattr(pipeline, "_load_one", counting)
    return seen


def _compiled_rules(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule files compiled from now on (not taken from the cache)."""
    import lexlux.compile.from_source as from_source
    seen: list[str] = []
    real = from_source.build_rule

    def counting(doc: Any, kb: Any) -> Any:
        seen.append(doc.path)
        return real(doc, kb)

    monkeypatch.setattr(from_source, "build_rule", counting)
    return seen


def test_a_rule_is_compiled_again_when_a_parameter_file_changes(
        cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_knowledge_base([rules])
    parameters = sorted((rules / "lu" / "parameters").glob("*.yaml"))[0]
    parameters.write_text(parameters.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    compiled = _compiled_rules(monkeypatch)
    cached = load_knowledge_base([rules])
    assert len(compiled) == len(cached.kb.rules)
    _same(cached, _uncached(rules, monkeypatch))


def _uncached(rules: Path, monkeypatch: pytest.MonkeyPatch) -> LoadResult:
    with monkeypatch.context() as patch:
        patch.setenv("LEXLUX_NO_CACHE", "1")
        return load_knowledge_base([rules])


def _check_json(rules: Path, monkeypatch: pytest.MonkeyPatch, *, cached: bool) -> Any:
    """The output of ``lexlux check --format json``, its timings left out; ``cached``: with
    the per-file entries only (no compiled knowledge base)."""
    from lexlux.cli import run
    from lexlux.kb_cache import cache_dir
    out = io.StringIO()
    with monkeypatch.context() as patch:
        if cached:
            for compiled in cache_dir().glob("kb-*"):
                compiled.unlink()
        else:
            patch.setenv("LEXLUX_NO_CACHE", "1")
        run(["check", "--format", "json", str(rules)], out, io.StringIO())
    return _untimed(json.loads(out.getvalue()))


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if not k.endswith("seconds")}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _same(cached: LoadResult, fresh: LoadResult) -> None:
    assert cached.kb.rules == fresh.kb.rules
    assert cached.kb.parameters == fresh.kb.parameters
    assert cached.kb.vocabularies == fresh.kb.vocabularies
    assert cached.kb.derivations == fresh.kb.derivations
    assert cached.diagnostics == fresh.diagnostics
    assert dict(cached.documents) == dict(fresh.documents)
    assert cached.coverage == fresh.coverage


def _edit(rules: Path, old: str, new: str) -> None:
    path = rules / EDITED
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_after_an_edit_only_that_file_is_loaded_and_the_result_is_a_fresh_build(
        cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lexlux.evaluate.case import load_case
    from lexlux.evaluate.interpreter import evaluate
    load_knowledge_base([rules])                  # fills the per-file entries
    assert len(list((cache / "files").iterdir())) > 200
    _edit(rules, "cm_referral_date + 40 days", "cm_referral_date + 41 days")
    loaded = _loaded_files(monkeypatch)
    compiled = _compiled_rules(monkeypatch)
    cached = load_knowledge_base([rules])
    assert [Path(p).as_posix().endswith(EDITED) for p in loaded] == [True]
    assert [Path(p).as_posix().endswith(EDITED) for p in compiled] == [True]
    fresh = _uncached(rules, monkeypatch)
    assert cached.ok and fresh.ok
    _same(cached, fresh)
    assert _check_json(rules, monkeypatch, cached=True) == \
        _check_json(rules, monkeypatch, cached=False)
    case, _ = load_case(REPO / "examples" / "long-illness-2027.case.yaml", fresh.kb)
    assert case is not None and case.as_of is not None
    assert _shown(evaluate(cached.kb, case, case.as_of)) == \
        _shown(evaluate(fresh.kb, case, case.as_of))


def _shown(outcome: object) -> str:
    """The whole outcome, values and traces, without the addresses of objects."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(outcome))


@pytest.mark.parametrize("old,new", [
    ("cm_referral_date + 40 days", "cm_referral_date + 40 dayz"),   # compile error
    ("versions:", "versionz:"),                                     # schema error
    ("versions:", "versions: [\n"),                                 # not YAML
])
def test_an_error_introduced_by_an_edit_is_reported_as_without_the_cache(
        cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    load_knowledge_base([rules])
    _edit(rules, old, new)
    first = load_knowledge_base([rules])
    fresh = _uncached(rules, monkeypatch)
    assert not fresh.ok
    for cached in (first, _from_file_entries(rules)):   # the broken file's own entry too
        _same(cached, fresh)
        located = [(d.code, d.span.file, d.span.line, d.span.column) for d in cached.diagnostics
                   if d.span is not None]
        assert located == [(d.code, d.span.file, d.span.line, d.span.column)
                           for d in fresh.diagnostics if d.span is not None]
        assert any(Path(f).as_posix().endswith(EDITED) for _, f, _, _ in located)


def _from_file_entries(rules: Path) -> LoadResult:
    """A load that finds every file in the per-file cache but not the compiled knowledge base."""
    from lexlux.kb_cache import cache_dir
    for compiled in cache_dir().glob("kb-*"):
        compiled.unlink()
    return load_knowledge_base([rules])


def test_a_damaged_entry_is_ignored_and_written_again(cache: Path, rules: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    load_knowledge_base([rules])
    entries = sorted((cache / "files").iterdir())
    for number, entry in enumerate(entries):       # truncated, emptied, foreign
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 3 == 0 else
                          b"" if number % 3 == 1 else b"lexlux-file-cache-1garbage")
    loaded = _loaded_files(monkeypatch)
    again = _from_file_entries(rules)
    assert len(loaded) == len(again.files)          # file entries and compiled rules
    _same(again, _uncached(rules, monkeypatch))
    loaded.clear()
    _from_file_entries(rules)
    assert loaded == []                            # the entries were written again


def test_the_per_file_cache_is_off_with_the_cache(cache: Path, rules: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _uncached(rules, monkeypatch)
    assert not (cache / "files").exists()
