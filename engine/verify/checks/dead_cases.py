"""Stage 5 (verify): the values and candidate cases of the dead-rule check's
evaluator-first pass (:mod:`.evaluator_first`), from the knowledge base alone.

* :class:`Reads`: what a version reads — its facts, and transitively those of the outputs
  it reads and of the provisions disapplying its rule — from the knowledge base's
  dependency information (the slices of :mod:`.slices`), not from the encoding; and
  whether a query about an output can read a timeline output.
* :class:`FactValues`: the values tried for each fact of a conclusion, most likely first:
  the value the conclusion's own simple comparisons allow (:mod:`.simple_conditions`),
  else the constants the rules of the output's slice compare the fact with; every date the
  selection day inside the version's window (then the day before and after); a periods
  fact one period of :data:`FIRST_PERIOD_DAYS` days from that day (then the lengths the
  slice's parameters give); an amount a few round values (:data:`ROUND`); and the as-of
  date of a case (the audit's, else the selection day for a version selected on the as-of
  date, else the day after the case's latest date).
* :func:`pool_cases`: the seed pool of :mod:`.seed_cases` (the facts' types, the constants
  of the slice's rules, a fixed-seed random part), its frame of
  :data:`~lexlux.verify.encoding.timelines.TIMELINE_MONTHS` months placed so that the
  version can be selected (:data:`POOL_CASES` at most).

Everything here is a pure function of the knowledge base, the version, the conclusion and
the audit's date (names sorted, no ``hash()``, no set order; the pool's random part is
seeded by a digest of its inputs), and every date lies within the verifier's horizon.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ...calendar.dates import (
    from_day_number,
    month_index,
    month_start_from_index,
    to_day_number,
)
from ...calendar.periods import Period
from ...compile.model import Duration, KnowledgeBase, Months, Rule, RuleVersion
from ...compile.refs import version_refs
from ..encoding.calendar_terms import HORIZON_END, HORIZON_START
from ..encoding.facts import GRAIN
from ..encoding.timelines import TIMELINE_MONTHS
from .seed_cases import Constants, pool
from .simple_conditions import AS_OF, Restriction, conclusion_conditions, restrictions
from .simple_witness import DEFAULT_DAY, _dates, _edges
from .simple_witness import _values as _simple_values
from .slices import Slices
from .timeline_search import DEFAULT_ANCHOR

if TYPE_CHECKING:
    from .context import Audit

#: The most cases of the seed pool tried, per conclusion.
POOL_CASES = 16
#: The first values of an amount, a decimal or a percentage fact: two different values and
#: zero (a comparison of two amounts, a difference, a quotient need no more), then the
#: amounts of the slice's parameters.
ROUND = {"money": (Fraction(2000), Fraction(1000), Fraction(0)),
         "decimal": (Fraction(40), Fraction(20), Fraction(0)),
         "percentage": (Fraction(1, 2), Fraction(1, 4), Fraction(0))}
#: The length (days) of the period a periods fact holds first.
FIRST_PERIOD_DAYS = 30


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
        self._hints: dict[str, tuple[dict[str, set[Any]], Constants]] = {}

    def output(self, name: str) -> tuple[list[Rule], list[str], list[str]]:
        """The rules, facts and outputs of ``name``'s slice (sorted)."""
        known = self._outputs.get(name)
        if known is None:
            rules, facts, _, outs = self.slices.rules(self.jurisdiction, [name])
            known = self._outputs[name] = (sorted(rules, key=lambda r: r.id), sorted(facts),
                                           sorted(outs))
        return known

    def hints(self, name: str) -> tuple[dict[str, set[Any]], Constants]:
        """For ``name``'s slice: the constants its rules' simple comparisons compare each
        fact with, and the constants of its rules (:class:`.seed_cases.Constants`)."""
        known = self._hints.get(name)
        if known is None:
            entries = self.kb.vocabularies[self.jurisdiction].facts
            rules = self.output(name)[0]
            others: dict[str, set[Any]] = {}
            for other in rules:
                for v in other.versions:
                    for k in range(len(v.conclusions)):
                        for fact, r in restrictions(entries, other, v,
                                                    conclusion_conditions(v, k)).items():
                            others.setdefault(fact, set()).update(_edges(r))
            known = self._hints[name] = (others, Constants(self.kb, rules))
        return known

    def disappliers(self, rule_id: str) -> list[Rule]:
        """The rules of which a version disapplies ``rule_id`` (by id)."""
        if self._disappliers is None:
            found: dict[str, list[Rule]] = {}
            rules = sorted(self.kb.rules.values(), key=lambda r: r.id)
            for other in [r for r in rules if any(v.disapplications for v in r.versions)]:
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
            for owner, versions in [(rule, [version]), *[(o, list(o.versions))
                                                         for o in self.disappliers(rule.id)]]:
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
    found: Reads | None = audit.__dict__.get("_dead_cases_reads")
    if found is None or found.kb is not audit.kb:
        found = audit.__dict__["_dead_cases_reads"] = Reads(audit.kb, audit.jurisdiction)
    return found


def direct_facts(rule: Rule, version: RuleVersion) -> list[str]:
    """The facts ``version`` reads itself, and the fact selecting it (sorted)."""
    facts = {ref.target for ref in version_refs(version) if ref.kind == "fact"}
    return sorted(facts | ({rule.selected_by} if rule.selected_by else set()))


def window(version: RuleVersion) -> tuple[date, date]:
    """The first and last day of the version's window, within the horizon."""
    last = (version.valid_until - timedelta(days=1) if version.valid_until is not None
            else HORIZON_END)
    return max(version.valid_from, HORIZON_START), min(last, HORIZON_END)


