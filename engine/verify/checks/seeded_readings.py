"""Stage 5 (verify): the seeded pass of the readings check (LX503) on the audit's own
encoding of each reading, without the pair's tagged twins.

The readings check asks one query over two encodings of the output, one per reading,
whose names differ by a tag (``R1|``, ``R2|``), so that one model holds both readings'
values.  Each twin is a whole encoding of the output and of what it reads, built for that
query alone: for the seven outputs of the 77-day rule (readings ``ccss_worked_example``
and ``statute``) about 1.3 s of CPU of the bundled audit, while the seeded pass
(:mod:`.seeds`) answers every one of those pairs with a candidate case fixed.

With the case fixed (every fact of the query and, with ``--all-dates``, the as-of date)
the two halves of that query share nothing but the case, so the query with a candidate
fixed is satisfiable exactly when, for each reading, the query "the output has a value"
with the candidate fixed is, and the two values differ: a model of each half together
make a model of the whole (the halves' own names are disjoint once tagged; the abstract
calendar values, shared by name, are exact in both models, so both give them the values
of the calendar).  So the pass here fixes the candidate in one query per reading, on the
audit's untagged encoding of that reading (:func:`.rules._encoded` of
``Audit.encoding(reading=R)``: the one the dead-rule check and the timeline search use,
built once per audit; or the audit's default encoding, shared by the conflicts,
hierarchy, dead-rule and gaps checks, when the reading is the one the default chooses for
every output, :func:`own_encoding`), and compares the two models' values.  The finding, its versions
and its witness are read from the two models (:meth:`.context.Audit.witness` with
``models``): the facts and the as-of date are the candidate in both, each reading's value
and winning provisions come from its own model — what the model of the whole gave.

The candidates are those of the twins' seeded pass: the same pool (the same facts, core
facts and rules: the same readings are chosen), the same evaluator test, in the same
order.  The pair counts as one query of the audit, and is noted for the timeline output
(LX522), as the twins' pass does.  Only when no candidate is confirmed does the check
build the twins and ask its query as before (:func:`.rules._check_readings`), without
their seeded pass, which would try the same candidates again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from ..encoding.encode import LawEncoding, OutputEnc, query_constraints
from ..encoding.solve import Budget, SolveResult
from .context import Audit
from .seeds import SEED_RLIMIT, candidates, readings_differ
from .timeline_search import _frame_query, involves_timelines, main_frame


@dataclass
class Half:
    """One reading's query with the candidate fixed: its encoding, output, answer and
    facts."""

    encoding: LawEncoding
    output: OutputEnc
    result: SolveResult
    facts: set[str]

    @property
    def model(self) -> z3.ModelRef:
        assert self.result.model is not None
        return self.result.model


def own_encoding(audit: Audit, reading: str) -> LawEncoding:
    """The audit's (plain) encoding under ``reading``: its default encoding when the
    reading chooses, for every output, the rules the default chooses (the highest
    authority's reading: :meth:`.LawEncoding.candidates`, the only thing a reading
    changes in an encoding, so the two encode the same terms), else the reading's own."""
    default = audit.encoding()
    chosen = audit.encoding(reading=reading)
    outputs = default.vocabulary.outputs
    if all(default.candidates(n) == chosen.candidates(n) for n in outputs):
        return default
    return chosen


def own_encodings(audit: Audit, name: str, readings: tuple[str, str]
                  ) -> list[LawEncoding] | None:
    """The audit's own timeline encodings of the two readings (:func:`own_encoding`, with
    timelines) when the pass runs for ``name``: the query reads a timeline output (found
    first in the rules, before anything is encoded: :func:`_reads_timeline`) and the
    output is encodable under both; else None (the check asks its query on the twins)."""
    plain = [own_encoding(audit, r) for r in readings]
    if not any(_reads_timeline(audit, enc, name) for enc in plain):
        return None
    laws = [audit.encoding(reading=enc.reading, timelines=True) for enc in plain]
    if any(law.output(name).not_encodable for law in laws):
        return None
    return laws if involves_timelines(laws, [{name}, {name}]) else None


def _reads_timeline(audit: Audit, enc: LawEncoding, name: str) -> bool:
    """Whether a timeline output is among ``name`` and the outputs its rules (as ``enc``
    chooses them) read (compile/version_reads.py): a filter only (the encodings then
    decide, :func:`.timeline_search.involves_timelines`), so that the pairs of other
    outputs encode nothing here."""
    from ...compile.version_reads import version_reads
    outputs = enc.vocabulary.outputs
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in outputs:
            continue
        seen.add(current)
        if outputs[current].type.kind == "timeline":
            return True
        for rule in enc.candidates(current):
            for version in rule.versions:
                todo += sorted(version_reads(audit.kb, version.id).outputs)
    return False


def seeded_pair(audit: Audit, encodings: Sequence[LawEncoding], name: str,
                readings: tuple[str, str], what: str) -> tuple[Half, Half] | None:
    """The two halves confirmed for the first candidate on which the evaluator shows the
    readings differ (see the module), or None when no candidate is confirmed
    (``encodings``: those of :func:`own_encodings`)."""
    frame = main_frame(audit)
    names = [{name}, {name}]
    reads = [query_constraints([e], {0: {name}})[2] for e in encodings]
    facts = reads[0] | reads[1]
    test = readings_differ(audit, name, *readings)
    for hint in candidates(audit, encodings, names, facts, frame, None, test, encodings[0]):
        halves = []
        for enc, read in zip(encodings, reads, strict=True):
            out = enc.output(name)
            answer = _frame_query(audit, [enc], [{name}], [out.has_value], frame, None, True,
                                  Budget(SEED_RLIMIT), SEED_RLIMIT, hint)
            if answer is None or answer[0].status != "sat":
                break
            halves.append(Half(enc, out, answer[0], read))
        if len(halves) == 2 and _differ(*halves):
            audit.queries += 1
            from .timeline_notes import record
            record(audit, list(encodings), names, what, halves[0].result)
            return halves[0], halves[1]
    return None


def _differ(one: Half, two: Half) -> bool:
    """Whether the two models give the output different values (the query's goal)."""
    def values(half: Half) -> list[z3.ExprRef]:
        return [half.model.eval(x, model_completion=True) for x in half.output.value]
    return any(not z3.eq(z3.simplify(x), z3.simplify(y))
               for x, y in zip(values(one), values(two), strict=True))
