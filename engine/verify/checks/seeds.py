"""Stage 5 (verify): the seeded witness pass — witnesses of a query about timeline outputs
looked for first among cases generated from the knowledge base (:mod:`.seed_cases`) and
evaluated by the evaluator, then confirmed by the solver with the case fixed.

Why: the timeline witness search (:mod:`.timeline_search`) leaves some queries undecided
although a witness lies inside its frames (the readings of the 77-day rule on
``salary_continuation_end``: the disagreement needs three periods of incapacity, which Z3
does not find within its budget, and each attempt costs seconds).  The evaluator
computes such a case in a fraction of a millisecond, so a few hundred candidates cost less
than one give-up.

How (:func:`seeded_query`): the pool of the query (a pure function of the knowledge base,
the query's facts, the first month of the audit's frame and the as-of date) is evaluated
with a test given by the check — for the readings check, "both readings give a value and
the values differ" (:func:`readings_differ`).  A case that passes is only a candidate:
its facts (every fact of the query: those the case leaves out are fixed to "not given")
and its as-of date are fixed in the query of the audit's widest frame, which the solver
then decides at once.  A model of that query is a model of the query itself, so it becomes
a finding exactly as any other witness does: the evaluator replays it, and the finding,
the witness file and the replay text are built by the same code
(:meth:`~.context.Audit.witness`).  Only when no candidate is confirmed (within
:data:`SEED_TRIES` candidates) does the check ask its query as before.

What is claimed: a witness of the seeded pass proves that the query is satisfiable (a case
exists), nothing more — no range, no region, no proof that other cases agree.  When no
candidate passes, nothing is concluded from that.  The pass runs only for queries about
timeline outputs (the others are decided by Z3 directly).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import z3

from ...calendar.dates import to_day_number
from ...evaluate.case import Case
from ...evaluate.interpreter import evaluate
from ...evaluate.plausibility import check_assumptions
from ..encoding.encode import LawEncoding, query_constraints
from ..encoding.solve import Budget, SolveResult
from ..encoding.timelines import Frame
from .seed_cases import pool_cases
from .timeline_search import (
    _frame_query,
    _narrow,
    core_facts,
    involves_timelines,
    main_frame,
)

if TYPE_CHECKING:
    from .context import Audit

#: How many candidates that pass the evaluator's test are tried with the solver.
SEED_TRIES = 3
#: Resource limit of the query with a candidate fixed (decided at once, or not at all).
SEED_RLIMIT = 2_000_000
#: The line a finding whose witness came from the seeded pass carries.
SEEDED = ("witness from the seeded pass (checks/seeds.py): a case generated from the "
          "knowledge base (the facts' types, the rules' constants and a fixed-seed random "
          "part), on which the evaluator shows the difference, confirmed by the solver with "
          "the case fixed; it proves that such a case exists, nothing about which other "
          "cases differ")

#: A test of a candidate case (its facts and as-of date): True when it is what the query
#: looks for, by the evaluator.
CaseTest = Callable[[dict[str, Any], date], bool]


def readings_differ(audit: Audit, name: str, first: str, second: str) -> CaseTest:
    """The evaluator's test of the readings check: both readings give ``name`` a value,
    and the values differ."""
    def test(facts: dict[str, Any], as_of: date) -> bool:
        case = Case("seed", audit.jurisdiction, as_of, dict(facts), {}, None)
        values = []
        for reading in (first, second):
            result = evaluate(audit.kb, case, as_of, outputs=[name],
                              reading=reading).results[name]
            if result.status != "value":
                return False
            values.append(result.value)
        return bool(values[0] != values[1])
    return test


def replayed_test(audit: Audit, test: Callable[[Case, date], bool]) -> CaseTest:
    """A test of a replayed case (:mod:`.confirm`, e.g. "the conclusion applies" of the
    dead-rule check) as a test of a candidate."""
    def check(facts: dict[str, Any], as_of: date) -> bool:
        return test(Case("seed", audit.jurisdiction, as_of, dict(facts), {}, None), as_of)
    return check


def seeded_query(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
                 goals: Sequence[Any], test: CaseTest, *, what: str = "",
                 unknown_missing: bool = True, frame: Frame | None = None,
                 as_of: date | None = None) -> tuple[SolveResult, set[str]] | None:
    """A model of the query with a candidate of the pool fixed (see the module), and the
    query's facts; None when the query reads no timeline output, or when no candidate is
    confirmed (then the check asks its query as before).  A model found counts as one
    query of the audit, and is noted for the timeline output (LX522) as any other.

    By default the encodings must be the audit's own (in :func:`.timeline_search.main_frame`)
    and the candidates are as of the audit's date (else the last day of the frame).  A
    check whose query is about another frame or another date (the diff of a timeline
    output: timelines from the month of the later date, replayed as of that date) passes
    ``frame`` (the encodings' twins in it are queried) and ``as_of`` (every candidate is as
    of that date, so the candidate's date and the query's agree)."""
    encodings = list(encodings)
    if not involves_timelines(encodings, names):
        return None
    if frame is None:
        frame = main_frame(audit)
        if any(e.frame != frame for e in encodings):
            return None              # not the audit's own timeline encodings
    _, _, facts = query_constraints(encodings, dict(enumerate(names)),
                                    unknown_missing=unknown_missing)
    twin = _narrow(audit, encodings, frame)[0]
    for hint in candidates(audit, encodings, names, facts, frame, as_of, test, twin):
        answer = _frame_query(audit, encodings, names, goals, frame, None, unknown_missing,
                              Budget(SEED_RLIMIT), SEED_RLIMIT, hint)
        if answer is not None and answer[0].status == "sat":
            audit.queries += 1
            from .timeline_notes import record
            record(audit, encodings, names, what, answer[0])
            return answer[0], facts
    return None


def candidates(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
               facts: set[str], frame: Frame, as_of: date | None, test: CaseTest,
               twin: LawEncoding) -> Iterator[dict[str, Any]]:
    """The candidates of the query's pool that pass ``test`` (and are plausible, within
    the encoding's abstractions), at most :data:`SEED_TRIES` of them, each as the values
    fixing every fact of ``facts`` (and the as-of date): :func:`_hint` in ``twin``."""
    tried = 0
    for case, when in _pool(audit, encodings, names, facts, frame, as_of):
        if tried >= SEED_TRIES:
            break
        try:
            if not test(case, when) or not _plausible(audit, case, when):
                continue
        except (ValueError, OverflowError, ArithmeticError):
            continue                  # a date outside the calendar: not a candidate
        hint = _hint(audit, twin, facts, case, when)
        if hint is None:
            continue                  # outside the encoding's abstractions
        tried += 1
        yield hint


def _pool(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
          facts: set[str], frame: Frame, as_of: date | None
          ) -> Iterable[tuple[dict[str, Any], date]]:
    """The query's pool (:func:`.seed_cases.pool_cases`) in ``frame`` and as of ``as_of``
    (else the audit's date), kept per audit by its inputs, generated as far as it is read
    (:class:`_Generated`)."""
    rules = {r.id: r for enc, wanted in zip(encodings, names, strict=False)
             for n in sorted(enc.cone(wanted)) for r in enc.candidates(n)}
    given = core_facts(encodings, names)
    first = frame.first_month
    assert first is not None
    when = as_of or audit.as_of
    key = (tuple(sorted(facts)), tuple(sorted(given)), tuple(sorted(rules)), first,
           frame.months, when)
    memo: dict[Any, _Generated] = audit.__dict__.setdefault("_seed_pools", {})
    if key not in memo:
        memo[key] = _Generated(pool_cases(
            audit.kb, audit.jurisdiction, sorted(facts), sorted(given),
            [rules[r] for r in sorted(rules)], first, frame.months, when))
    return memo[key]


class _Generated:
    """A pool generated as far as it is read, and kept: every reader gets the same cases in
    the same order (the pool is a sequence, :func:`.seed_cases.pool_cases`), and the cases
    after the last one any query tried are never made (a pass stops at its first confirmed
    candidate, often within the first tens of the 480)."""

    def __init__(self, cases: Iterator[tuple[dict[str, Any], date]]) -> None:
        self._source: Iterator[tuple[dict[str, Any], date]] | None = cases
        self._made: list[tuple[dict[str, Any], date]] = []

    def __iter__(self) -> Iterator[tuple[dict[str, Any], date]]:
        i = 0
        while True:
            if i == len(self._made):
                if self._source is None:
                    return
                made = next(self._source, None)
                if made is None:
                    self._source = None
                    return
                self._made.append(made)
            yield self._made[i]
            i += 1


def _plausible(audit: Audit, facts: dict[str, Any], as_of: date) -> bool:
    """The candidate satisfies the declared assumptions (a case that can happen, as the
    queries assume: :mod:`lexlux.evaluate.plausibility`)."""
    case = Case("seed", audit.jurisdiction, as_of, dict(facts), {}, None)
    return not check_assumptions(audit.kb, case, None)


def _hint(audit: Audit, enc: LawEncoding, facts: set[str], case: dict[str, Any],
          as_of: date) -> dict[str, Any] | None:
    """The candidate as values of the query's variables, by name (every fact of the query
    fixed, "not given" when the case leaves it out; the as-of date when the audit has
    none); None when a value is outside the encoding's abstractions."""
    hint: dict[str, Any] = {}
    try:
        for name in sorted(facts):
            for var, value in enc.shared.facts.pin(name, case.get(name)):
                hint[str(var)] = value
    except ValueError:
        return None
    if audit.as_of is None:
        hint[str(enc.as_of)] = z3.IntVal(to_day_number(as_of))
    return hint
