"""Stage 5 (verify): variants of a diff's own witnesses, tried by the evaluator before the
solver looks for another region of a timeline output (:mod:`.timeline_diff`).

Why: a region of a timeline output's diff is often one date away from a region already
found.  On 2018-12-31 → 2019-01-01 the benefit limit of CSS art. 14 (2) goes from 52 to 78
weeks (parameter ``lu.sickness_benefit.max_weeks``); the witness of the region "L.125-4
under the old law, the 77-day rule under the new one" is an incapacity of 78 weeks less two
days with the insured's history.  Give that case one more end of the benefit (the medical
board's finding of fitness, a CNS refusal, invalidity, …) on its last day, or a birth date
(the 68th birthday, decades ahead, is an end: ``art-009.ends``): under the old law the
limit came first, so the contract ended by L.125-4 (nobody pays from the month after);
under the new law the limit is not reached, the other end stands and CSS art. 9 applies
(the CNS pays up to that end).  That third region (L.125-4, art. 9) is
beyond the seeded pool (a case needs a long incapacity, the insured's history *and* an end
in between: none of its 480 cases) and beyond the solver's budget: the narrow attempts and
the final query all spent their 4·10⁶ units without a model (LX510).  The evaluator shows
it on the first variant.

What is tried (:func:`variants`), for each witness of the output's regions found so far
(in the order they were found): one date fact that the output may read (its cone's facts)
and that the witness does not give, set to one of the witness's own dates (a date fact's
value, the first or last day of a period), facts and dates in sorted order, at most
:data:`MAX_VARIANTS` cases per output.  A variant is kept when it satisfies the declared
assumptions (:mod:`lexlux.evaluate.plausibility`) and the evaluator gives the output
different results under the two laws in a region not seen yet (:func:`.confirm.laws_differ`,
the versions it applied): it is then a witness exactly as a case of an earlier output's diff
replayed on this one (:mod:`.diff_pool`), and it joins the diff's pool, so the diff of the
same output under another reading replays it first.

What is claimed: a variant found is a replayed witness of one more region, nothing else.
When none is found, nothing is concluded and the diff goes on as before (narrow attempts,
then the final query).  The cost is the evaluator's: a few hundred evaluations at most,
about 0.1-0.2 s per output (no Z3 check).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from ...calendar.periods import Period
from ...compile.model import KnowledgeBase
from ...evaluate.case import Case
from ...evaluate.interpreter import OutputResult
from ...evaluate.plausibility import check_assumptions
from .confirm import laws_differ
from .versions import _applied, _key

#: How many variants the evaluator is asked about, at most, per output and diff.
MAX_VARIANTS = 400


def landmarks(facts: Mapping[str, Any]) -> list[date]:
    """The dates of a witness: its date facts' values and the first and last day of each of
    its periods (sorted, without repeats)."""
    days: set[date] = set()
    for value in facts.values():
        if isinstance(value, date):
            days.add(value)
        elif isinstance(value, (list, tuple)):
            days |= {d for p in value if isinstance(p, Period) for d in (p.start, p.end)}
    return sorted(days)


def variants(kb: KnowledgeBase, jurisdiction: str, witnesses: Sequence[Mapping[str, Any]],
             uses: set[str]) -> Iterator[tuple[str, date, dict[str, Any]]]:
    """The variants of ``witnesses``: each with one date fact of ``uses`` it does not give,
    set to one of its :func:`landmarks` (the fact, the date and the variant's facts), in the
    order of the witnesses, then of the facts and dates, at most :data:`MAX_VARIANTS`."""
    vocabulary = kb.vocabularies[jurisdiction].facts
    dated = sorted(f for f in uses if f in vocabulary and vocabulary[f].type.kind == "date")
    made = 0
    for facts in witnesses:
        days = landmarks(facts)
        for name in dated:
            if name in facts:
                continue
            for day in days:
                if made >= MAX_VARIANTS:
                    return
                made += 1
                yield name, day, {**facts, name: day}


def differing_variant(kb: KnowledgeBase, jurisdiction: str, name: str, first: date,
                      second: date, witnesses: Sequence[Mapping[str, Any]], uses: set[str],
                      seen: set[tuple[tuple[str, ...], tuple[str, ...]]],
                      reading: str | None = None
                      ) -> tuple[str, date, Case, tuple[OutputResult, OutputResult]] | None:
    """The first variant (:func:`variants`) that is plausible and on which the evaluator
    gives ``name`` different results under the law of ``first`` and of ``second`` (as of
    the later date, under ``reading``) in a region not in ``seen`` (the versions applied
    under each law); None when there is none."""
    as_of = max(first, second)
    for fact, day, facts in variants(kb, jurisdiction, witnesses, uses):
        case = Case("a variant of a witness of this diff", jurisdiction, as_of, facts)
        found = laws_differ(kb, case, as_of, name, first, second, reading=reading)
        if found is None:
            continue
        if _key(_applied(found[0]), _applied(found[1])) in seen:
            continue
        if check_assumptions(kb, case, None):
            continue              # not a case that can happen
        return fact, day, case, found
    return None


__all__ = ["MAX_VARIANTS", "differing_variant", "landmarks", "variants"]
