"""Stage 5 (verify): the dead-rule check's "can apply" answered by the evaluator first,
before anything is encoded or solved.

Why: almost every rule version can apply (a dead rule is a drafting error), and all that
takes to show is one case on which the evaluator — the reference — applies the
conclusion.  The solver's way costs an encoding of the output's cone (under the rule's
reading: for a rule with a reading that encoding serves only this check) and one or more
Z3 queries; the evaluator decides a case in well under a millisecond.

How (:func:`evaluator_first`): for each conclusion of the version (the outputs in sorted
order, then the conclusions in their order, as the solver's path tries them), candidate
cases are generated from the knowledge base alone (:func:`candidates`) and each is tested
with :func:`.confirm.conclusion_applies` (the rule is not disapplied, this version is the
one selected, its conditions hold and its value is computed; under the rule's reading)
and with the declared plausibility assumptions
(:func:`lexlux.evaluate.plausibility.check_assumptions`, as :mod:`.seeds` does).  The
first candidate that passes answers "can apply"; it counts as one query of the audit, as
an earlier witness replayed does (:mod:`.can_apply`).

What the facts are: those the version reads (its conditions, values, local names,
transitional clause, the fact that selects it), those of the outputs it reads and of the
provisions disapplying its rule, transitively (the slices of :mod:`.slices`: the
knowledge base's dependency information, not the encoding); then, for the pool, the facts
of the whole slice of the conclusion's output.  The candidates, cheapest first:

1. **from the conditions**: every fact of the version given one value — the value its own
   simple comparisons allow (:mod:`.simple_conditions`), else the first of the constants
   the rules of its slice compare it with; every date the selection day, inside the
   version's window; a periods fact one period starting that day; then one fact changed
   at a time (:data:`CONDITION_CASES` at most);
2. **the seed pool** (:func:`.seed_cases.pool`: the facts' types, the constants of the
   slice's rules, a fixed-seed random part), with its frame placed in the version's
   window and its as-of date one on which the version can be selected
   (:data:`POOL_CASES` at most).

With ``--as-of`` every candidate is as of that date, as the solver's query is.

What is claimed: a version answered here *can apply* — the evaluator applies the
conclusion to a concrete case whose dates lie within the verifier's horizon
(:data:`~lexlux.verify.encoding.calendar_terms.HORIZON_START` to ``HORIZON_END``) and that
satisfies every plausibility assumption whose facts it gives.  That is the check's
question itself, answered by the reference; no solver confirms it (the check reports
nothing for a version that can apply, and the case is not shown).  Nothing is claimed when
no candidate passes: the check then goes on exactly as without this pass (the encoding,
the earlier witnesses, the simple case, the query with its unsat core), so a dead rule is
still reported by the solver, with its core.

A version whose outputs read a timeline output (:func:`timeline_maybe`) is answered here
only by its first conclusion (the one the solver's path asks first): that path notes each
question about a timeline output for LX522 (:mod:`.timeline_notes`), and the note must
say what the solver's path would have asked; the caller notes it.

Determinism: the candidates are a pure function of the knowledge base, the version, the
conclusion and the audit's as-of date (no ``hash()``, no set order: names are sorted, the
pool's random part is seeded by a digest of its inputs); whatever ran before, whatever
``--jobs``.

Measured (bundled rules, 2-core shared machine, CPU): see docs/verification.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ...calendar.dates import DateRangeError, from_day_number, month_index, to_day_number
from ...calendar.periods import Period
from ...compile.model import Duration, KnowledgeBase, Months, Rule, RuleVersion
from ...compile.refs import version_refs
from ...evaluate.builtins import EvaluationError
from ...evaluate.case import Case
from ...evaluate.expressions import MissingFactError, UndeterminedError
from ...evaluate.interpreter import evaluate
from ...evaluate.plausibility import check_assumptions
from ...evaluate.trace import TraceNode
from ..encoding.calendar_terms import HORIZON_END, HORIZON_START
from ..encoding.facts import GRAIN
from ..encoding.timelines import TIMELINE_MONTHS
from .confirm import conclusion_applies
from .seed_cases import Constants, pool
from .simple_conditions import (
    AS_OF,
    Restriction,
    conclusion_conditions,
    restrictions,
)
from .simple_witness import DEFAULT_DAY, _dates, _edges, _ordered
from .slices import Slices
from .timeline_search import DEFAULT_ANCHOR

if TYPE_CHECKING:
    from .context import Audit

#: The most cases tested while giving the facts the evaluator asks for, per conclusion,
#: and the most rounds of asking for one case.
ASKED_CASES = 48
ASK_ROUNDS = 12
#: The most candidates built from the conditions, per conclusion.
CONDITION_CASES = 24
#: The most candidates of the seed pool tried, per conclusion.
POOL_CASES = 160
#: The first values of an amount, a decimal or a percentage fact (two different values
#: and zero: most comparisons of two amounts, a difference, a quotient need no more).
_ROUND = {"money": (Fraction(2000), Fraction(1000), Fraction(0)),
          "decimal": (Fraction(40), Fraction(20), Fraction(0)),
          "percentage": (Fraction(1, 2), Fraction(1, 4), Fraction(0))}
#: The length (days) of the period a periods fact holds in the first candidates.
FIRST_PERIOD_DAYS = 30


@dataclass(frozen=True)
class Found:
    """A case on which the evaluator applies conclusion ``index`` (of output ``output``)."""
    output: str
    index: int
    case: Case
    as_of: date


class Reads:
    """What the versions and outputs of one knowledge base read (facts, rules, outputs),
    from its dependency information (:class:`.slices.Slices`), memoised."""

    def __init__(self, kb: KnowledgeBase, jurisdiction: str) -> None:
        self.kb = kb
        self.jurisdiction = jurisdiction
        self.slices = Slices(kb)
        self._disappliers: dict[str, list[Rule]] | None = None
        self._own: dict[str, list[str]] = {}
        self._outputs: dict[str, tuple[list[Rule], list[str], list[str]]] = {}

    def output(self, name: str) -> tuple[list[Rule], list[str], list[str]]:
        """The rules, facts and outputs of ``name``'s slice (sorted)."""
        known = self._outputs.get(name)
        if known is None:
            rules, facts, _, outs = self.slices.rules(self.jurisdiction, [name])
            known = self._outputs[name] = (sorted(rules, key=lambda r: r.id), sorted(facts),
                                           sorted(outs))
        return known

    def disappliers(self, rule_id: str) -> list[Rule]:
        """The rules of which a version disapplies ``rule_id`` (by id)."""
        if self._disappliers is None:
            found: dict[str, list[Rule]] = {}
            rules = sorted(self.kb.rules.values(), key=lambda r: r.id)
            for other in rules:
                for target in rules:
                    if target.id != other.id and any(
                            d.covers(target.id) for v in other.versions
                            for d in v.disapplications):
                        found.setdefault(target.id, []).append(other)
            self._disappliers = found
        return self._disappliers.get(rule_id, [])

    def version_facts(self, rule: Rule, version: RuleVersion) -> list[str]:
        """The facts ``version`` reads, transitively through the outputs it reads and the
        provisions disapplying its rule (sorted)."""
        known = self._own.get(version.id)
        if known is None:
            facts: set[str] = set()
            outputs: set[str] = set()
            for source in [(rule, [version]),
                           *[(o, list(o.versions)) for o in self.disappliers(rule.id)]]:
                owner, versions = source
                if owner.selected_by:
                    facts.add(owner.selected_by)
                for v in versions:
                    for ref in version_refs(v):
                        if ref.kind == "fact":
                            facts.add(ref.target)
                        elif ref.kind == "output":
                            outputs.add(ref.target)
            for name in sorted(outputs):
                facts.update(self.output(name)[1])
            known = self._own[version.id] = sorted(facts)
        return known

    def timeline_maybe(self, names: list[str]) -> bool:
        """Whether an output of the slices of ``names`` is a timeline (or a version there
        has a monthly conclusion): the only way a query about them can read a timeline."""
        vocabulary = self.kb.vocabularies[self.jurisdiction].outputs
        for name in names:
            rules, _, outs = self.output(name)
            if any(vocabulary[o].type.kind == "timeline" for o in outs if o in vocabulary):
                return True
            if any(c.each_month for r in rules for v in r.versions for c in v.conclusions):
                return True
        return False


