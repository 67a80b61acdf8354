"""Stage 5 (verify): a check's answer about one subject, cached by what it reads.

A *unit* is the work of one check about one subject: the conflicts of an output, the
hierarchy of its provisions, a pair of its readings (with the timeline witness search),
its totality, whether it can be encoded; the dead-rule test of one version; the proof of
one invariant.  With ``--cache DIR`` its key is computed before anything is encoded
(:func:`unit_key`: the check, the subject, the options, the digest of the slice of the
knowledge base it reads, :mod:`.slices`), and on a hit its findings are rebuilt from the
cache without encoding or solving.

A check takes part by running its loop over subjects through :func:`units` (which leaves
out the items found in the cache) and by being wrapped in :func:`unit_check` (which yields
their findings in their place, and gives each unit that ran the findings the check
yielded during its iteration).  Whatever a check does outside such a loop runs as before.

A finding with a witness keeps its case (its facts) and the outputs replayed; on a hit the
evaluator runs the case again and must give what it gave when the witness was found (the
evaluator is the reference: the model agreed with it then, or the replay confirmed the
model), else the entry is dropped and the unit runs.  Spans and file names in a finding
are kept relative to the folder of the rules, so that a copy of the rules elsewhere reads
the same entries.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ...diagnostics import Span
from ...evaluate.case import Case
from .findings import Finding
from .slices import NotCanonicalError, Slices
from .timeline_notes import timeline_log

if TYPE_CHECKING:
    from ...compile.model import KnowledgeBase
    from .context import Audit

#: Stands for the folder of the rules in stored spans and texts.
ROOT = "<rules>"


def slices(audit: Audit) -> Slices:
    """The knowledge base's slice digests (one per knowledge base, kept on the cache)."""
    cache = audit.cache
    found: Slices | None = getattr(cache, "_slices", None)
    if found is None or found.kb is not audit.kb:
        found = Slices(audit.kb)
        cache._slices = found
    return found


def unit_key(audit: Audit, check: str, subject: Iterable[str], outputs: Iterable[str], *,
             invariants: Iterable[str] = (), totals: Iterable[str] = ()) -> str | None:
    """The key of a unit, or None when the slice has no canonical text."""
    try:
        digest = slices(audit).digest(audit.jurisdiction, outputs, invariants=invariants,
                                      totals=totals)
    except NotCanonicalError:
        return None
    options = [audit.cache.salt, check, *subject, audit.jurisdiction,
               audit.as_of.isoformat() if audit.as_of else "all dates", audit.rule or "",
               str(audit.rlimit), str(audit.max_regions), digest]
    return hashlib.sha256("\0".join(options).encode()).hexdigest()


T = TypeVar("T")


@dataclass
class _Open:
    """The unit being run: its key, the queries before it, its findings and witnesses."""
    key: str
    queries: int
    started: float
    findings: list[Finding] = field(default_factory=list)
    #: the timeline answers recorded before the unit ran (:mod:`.timeline_notes`)
    timelines: dict[str, int] = field(default_factory=dict)


@dataclass
class _State:
    """The units of one run of a check (:func:`unit_check`)."""
    pending: list[Finding] = field(default_factory=list)      # rebuilt, not yet yielded
    open: _Open | None = None


def unit_check(check: Callable[[Audit], Iterator[Finding]]
               ) -> Callable[[Audit], Iterator[Finding]]:
    """A check whose loops go through :func:`units`: the findings of the units found in
    the cache are yielded in their place, in the order of a run without cache, and each
    unit that runs is stored with the findings it yielded."""
    @functools.wraps(check)
    def run(audit: Audit) -> Iterator[Finding]:
        if audit.cache is None or audit.units is not None:
            yield from check(audit)        # no cache, or inside another check's units
            return
        state = audit.units = _State()
        try:
            for finding in check(audit):
                if state.open is not None:
                    state.open.findings.append(finding)
                yield from _flush(state)
                yield finding
            yield from _flush(state)
        finally:
            audit.units = None
            audit.recording = None
    return run


def _flush(state: _State) -> Iterator[Finding]:
    pending, state.pending = state.pending, []
    yield from pending


