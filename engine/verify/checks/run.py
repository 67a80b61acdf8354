"""Stage 5 (verify): a whole audit and a whole diff, for ``lexlux verify`` / ``lexlux diff``
and the Python API (``lexlux.api``): the audits per jurisdiction, the checks, the accepted
findings, and the JSON that both print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...compile.model import KnowledgeBase
from ...diagnostics import LexluxError, error
from ..collector import pausing_collector
from ..heap import keeping_heap
from .context import Audit
from .findings import Finding, to_json
from .timeline_notes import timeline_notes
from .versions import DiffResult, check_versions, diff_versions

if TYPE_CHECKING:
    #: the checks of ``lexlux verify`` by name, in order (made by :func:`_checks` on first
    #: use: their modules are not imported by ``lexlux diff``, which runs none of them)
    CHECKS: dict[str, Callable[[Audit], Iterator[Finding]]]


def _checks() -> dict[str, Callable[[Audit], Iterator[Finding]]]:
    """:data:`CHECKS`, its modules imported on the first call (25 ms of every diff's
    start before) and kept as the module's attribute."""
    made: dict[str, Callable[[Audit], Iterator[Finding]]] | None = globals().get("CHECKS")
    if made is None:
        from .invariants import check_invariants
        from .rules import check_conflicts, check_dead, check_gaps, check_hierarchy
        made = globals()["CHECKS"] = {
            "conflicts": check_conflicts, "hierarchy": check_hierarchy, "dead": check_dead,
            "gaps": check_gaps, "versions": check_versions, "invariants": check_invariants}
    return made


def __getattr__(name: str) -> Any:
    """``CHECKS`` (:func:`_checks`) for ``from .run import CHECKS`` and ``run.CHECKS``."""
    if name == "CHECKS":
        return _checks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def audits(kb: KnowledgeBase, *, as_of: date | None = None, rule: str | None = None,
           witness_dir: Path | None = None, rlimit: int | None = None,
           progress: Callable[[str], None] | None = None,
           cache: Path | None = None, store: Any = None) -> list[Audit]:
    """One audit per jurisdiction of the knowledge base (sharing one query cache, if any:
    the file of ``cache``, or ``store``, an open cache)."""
    shared = store
    if cache is not None and store is None:
        from ..encoding.cache import QueryCache
        shared = QueryCache(cache)
    out = []
    for jurisdiction in sorted(kb.vocabularies):
        audit = Audit(kb, jurisdiction, as_of=as_of, rule=rule, witness_dir=witness_dir)
        if progress is not None:
            audit.progress = progress
        if rlimit:
            audit.rlimit = rlimit
        audit.cache = shared
        out.append(audit)
    return out


def cache_warnings(store: Any) -> list[str]:
    """Why the cache file was ignored, as a warning line (none if it was read)."""
    if store.problem is None:
        return []
    return [f"warning: the verify cache {store.path} {store.problem}; it is ignored and "
            "will be written again at the end of this run"]


def save_cache(found: Sequence[Audit]) -> None:
    if found and found[0].cache is not None:
        found[0].cache.save()


@dataclass
class AuditReport:
    findings: list[Finding]
    queries: int
    #: with ``--cache``: of ``queries``, those answered from the cache without solving
    #: (their checks' units were found there), and the units run / found
    cached_queries: int | None = None
    units: tuple[int, int] = (0, 0)
    #: seconds spent in the units that ran
    unit_seconds: float = 0.0
    #: why the cache file was ignored (a warning), if it was
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.is_problem]

    def to_json(self, kb: KnowledgeBase, seconds: float | None = None) -> dict[str, Any]:
        summary: dict[str, Any] = {"problems": len(self.problems),
                                   "accepted": sum(f.accepted is not None
                                                   for f in self.findings),
                                   "queries": self.queries}
        if self.cached_queries is not None:
            summary["cached_queries"] = self.cached_queries
            summary["units"] = {"from_cache": self.units[1], "run": self.units[0],
                                "run_seconds": round(self.unit_seconds, 3)}
        if seconds is not None:
            summary["seconds"] = round(seconds, 3)
        return {"findings": [to_json(kb, f) for f in self.findings], "summary": summary}