def reads(audit: Audit) -> Reads:
    """The audit's :class:`Reads` (one per audit)."""
    found: Reads | None = audit.__dict__.get("_evaluator_first_reads")
    if found is None or found.kb is not audit.kb:
        found = audit.__dict__["_evaluator_first_reads"] = Reads(audit.kb, audit.jurisdiction)
    return found


def evaluator_first(audit: Audit, rule: Rule, version: RuleVersion) -> Found | None:
    """A case on which the evaluator applies a conclusion of ``version`` (see the module),
    counted as one query of the audit; None when no candidate passes (nothing is concluded:
    the solver's path follows)."""
    info = reads(audit)
    names = sorted({c.output for c in version.conclusions})
    order = [(name, k) for name in names for k, c in enumerate(version.conclusions)
             if c.output == name]
    if info.timeline_maybe(names):
        order = order[:1]        # the question the solver's path notes first (LX522)
    own = info.version_facts(rule, version)
    for name, index in order:
        slice_rules, slice_facts, _ = info.output(name)
        search = _Search(audit, rule, version, index, slice_rules)
        found = search.asked() or search.listed(
            candidates(audit.kb, audit.jurisdiction, rule, version, index, own, slice_facts,
                       slice_rules, audit.as_of))
        if found is not None:
            audit.queries += 1               # answered without Z3: counted as the query
            return Found(name, index, *found)
    return None


