"""The compiled knowledge base names the per-file entries holding its documents instead of
copying them (the write after an edit is what ``verify --cache`` waits for); the documents
read back are those of a fresh build, also when an entry is gone; the pickler writes the
same bytes as the generic reducer it replaces.
"""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from lexlux import kb_cache
from lexlux.pipeline import load_knowledge_base

REPO = Path(__file__).resolve().parent.parent.parent
TEST_RULES = REPO / "tests" / "evaluate" / "kb" / "rules"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TEST_RULES, tmp_path / "rules"))


def _lines(result: Any) -> dict[str, list[str]]:
    return {path: list(lines) for path, lines in result.source_lines().items()}


def test_the_documents_are_named_not_copied_and_read_back_the_same(
        cache: Path, rules: Path) -> None:
    first = load_knowledge_base([rules])
    [documents] = cache.glob("kb-*.documents")
    with documents.open("rb") as handle:
        assert handle.read(len(kb_cache._FORMAT)) == kb_cache._FORMAT
        stored = pickle.load(handle)
    assert list(stored) == [kb_cache._REFERENCES]
    assert set(stored[kb_cache._REFERENCES]) == set(first.documents)
    second = load_knowledge_base([rules])            # from the cache
    assert isinstance(second.documents, kb_cache.LazyDocuments)
    assert _lines(second) == _lines(first)
    assert {p: d.data for p, d in second.documents.items()} == \
        {p: d.data for p, d in first.documents.items()}


def test_a_pruned_entry_is_read_again_from_its_file(cache: Path, rules: Path) -> None:
    first = load_knowledge_base([rules])
    shutil.rmtree(cache / "files")
    second = load_knowledge_base([rules])
    assert _lines(second) == _lines(first)
    assert {p: d.data for p, d in second.documents.items()} == \
        {p: d.data for p, d in first.documents.items()}


def test_without_per_file_entries_the_documents_are_written_whole(
        cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kb_cache, "_references", lambda result: None)
    first = load_knowledge_base([rules])
    [documents] = cache.glob("kb-*.documents")
    with documents.open("rb") as handle:
        handle.read(len(kb_cache._FORMAT))
        assert kb_cache._REFERENCES not in pickle.load(handle)
    assert _lines(load_knowledge_base([rules])) == _lines(first)


class _Generic(pickle.Pickler):
    """The reducer the dispatch table replaced (a Python call for every object)."""

    def reducer_override(self, obj: Any) -> Any:
        names = kb_cache._init_fields(type(obj))
        if names is None:
            return NotImplemented
        return type(obj), tuple(getattr(obj, n) for n in names)


def test_the_pickler_writes_what_the_generic_reducer_wrote(rules: Path,
                                                          cache: Path) -> None:
    kb = load_knowledge_base([rules]).kb
    kb.graph = None
    fast, generic = io.BytesIO(), io.BytesIO()
    kb_cache._Pickler(fast, protocol=pickle.HIGHEST_PROTOCOL).dump(kb)
    _Generic(generic, protocol=pickle.HIGHEST_PROTOCOL).dump(kb)
    assert fast.getvalue() == generic.getvalue()
    again = pickle.loads(fast.getvalue())
    assert sorted(again.rules) == sorted(kb.rules)
    assert [r.versions for r in again.rules.values()] == \
        [r.versions for r in kb.rules.values()]


def test_rebuilding_after_an_edit_imports_neither_networkx_nor_jsonschema(
        cache: Path, tmp_path: Path) -> None:
    """A valid edited file is checked by jsonschema-rs alone, circles are looked for with
    graphlib, and the dependency graph is built only where used."""
    import os
    import subprocess
    import sys
    pytest.importorskip("jsonschema_rs")
    rules = Path(shutil.copytree(REPO / "tests" / "verify" / "planted" / "base" / "rules",
                                 tmp_path / "edited"))
    probe = ("import io, sys; from lexlux.cli import run; "
             f"code = run(['check', {str(rules)!r}], io.StringIO(), io.StringIO()); "
             "print(code, ' '.join(sorted(m.split('.')[0] for m in sys.modules)))")
    env = {**os.environ, "LEXLUX_CACHE_DIR": str(cache)}

    def modules() -> tuple[str, set[str]]:
        done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                              text=True, check=True)
        code, _, names = done.stdout.partition(" ")
        return code, set(names.split())
    modules()                                               # fills the caches
    target = rules / "lu" / "code_du_travail" / "L551-2" / "p1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "headcount >= threshold", "headcount > threshold"), encoding="utf-8")
    code, loaded = modules()
    assert code == "0" and {"lexlux", "yaml"} <= loaded
    assert loaded & {"networkx", "jsonschema", "referencing"} == set()


def test_a_reformed_law_keeps_its_own_documents(cache: Path, tmp_path: Path) -> None:
    """A reform changes documents: those of the reformed law are written whole, never as
    references to the baseline's per-file entries."""
    from lexlux.cli.common import load_reformed
    reform = tmp_path / "r.reform.yaml"
    reform.write_text((REPO / "examples" / "limit-52-weeks-from-2027.reform.yaml").read_text(
        encoding="utf-8"), encoding="utf-8")
    baseline = load_knowledge_base()
    reformed = load_reformed(baseline, reform)
    assert reformed.file_keys is None
    kinds = set()
    for documents in cache.glob("kb-*.documents"):
        with documents.open("rb") as handle:
            handle.read(len(kb_cache._FORMAT))
            kinds.add(kb_cache._REFERENCES in pickle.load(handle))
    assert kinds == {True, False}       # the baseline by reference, the reform whole