def units(audit: Audit, check: str, items: Iterable[T], *,
          label: Callable[[T], str] = str, prefix: tuple[str, ...] = (),
          outputs: Callable[[T], Iterable[str]] | None = None,
          read: tuple[str, ...] | None = None, invariant: bool = False,
          total: bool = False, after: Callable[[T, Finding], None] | None = None
          ) -> Iterator[T]:
    """The items of a check's loop whose unit must run; the others' findings come from
    the cache (yielded by :func:`unit_check`).  The unit of an item is the check about
    the subject ``(*prefix, label(item))``; it reads ``outputs(item)``, or ``read`` (default:
    the output named by the label), and, with ``invariant``, the invariant of that id, with
    ``total``, the output's totality condition.  ``after``: run again on a rebuilt witness
    finding (the evaluator's own check of an invariant's property)."""
    state = audit.units
    if state is None or audit.cache is None:
        for item in items:
            fresh_slices(audit)
            yield item
        fresh_slices(audit)
        return
    share = audit.cache.share          # verify --jobs N (checks/parallel.py), else None
    for item in items:
        name = label(item)
        reads = list(outputs(item)) if outputs is not None else list(read) \
            if read is not None else [] if invariant else [name]
        key = unit_key(audit, check, (*prefix, name), reads,
                       invariants=(name,) if invariant else (),
                       totals=(name,) if total else ())
        if key is None:
            if share is None or not share.worker:   # run by the main process only
                yield item
            continue
        if share is not None and share.mode != "final" and (
                share.worker or share.deferred):
            # a walk that only runs its own claims: the rest is skipped, not rebuilt
            if key in audit.cache.units or not share.take(
                    share.claim(audit.jurisdiction, reads, key, check)):
                continue
        else:
            entry = audit.cache.unit(key)
            if entry is not None:
                rebuilt = _rebuild(audit, entry, None if after is None else
                                   functools.partial(after, item))
                if rebuilt is not None:
                    _replay_timelines(audit, entry.get("timelines", []))
                    audit.queries += int(entry.get("queries", 0))
                    if key not in audit.cache.fresh:    # not run by a worker of this run
                        audit.cached_queries += int(entry.get("queries", 0))
                    state.pending += rebuilt
                    continue
                audit.cache.drop_unit(key)
            if share is not None and share.mode == "first":
                share.maybe_start(audit.cache)
                if not share.take(share.claim(audit.jurisdiction, reads, key, check)):
                    # a worker runs it: a last walk is needed
                    share.deferred = True
                    continue
        state.open = _Open(key, audit.queries, time.perf_counter(),
                           timelines={n: len(a) for n, a in timeline_log(audit).items()})
        audit.recording = {}
        fresh_slices(audit)
        try:
            yield item
        except GeneratorExit:           # the loop was left: the unit is not stored
            state.open, audit.recording = None, None
            raise
        fresh_slices(audit)
        _close(audit, state)


def fresh_slices(audit: Audit) -> None:
    """Each unit starts (and what follows it goes on) with fresh slice solvers
    (checks/quick.py): what a slice learnt from the queries of other units could change
    whether a query is decided there, and so which solve gives its witness, and a unit's
    answer must not depend on the units run before it in its process (``--jobs N``, cache
    hits; docs/verification.md)."""
    from .quick import Slices as QuickSlices
    audit._slices = QuickSlices()


def _close(audit: Audit, state: _State) -> None:
    """Store the unit that just ran (its loop moved on)."""
    unit, witnesses = state.open, audit.recording or {}
    state.open, audit.recording = None, None
    if unit is None or audit.cache is None:
        return
    audit.cache.run_seconds += time.perf_counter() - unit.started
    root = _root(audit)
    try:
        stored = [_store(f, witnesses.get(id(f)), root) for f in unit.findings]
    except NotCanonicalError:
        return
    entry = {"queries": audit.queries - unit.queries, "findings": stored,
             "timelines": _new_timelines(audit, unit.timelines)}
    audit.cache.put_unit(unit.key, entry)
    if audit.cache.share is not None and audit.cache.share.worker:
        from .parallel import sent
        sent(audit.cache.share, audit.cache, unit.key, entry)


def _new_timelines(audit: Audit, before: dict[str, int]) -> list[list[str]]:
    """The timeline answers a unit recorded (replayed on a hit, so that the notes LX521 /
    LX522 after the checks are the same with or without the cache)."""
    return [[name, *entry] for name, answers in sorted(timeline_log(audit).items())
            for entry in answers[before.get(name, 0):]]


def _replay_timelines(audit: Audit, stored: Iterable[list[str]]) -> None:
    log = timeline_log(audit)
    for name, what, answer, bound in stored:
        entry = (str(what), str(answer), str(bound))
        if entry not in log.setdefault(str(name), []):
            log[str(name)].append(entry)


def record(audit: Audit, finding: Finding, case: Case,
           checks: list[tuple[str, dict[str, Any]]], confirmed: bool) -> None:
    """Called by :meth:`Audit.witness`: what a unit must replay on a hit."""
    if audit.recording is not None:
        from ...evaluate.case import case_to_data
        audit.recording[id(finding)] = {
            "case": case_to_data(case, audit.kb),
            "checks": [[name, {k: v.isoformat() if isinstance(v, date) else v
                               for k, v in options.items()}] for name, options in checks],
            "confirmed": confirmed, "replay": finding.replay}


