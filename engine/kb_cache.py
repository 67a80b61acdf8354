"""A compiled knowledge base cached on disk, so that each command does not parse, validate
and compile the rules again (the cold start of the command line).

The cache file is a pickle of the :class:`~lexlux.pipeline.LoadResult` (diagnostics
included; the dependency graph left out: it is rebuilt where needed); the source documents
(YAML data and source maps, 4/5 of the size) are in a second file beside it, read only when
a command uses them (diagnostics with their source lines, reforms).  Its
name is the SHA-256 of everything the result depends on:

* the lexlux version and the Python version;
* a fingerprint of lexlux's own code and schemas (size and modification time of each file),
  so that an edited checkout never reads a stale pickle;
* every rule file found: its path as shown in diagnostics (which depends on the working
  directory), its kind, and the SHA-256 of its bytes.

Any change gives another name: nothing is ever invalidated in place.  Files are written to
a temporary file and renamed (``os.replace``), so that concurrent runs see a whole file or
none; a file that cannot be read (truncated, another version's classes) is ignored and
rebuilt.  Only the newest files are kept (``KEEP``).

Where: ``$LEXLUX_CACHE_DIR``, else ``$XDG_CACHE_HOME/lexlux``, else ``~/.cache/lexlux``.
``LEXLUX_NO_CACHE=1`` turns the cache off.  A cache directory that cannot be written is
not an error: the rules are compiled as without a cache.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import operator
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .load.discover import SourceFile
    from .pipeline import LoadResult

KEEP = 16
_FORMAT = b"lexlux-kb-cache-1"
PACKAGE_DIR = Path(__file__).resolve().parent


def enabled() -> bool:
    return os.environ.get("LEXLUX_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def cache_dir() -> Path:
    explicit = os.environ.get("LEXLUX_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lexlux"


_code_fingerprint: str | None = None


def code_fingerprint() -> str:
    """Size and modification time of lexlux's code and bundled schemas."""
    global _code_fingerprint
    if _code_fingerprint is None:
        from .load.discover import bundled_root
        digest = hashlib.sha256()
        for root, suffix in ((PACKAGE_DIR, ".py"), (bundled_root("schemas"), ".json")):
            for name, stat in _files_under(str(root), suffix):
                digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        _code_fingerprint = digest.hexdigest()
    return _code_fingerprint


def _files_under(root: str, suffix: str) -> list[tuple[str, os.stat_result]]:
    """Each file named ``*suffix`` under ``root`` (its path under it, sorted) and its
    ``stat``, by the rule files' walk (one ``scandir`` per folder and no :class:`Path`
    per file: pathlib's ``rglob`` of the 300 files was 10 ms of every command's start)."""
    from .load.discover import entries_under
    found: list[tuple[str, os.stat_result]] = []
    for parts, entry in entries_under(root, suffix):
        with contextlib.suppress(OSError):
            found.append(("/".join(parts), entry.stat()))
    return found


def key_for(files: Sequence[SourceFile]) -> str | None:
    """The cache key of a knowledge base built from ``files``; None if one cannot be read."""
    from . import __version__
    from .limits import current
    digest = hashlib.sha256(_FORMAT)
    digest.update(f"{__version__}|{sys.version}|{code_fingerprint()}\n".encode())
    digest.update(f"limits {current()!r}\n".encode())    # other limits, other diagnostics
    for file in files:
        try:
            content = file.path.read_bytes()
        except OSError:
            return None      # unreadable: let the loader report it (LX104), do not cache
        digest.update(f"{file.path}|{file.display}|{file.kind.value}|".encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def rules_hash(files: Sequence[SourceFile]) -> str:
    """The SHA-256 of the rule files (their paths under the rules folder and contents): the
    knowledge base's version, as ``lexlux --version`` prints it."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.display}|".encode())
        digest.update(hashlib.sha256(file.path.read_bytes()).digest())
    return digest.hexdigest()


def load_or_build(files: Sequence[SourceFile], build: Callable[[], LoadResult]
                  ) -> LoadResult:
    """The cached result for ``files``, or ``build()`` (then cached)."""
    if not enabled():
        return build()
    key = key_for(files)
    if key is None:
        return build()
    folder = cache_dir()
    target = folder / f"kb-{key}.pickle"
    cached = _read(target)
    if cached is not None:
        return cached
    result = build()
    _write(folder, target, result)
    return result


class LazyDocuments(dict):  # type: ignore[type-arg]
    """The source documents of a cached result, read from their own file on first use (a
    command that only evaluates never needs them; diagnostics and reforms do)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path: Path | None = path

    def _fill(self) -> None:
        path, self._path = self._path, None
        if path is None:
            return
        try:
            with path.open("rb") as handle:
                if handle.read(len(_FORMAT)) == _FORMAT:
                    found = pickle.load(handle)
                    if isinstance(found, dict) and _REFERENCES in found:
                        found = _referenced(found[_REFERENCES])
                    super().update(found)
        except Exception:
            pass       # gone or damaged: diagnostics are shown without source lines

    def __getitem__(self, key: str) -> Any:
        self._fill()
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[str]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)

    def items(self) -> Any:
        self._fill()
        return super().items()

    def keys(self) -> Any:
        self._fill()
        return super().keys()

    def values(self) -> Any:
        self._fill()
        return super().values()

    def __reduce__(self) -> Any:
        self._fill()
        return (dict, (dict(super().items()),))


