"""Stage 5 (verify): the seeded pass (:mod:`.seeds`) for queries about outputs that are no
timelines but read abstract calendar values (``counted_days``, ``working_days``): the
readings check (LX503) and the gap check (LX506).

Why: such a query is decided by Z3 through the calendar abstractions, refined model
by model (:mod:`..encoding.solve`), and its nicer query (the case's dates near the as-of
date, :mod:`.nicer_first`) may take tens of refinement rounds before a model is exact for
the calendar: on the bundled rules the readings query of ``sickness_benefit_exhausted_from``
took 0.8 s of CPU (35 rounds), the gap query of ``sickness_benefit_paid_on_day`` 0.6 s.
With the case fixed, the refinement has one case to make exact and ends at once.

How (:func:`seeded_plain`): the candidates are those of the timeline queries' pass (the
query's pool, :func:`.seeds.candidates`, generated from the knowledge base only: the facts'
types, the rules' constants, a fixed-seed random part), tested by the evaluator with the
check's own test — for the readings, "both readings give a value and the values differ"
(:func:`.seeds.readings_differ`); for the gaps, :func:`gap_test` — then fixed (every fact of
the query and, with ``--all-dates``, the as-of date) in the query itself (the same
constraints, plausibility assumptions, horizon bounds and goals as
:meth:`.context.Audit.query` asks), which Z3 decides within :data:`.seeds.SEED_RLIMIT`.
A model of the query with a case fixed is a model of the query, so it becomes the finding's
witness through the same witness and replay code as any other.  Only when no candidate is
confirmed (within :data:`.seeds.SEED_TRIES`) does the check ask its query as before.

What is claimed: a seeded witness proves that the query is satisfiable (such a case
exists), nothing more; the finding carries the line :data:`.seeds.SEEDED`.  The finding's
fingerprint does not depend on the witness (an LX503 hangs on the readings' rules, an LX506
on the output's versions), so accepted findings stay accepted.  The pass runs only for
queries with abstract calendar calls (``counted_days``, ``working_days``: refined model by
model) and no timeline output (the timeline queries have
:func:`.seeds.seeded_query`); the other queries are decided by Z3 at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from ...evaluate.case import Case
from ...evaluate.expressions import Env, MissingFactError, UndeterminedError, evaluate
from ...evaluate.interpreter import Evaluation
from ...evaluate.interpreter import evaluate as evaluate_case
from ...evaluate.trace import TraceNode
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import LawEncoding, query_constraints
from ..encoding.plausible import plausible
from ..encoding.solve import SolveResult, solve
from .context import Audit
from .seeds import SEED_RLIMIT, CaseTest, candidates
from .timeline_search import involves_timelines, main_frame


def seeded_plain(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
                 goals: Sequence[Any], test: CaseTest) -> tuple[SolveResult, set[str]] | None:
    """A model of the query (as :meth:`.context.Audit.query` would ask it) with a
    candidate that passes ``test`` fixed, and the query's facts; None when the query reads a
    timeline output or no abstract calendar value, or when no candidate is confirmed (the
    check then asks its query as before).  A model found counts as one query of the
    audit."""
    encodings = list(encodings)
    if involves_timelines(encodings, names):
        return None
    constraints, calls, facts = query_constraints(encodings, dict(enumerate(names)))
    if not calls:
        return None                  # no calendar value to refine: decided by Z3 at once
    first = encodings[0]
    extra = [horizon_bounds(first.as_of)] if audit.as_of is None else []
    extra += plausible(audit.kb, first, facts)
    case_terms = first.shared.facts.terms(facts)
    if audit.as_of is None:
        case_terms.append(first.as_of)
    frame = main_frame(audit)
    named = [(str(t), t) for t in case_terms]         # (printing a term is not cheap)
    for hint in candidates(audit, encodings, names, facts, frame, None, test, first):
        fixed = [t == hint[n] for n, t in named if n in hint]
        result = solve(constraints, [*extra, *goals, *fixed], calls, rlimit=SEED_RLIMIT,
                       case_terms=case_terms)
        if result.status == "sat":
            audit.queries += 1
            return result, facts
    return None


def gap_test(audit: Audit, name: str) -> CaseTest:
    """The evaluator's test of the gap check: ``name`` gets no value (its facts all
    given: not "missing") and the declared ``total`` condition, if any, holds."""
    total = audit.kb.total_when.get((audit.jurisdiction, name))

    def test(facts: dict[str, Any], as_of: date) -> bool:
        case = Case("seed", audit.jurisdiction, as_of, dict(facts), {}, None)
        result = evaluate_case(audit.kb, case, as_of, outputs=[name]).results[name]
        if result.status != "no_value":
            return False
        if total is None:
            return True
        run = Evaluation(audit.kb, case, as_of, None, None)
        node = TraceNode(f"total:{name}", None, name, cast(Any, None), cast(Any, None),
                         "total")
        env = Env(fact=run.fact, parameter=lambda pid: run.parameter(pid, as_of),
                  output=run.output_value, functions=run.functions,
                  given=lambda fact: fact in case.facts, lets={}, node=node)
        try:
            return evaluate(total.when.expr, env) is True
        except (MissingFactError, UndeterminedError):
            return False
    return test
