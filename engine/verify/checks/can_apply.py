"""Stage 5 (verify): the dead-rule check's "can apply" question, answered by a simple
witness first.

Almost every rule version can apply (a dead rule is a drafting error), so the dead-rule
check mostly looks for a witness.  Z3 finds it at once for most versions, but for the few
whose conditions need a benefit limit reached or working days counted (``counted_days``,
``working_days``: abstract calendar values refined on demand) its search wanders among
histories of up to three periods per periods fact, and the strategies that prove take
their turns first: 12-27 s of CPU for the automatic end of L.125-4, the payment date of
statuts art. 185.  Those witnesses are simple cases: one period of incapacity.

So before the query itself, two cheaper ways of finding a witness are tried, in this order:

* **Earlier witnesses (seeds).**  The cases of the witnesses this check has found so far
  in the audit (the latest :data:`SEEDS` of the same jurisdiction and reading) are
  replayed by the evaluator (:func:`.confirm.conclusion_applies`): a case on which the
  evaluator applies the conclusion is a witness as it is — the evaluator, the reference,
  shows it.  (Since stop 15 the cases of the evaluator-first pass, :mod:`.evaluator_first`,
  which runs before everything here, are kept as seeds too.)
* **A simple case.**  The query with every periods fact holding at most one period
  (:data:`SIMPLE_PERIODS`), within :data:`SIMPLE_RLIMIT` and with the strategies that find
  witnesses (:data:`SIMPLE_STRATEGIES`).  It is the query plus constraints over the same
  variables, so each of its models is a model of the query, exact for the calendar or
  confirmed by its replay like every witness.

Neither ever concludes that a version cannot apply: when both find nothing (no seed
replays; the simple query is UNSAT, or UNKNOWN within its budget) the query itself is
asked, as before, with its own budget, strategies and unsat core.  So a dead rule is
reported exactly as without them; a version that can apply is answered sooner.

Determinism: the seeds are the witnesses of the versions checked before, in the check's
fixed order, and the simple query is solved in fresh contexts like every query, so one
run gives the same answers whatever the hash seed.  With ``--cache`` a version's unit may
run without the witnesses of units found in the cache; then its answer is the one Z3 gives
(the same for every version the bundled rules hold: Z3 finds each witness within its
budget without a seed).

A query about timeline outputs is left to its own witness search (:mod:`.timeline_search`),
which tries the cases of earlier timeline queries first (its hints), and its witnesses are
not kept as seeds (stop 14): the timeline units run as one group, the other dead-rule units
as another (``--jobs N``, :mod:`.parallel`, each group in one process in the order of a
one-process run), so a seed never crosses from one group to the other and ``--jobs N``
gives the answers of ``--jobs 1`` (measured before: answering the timeline queries by
seeds left the payer rule of L.125-4 undecided in the full audit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ...evaluate.case import Case
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import LawEncoding, query_constraints
from ..encoding.facts import PeriodsVar
from ..encoding.plausible import plausible
from ..encoding.solve import SolveResult, Strategy, solve
from .timeline_search import involves_timelines
from .witness import build_case, model_date

if TYPE_CHECKING:
    from .context import Audit, Replayed

#: How many earlier witnesses are replayed before a query (the latest first).
SEEDS = 8
#: The most periods a periods fact holds in the simple query.
SIMPLE_PERIODS = 1
#: The budget of the simple query (rlimit units, every strategy together): the witnesses
#: of the bundled rules need at most 4·10⁶ there.
SIMPLE_RLIMIT = 8_000_000
#: The strategies of the simple query, taking turns (no strategy that proves: its answer
#: is read only when SAT); ``preprocess`` with the witness axioms only for a query with
#: ``counted_days`` calls.
SIMPLE_STRATEGIES = (Strategy("default"), Strategy("preprocess"))
SIMPLE_AXIOM_STRATEGIES = (Strategy("preprocess", "witness"),)


@dataclass(frozen=True)
class Seed:
    """A witness case found by the check, and its as-of date."""
    case: Case
    as_of: date
    reading: str | None


def seeds(audit: Audit) -> list[Seed]:
    """The witnesses found so far by the dead-rule check of this audit (oldest first)."""
    found: list[Seed] = audit.__dict__.setdefault("_can_apply_seeds", [])
    return found


def from_seeds(audit: Audit, reading: str | None, test: Replayed) -> Seed | None:
    """The latest of the last :data:`SEEDS` witnesses (same reading) on which ``test`` (the
    evaluator applies the conclusion) holds, or None."""
    for seed in [s for s in reversed(seeds(audit)) if s.reading == reading][:SEEDS]:
        if test(seed.case, seed.as_of):
            return seed
    return None


def keep(audit: Audit, enc: LawEncoding, result: SolveResult, facts: set[str]) -> None:
    """Keep the case of a SAT answer with a model as a seed (an exact or confirmed model:
    its case is what the evaluator applies the conclusion to)."""
    if result.status != "sat" or result.model is None:
        return
    try:
        as_of = audit.as_of or model_date(result.model, enc.as_of)
        case = build_case(enc, result.model, facts, as_of, "a witness of the dead-rule check")
    except (ValueError, OverflowError):
        return
    seeds(audit).append(Seed(case, as_of, enc.reading))


def simple_witness(audit: Audit, enc: LawEncoding, names: Sequence[set[str]],
                   goals: Sequence[Any], test: Replayed) -> tuple[SolveResult, set[str]] | None:
    """A model of the query (``unknown_missing=False``, as the dead-rule check asks) in which
    every periods fact holds at most :data:`SIMPLE_PERIODS` periods, or None (not found:
    no conclusion).  Only for a query with abstract calendar calls not about timelines
    (the others are decided at once, or by their own search)."""
    encodings = [enc]
    if involves_timelines(encodings, names):
        return None
    constraints, calls, facts = query_constraints(
        encodings, dict(enumerate(names)), unknown_missing=False)
    if not calls:
        return None
    variables = enc.shared.facts
    simple = [var.term.count <= SIMPLE_PERIODS for var in map(variables.get, sorted(facts))
              if isinstance(var.term, PeriodsVar)]
    extra = [horizon_bounds(enc.as_of)] if audit.as_of is None else []
    extra += plausible(audit.kb, enc, facts)
    case_terms = variables.terms(facts)
    if audit.as_of is None:
        case_terms.append(enc.as_of)
    counted = any(c.counted is not None for c in calls)
    strategies = [*SIMPLE_STRATEGIES, *(SIMPLE_AXIOM_STRATEGIES if counted else ())]
    result = solve(constraints, [*extra, *goals, *simple], calls,
                   rlimit=min(SIMPLE_RLIMIT, audit.rlimit), case_terms=case_terms,
                   confirm=audit._replaying(enc, facts, test), strategies=strategies)
    audit.confirmed += result.confirmed
    return (result, facts) if result.status == "sat" else None


def can_apply(audit: Audit, enc: LawEncoding, names: Sequence[set[str]],
              goals: Sequence[Any], test: Replayed, what: str, rlimit: int
              ) -> SolveResult:
    """The dead-rule check's query (``goals``: the conclusion applies and is not bad),
    with the seeds and the simple query first (see the module); UNSAT answers come with
    their unsat core, from the query itself."""
    timelines = involves_timelines([enc], names)
    # the query's outputs encoded as the query would (the codes of enum values are given
    # in the order of encoding: later queries see the same encoding with or without seeds)
    _, _, facts = query_constraints([enc], dict(enumerate(names)), unknown_missing=False)
    plausible(audit.kb, enc, facts)
    if not timelines and from_seeds(audit, enc.reading, test) is not None:
        audit.queries += 1               # answered without Z3: counted as the query
        return SolveResult("sat", reason="an earlier witness, replayed by the evaluator")
    simple = simple_witness(audit, enc, names, goals, test)
    if simple is not None:
        audit.queries += 1
        keep(audit, enc, *simple)
        return simple[0]
    result, facts = audit.query([enc], names, goals, cores=True, unknown_missing=False,
                                confirm=test, what=what, timeline_rlimit=rlimit,
                                witness_expected=True)
    if not timelines:           # (the timeline units run in a group of their own, --jobs)
        keep(audit, enc, result, facts)
    return result


__all__ = ["SEEDS", "SIMPLE_RLIMIT", "Seed", "can_apply", "from_seeds", "simple_witness"]