class _Search:
    """The tests of one conclusion's candidates: the evaluator (the reference,
    :func:`.confirm.conclusion_applies`) and the plausibility assumptions."""

    def __init__(self, audit: Audit, rule: Rule, version: RuleVersion, index: int,
                 slice_rules: list[Rule]) -> None:
        self.kb, self.rule, self.version, self.index = audit.kb, rule, version, index
        self.jurisdiction, self.as_of = audit.jurisdiction, audit.as_of
        self.entries = audit.kb.vocabularies[audit.jurisdiction].facts
        self.plausibility = any(getattr(i, "assumption", False)
                                for i in audit.kb.invariants.values())
        self.slice_rules = slice_rules
        self.tried = 0

    def passes(self, facts: dict[str, Any], as_of: date) -> Case | None:
        """The case if the evaluator applies the conclusion to it and it is plausible."""
        self.tried += 1
        case = Case("a case the evaluator applies the conclusion to", self.jurisdiction,
                    as_of, dict(facts), {}, None)
        if not conclusion_applies(self.kb, case, as_of, self.rule.id, self.version.id,
                                  self.index, reading=self.rule.reading):
            return None
        if self.plausibility and _implausible(self.kb, case):
            return None
        return case

    def listed(self, cases: Iterator[tuple[dict[str, Any], date]]
               ) -> tuple[Case, date] | None:
        for facts, as_of in cases:
            case = self.passes(facts, as_of)
            if case is not None:
                return case, as_of
        return None

    def asked(self) -> tuple[Case, date] | None:
        """The facts the evaluator asks for, given one by one (see the module)."""
        hints = _hints(self.kb, self.jurisdiction, self.rule, self.version, self.index,
                       self.slice_rules)
        mine, others, constants, days, default = hints
        if self.as_of is not None:
            days = [self.as_of]
        by_as_of = self.rule.selected_by is None or self.as_of is not None

        def values(fact: str) -> list[Any]:
            entry = self.entries.get(fact)
            if entry is None:
                return []
            return _values(entry.type, mine.get(fact), others.get(fact, set()), default,
                           constants) or []

        def complete(facts: dict[str, Any]) -> tuple[dict[str, Any], tuple[Case, date] | None]:
            for _ in range(ASK_ROUNDS):
                if self.tried >= ASKED_CASES:
                    break
                as_of = _as_of_days(days, facts, by_as_of)[0]
                case = self.passes(facts, as_of)
                if case is not None:
                    return facts, (case, as_of)
                new = [n for n in _asked(self.kb, self.jurisdiction, facts, as_of, self.rule,
                                         self.version, self.index)
                       if n not in facts and values(n)]
                if not new:
                    break
                facts = {**facts, **{n: values(n)[0] for n in new}}
            return facts, None

        # first the fact selecting the version alone, then every fact the version reads
        # itself: each completed with the facts the evaluator asks for, then varied one
        # fact at a time
        direct = sorted({*_direct_facts(self.version), *filter(None, [self.rule.selected_by])})
        for given in ([self.rule.selected_by] if self.rule.selected_by else [], direct):
            start = {n: values(n)[0] for n in given if values(n)}
            base, found = complete(start)
            if found is not None:
                return found
            for fact in sorted(base):
                for value in values(fact)[1:]:
                    if self.tried >= ASKED_CASES:
                        return None
                    _, found = complete({**base, fact: value})
                    if found is not None:
                        return found
        return None