def _root(audit: Audit) -> str:
    """The folder of the rules as spans name it (the common folder of the rule files)."""
    found: str | None = getattr(audit.cache, "_root", None)
    if found is None:
        found = audit.cache._root = rules_root(audit.kb)
    return found


def rules_root(kb: KnowledgeBase) -> str:
    """The common folder of the rule and vocabulary files (``""``: none)."""
    files = [r.file for r in kb.rules.values()] + [v.file for v in kb.vocabularies.values()]
    try:
        found = os.path.commonpath(files) if files else ""
    except ValueError:
        found = ""
    if files and found == files[0]:             # a single file
        found = str(Path(found).parent)
    return found


def _portable(text: str, root: str) -> str:
    return text.replace(root + "/", ROOT + "/") if root else text


def _local(text: str, root: str) -> str:
    return text.replace(ROOT + "/", root + "/") if root else text.replace(ROOT + "/", "")


def _span(span: Span | None, root: str) -> list[Any] | None:
    if span is None:
        return None
    return [_portable(span.file, root), span.line, span.column, span.end_line,
            span.end_column, span.yaml_path]


def _unspan(data: list[Any] | None, root: str) -> Span | None:
    if data is None:
        return None
    file, line, column, end_line, end_column, yaml_path = data
    return Span(_local(str(file), root), int(line), int(column), int(end_line),
                int(end_column), str(yaml_path))


def _store(finding: Finding, witness: dict[str, Any] | None, root: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": finding.code, "message": _portable(finding.message, root),
        "output": finding.output, "versions": list(finding.versions),
        "details": [_portable(d, root) for d in finding.details],
        "core": list(finding.core), "key": finding.key,
        "identity": None if finding.identity is None else list(finding.identity),
        "span": _span(finding.span, root),
        "related": [[label, _span(s, root)] for label, s in finding.related]}
    if finding.facts is not None:
        if witness is None:
            raise NotCanonicalError(f"{finding.fingerprint}: a witness not built by the audit")
        data["witness"] = {**witness, "as_of": finding.as_of, "case": witness["case"]}
    return data


def _rebuild(audit: Audit, entry: dict[str, Any], after: Callable[[Finding], None] | None
             ) -> list[Finding] | None:
    """The findings of a stored unit, witnesses replayed; None if it does not replay."""
    root = _root(audit)
    out = []
    try:
        for data in entry["findings"]:
            related = [(str(label), _unspan(s, root)) for label, s in data["related"]]
            finding = Finding(
                str(data["code"]), _local(str(data["message"]), root),
                output=data["output"], versions=tuple(data["versions"]),
                details=[_local(str(d), root) for d in data["details"]],
                core=tuple(data["core"]), key=str(data["key"]),
                identity=None if data["identity"] is None else tuple(data["identity"]),
                span=_unspan(data["span"], root),
                related=[(label, s) for label, s in related if s is not None])
            witness = data.get("witness")
            if witness is not None:
                if not _replayed(audit, finding, witness):
                    return None
                if after is not None:
                    after(finding)
            out.append(finding)
    except Exception:       # a damaged entry, or one that no longer replays
        return None
    return out


def _replayed(audit: Audit, finding: Finding, witness: dict[str, Any]) -> bool:
    """Replay a stored witness by the evaluator; False if it does not give the same."""
    from ...evaluate.values import from_written
    from .witness import describe, replay, write_case
    data = witness["case"]
    facts = audit.kb.vocabularies[data["jurisdiction"]].facts
    case = Case(str(data["case"]), str(data["jurisdiction"]),
                date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
                {name: from_written(value, facts[name].type)
                 for name, value in data["facts"].items()})
    as_of = date.fromisoformat(str(witness["as_of"]))
    lines = []
    for name, options in witness["checks"]:
        given: dict[str, Any] = {k: date.fromisoformat(v) if k == "law_as_of" and v else v
                                 for k, v in options.items()}
        evaluated = replay(audit.kb, case, as_of, str(name), **given)
        label = ", ".join(f"{k}={v}" for k, v in given.items() if v is not None)
        lines.append(describe(evaluated) + (f" [{label}]" if label else ""))
    if "; ".join(lines) + " — confirmed" != witness["replay"]:
        return False
    finding.facts = dict(case.facts)
    finding.as_of = as_of.isoformat()
    finding.witness_path, finding.witness_yaml = write_case(
        audit.kb, case, audit.witness_dir, finding.fingerprint)
    finding.replay = str(witness["replay"])
    return True