def _read(target: Path) -> LoadResult | None:
    try:
        with target.open("rb") as handle:
            if handle.read(len(_FORMAT)) != _FORMAT:
                return None
            result = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:       # a damaged or foreign file: ignore it, it is rebuilt
        return None
    from .pipeline import LoadResult
    if not isinstance(result, LoadResult):
        return None
    result.documents = LazyDocuments(_documents_file(target))
    with contextlib.suppress(OSError):
        os.utime(target)    # most recently used: kept by the pruning
    return result


def _documents_file(target: Path) -> Path:
    return target.with_suffix(".documents")


#: The key of a documents file that names the per-file entries holding its documents.
_REFERENCES = "\0per-file entries"


def _references(result: LoadResult) -> dict[str, tuple[str, str]] | None:
    """The documents of ``result`` as the per-file entries that hold them
    (:mod:`lexlux.load.file_cache`: display path → (entry key, file path)), or None when
    one of them has none (a reformed law's documents, a file that could not be composed,
    the cache off): then the documents are written whole."""
    from .load.file_cache import FileCache
    keys = result.file_keys
    cache = FileCache()
    if keys is None or not cache.active:
        return None
    files = {f.display: f for f in result.files}
    out: dict[str, tuple[str, str]] = {}
    for display in result.documents:
        key, file = keys.get(display), files.get(display)
        if key is None or file is None or not (cache.folder / key).is_file():
            return None
        out[display] = (key, str(file.path))
    return out


def _referenced(references: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The documents named by :func:`_references`; an entry gone since (pruned) is read
    again from its file, whose content is the one the knowledge base was built from (its
    key says so)."""
    from .load.file_cache import FileCache, FileOutcome
    from .load.yaml_source import load_file
    cache = FileCache()
    out: dict[str, Any] = {}
    for display, (key, path) in references.items():
        found = cache.read(key)
        if isinstance(found, FileOutcome):
            out[display] = found.doc
            continue
        doc, _ = load_file(Path(path), display)
        if doc is not None:
            out[display] = doc
    return out


def _write(folder: Path, target: Path, result: LoadResult) -> None:
    graph, documents = result.kb.graph, result.documents
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # the documents first: a reader that finds the result finds its documents; by
        # reference to their per-file entries where each has one (not copied again)
        references = _references(result)
        _dump(folder, _documents_file(target), dict(documents) if references is None
              else {_REFERENCES: references})
        result.kb.graph = None           # networkx is rebuilt where needed, not pickled
        result.documents = {}
        _dump(folder, target, result)
    except Exception:
        return
    finally:
        result.kb.graph, result.documents = graph, documents
    _prune(folder)


class _Reducers(dict):  # type: ignore[type-arg]
    """The pickler's ``dispatch_table``: a dataclass pickled as a call of the class with its
    fields (its reducer made on first use); any other class pickled as usual."""

    def __missing__(self, cls: type) -> Any:
        registered = copyreg.dispatch_table.get(cls)
        if registered is not None:
            return registered
        names = _init_fields(cls)
        if names is None:
            raise KeyError(cls)
        get = operator.attrgetter(*names)
        if len(names) == 1:
            reducer = self[cls] = lambda obj: (cls, (get(obj),))
        else:
            reducer = self[cls] = lambda obj: (cls, get(obj))
        return reducer


_REDUCERS = _Reducers()


class _Pickler(pickle.Pickler):
    """Dataclasses pickled as a call of the class with their fields: loading runs the
    generated ``__init__`` instead of the generic ``__setstate__`` of slotted dataclasses,
    which looks the fields up again for every object (3x faster to load).  The reducers
    are a ``dispatch_table`` of ``attrgetter`` calls (2x faster to write than a Python
    ``reducer_override`` called for every object)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dispatch_table = _REDUCERS


def _init_fields(cls: type) -> tuple[str, ...] | None:
    import dataclasses
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") \
            or not cls.__dataclass_params__.init:     # type: ignore[attr-defined]
        return None
    fields = dataclasses.fields(cls)
    if not all(f.init and not f.kw_only for f in fields):
        return None
    return tuple(f.name for f in fields)


def _dump(folder: Path, target: Path, value: object) -> None:
    dump_atomically(folder, target, value, _FORMAT)


def dump_atomically(folder: Path, target: Path, value: object, header: bytes) -> None:
    """Pickle ``value`` after ``header`` into a temporary file of ``folder``, renamed to
    ``target``: a reader sees a whole file or none."""
    import tempfile  # (random, shutil, bz2, lzma: a cache that is read needs none)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".kb-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(header)
            _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(folder: Path) -> None:
    try:
        entries = sorted(folder.glob("kb-*.pickle"), key=lambda p: p.stat().st_mtime,
                         reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
            _documents_file(old).unlink(missing_ok=True)
    except OSError:
        pass