def _direct_facts(version: RuleVersion) -> set[str]:
    """The facts ``version`` reads itself."""
    return {ref.target for ref in version_refs(version) if ref.kind == "fact"}


def _asked(kb: KnowledgeBase, jurisdiction: str, facts: dict[str, Any], as_of: date,
           rule: Rule, version: RuleVersion, index: int) -> tuple[str, ...]:
    """The facts the evaluator lacks to tell whether conclusion ``index`` of ``version``
    applies to the case (empty: none, or it cannot be told for another reason)."""
    if rule.selected_by is not None and rule.selected_by not in facts:
        return (rule.selected_by,)
    conclusion = version.conclusions[index]
    case = Case("asked", jurisdiction, as_of, dict(facts), {}, None)
    try:
        run = evaluate(kb, case, as_of, outputs=[conclusion.output],
                       reading=rule.reading).evaluation
        if run is None or run.disapplied_by(rule) is not None:
            return ()
        selected, on, how = run.select(rule)
        if selected is not version:
            return ()
        node = TraceNode(conclusion.output, None, rule.id, version, rule.citation, how)
        run.conclude(rule, version, conclusion, on, node)
    except MissingFactError as missing:
        return tuple(missing.names)
    except (UndeterminedError, EvaluationError, OverflowError, DateRangeError, ValueError):
        return ()
    return ()


def _implausible(kb: KnowledgeBase, case: Case) -> bool:
    try:
        return bool(check_assumptions(kb, case, None))
    except (ValueError, OverflowError, ArithmeticError):
        return True


def candidates(kb: KnowledgeBase, jurisdiction: str, rule: Rule, version: RuleVersion,
               index: int, own: list[str], slice_facts: list[str],
               slice_rules: list[Rule], as_of: date | None
               ) -> Iterator[tuple[dict[str, Any], date]]:
    """The candidate cases (facts by name, as-of date) for conclusion ``index`` of
    ``version``, cheapest first (see the module): a pure function of its arguments.
    ``own``: the facts the version reads; ``slice_facts`` and ``slice_rules``: those of
    the conclusion's output's slice; ``as_of``: the audit's date, if it has one."""
    yield from _from_conditions(kb, jurisdiction, rule, version, index, own, slice_rules,
                                as_of)
    yield from itertools.islice(
        _from_pool(kb, jurisdiction, rule, version, own, slice_facts, slice_rules, as_of),
        POOL_CASES)