def unknown_rule(kb: KnowledgeBase, rule: str) -> str | None:
    """A message when ``rule`` names no rule (with the closest id), else None."""
    if rule in kb.rules:
        return None
    import difflib  # (an unknown rule only)
    close = difflib.get_close_matches(rule, list(kb.rules), n=1)
    return f"no rule {rule!r}" + (f"; did you mean {close[0]!r}?" if close else "")


@pausing_collector
@keeping_heap
def run_audit(kb: KnowledgeBase, *, checks: Sequence[str] | None = None,
              as_of: date | None = None, rule: str | None = None,
              witness_dir: Path | None = None, accepted: Path | None = None,
              rlimit: int | None = None, where: Path | None = None,
              progress: Callable[[str], None] | None = None,
              cache: Path | None = None, accepted_required: bool = False,
              jobs: int = 1) -> AuditReport:
    """Run ``checks`` (default: all) over every jurisdiction; mark the findings accepted in
    the file ``accepted`` (stale acceptances are reported only by a full audit).  ``jobs``:
    processes running the checks' units (:mod:`.parallel`; the findings are the same)."""
    from .accepted import apply_accepted, load_accepted
    names = list(checks or _checks())
    acceptances = load_accepted(accepted, required=accepted_required) \
        if accepted is not None else None          # read (and its errors shown) before Z3
    store, share = None, None
    if jobs > 1:
        from ..encoding.cache import QueryCache
        from .parallel import Settings, Sharing
        store = QueryCache(cache)
        share = store.share = Sharing(jobs, kb, Settings(tuple(names), as_of, rule, rlimit),
                                      progress=progress)
    found = audits(kb, as_of=as_of, rule=rule, witness_dir=witness_dir, rlimit=rlimit,
                   progress=progress, cache=cache, store=store)
    try:
        findings, queries = _walk(found, names)
    except BaseException:
        if share is not None:
            share.finish(store, abort=True)
        raise
    if share is not None:
        share.finish(store)
    if share is not None and store is not None and share.deferred:
        # units run by the workers: walk again, each unit now found among the entries
        store.fresh |= set(store.new_units)
        store.unit_hits = store.units_stored = 0
        found = audits(kb, as_of=as_of, rule=rule, witness_dir=witness_dir, rlimit=rlimit,
                       progress=progress, store=store)
        findings, queries = _walk(found, names)
    save_cache(found)
    if accepted is not None and acceptances is not None:
        full = set(names) == set(_checks()) and rule is None and as_of is None
        findings = apply_accepted(findings, acceptances, report_stale=full,
                                  where=where or accepted)
    report = AuditReport(findings, queries)
    if found and found[0].cache is not None and found[0].cache.on_disk:
        kept = found[0].cache
        report.cached_queries = sum(a.cached_queries for a in found)
        report.units = (kept.units_stored, kept.unit_hits)
        report.unit_seconds = kept.run_seconds
        report.warnings = cache_warnings(kept)
    if share is not None:
        report.warnings += share.warnings
    return report


def _walk(found: Sequence[Audit], names: Sequence[str]) -> tuple[list[Finding], int]:
    """The findings of the checks ``names`` over the audits, and their queries."""
    from .rules import check_encodable
    findings: list[Finding] = []
    queries = 0
    for audit in found:
        findings += check_encodable(audit)
        for name in names:
            findings += _checks()[name](audit)
        findings += timeline_notes(audit)
        queries += audit.queries
    return findings, queries


@dataclass
class DiffReport:
    first: date
    second: date
    results: list[DiffResult] = field(default_factory=list)
    #: regions left out because they are only the knowledge base's horizon
    hidden: int = 0
    #: why the cache file was ignored (a warning), if it was
    warnings: list[str] = field(default_factory=list)
    #: with ``cache``: the units taken from it and run (:meth:`.diff_cache.DiffCache.summary`)
    cache: dict[str, Any] | None = None

    @property
    def differ(self) -> list[DiffResult]:
        return [r for r in self.results if r.status in ("differ", "unknown")]

    def to_json(self, kb: KnowledgeBase) -> dict[str, Any]:
        return {"from": self.first.isoformat(), "to": self.second.isoformat(),
                "outputs": [{"output": r.output,
                             **({"reading": r.reading} if r.reading else {}),
                             "status": r.status, "reason": r.reason,
                             **({"bound": r.bound} if r.bound else {}),
                             "findings": [to_json(kb, f) for f in r.findings]}
                            for r in self.results],
                **({"cache": self.cache} if self.cache is not None else {})}


