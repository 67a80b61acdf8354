"""Stage 5 (verify): what the checks established about each timeline output, and under
which bound (abstraction ``timeline_bounded_proof``).

Every query that reads a timeline output is solved in narrow frames
(:mod:`.timeline_search`): a witness it finds is exact (replayed by the evaluator), but an
answer "no such case" holds only for the frames searched — histories whose timelines start
in one of :data:`~.timeline_search.PROOF_MONTHS` months and span at most 36 months — and a
query neither found nor proved is undecided (LX510).  :func:`record` keeps, per output,
each question asked and its answer; :func:`timeline_notes` then reports, after the checks:

* LX522 (a note) for a timeline output some check asked about: the bound, and each
  question with its answer ("a case found, replayed", "none within the frames",
  "undecided"), so that nothing is ever read as proved beyond the bound;
* LX521 (a note) for one no check of the run asked about (or that even the timeline
  encoding does not cover): it is not verified.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..encoding.encode import LawEncoding
from ..encoding.solve import SolveResult
from .findings import Finding
from .timeline_search import BOUNDED, is_bounded

if TYPE_CHECKING:
    from .context import Audit


def timeline_log(audit: Audit) -> dict[str, list[tuple[str, str, str]]]:
    """Per output, the timeline questions asked in this audit: (what, answer, bound)."""
    log: dict[str, list[tuple[str, str, str]]] = audit.__dict__.setdefault(
        "_timeline_log", {})
    return log


def record(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
           what: str, result: SolveResult) -> None:
    """Keep the answer of one query about timeline outputs, for the outputs it asks about."""
    if result.status == "sat":
        answer = "a case found (the evaluator replays it)"
    elif is_bounded(result):
        answer = "no case within the frames"
    else:
        answer = "undecided (LX510)"
    bound = result.reason.removeprefix(BOUNDED).strip() if is_bounded(result) else ""
    log = timeline_log(audit)
    for enc, wanted in zip(encodings, names, strict=False):
        for name in sorted(wanted):
            if name in enc.vocabulary.outputs:          # not the pseudo outputs
                entry = (what or "a query", answer, bound)
                if entry not in log.setdefault(name, []):
                    log[name].append(entry)


def _coverage(audit: Audit, name: str) -> tuple[str | None, bool, list[str], str | None]:
    """What the encoding says of output ``name``: why it is not encodable (None if it is),
    whether only for timelines, the rules concluding it, and why the timeline encoding does
    not cover it either (None if it does).  With ``--cache`` it is kept by the digest of the
    output's slice, like a unit (but not counted as one), so that a warm run encodes
    nothing."""
    key = None
    if audit.cache is not None:
        from .units import unit_key
        key = unit_key(audit, "timeline coverage", (name,), [name])
        if key is not None:
            found = audit.cache.units.get(key)
            if found is not None and "coverage" in found:
                why, only, rules, timeline = found["coverage"]
                return why, bool(only), [str(r) for r in rules], timeline
    plain = audit.encoding()
    out = plain.output(name)
    rules = [r.id for r in plain.candidates(name)]
    timeline = None
    if out.not_encodable is not None and out.timeline_only:
        timeline = audit.encoding(timelines=True).output(name).not_encodable
    answer = (out.not_encodable, out.timeline_only, rules, timeline)
    if key is not None and audit.cache is not None:
        audit.cache.units[key] = audit.cache.new_units[key] = {
            "queries": 0, "findings": [], "coverage": list(answer)}
    return answer


def timeline_notes(audit: Audit) -> Iterator[Finding]:
    """LX522 for each timeline output (or output reading one) that a check asked about,
    LX521 for the others (run after the checks)."""
    log = timeline_log(audit)
    for name in audit.outputs():
        why, timeline_only, rules, timeline = _coverage(audit, name)
        if why is None or not timeline_only:
            continue
        if not audit.involves(*rules):
            continue
        asked = log.get(name, [])
        if not asked:
            yield Finding("LX521", f"{name!r} is not verified: {why}",
                          output=name, key=why,
                          details=[
                              "declared abstraction 'timeline_outputs' (a note, not a "
                              "problem): " + ("no check of this run asked about it"
                                             if timeline is None else
                                             f"not encoded ({timeline})")])
            continue
        bounds = sorted({b for _, _, b in asked if b})
        claim = ("; ".join(bounds) if bounds else "no answer of its checks is a bounded "
                 "proof (each is a replayed witness or undecided)")
        yield Finding("LX522", f"{name!r} is verified only within bounded timeline "
                      f"frames: {claim}", output=name, key="timeline_bounded_proof",
                      details=[*[f"{what}: {answer}" for what, answer, _ in asked],
                               "declared abstraction 'timeline_bounded_proof' (a note, not "
                               "a problem): 'no case within the frames' is proved for those "
                               "frames only, not for longer histories or other months"])
