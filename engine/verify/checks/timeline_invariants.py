"""Stage 5 (verify): an invariant that reads a timeline output, checked in bounded frames
(abstraction ``timeline_bounded_proof``).

The plain encoding has no timeline outputs (abstraction ``timeline_outputs``), so such an
invariant is encoded in the audit's timeline encoding and each of its windows
(:func:`.invariants.windows`) is asked in the narrow frames of :mod:`.timeline_search`,
the invariant being encoded again in each frame (its month arithmetic depends on the
frame's first month):

* a model is a violation (LX511) whose witness is exact and replayed by the evaluator, as
  every violation (each output the invariant reads, then the property itself);
* no model in any frame of the :data:`~.timeline_search.PROOF_MONTHS` months from the
  anchor month is a window that *holds within those frames only* (status
  :data:`HOLDS_BOUNDED`), never reported as proved: the note LX522 of the invariant gives
  the bound and each window's answer, and the LX522 note of each timeline output it reads
  lists the question too (:func:`.timeline_notes.record`);
* anything else is undecided (LX510).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ...calendar.dates import to_day_number
from ...compile.invariants import Invariant
from ..encoding.encode import LawEncoding
from .context import Audit
from .findings import Finding
from .invariants import PSEUDO, WindowResult, _violation, encode_invariant, pseudo_name, windows
from .timeline_notes import record
from .timeline_search import (
    BOUNDED,
    CHECK_HORIZONS,
    DEFAULT_ANCHOR,
    is_bounded,
    narrow_search,
)

#: The budget of all the frames of one window's query (the witness search in the widest
#: frame, then the proof in the frames of the next months).
INVARIANT_RLIMIT = 8_000_000
#: The status of a window with no violation within the frames (not a proof).
HOLDS_BOUNDED = "holds within bounded timeline frames"


def _anchor(start: date, end: date) -> date:
    """The first month of the frames of a window when the audit has no date: the other
    checks' (January 2017) if the window holds it, else the window's first day."""
    return DEFAULT_ANCHOR if start <= DEFAULT_ANCHOR <= end else start


def prove_in_frames(audit: Audit, inv: Invariant) -> tuple[list[WindowResult], Finding]:
    """Each window's result, and the note LX522 (or LX512 when even the timeline encoding
    does not cover what the invariant reads)."""
    enc = audit.encoding(timelines=True)
    encoded = encode_invariant(enc, inv)
    if encoded.out.not_encodable is not None:
        return [], Finding("LX512", f"the invariant {inv.id} is not verified: "
                           f"{encoded.out.not_encodable}", key=inv.id, identity=(inv.id,),
                           span=inv.span,
                           details=[f"{inv.span}  {inv.citation}", "declared abstraction "
                                    "'timeline_outputs' (a note, not a problem)"])
    deps = {n for n in enc.cone({pseudo_name(inv)}) if not n.startswith(PSEUDO)}
    results: list[WindowResult] = []
    lines, bounds = [], []
    for start, end in windows(audit, enc, inv):
        audit.progress(f"invariants: {inv.id} {start} (timeline frames)")
        window = (to_day_number(start), to_day_number(end))

        def goals(twins: Sequence[LawEncoding], window: tuple[int, int] = window
                  ) -> list[Any]:
            twin = twins[0]
            found = [encode_invariant(twin, inv).violated]
            if audit.as_of is None:
                found += [twin.as_of >= window[0], twin.as_of <= window[1]]
            return found
        audit.queries += 1
        result = narrow_search(audit, [enc], [{pseudo_name(inv)}], goals,
                               anchor=audit.as_of or _anchor(start, end),
                               rlimit=INVARIANT_RLIMIT,
                               horizons=CHECK_HORIZONS)
        what = f"invariant {inv.id}, as of {start} to {end}"
        if result is None:
            from ..encoding.solve import SolveResult
            from .timeline_search import no_narrow_witness
            result = SolveResult("unknown", reason=no_narrow_witness(CHECK_HORIZONS))
        record(audit, [enc], [deps], what, result)
        if result.status == "unsat":
            bound = result.reason.removeprefix(BOUNDED).strip() if is_bounded(result) else ""
            results.append(WindowResult(start, end, HOLDS_BOUNDED))
            lines.append(f"as of {start} to {end}: no violation within the frames ({bound})")
            bounds.append(bound)
        elif result.status == "unknown":
            results.append(WindowResult(start, end, "unknown", audit.unknown(
                f"whether the invariant {inv.id} holds from {start} to {end}", result,
                (), None)))
            lines.append(f"as of {start} to {end}: undecided (LX510)")
        else:
            facts = set().union(*(enc.output(n).facts for n in deps | {pseudo_name(inv)}))
            results.append(WindowResult(start, end, "violated", _violation(
                audit, enc, inv, encoded, result, facts, start, end)))
            lines.append(f"as of {start} to {end}: a violation found (the evaluator "
                         "replays it)")
    claim = "; ".join(sorted(set(bounds))) or ("no window is a bounded proof (each is a "
                                                "replayed violation or undecided)")
    note = Finding("LX522", f"the invariant {inv.id} is verified only within bounded "
                   f"timeline frames: {claim}", key=f"timeline_bounded_proof|{inv.id}",
                   identity=(inv.id,), span=inv.span,
                   details=[f"{inv.span}  {inv.citation}", *lines,
                            "declared abstraction 'timeline_bounded_proof' (a note, not a "
                            "problem): 'no violation within the frames' is proved for those "
                            "frames only, not for longer histories or other months"])
    return results, note