class FactValues:
    """The values tried for the facts of conclusion ``index`` of ``version`` (see the
    module), with the constants of its output's slice (``info``); ``as_of``: the audit's
    date."""

    def __init__(self, info: Reads, rule: Rule, version: RuleVersion, index: int,
                 as_of: date | None) -> None:
        self.entries = info.kb.vocabularies[info.jurisdiction].facts
        self.rule = rule
        mine = restrictions(self.entries, rule, version,
                            conclusion_conditions(version, index))
        others, self.constants = info.hints(version.conclusions[index].output)
        # the selection day inside the version's window (the conditions may say more; a
        # transitional version is selected in its window too)
        low, high = window(version)
        selection = rule.selected_by or AS_OF
        dated = selection == AS_OF or (selection in self.entries
                                       and self.entries[selection].type.kind == "date")
        if selection not in mine and dated:
            mine = {**mine, selection: Restriction("ordered", to_day_number(low),
                                                   to_day_number(high))}
        self.mine, self.others = mine, others
        days = _dates(mine.get(AS_OF), others.get(AS_OF, set()), DEFAULT_DAY)
        first = (_dates(mine.get(selection), others.get(selection, set()), DEFAULT_DAY)
                 if selection != AS_OF and dated else days)
        self.default = first[0] if first else DEFAULT_DAY
        self.days = [as_of] if as_of is not None else days
        self.by_as_of = rule.selected_by is None or as_of is not None
        self._known: dict[str, list[Any]] = {}

    def values(self, fact: str) -> list[Any]:
        """The values tried for ``fact``, most likely first (none: left out)."""
        known = self._known.get(fact)
        if known is None:
            entry = self.entries.get(fact)
            known = [] if entry is None else _values(
                entry.type, self.mine.get(fact), self.others.get(fact, set()), self.default,
                self.constants)
            self._known[fact] = known
        return known

    def as_of(self, facts: dict[str, Any]) -> date:
        """The as-of date of a case with ``facts``: the audit's date; else the selection
        day for a version selected on the as-of date; else the day after the latest date
        the case gives (within the horizon)."""
        if self.by_as_of:
            return self.days[0] if self.days else DEFAULT_DAY
        dates = [v for v in facts.values() if isinstance(v, date)]
        dates += [p.end for v in facts.values() if isinstance(v, tuple)
                  for p in v if isinstance(p, Period)]
        latest = max(dates) if dates else DEFAULT_DAY
        return min(latest + timedelta(days=1), HORIZON_END)


def _values(ftype: Any, own: Restriction | None, hints: set[Any], default: date,
            constants: Constants) -> list[Any]:
    """The values tried for a fact of type ``ftype``, most likely first: those of the
    cases built from the conditions (:mod:`.simple_witness`), a date then the day before
    and the day after; and for the kinds these leave out, see the module."""
    kind = ftype.kind
    simple = _simple_values(ftype, own, hints, default)
    if simple is not None:
        if kind == "date" and simple:
            simple += [d for d in _around(simple[0], own) if d not in simple]
        return simple
    if kind == "periods":
        lengths = [FIRST_PERIOD_DAYS, *[d for d in constants.days if d != FIRST_PERIOD_DAYS]]
        return [(Period(default, default + timedelta(days=n - 1)),) for n in lengths
                if default + timedelta(days=n - 1) <= HORIZON_END]
    if kind == "duration":
        return [Duration(d) for d in [0, *constants.days]]
    if kind == "months":
        return [Months(m) for m in [0, *constants.months]]
    if kind in GRAIN:
        first = ROUND.get(kind, ROUND["money"])
        return [*first, *[a for a in constants.amounts if a not in first]]
    return []


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


def pool_cases(kb: KnowledgeBase, jurisdiction: str, rule: Rule, version: RuleVersion,
               own: list[str], slice_facts: list[str], slice_rules: list[Rule],
               as_of: date | None) -> Iterator[tuple[dict[str, Any], date]]:
    """The first :data:`POOL_CASES` cases of the seed pool (facts by name, as-of date)
    over the facts of the output's slice (``own``, the version's facts, always given), in
    a frame of :data:`TIMELINE_MONTHS` months placed so that the version can be selected:
    ending on the audit's date (``as_of``) if it has one; else, for a version selected on
    the as-of date, ending in the window (as of the frame's last day); else starting in
    the window (the selecting fact is a day of the frame)."""
    low, high = window(version)
    if as_of is not None:
        back = month_start_from_index(month_index(as_of) - TIMELINE_MONTHS + 1)
        first = month_index(back if rule.selected_by is None else min(max(back, low), high))
        when = as_of
    elif rule.selected_by is None:
        end = _frame_end(month_index(DEFAULT_ANCHOR))
        when = min(max(end, low), high)
        first = month_index(when) - TIMELINE_MONTHS + 1
    else:
        first = month_index(min(max(DEFAULT_ANCHOR, low), high))
        when = _frame_end(first)
    cases = pool(kb, jurisdiction, sorted(set(slice_facts) | set(own)), own, slice_rules,
                 first, TIMELINE_MONTHS, when, POOL_CASES)
    return itertools.islice(((facts, day) for facts, day in cases
                             if HORIZON_START <= day <= HORIZON_END), POOL_CASES)


def _frame_end(first_month: int) -> date:
    return month_start_from_index(first_month + TIMELINE_MONTHS) - timedelta(days=1)


__all__ = ["FIRST_PERIOD_DAYS", "POOL_CASES", "ROUND", "FactValues", "Reads",
           "direct_facts", "pool_cases", "reads", "window"]
