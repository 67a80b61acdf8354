"""Stage 5 (verify): ``lexlux diff`` under each reading of an output (issue 14, section 2).

Where two sources read one provision differently, the knowledge base encodes both, each
rule with its ``reading:``; the evaluator follows the highest-authority reading unless
asked for another (``--reading R``, which applies to every output that has a reading R).
:func:`.versions.diff_versions` compares the two dates under the default reading only.
This module adds, for every output whose rules follow two or more readings, and for each
of its readings R other than the default, the diff of the law of the two dates *both read
under R* (the law of the first date under R against the law of the second date under R):

* the same queries as the default diff (:func:`.versions._diff_output`; for a timeline
  output, in bounded frames: :mod:`.timeline_diff`), on encodings of both laws under R
  (``LawEncoding(reading=R)``, which chooses the rules as the evaluator does);
* each region's witness is replayed by the evaluator with ``--law-as-of`` of each date and
  ``--reading R``; an undecided query is LX510 as for any other output;
* the results carry the reading (``DiffResult.reading``; ``reading`` in the JSON, "reading
  R" in the text), and their fingerprints include it;
* an output whose law (every reading's rules included) is the same text on both dates is
  "same" at once (:mod:`.same_law`: the signature covers every reading);
* the witness cases of the default diff are tried first under R (the evaluator tells at
  once whether a case shows a difference under R too), then those found under R for the
  outputs read before.

Only the outputs concluded by rules with readings are diffed per reading: an output that
merely reads such an output (and follows the reading through it) is diffed under the
default reading only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from ...evaluate.interpreter import candidates_of
from .context import Audit
from .versions import DiffResult, _diff_output

if TYPE_CHECKING:
    from .diff_pool import Pool
    from .same_law import LawAt


def other_readings(audit: Audit, name: str) -> list[str]:
    """The readings of the rules concluding ``name`` other than the one the evaluator
    follows by default (none when its rules follow at most one reading)."""
    rules = audit.kb.rules_concluding(audit.jurisdiction, name)
    readings = {r.reading for r in rules if r.reading}
    if len(readings) < 2:
        return []
    _, chosen, _ = candidates_of(audit.kb, audit.jurisdiction, name, None)
    return sorted(readings - {chosen})


def diff_readings(audit: Audit, first: date, second: date, names: list[str],
                  laws: tuple[LawAt, LawAt], seeds: Pool, show_horizon: bool,
                  run: Callable[..., DiffResult] | None = None) -> list[DiffResult]:
    """The diff of each output of ``names`` with readings under each of its other readings,
    in the order of ``names`` and then of the readings; ``laws``: the law at each date
    (:mod:`.same_law`); ``seeds``: the witness pool of the default diff; ``run``: in place
    of :func:`.versions._diff_output` (:mod:`.diff_jobs`)."""
    from .diff_pool import Pool, dependency_order
    from .horizon import horizon_only_output
    from .same_law import SAME_LAW, same_law
    wanted = {name: other_readings(audit, name) for name in names}
    results: dict[tuple[str, str], DiffResult] = {}
    for reading in sorted({r for found in wanted.values() for r in found}):
        pool = Pool(audit.kb, audit.jurisdiction, first, second, reading=reading)
        pool.cases, pool.found_for = list(seeds.cases), list(seeds.found_for)
        one = audit.encoding(law_as_of=first, reading=reading, tag="L1|")
        two = audit.encoding(law_as_of=second, reading=reading, shared=one.shared,
                             tag="L2|")
        ours = [name for name in names if reading in wanted[name]]
        for name in dependency_order(audit.kb, audit.jurisdiction, ours):
            audit.progress(f"diff: {name} (reading {reading})")
            if same_law(*laws, name):
                results[name, reading] = DiffResult(name, "same", reason=SAME_LAW,
                                                    reading=reading)
            elif not show_horizon and (hidden := horizon_only_output(
                    audit.kb, audit.jurisdiction, name, first, second)):
                results[name, reading] = DiffResult(name, "horizon", reason=hidden,
                                                    reading=reading)
            else:
                results[name, reading] = (run or _diff_output)(
                    audit, one, two, name, first, second, pool, show_horizon, reading=reading)
    return [results[name, reading] for name in names for reading in wanted[name]]


__all__ = ["diff_readings", "other_readings"]
