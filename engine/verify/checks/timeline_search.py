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
So a query about a timeline output is solved on *narrow* encodings: the timelines
start in the month of the anchor (the as-of date, the later date of a diff, else January
2017).  First the cases that earlier queries about the same outputs found are tried, fixed
(hints); then a growing horizon (:data:`HORIZONS` months; the checks other than the
readings check try only the widest, :data:`CHECK_HORIZONS`), first with only the facts
that the rules which are no exception read (the 77-day rule reads the incapacity) and then
with every fact.  A narrow query is the full query plus constraints
(the pinned month, the shorter horizon, facts not given), over the same named constants, so
each of its models is a model of the full query — a witness, replayed by the evaluator
like every other.

**What a query's answer depends on.**  The narrow queries are canonical: the same terms
whatever ran before in the process (the codes of enum values come from the sorted
vocabulary, :class:`~lexlux.verify.encoding.facts.Interner`; tests/verify/
test_timeline_history.py).  The hints are kept on purpose and are the one state carried
from query to query: measured on the bundled rules (stop 14), without them the dead-rule
tests of the payer rules of L.125-4 and CSS art. 9 take 8-16·10⁶ units or stay undecided,
where a hint decides them within 2·10⁵.  So the timeline units run in one process, in the
order of a one-process run (``--jobs``, :mod:`.parallel`).  And Z3 itself is not a pure
function of the query text for the hardest of them: the same narrow query (the same SMT-LIB
text, in a fresh context) took 6.3·10⁶ units first in a process and 9.9·10⁶, or more than
14·10⁶, after other audits in the same process.

**What is claimed (abstraction ``timeline_bounded_proof``).**  When the widest frame of the
anchor month has no model, the widest frames of the next :data:`PROOF_MONTHS` - 1 months
are solved too; if none has a model, the answer is UNSAT *for those frames only*: no
history whose timelines start in one of those 12 months and span at most
:data:`~lexlux.verify.encoding.timelines.TIMELINE_MONTHS` months is a case of the query.
Its ``reason`` says so (:func:`bound_text`, :func:`is_bounded`), and the checks never
report it as proved without that bound (note LX522, :mod:`.timeline_notes`; a dead rule
says the bound in its details).  A query neither found nor proved is undecided (LX510): the
full encoding, whose first month is free, is not solved (Z3 does not decide it).

Every frame's encodings are built once per audit (:func:`frame_twin`) and shared by every
check and query; the widest frame of the anchor month is the audit's own timeline encoding
(:func:`main_frame`), so the full-horizon encoding with its division is never built.  The
outputs of a query's cone that are no timeline and read none are the same terms in every
frame of a month: a twin takes them from the first twin of its month, under any reading
whose rules for them are the same (:mod:`lexlux.verify.encoding.frame_outputs`).  All
the frames of one query share one budget (the audit's ``--rlimit``, or the smaller budget a
check gives: :data:`CHECK_RLIMIT`, :data:`DEAD_RLIMIT`).