@pausing_collector
@keeping_heap
def run_diff(kb: KnowledgeBase, first: date, second: date, *,
             outputs: Sequence[str] | None = None, max_regions: int = 3,
             witness_dir: Path | None = None,
             progress: Callable[[str], None] | None = None, cache: Path | None = None,
             show_horizon: bool = False, rlimit: int | None = None, jobs: int = 1,
             summaries: str = "here") -> DiffReport:
    """Where the law of ``first`` and of ``second`` disagree, output by output (each
    jurisdiction's own outputs).  An output no rule concludes is LX404 (raised).  Regions
    that differ only because the knowledge base starts a provision there (its horizon) are
    left out unless ``show_horizon``; an output with nothing else is "horizon".  After the
    outputs under the default reading come those with readings under each other reading
    (:mod:`.reading_diff`; ``reading`` in their JSON).  ``jobs``: processes working out
    the outputs (:mod:`.diff_jobs`).  ``summaries``: where the regions' fact ranges are
    worked out with ``jobs`` 1 and no ``cache`` — ``"background"``: a second process while
    this one goes on (:mod:`.summary_worker`, where fork exists and two CPUs may be used;
    the same report), ``"deferred"``: here at the end of each output, ``"here"``: here as
    each region is found.  ``cache``: a folder where each output's diff is
    kept by the content of what it reads, and taken again when its reads of the pool of
    witnesses and its witnesses replay (:mod:`.diff_cache`; ``lexlux diff --cache``)."""
    report = DiffReport(first, second)
    troubles: list[str] = []
    # no query cache (audit.cache): the diff keeps whole units (:mod:`.diff_cache`), and a
    # unit that runs runs as without ``cache``
    found = audits(kb, witness_dir=witness_dir, progress=progress, rlimit=rlimit)
    units = None
    if cache is not None:
        from .diff_cache import DiffCache
        units = DiffCache.open(cache, kb)
    everywhere = {n for audit in found for n in audit.outputs()}
    unknown = [n for n in (outputs or []) if n not in everywhere]
    if unknown:
        import difflib  # (an unknown output only)
        close = difflib.get_close_matches(unknown[0], sorted(everywhere), n=1)
        raise LexluxError([error("LX404", f"no rule concludes {unknown[0]!r}",
                                 hint=f"did you mean {close[0]!r}?" if close else
                                 "lexlux diff without --output compares every output")])
    for audit in found:
        audit.max_regions = max_regions
        concluded = audit.outputs()      # once: it reads every rule's conclusions
        known = set(concluded)
        names = [n for n in (outputs or concluded) if n in known]
        if names and jobs > 1:
            from .diff_jobs import diff_in_processes
            report.results += diff_in_processes(audit, first, second, names,
                                                show_horizon=show_horizon, jobs=jobs,
                                                warnings=troubles, cache=units)
        elif names:
            from .summary_worker import available, background
            second_process = summaries == "background" and available()
            with background(troubles, (summaries == "deferred" or second_process)
                            and units is None, fork=second_process):
                report.results += list(diff_versions(
                    audit, first, second, names, show_horizon=show_horizon, readings=True,
                    run=None if units is None else units.run))
    if units is not None:
        units.save()
        report.warnings = units.warnings()
        report.cache = units.summary()
    report.warnings += troubles
    if not show_horizon:
        from .horizon import horizon_only
        for r in report.results:
            kept = [f for f in r.findings if not horizon_only(f)]
            report.hidden += len(r.findings) - len(kept)
            if r.status == "differ" and not any(f.code == "LX507" for f in kept):
                r.status = "horizon"
            r.findings = kept
    return report