def _window(version: RuleVersion) -> tuple[date, date]:
    """The first and last day of the version's window, within the horizon."""
    last = (version.valid_until - timedelta(days=1) if version.valid_until is not None
            else HORIZON_END)
    return max(version.valid_from, HORIZON_START), min(last, HORIZON_END)


def _clamp(day: date, low: date, high: date) -> date:
    return min(max(day, low), high)


def _hints(kb: KnowledgeBase, jurisdiction: str, rule: Rule, version: RuleVersion,
           index: int, slice_rules: list[Rule]
           ) -> tuple[dict[str, Restriction], dict[str, set[Any]], Constants, list[date],
                      date]:
    """What the values of the candidates are chosen from: the conclusion's own
    restrictions, the constants the slice's rules compare each fact with, the slice's
    constants, the as-of days tried and the default day (the selection day)."""
    entries = kb.vocabularies[jurisdiction].facts
    mine = restrictions(entries, rule, version, conclusion_conditions(version, index))
    others: dict[str, set[Any]] = {}
    for other in slice_rules:
        for v in other.versions:
            for k in range(len(v.conclusions)):
                for fact, r in restrictions(entries, other, v,
                                            conclusion_conditions(v, k)).items():
                    others.setdefault(fact, set()).update(_edges(r))
    constants = Constants(kb, slice_rules)
    # the selection day in the version's window (read from the conditions, else the
    # window itself: a transitional version is also selected in its window)
    low, high = _window(version)
    window = Restriction("ordered", to_day_number(low), to_day_number(high))
    selection = rule.selected_by or AS_OF
    if selection not in mine and (selection == AS_OF or (
            selection in entries and entries[selection].type.kind == "date")):
        mine = {**mine, selection: window}
    days = _dates(mine.get(AS_OF), others.get(AS_OF, set()), DEFAULT_DAY)
    if selection != AS_OF and selection in entries \
            and entries[selection].type.kind == "date":
        first = _dates(mine.get(selection), others.get(selection, set()), DEFAULT_DAY)[:1]
    else:
        first = days[:1]
    return mine, others, constants, days, first[0] if first else DEFAULT_DAY


def _from_conditions(kb: KnowledgeBase, jurisdiction: str, rule: Rule,
                     version: RuleVersion, index: int, own: list[str],
                     slice_rules: list[Rule], as_of: date | None
                     ) -> Iterator[tuple[dict[str, Any], date]]:
    """Cases built from the conditions (at most :data:`CONDITION_CASES`)."""
    entries = kb.vocabularies[jurisdiction].facts
    mine, others, constants, days, default = _hints(kb, jurisdiction, rule, version, index,
                                                    slice_rules)
    if as_of is not None:
        days = [as_of]
    choices: list[tuple[str, list[Any]]] = []
    for fact in own:
        entry = entries.get(fact)
        if entry is None:
            continue
        values = _values(entry.type, mine.get(fact), others.get(fact, set()), default,
                         constants)
        if values is not None:
            choices.append((fact, values))
    tried = 0
    for combination in _combinations(choices):
        facts = dict(combination)
        for day in _as_of_days(days, facts, rule.selected_by is None or as_of is not None):
            tried += 1
            if tried > CONDITION_CASES:
                return
            yield dict(facts), day


def _values(ftype: Any, own: Restriction | None, hints: set[Any], default: date,
            constants: Constants) -> list[Any] | None:
    """The values tried for a fact, most likely first; None: left out of the cases."""
    kind = ftype.kind
    if kind == "boolean":
        return [True, False]
    if kind == "enum":
        return [v for v in ftype.values
                if own is None or ((own.allowed is None or v in own.allowed)
                                   and v not in own.excluded)]
    if kind == "integer":
        return _ordered(own, hints, 0, None)
    if kind == "date":
        dates = _dates(own, hints, default)
        if dates:          # and the days around the first (a day before, a day after)
            dates += [d for d in _around(dates[0], own) if d not in dates]
        return dates
    if kind == "periods":
        lengths = [FIRST_PERIOD_DAYS, *[d for d in constants.days if d != FIRST_PERIOD_DAYS]]
        out = []
        for days in lengths:
            end = default + timedelta(days=days - 1)
            if end <= HORIZON_END:
                out.append((Period(default, end),))
        return out
    if kind == "duration":
        return [Duration(d) for d in [0, *constants.days]]
    if kind == "months":
        return [Months(m) for m in [0, *constants.months]]
    if kind in GRAIN:     # a few round values of the kind (two different, and zero)
        first = _ROUND.get(kind, _ROUND["money"])
        return [*first, *[a for a in constants.amounts if a not in first]]
    return None


