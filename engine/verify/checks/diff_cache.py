"""Stage 5 (verify): ``lexlux diff --cache DIR``, each output's diff kept by what it reads.

A drafter edits one rule file and asks the same diff again: only the outputs whose rules
changed can answer differently.  So each diff *unit* — one output under one reading
(:func:`.versions._diff_output`, the units of :mod:`.diff_jobs`) — is kept in the verify
cache's file (``DIR/verify-unsat.json``, :mod:`..encoding.cache`, table ``units``) under a
key computed **before anything is encoded**:

* the content digest of the output's slice (:mod:`.slices`: the rules of the output and of
  everything it reads, all their versions — so both dates —, the vocabulary entries, the
  parameters with their dated values, the plausibility constraints, the holidays);
* the jurisdiction, the output, the reading, the two dates, and the options that change
  the answer: ``--max-regions``, ``--show-horizon``, the resource limit;
* the salt of the verify cache (cache format, Z3 version, engine source digest).

A unit's answer also rests on what the units before it left in the diff's pool of
witnesses (:mod:`.diff_pool`: replayed as regions, completed as seeds, read whole by the
timeline search's narrow attempts).  The key cannot say that, so each entry keeps the
unit's reads of the pool as ``diff --jobs N`` writes them down
(:class:`.diff_jobs.RecordingPool`) with its result.  On a hit the reads are replayed
against this run's pool (:func:`.diff_jobs.mismatch`), and each witness is replayed by the
evaluator (it must still show a difference and give the same replay text and case): only
when all agree is the result taken and the unit's cases added to the pool; otherwise the
unit runs, as without the cache, and its entry is replaced.  A witness is never reported
unreplayed.

The diff keeps only units, not the answers to single queries of ``verify --cache`` (see
docs/verification.md, stop 17): a unit that runs runs exactly as without the cache.
What a unit's key does not hold, as for the units of ``verify --cache``: the Z3 terms and
slice solvers of the process, and the timeline search's hints, are those of the run that
stored it; a run with some hits builds fewer terms, so a unit that misses after them may
find other witnesses (never another status, bound or region: those are proofs).

A file that cannot be read or was written by another format or engine is a warning and is
replaced (the verify cache's rules); values of a case that do not come back equal from
their written form are not stored (the unit simply runs next time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...compile.model import KnowledgeBase
from ...evaluate.case import Case, case_to_yaml
from ..encoding.cache import QueryCache
from .findings import Finding
from .slices import NotCanonicalError, Slices
from .units import _local, _portable, _span, _unspan, rules_root
from .versions import DiffResult

if TYPE_CHECKING:
    from .context import Audit
    from .diff_pool import Pool

#: The check's name in the keys (a verify unit never has it).
CHECK = "diff"


@dataclass
class DiffCache:
    """The diff units of ``--cache DIR`` for one run (:meth:`run` in place of
    :func:`.versions._diff_output`)."""

    store: QueryCache
    kb: KnowledgeBase
    slices: Slices
    root: str
    #: units taken from the cache, run (missing), and run because a stored entry no
    #: longer replayed (their count by why)
    hits: int = 0
    ran: int = 0
    stale: dict[str, int] = field(default_factory=dict)
    #: (unit, "from the cache" | "run" | "run (why)"), in order (benchmarks/diff_cache.py)
    log: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def open(cls, directory: Path, kb: KnowledgeBase) -> DiffCache:
        return cls(QueryCache(directory), kb, Slices(kb), rules_root(kb))

    # -- keys ----------------------------------------------------------------------------
    def key(self, audit: Audit, name: str, first: date, second: date, show_horizon: bool,
            reading: str | None) -> str | None:
        """The unit's key, or None when its slice has no canonical text (not cached)."""
        try:
            digest = self.slices.digest(audit.jurisdiction, [name])
        except NotCanonicalError:
            return None
        parts = [self.store.salt, CHECK, audit.jurisdiction, name, reading or "",
                 first.isoformat(), second.isoformat(), str(audit.max_regions),
                 str(show_horizon), str(audit.rlimit), digest]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    # -- the unit ------------------------------------------------------------------------
    def run(self, audit: Audit, one: Any, two: Any, name: str, first: date, second: date,
            pool: Pool, show_horizon: bool, reading: str | None = None) -> DiffResult:
        """One output's diff: from the cache when its entry replays on ``pool``, else run
        (and stored).  ``pool`` ends as it would without the cache."""
        from .diff_jobs import apply_additions, run_recorded
        label = name + (f" [{reading}]" if reading else "")
        key = self.key(audit, name, first, second, show_horizon, reading)
        entry = None if key is None else self.store.units.get(key)
        why = "not in the cache"
        if entry is not None:
            taken, why = self.taken(audit, entry, pool, name, first, second, reading)
            if taken is not None:
                apply_additions(pool, taken[1])
                self.hits += 1
                self.log.append((label, "from the cache"))
                return taken[0]
            self.stale[why] = self.stale.get(why, 0) + 1
        result, recording = run_recorded(audit, one, two, name, first, second, pool,
                                         show_horizon, reading)
        pool.cases, pool.found_for = list(recording._cases), list(recording._found)
        self.ran += 1
        self.log.append((label, "run" if entry is None else f"run ({why})"))
        if key is not None:
            self.put(audit, key, result, recording.events)
        return result

    def put(self, audit: Audit, key: str, result: DiffResult,
            events: list[tuple[Any, ...]]) -> None:
        """Store a unit that ran (not when a value has no exact written form)."""
        try:
            entry = {"result": self._result(audit.jurisdiction, result),
                     "events": [self._event(audit.jurisdiction, e) for e in events]}
        except NotCanonicalError:
            return
        self.store.put_unit(key, entry)

    def taken(self, audit: Audit, entry: dict[str, Any], pool: Pool, name: str, first: date,
              second: date, reading: str | None
              ) -> tuple[tuple[DiffResult, list[tuple[Any, ...]]] | None, str]:
        """(the stored result, its pool events) when every read replays on ``pool`` and
        every witness by the evaluator, else (None, why not)."""
        from .diff_jobs import mismatch
        try:
            events = [self._unevent(audit.jurisdiction, e) for e in entry["events"]]
        except Exception:                   # a damaged entry: the unit runs
            return None, "damaged entry"
        why = mismatch(pool, events)
        if why is not None:
            return None, f"the pool of witnesses differs ({why})"
        try:
            result = self._unresult(entry["result"])
            for finding, data in zip(result.findings, entry["result"]["findings"],
                                     strict=True):
                witness = data.get("witness")
                if witness is not None and not self._replayed(
                        audit, finding, witness, name, first, second, reading):
                    return None, "a witness no longer replays"
        except Exception:                   # a damaged entry: the unit runs
            return None, "damaged entry"
        return (result, events), ""

    def _replayed(self, audit: Audit, finding: Finding, witness: dict[str, Any], name: str,
                  first: date, second: date, reading: str | None) -> bool:
        """Replay a stored witness by the evaluator (as :meth:`.diff_pool.Pool.witness`
        and :meth:`.context.Audit.witness` wrote it); fill it in if it gives the same."""
        from .confirm import laws_differ
        from .witness import describe, write_case
        facts = self._unfacts(audit.jurisdiction, witness["facts"])
        as_of = max(first, second)
        case = Case(f"witness {finding.fingerprint}: {finding.message}", audit.jurisdiction,
                    as_of, facts)
        found = laws_differ(self.kb, case, as_of, finding.output or name, first, second,
                            reading=reading)
        if found is None:
            return False
        read = f", reading={reading}" if reading else ""
        replayed = "; ".join(f"{describe(r)} [law_as_of={day}{read}]"
                             for r, day in zip(found, (first, second), strict=True)) \
            + " — confirmed"
        if replayed != witness["replay"] or as_of.isoformat() != witness["as_of"] or \
                case_to_yaml(case, self.kb) != witness["yaml"]:
            return False
        finding.facts, finding.as_of, finding.replay = dict(facts), as_of.isoformat(), replayed
        finding.witness_path, finding.witness_yaml = write_case(
            self.kb, case, audit.witness_dir, finding.fingerprint)
        return True

    # -- the file ------------------------------------------------------------------------
    def save(self) -> None:
        self.store.save()

    def warnings(self) -> list[str]:
        from .run import cache_warnings
        return cache_warnings(self.store)

    def summary(self) -> dict[str, Any]:
        """What the JSON of ``diff --cache`` says about the units."""
        return {"from_cache": self.hits, "run": self.ran,
                "stale": dict(sorted(self.stale.items()))}

    # -- written forms -------------------------------------------------------------------
    def _result(self, jurisdiction: str, result: DiffResult) -> dict[str, Any]:
        root = self.root
        findings = []
        for f in result.findings:
            data: dict[str, Any] = {
                "code": f.code, "message": _portable(f.message, root), "output": f.output,
                "versions": list(f.versions), "details": [_portable(d, root)
                                                          for d in f.details],
                "core": list(f.core), "key": f.key,
                "identity": None if f.identity is None else list(f.identity),
                "span": _span(f.span, root),
                "related": [[label, _span(s, root)] for label, s in f.related]}
            if f.facts is not None:
                if f.witness_yaml is None or f.replay is None or f.as_of is None:
                    raise NotCanonicalError(f"{f.fingerprint}: a witness without its replay")
                data["witness"] = {"facts": self._facts(jurisdiction, f.facts),
                                   "as_of": f.as_of, "replay": f.replay,
                                   "yaml": f.witness_yaml}
            findings.append(data)
        return {"output": result.output, "status": result.status, "reason": result.reason,
                "bound": result.bound, "reading": result.reading, "findings": findings}

    def _unresult(self, data: dict[str, Any]) -> DiffResult:
        root = self.root
        findings = []
        for item in data["findings"]:
            related = [(str(label), _unspan(s, root)) for label, s in item["related"]]
            findings.append(Finding(
                str(item["code"]), _local(str(item["message"]), root), output=item["output"],
                versions=tuple(item["versions"]),
                details=[_local(str(d), root) for d in item["details"]],
                core=tuple(item["core"]), key=str(item["key"]),
                identity=None if item["identity"] is None else tuple(item["identity"]),
                span=_unspan(item["span"], root),
                related=[(label, s) for label, s in related if s is not None]))
        return DiffResult(str(data["output"]), str(data["status"]), findings,
                          reason=str(data["reason"]), bound=str(data["bound"]),
                          reading=None if data["reading"] is None else str(data["reading"]))

    def _event(self, jurisdiction: str, event: tuple[Any, ...]) -> list[Any]:
        """An event of :class:`.diff_jobs.RecordingPool` as JSON (sets sorted)."""
        kind = event[0]
        if kind == "regions":
            _, name, facts, pulled, end = event
            return [kind, name, sorted(facts), [self._facts(jurisdiction, f) for f in pulled],
                    bool(end[0])]
        if kind == "seeds":
            _, outputs, facts, skip, got = event
            return [kind, sorted(outputs), sorted(facts),
                    [self._facts(jurisdiction, f) for f in skip],
                    [self._facts(jurisdiction, f) for f in got]]
        if kind == "fact_sets":
            _, outputs, uses, sets = event
            return [kind, sorted(outputs), sorted(uses),
                    sorted([found, sorted(names)] for found, names in sets)]
        if kind == "cases":
            return [kind, [[output, self._facts(jurisdiction, f)] for output, f in event[1]]]
        if kind == "add":
            _, facts, output, added = event
            return [kind, self._facts(jurisdiction, facts), output, bool(added)]
        raise NotCanonicalError(f"a read of the pool of an unknown kind: {kind!r}")

    def _unevent(self, jurisdiction: str, data: list[Any]) -> tuple[Any, ...]:
        kind = data[0]
        if kind == "regions":
            _, name, facts, pulled, end = data
            return (kind, str(name), set(facts),
                    [self._unfacts(jurisdiction, f) for f in pulled], [bool(end)])
        if kind == "seeds":
            _, outputs, facts, skip, got = data
            return (kind, set(outputs), set(facts),
                    [self._unfacts(jurisdiction, f) for f in skip],
                    [self._unfacts(jurisdiction, f) for f in got])
        if kind == "fact_sets":
            _, outputs, uses, sets = data
            return (kind, set(outputs), set(uses),
                    {(bool(found), frozenset(names)) for found, names in sets})
        if kind == "cases":
            return (kind, [(str(output), self._unfacts(jurisdiction, f))
                           for output, f in data[1]])
        if kind == "add":
            _, facts, output, added = data
            return (kind, self._unfacts(jurisdiction, facts), str(output), bool(added))
        raise ValueError(f"a read of the pool of an unknown kind: {kind!r}")

    def _facts(self, jurisdiction: str, facts: dict[str, Any]) -> dict[str, Any]:
        """A case's facts, each value tagged with its exact written form."""
        from ...evaluate.values import from_written, to_json
        declared = self.kb.vocabularies[jurisdiction].facts
        out: dict[str, Any] = {}
        for name, value in facts.items():
            if name not in declared:
                raise NotCanonicalError(f"{name}: not a fact of the vocabulary")
            kind = type(value)
            if kind in (bool, int, str):
                out[name] = [kind.__name__, value]
            elif kind is Fraction:
                out[name] = ["fraction", f"{value.numerator}/{value.denominator}"]
            elif kind is date:
                out[name] = ["date", value.isoformat()]
            else:
                try:
                    written = to_json(value, declared[name].type)
                    same = from_written(written, declared[name].type)
                except (TypeError, ValueError) as exc:
                    raise NotCanonicalError(f"{name}: {exc}") from None
                if same != value or type(same) is not kind:
                    raise NotCanonicalError(f"{name}: {value!r} is not written exactly")
                out[name] = ["written", written]
        return out

    def _unfacts(self, jurisdiction: str, data: dict[str, Any]) -> dict[str, Any]:
        from ...evaluate.values import from_written
        declared = self.kb.vocabularies[jurisdiction].facts
        out: dict[str, Any] = {}
        for name, (tag, raw) in data.items():
            if tag == "bool":
                out[name] = bool(raw)
            elif tag == "int":
                out[name] = int(raw)
            elif tag == "str":
                out[name] = str(raw)
            elif tag == "fraction":
                out[name] = Fraction(str(raw))
            elif tag == "date":
                out[name] = date.fromisoformat(str(raw))
            elif tag == "written":
                out[name] = from_written(raw, declared[name].type)
            else:
                raise ValueError(f"{name}: a value of unknown form {tag!r}")
        return out


__all__ = ["DiffCache"]
