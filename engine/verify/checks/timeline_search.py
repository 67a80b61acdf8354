"""Stage 5 (verify): the witness search for queries about timeline outputs (abstraction
``timeline_horizon``, :mod:`lexlux.verify.encoding.timelines`).

Why Z3 does not decide them on the full encoding: a timeline holds 36 month slots whose
first month is a free variable, so the first day of every slot, the window of twelve
months ending with it and the month of every date compared with it are calendar
arithmetic with integer division (``div``/``mod`` by 1461, 365, 153, 12, 5: about 4,300
``div`` and 3,200 ``mod`` terms in the readings query of ``monthly_payer``); Z3's integer
arithmetic spends its whole budget on cuts and GCD tests (UNKNOWN at 2·10⁷ per seed, and
still at 4·10⁸), even for a 3-month horizon.

With the first month pinned to a number every slot is a constant, the day counts of the
windows are linear in the period bounds, and the month of a date is found by comparisons:
no division is left in the timelines (:class:`~lexlux.verify.encoding.timelines.Frame`).
So a query about a timeline output is first tried on *narrow* encodings: the timelines
start in the month of the anchor (the as-of date, the later date of a diff, else January
2017), with a growing horizon (:data:`HORIZONS` months), first with only the facts that the
rules which are no exception read (the 77-day rule reads the incapacity) and then with
every fact.  A narrow query is the full query plus constraints (the pinned month, the
shorter horizon, facts not given), over the same named constants, so each of its models
is a model of the full query — a witness, replayed by the evaluator like every other.  A
query for which no narrow query finds a witness is solved on the full encoding (a proof
needs every first month and the whole horizon, and Z3 does not decide it: such a query
is reported undecided, LX510, without being tried).

The checks that encode timeline outputs: the readings check (LX503) of
:mod:`.rules`.  The others (conflicts, hierarchy, dead rules, gaps, diffs, invariants)
still skip them (LX521, LX512): their queries about ``monthly_payer`` read the end of the
contract by L.125-4 and the benefit limit (the ``counted_days`` abstraction), and their
witnesses are not found within seconds even in a narrow frame (docs/verification.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import z3

from ...calendar.dates import month_index
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import Constraint, LawEncoding, query_constraints
from ..encoding.encode_expr import AbstractCall
from ..encoding.plausible import plausible
from ..encoding.shared import Shared
from ..encoding.solve import SolveResult
from ..encoding.timelines import Frame

if TYPE_CHECKING:
    from .context import Audit

#: Horizons tried in turn (months of the narrow frame; the last is the full horizon).
HORIZONS = (6, 18, 36)
#: Resource limit of one narrow query, solved once (one seed, no axioms; at most the
#: audit's own limit, as the API caps it).
NARROW_RLIMIT = 20_000_000
#: Why a query about a timeline output is left undecided when no narrow query finds a
#: witness: the full encoding is not solved (measured: Z3 spends any budget on its integer
#: division, so it would only cost time and answer UNKNOWN).
NO_NARROW_WITNESS = ("no witness in the narrow frames of the timeline witness search (first "
                     "month pinned, horizons 6, 18 and 36 months); the full timeline encoding "
                     "is not decided by Z3 (abstraction timeline_horizon)")
#: The first month of the timelines when the audit has no date (all dates).
DEFAULT_ANCHOR = date(2017, 1, 1)


def involves_timelines(encodings: Sequence[LawEncoding], names: Sequence[set[str]]) -> bool:
    """Whether the query reads a timeline output (and the encodings encode them)."""
    for enc, wanted in zip(encodings, names, strict=False):
        if not enc.timelines:
            continue
        vocabulary = enc.vocabulary.outputs
        if any(n not in vocabulary for n in wanted):
            return False              # pseudo outputs (invariants): no narrow twin
        if any(enc.output(n).type.kind == "timeline" for n in enc.cone(wanted)):
            return True
    return False


def core_facts(encodings: Sequence[LawEncoding], names: Sequence[set[str]]) -> set[str]:
    """The facts read by the rules of the query that are no exception to another rule (and
    by the outputs these rules read, the same way), and the facts that select a version
    (without them the output has no value)."""
    facts: set[str] = set()
    for enc, wanted in zip(encodings, names, strict=False):
        graph = enc.kb.graph
        if graph is None:
            continue
        jurisdiction = enc.shared.jurisdiction
        todo, seen = sorted(wanted), set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for rule in enc.candidates(name):
                if rule.selected_by:
                    facts.add(rule.selected_by)
                if any(v.exceptions for v in rule.versions):
                    continue
                for version in rule.versions:
                    node = f"version:{version.id}"
                    if node not in graph:
                        continue
                    for pred in graph.predecessors(node):
                        kind, _, rest = pred.partition(":")
                        if not rest.startswith(f"{jurisdiction}."):
                            continue
                        if kind == "fact":
                            facts.add(rest[len(jurisdiction) + 1:])
                        elif kind == "output":
                            todo.append(rest[len(jurisdiction) + 1:])
    return facts


def _narrow(audit: Audit, encodings: Sequence[LawEncoding], frame: Frame
            ) -> list[LawEncoding]:
    """Twins of ``encodings`` (same readings, dates of the law, tags and so the same named
    constants; the same codes of enum values) in ``frame``, sharing one new set of facts;
    cached per audit."""
    memo: dict[Any, tuple[Any, list[LawEncoding]]] = audit.__dict__.setdefault("_narrow", {})
    interner = encodings[0].shared.interner
    key = (id(interner), tuple((e.reading, e.law_as_of, e.tag) for e in encodings), frame)
    if key not in memo:
        shared = Shared(audit.kb, audit.jurisdiction, interner=interner)
        memo[key] = (interner, [LawEncoding(shared, e.as_of, law_as_of=e.law_as_of,
                                            reading=e.reading, tag=e.tag, timelines=True,
                                            frame=frame) for e in encodings])
    return memo[key][1]           # (the interner is kept: its id stays unique)


def narrow_search(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
                  goals: Sequence[Any], *, unknown_missing: bool = True,
                  anchor: date | None = None) -> SolveResult | None:
    """A model of the query found on narrow encodings, or None (then solve the full one)."""
    month = month_index(anchor or audit.as_of or DEFAULT_ANCHOR)
    core = core_facts(encodings, names)
    for only_core in (True, False):
        for months in HORIZONS:
            narrow = _narrow(audit, encodings, Frame(months, month))
            constraints, calls, facts = query_constraints(
                narrow, dict(enumerate(names)), unknown_missing=unknown_missing)
            if only_core and core >= facts:
                continue                       # the same query as with every fact
            shared = narrow[0].shared
            extra = [horizon_bounds(narrow[0].as_of)] if audit.as_of is None else []
            extra += plausible(audit.kb, narrow[0], facts)
            formulas = [*extra, *goals]
            case_terms = shared.facts.terms(facts)
            if audit.as_of is None:
                case_terms.append(narrow[0].as_of)
            if only_core:
                constraints, formulas, calls = _without(
                    shared, sorted(facts - core), constraints, formulas, calls)
            result = _solve_once(constraints, formulas, calls, case_terms,
                                 min(NARROW_RLIMIT, audit.rlimit))
            if result.status == "sat":
                return result
    return None


def _solve_once(constraints: list[Constraint], formulas: list[Any],
                calls: list[AbstractCall], case_terms: list[Any], rlimit: int
                ) -> SolveResult:
    """One narrow query with Z3's default solver alone (no portfolio: the narrow frames
    are many, and the default solver decides them), within ``rlimit`` for all its checks
    and refinements of abstract calendar values."""
    from ..encoding import solve as solving
    query = solving._Query(constraints, formulas, calls, {"none": []}, case_terms, None,
                           solving.Budget(rlimit))
    result = solving._Run(query, solving.Strategy("default")).advance(rlimit)
    result.refinements, result.lemmas = query.refinements, list(query.lemmas)
    result.spent = query.budget.spent
    return result


def _without(shared: Shared, absent: list[str], constraints: list[Constraint],
             formulas: list[Any], calls: list[AbstractCall]
             ) -> tuple[list[Constraint], list[Any], list[AbstractCall]]:
    """The query with the facts ``absent`` not given, simplified: the provisions that need
    them drop out, and so do the abstract calendar values only they use."""
    pairs = [(shared.facts.get(f).given, z3.BoolVal(False)) for f in absent]

    def fix(formula: Any) -> Any:
        return z3.simplify(z3.substitute(formula, *pairs)) if z3.is_expr(formula) \
            else formula
    fixed = [(label, fix(f)) for label, f in constraints]
    formulas = [fix(f) for f in formulas] + [z3.Not(g) for g, _ in pairs]
    text = "\n".join(f.sexpr() for _, f in fixed if z3.is_expr(f))
    used = [c for c in calls if _symbol(c) in text]
    return fixed, formulas, used


def _symbol(call: AbstractCall) -> str:
    return str(call.symbol.name() if call.symbol is not None else call.result)