The checks that encode timeline outputs: readings (LX503), conflicts, hierarchy, dead rules
and gaps (:mod:`.rules`), ``lexlux diff`` (:mod:`.timeline_diff`) and invariants
(:mod:`.timeline_invariants`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import z3

from ...calendar.dates import month_index, month_start_from_index
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import Constraint, LawEncoding, query_constraints
from ..encoding.encode_expr import AbstractCall
from ..encoding.frame_outputs import FrameTwin
from ..encoding.plausible import plausible
from ..encoding.shared import Shared
from ..encoding.solve import Budget, SolveResult
from ..encoding.timelines import TIMELINE_MONTHS, Frame

if TYPE_CHECKING:
    from .context import Audit

#: Horizons tried in turn (months of the narrow frame; the last is the full horizon).
HORIZONS = (6, 18, 36)
#: Resource limit of one narrow query, solved once (one seed, no axioms; at most what is
#: left of the query's budget).  The readings witnesses of the bundled rules need at most
#: 7.6·10⁶ (monthly_payer, 18 months); the three undecided outputs spend it all per frame.
NARROW_RLIMIT = 10_000_000
#: Budget of all the frames of one timeline query of the conflicts, hierarchy and gaps
#: checks: their hardest queries (the payer of L.125-4 against the 77-day rule, which
#: reads the benefit limit) take 15-30 s for 2·10⁷ units; beyond this budget they are
#: undecided (LX510), so that the audit stays short.
CHECK_RLIMIT = 2_000_000
#: The same for the dead-rule check, whose witnesses are expected (a rule that can apply):
#: the reopening of L.121-6 (3) al. 2 (rule s2) needs about 1.4·10⁷.
DEAD_RLIMIT = 16_000_000
#: The frames of the witness search of the checks other than the readings check: the
#: widest only (the audit's own encoding, so no other frame is encoded for them).
CHECK_HORIZONS = (TIMELINE_MONTHS,)
#: Resource limit of a query with the case of an earlier witness fixed (a hint: the
#: facts both read are numbers, so it is decided at once or not at all).
HINT_RLIMIT = 2_000_000
#: How many cases found by earlier queries about the same outputs are tried first.
HINTS = 3
#: A dead-rule test about a timeline output whose query has ``counted_days`` calls (the
#: payer rules of L.125-4 and CSS art. 9, which need the benefit limit reached) is first
#: solved in the widest frame with every fact, with the strategy ``preprocess`` and the
#: axioms that guide a witness search, within this budget (a function of the query alone:
#: no hint).  Measured (stop 14), each rule alone: the payer rules of L.125-4 decided at
#: 0.98·10⁶ (statute reading) and 0.77·10⁶ (CCSS) units this way, CSS art. 9 at 1.13·10⁶
#: and 7.95·10⁶, where the default solver took 6-15·10⁶ or stayed undecided within 16·10⁶,
#: depending on what ran before it in the process.
WITNESS_FIRST_RLIMIT = 12_000_000
#: The first months of the frames of a bounded proof: this many months from the anchor's,
#: each at the horizon of TIMELINE_MONTHS months (abstraction timeline_bounded_proof).
PROOF_MONTHS = 12
#: Why a query about a timeline output is left undecided when no narrow query finds a
#: witness and the frames do not all prove it: the full encoding is not solved (measured:
#: Z3 spends any budget on its integer division, so it would only cost time and answer
#: UNKNOWN).
def no_narrow_witness(horizons: Sequence[int] = HORIZONS) -> str:
    """The reason of such an undecided query, naming the ``horizons`` (months) actually
    tried (:func:`narrow_search`'s argument).

    >>> no_narrow_witness((36,))[63:102]
    '(first month pinned, horizon 36 months)'
    """
    months = [str(m) for m in horizons]
    tried = (f"horizon {months[0]} months" if len(months) == 1 else
             f"horizons {', '.join(months[:-1])} and {months[-1]} months")
    return (f"no witness in the narrow frames of the timeline witness search (first month "
            f"pinned, {tried}), and no proof in the frames of the {PROOF_MONTHS} months from "
            "the first "
            "(abstraction timeline_bounded_proof); the full timeline encoding is not decided "
            "by Z3 (abstraction timeline_horizon)")


#: The reason with every horizon of :data:`HORIZONS` tried (the readings check).
NO_NARROW_WITNESS = no_narrow_witness(HORIZONS)
#: How the reason of an UNSAT answer that holds only within the frames begins.
BOUNDED = "proved only within bounded timeline frames:"
#: The first month of the timelines when the audit has no date (all dates).
DEFAULT_ANCHOR = date(2017, 1, 1)
#: The goals of a query: formulas, or a function giving them in each frame's encodings
#: (for goals encoded per encoding, as an invariant's pseudo-output, checks/invariants.py).
Goals = Sequence[Any] | Callable[[Sequence[LawEncoding]], Sequence[Any]]


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
        from ...compile.version_reads import version_reads
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
                    reads = version_reads(enc.kb, version.id)
                    facts |= reads.facts
                    todo += sorted(reads.outputs)
    return facts


def main_frame(audit: Audit) -> Frame:
    """The frame of the audit's own timeline encodings (``Audit.encoding(timelines=True)``):
    :data:`TIMELINE_MONTHS` months from the month of the as-of date, else of
    :data:`DEFAULT_ANCHOR`.  It is the widest frame of the witness search, so that search
    reuses these encodings instead of building them again."""
    return Frame(TIMELINE_MONTHS, month_index(audit.as_of or DEFAULT_ANCHOR))


def frame_twin(audit: Audit, enc: LawEncoding, frame: Frame) -> LawEncoding:
    """``enc`` in ``frame`` (same reading, date of the law and tag, so the same named
    constants; the same codes of enum values): ``enc`` itself when it is in that frame,
    else one encoding per audit, frame, reading, date and tag, shared by every query and
    check (the twins of one frame share one set of facts).  A twin in a pinned frame
    takes the outputs in which no frame is read from the first twin of its month
    (:class:`~lexlux.verify.encoding.frame_outputs.FrameTwin`)."""
    if enc.frame == frame:
        return enc
    memo: dict[Any, Any] = audit.__dict__.setdefault("_frames", {})
    interner = enc.shared.interner
    key = (id(interner), enc.reading, enc.law_as_of, enc.tag, frame)
    if key not in memo:
        skey = (id(interner), frame)
        if skey not in memo:         # (the interner is kept alive: its id stays unique)
            memo[skey] = (Shared(audit.kb, audit.jurisdiction, interner=interner), interner)
        shared = memo[skey][0]
        # the outputs no frame reads are taken from the first twin of the same month
        memo[key] = FrameTwin(shared, enc.as_of, law_as_of=enc.law_as_of,
                              reading=enc.reading, tag=enc.tag, timelines=True,
                              frame=frame, donors=audit.__dict__.setdefault("_donors", {}))
    twin: LawEncoding = memo[key]
    return twin


def _narrow(audit: Audit, encodings: Sequence[LawEncoding], frame: Frame
            ) -> list[LawEncoding]:
    """Twins of ``encodings`` in ``frame``, sharing one set of facts (:func:`frame_twin`)."""
    twins = [frame_twin(audit, e, frame) for e in encodings]
    if len({id(t.shared) for t in twins}) > 1:       # not one query's encodings: new ones
        shared = Shared(audit.kb, audit.jurisdiction, interner=encodings[0].shared.interner)
        twins = [LawEncoding(shared, e.as_of, law_as_of=e.law_as_of, reading=e.reading,
                             tag=e.tag, timelines=True, frame=frame) for e in encodings]
    return twins


def bound_text(month: int, months: int = TIMELINE_MONTHS, count: int = PROOF_MONTHS
               ) -> str:
    """The frames a bounded proof covers, in words."""
    first, last = month_start_from_index(month), month_start_from_index(month + count - 1)
    return (f"{BOUNDED} histories whose timelines start in a month from "
            f"{first:%Y-%m} to {last:%Y-%m} and span at most {months} months")


def is_bounded(result: SolveResult) -> bool:
    """An UNSAT answer that holds only within the frames of the search (not a proof)."""
    return result.status == "unsat" and result.reason.startswith(BOUNDED)


def narrow_search(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
                  goals: Goals, *, unknown_missing: bool = True,
                  anchor: date | None = None, rlimit: int | None = None,
                  horizons: Sequence[int] = HORIZONS, witness_expected: bool = False
                  ) -> SolveResult | None:
    """A model of the query found on narrow encodings; or, when none of them has a model
    and every frame of :data:`PROOF_MONTHS` months (from the anchor's) at the horizon of
    :data:`TIMELINE_MONTHS` months has none either, an UNSAT answer whose ``reason`` says
    that bound (:func:`is_bounded`: a proof for those frames only); else None (undecided).
    All the frames of one query share one budget: ``rlimit`` (at most the audit's budget
    of one query, ``--rlimit``); ``horizons``: the frames of the witness search (the last
    must be :data:`TIMELINE_MONTHS`, whose frame is the audit's own encoding);
    ``witness_expected`` (a dead-rule test): the widest frame with the witness axioms is
    tried first, within :data:`WITNESS_FIRST_RLIMIT`."""
    month = month_index(anchor or audit.as_of or DEFAULT_ANCHOR)
    core = core_facts(encodings, names)
    budget = Budget(min(rlimit or audit.rlimit, audit.rlimit))
    #: each frame's share: NARROW_RLIMIT, or the whole budget for a search of one frame
    each = NARROW_RLIMIT if len(horizons) > 1 else budget.total
    if witness_expected:
        answer = _frame_query(audit, encodings, names, goals, Frame(horizons[-1], month),
                              None, unknown_missing, budget, WITNESS_FIRST_RLIMIT,
                              witness_axioms=True)
        if answer is not None and answer[0].status == "sat":
            return answer[0]
    hints = _hints(audit, names)
    for frame, case in list(hints):    # first the cases earlier queries found (quick)
        answer = _frame_query(audit, encodings, names, goals, frame, None, unknown_missing,
                              budget, HINT_RLIMIT, case)
        if answer is not None and answer[0].status == "sat":
            return answer[0]
    widest: str | None = None        # the answer with every fact at the widest horizon
    for only_core in (True, False):
        for months in horizons:
            answer = _frame_query(audit, encodings, names, goals, Frame(months, month),
                                  core if only_core else None, unknown_missing, budget, each)
            if answer is None:
                continue                       # the same query as with every fact
            result, facts = answer
            if result.status == "sat":
                return result
            if months == TIMELINE_MONTHS and (not only_core or core >= facts):
                widest = result.status
    if widest != "unsat":
        return None
    for later in range(1, PROOF_MONTHS):       # the proof: the frames of the later months
        answer = _frame_query(audit, encodings, names, goals,
                              Frame(TIMELINE_MONTHS, month + later), None, unknown_missing,
                              budget, each)
        assert answer is not None
        result = answer[0]
        if result.status != "unsat":
            return result if result.status == "sat" else None
    return SolveResult("unsat", reason=bound_text(month), spent=budget.spent)


def _frame_query(audit: Audit, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
                 goals: Goals, frame: Frame, core: set[str] | None,
                 unknown_missing: bool, budget: Budget, each: int,
                 hint: dict[str, Any] | None = None, *, witness_axioms: bool = False
                 ) -> tuple[SolveResult, set[str]] | None:
    """The query in ``frame`` and its facts (with only the facts ``core`` if given; None
    when the query reads no other fact), within ``each`` and what is left of ``budget``;
    with ``hint`` (a case an earlier query found, by variable name) the case is fixed.
    A case found is kept as a hint for the next queries.  ``witness_axioms``: solved
    with the ``counted_days`` axioms that guide a witness search (:func:`_solve_once`);
    None when the query has no ``counted_days`` call."""
    narrow = _narrow(audit, encodings, frame)
    if callable(goals):                 # goals built in each frame (invariants)
        goals = goals(narrow)
    constraints, calls, facts = query_constraints(
        narrow, dict(enumerate(names)), unknown_missing=unknown_missing)
    if core is not None and core >= facts:
        return None
    shared = narrow[0].shared
    extra = [horizon_bounds(narrow[0].as_of)] if audit.as_of is None else []
    extra += plausible(audit.kb, narrow[0], facts)
    formulas = [*extra, *goals]
    case_terms = shared.facts.terms(facts)
    if audit.as_of is None:
        case_terms.append(narrow[0].as_of)
    if core is not None:
        constraints, formulas, calls = _without(
            shared, sorted(facts - core), constraints, formulas, calls)
    if hint is not None:
        fixed = [t == hint[str(t)] for t in case_terms if str(t) in hint]
        if not fixed:
            return None                        # the hint gives none of this query's facts
        formulas = [*formulas, *fixed]
    if witness_axioms and not any(c.counted is not None for c in calls):
        return None
    limit = min(each, budget.left)
    if limit <= 0:
        result = SolveResult("unknown", reason="no resource left for this query")
    else:
        result = _solve_once(constraints, formulas, calls, case_terms, limit,
                             witness_axioms=witness_axioms)
        budget.spent += result.spent
    if result.status == "sat" and result.model is not None and hint is None:
        model = result.model
        _hints(audit, names).append((frame, {str(t): model.eval(t, model_completion=True)
                                             for t in case_terms}))
    return result, facts


def _hints(audit: Audit, names: Sequence[set[str]]) -> list[tuple[Frame, dict[str, Any]]]:
    """The cases found by earlier queries about the same outputs (per audit, the latest
    :data:`HINTS` first tried)."""
    memo: dict[Any, list[tuple[Frame, dict[str, Any]]]] = audit.__dict__.setdefault(
        "_hints", {})
    found = memo.setdefault(tuple(sorted(set().union(*names))), [])
    del found[:-HINTS]
    return found


def _solve_once(constraints: list[Constraint], formulas: list[Any],
                calls: list[AbstractCall], case_terms: list[Any], rlimit: int,
                *, witness_axioms: bool = False) -> SolveResult:
    """One narrow query with Z3's default solver alone (no portfolio: the narrow frames
    are many, and the default solver decides them), within ``rlimit`` for all its checks
    and refinements of abstract calendar values; with ``witness_axioms``, the strategy
    ``preprocess`` with the ``counted_days`` axioms that guide a witness search
    (:func:`~lexlux.verify.encoding.counted_axioms.witness_axioms`: facts of the calendar,
    so its UNSAT is UNSAT too)."""
    from ..encoding import solve as solving
    from ..encoding.counted_axioms import witness_axioms as guiding
    axioms: dict[str, list[Any]] = {"none": []}
    strategy = solving.Strategy("default")
    if witness_axioms:
        axioms["witness"] = guiding([c.counted for c in calls if c.counted is not None])
        strategy = solving.Strategy("preprocess", "witness")
    query = solving._Query(constraints, formulas, calls, axioms, case_terms, None,
                           solving.Budget(rlimit))
    result = solving._Run(query, strategy).advance(rlimit)
    result.refinements, result.lemmas = query.refinements, list(query.lemmas)
    result.spent = query.budget.spent
    return result


def _without(shared: Shared, absent: list[str], constraints: list[Constraint],
             formulas: list[Any], calls: list[AbstractCall]
             ) -> tuple[list[Constraint], list[Any], list[AbstractCall]]:
    """The query with the facts ``absent`` not given, simplified: the provisions that need
    them drop out, and so do the abstract calendar values only they use."""
    pairs = [(shared.facts.get(f).given, z3.BoolVal(False)) for f in absent]
    substitute = _substitution(pairs)

    def fix(formula: Any) -> Any:
        return z3.simplify(substitute(formula)) if z3.is_expr(formula) else formula
    fixed = [(label, fix(f)) for label, f in constraints]
    formulas = [fix(f) for f in formulas] + [z3.Not(g) for g, _ in pairs]
    if not calls:                 # nothing to look up
        return fixed, formulas, []
    from ..encoding.symbols import occurring  # what the printed constraints name
    found = occurring([_symbol(c) for c in calls], [f for _, f in fixed if z3.is_expr(f)])
    used = [c for c, occurs in zip(calls, found, strict=True) if occurs]
    return fixed, formulas, used


def _substitution(pairs: list[tuple[Any, Any]]) -> Callable[[Any], Any]:
    """``z3.substitute(formula, *pairs)`` for many formulas: the same call into Z3 (so the
    same terms), with the arrays of the pairs built once, not checked again for each
    formula (``pairs``: Boolean constants, each replaced by a Boolean value)."""
    count = len(pairs)
    sources, targets = (z3.Ast * count)(), (z3.Ast * count)()
    for i, (source, target) in enumerate(pairs):
        sources[i], targets[i] = source.as_ast(), target.as_ast()

    def substitute(formula: Any) -> Any:
        ctx = formula.ctx
        return z3.z3._to_expr_ref(z3.Z3_substitute(ctx.ref(), formula.as_ast(), count,
                                                   sources, targets), ctx)
    return substitute


def _symbol(call: AbstractCall) -> str:
    return str(call.symbol.name() if call.symbol is not None else call.result)