def _around(day: date, own: Restriction | None) -> list[date]:
    """The day before and the day after ``day`` that ``own`` allows (within the
    horizon)."""
    out = []
    for n in (to_day_number(day) - 1, to_day_number(day) + 1):
        if own is not None and ((own.low is not None and n < own.low) or
                                (own.high is not None and n > own.high)
                                or n in own.excluded):
            continue
        d = from_day_number(n)
        if HORIZON_START <= d <= HORIZON_END:
            out.append(d)
    return out


def _combinations(choices: list[tuple[str, list[Any]]]) -> Iterator[list[tuple[str, Any]]]:
    """The first value of every fact, then one fact changed at a time (to each of its
    other values), then the rest of the product — lazily."""
    if any(not values for _, values in choices):
        return
    base = [(fact, values[0]) for fact, values in choices]
    yield base
    for i, (fact, values) in enumerate(choices):
        for value in values[1:]:
            yield [*base[:i], (fact, value), *base[i + 1:]]
    yield from itertools.islice(itertools.product(
        *[[(fact, v) for v in values] for fact, values in choices]), 1, None)


def _as_of_days(days: list[date], facts: dict[str, Any], by_as_of: bool) -> list[date]:
    """The as-of dates tried: ``days`` (the audit's date, or the selection day's values
    when the rule is selected on the as-of date); otherwise the day after the latest date
    the case gives."""
    if by_as_of:
        return days
    dates = [v for v in facts.values() if isinstance(v, date)]
    dates += [p.end for v in facts.values() if isinstance(v, tuple)
              for p in v if isinstance(p, Period)]
    latest = max(dates) if dates else DEFAULT_DAY
    return [min(latest + timedelta(days=1), HORIZON_END)]


def _from_pool(kb: KnowledgeBase, jurisdiction: str, rule: Rule, version: RuleVersion,
               own: list[str], slice_facts: list[str], slice_rules: list[Rule],
               as_of: date | None) -> Iterator[tuple[dict[str, Any], date]]:
    """The seed pool's cases, its frame of :data:`TIMELINE_MONTHS` months placed so that
    the version can be selected: for a version selected on the as-of date, a frame ending
    in the window (the as-of date is the frame's last day, or the audit's); for one
    selected by a fact, a frame starting in the window (the fact is a day of it)."""
    low, high = _window(version)
    anchor = as_of or DEFAULT_ANCHOR
    if rule.selected_by is None and as_of is None:
        frame_end = _frame_end(month_index(anchor))
        when = _clamp(frame_end, low, high)
        first = month_index(anchor) if when == frame_end \
            else month_index(when) - TIMELINE_MONTHS + 1
    else:
        first = month_index(_clamp(anchor, low, high))
        when = as_of or _frame_end(first)
    facts = sorted(set(slice_facts) | set(own))
    for facts_of, day in pool(kb, jurisdiction, facts, own, slice_rules, first,
                              TIMELINE_MONTHS, when):
        if HORIZON_START <= day <= HORIZON_END:
            yield facts_of, day


def _frame_end(first_month: int) -> date:
    from ...calendar.dates import month_start_from_index
    return month_start_from_index(first_month + TIMELINE_MONTHS) - timedelta(days=1)


__all__ = ["CONDITION_CASES", "POOL_CASES", "Found", "Reads", "candidates",
           "evaluator_first", "reads"]
