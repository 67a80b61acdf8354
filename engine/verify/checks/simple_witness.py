"""Stage 5 (verify): the dead-rule check's "can apply" question answered by a case built
from the rules' text and replayed by the evaluator, before any solver query.

Almost every rule version can apply (a dead rule is a drafting error), and for most the
case showing it can be read off its conditions: where they are conjunctions of simple
comparisons of one fact with a constant (:mod:`.simple_conditions`), each fact is given
a value its comparisons allow (and the selection day one in the version's window).  The
facts the conclusion depends on through other outputs are given values among the
constants the rules of those outputs compare them with, so that they have a value too.

:func:`applies_somewhere` builds a few such cases (at most :data:`MAX_CASES`) and
replays each with the evaluator (:func:`.confirm.conclusion_applies`, the same test that
confirms a solver's model in this check); a case counts only if the evaluator, the
reference, applies the conclusion to it, with every date within the verifier's horizon
and every plausibility assumption (``assumptions:``) satisfied.  So a True answer is
exactly the solver's SAT (a witness exists), shown by a concrete case.  A False answer
says nothing: the query is then asked of Z3 as before, with its unsat core — a dead rule
is always reported by the solver, with the same finding as before.  The answer counts as
a query answered (:attr:`.context.Audit.queries`).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ...calendar.dates import from_day_number, to_day_number
from ...compile.model import Conclusion, RuleVersion
from ...evaluate.case import Case
from ..encoding.calendar_terms import HORIZON_END, HORIZON_START
from ..encoding.encode import LawEncoding
from .confirm import conclusion_applies
from .simple_conditions import (
    AS_OF,
    Restriction,
    conclusion_conditions,
    has_timelines,
    restrictions,
)

if TYPE_CHECKING:
    from .context import Audit

#: The most cases built and replayed for one conclusion.
MAX_CASES = 24
#: The value given to a date fact nothing constrains (then clamped to the version's
#: window), and the first as-of date tried.
DEFAULT_DAY = date(2020, 1, 1)
_LOW, _HIGH = to_day_number(HORIZON_START), to_day_number(HORIZON_END)


def applies_somewhere(audit: Audit, enc: LawEncoding, name: str, rule_id: str,
                      version: RuleVersion, conclusion: Conclusion) -> bool:
    """True if a case built from the conditions makes the evaluator apply ``conclusion``
    of ``version`` (for output ``name``, under ``enc``'s reading); False: not shown (ask
    the solver)."""
    if has_timelines(enc):
        return False
    facts_entries = enc.vocabulary.facts
    rule = audit.kb.rules[rule_id]
    index = version.conclusions.index(conclusion)
    kb, vid, reading = audit.kb, version.id, enc.reading

    def test(case: Case, as_of: date) -> bool:
        return conclusion_applies(kb, case, as_of, rule_id, vid, index, reading=reading)
    own = restrictions(facts_entries, rule, version, conclusion_conditions(version, index))
    facts: set[str] = set()
    hints: dict[str, set[Any]] = {}
    for output in sorted(enc.cone({name})):
        facts |= enc.output(output).facts
        for other in enc.candidates(output):
            for v in other.versions:
                for k, c in enumerate(v.conclusions):
                    if c.output != output:
                        continue
                    for fact, r in restrictions(facts_entries, other, v,
                                                conclusion_conditions(v, k)).items():
                        hints.setdefault(fact, set()).update(_edges(r))
    if rule.selected_by:
        facts.add(rule.selected_by)
    days = _dates(own.get(AS_OF), hints.get(AS_OF, set()), DEFAULT_DAY)
    if audit.as_of is not None:
        days = [audit.as_of]
    # the day the version is selected on first; other dates default to it (a letter
    # received the day the incapacity starts satisfies most calendar conditions)
    selection = rule.selected_by
    if selection is not None and facts_entries[selection].type.kind == "date":
        day = _dates(own.get(selection), hints.get(selection, set()), DEFAULT_DAY)[:1]
    else:
        day = days[:1]
    default = day[0] if day else DEFAULT_DAY
    choices: list[tuple[str, list[Any]]] = []
    for fact in sorted(facts):
        values = _values(facts_entries[fact].type, own.get(fact), hints.get(fact, set()),
                         default)
        if values is not None:           # a kind not built here: left out of the case
            choices.append((fact, values))
    check_plausible = any(getattr(i, "assumption", False)
                          for i in audit.kb.invariants.values())
    tried = 0
    for combination in _combinations(choices):
        case_facts = dict(combination)
        for as_of in _as_of_days(days, case_facts, rule.selected_by is None
                                 and audit.as_of is None):
            tried += 1
            if tried > MAX_CASES:
                return False
            case = Case("a case built from the conditions", enc.shared.jurisdiction, as_of,
                        case_facts, {}, None)
            if check_plausible and not _plausible(audit, case):
                continue
            if test(case, as_of):
                audit.queries += 1
                audit.__dict__["simple_witnesses"] = \
                    audit.__dict__.get("simple_witnesses", 0) + 1
                return True
    return False


def _edges(r: Restriction) -> set[Any]:
    if r.kind == "enum":
        return set(r.allowed or ())
    return {x for x in (r.low, r.high) if x is not None}


def _values(ftype: Any, own: Restriction | None, hints: set[Any], default: date
            ) -> list[Any] | None:
    """The values tried for a fact of type ``ftype``, most likely first; None if its kind
    is not built here."""
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
        return _dates(own, hints, default)
    return None


def _dates(own: Restriction | None, hints: set[Any], default: date) -> list[date]:
    return [from_day_number(n) for n in _ordered(own, hints, to_day_number(default),
                                                 (_LOW, _HIGH))]


def _ordered(own: Restriction | None, hints: set[Any], default: int,
             domain: tuple[int, int] | None) -> list[int]:
    """Integers allowed by ``own`` (within ``domain``): the default clamped into the
    range first, then the constants other rules compare the fact with (and their
    neighbours), in increasing order."""
    low = own.low if own is not None else None
    high = own.high if own is not None else None
    if domain is not None:
        low = domain[0] if low is None else max(low, domain[0])
        high = domain[1] if high is None else min(high, domain[1])
    excluded = own.excluded if own is not None else set()

    def ok(n: int) -> bool:
        return (low is None or n >= low) and (high is None or n <= high) \
            and n not in excluded

    first = default if low is None or default >= low else low
    first = first if high is None or first <= high else high
    out = [n for n in [first, first + 1, first - 1] if ok(n)][:1]
    for n in sorted({h + d for h in hints if isinstance(h, int) for d in (0, -1, 1)}):
        if ok(n) and n not in out:
            out.append(n)
    return out


def _combinations(choices: list[tuple[str, list[Any]]]) -> Any:
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
    """The as-of dates tried: the selection day's values when the rule is selected on the
    as-of date; otherwise the latest date the case gives (or the default day)."""
    if by_as_of:
        return days
    dates = [v for v in facts.values() if isinstance(v, date)]
    latest = max(dates) if dates else DEFAULT_DAY
    return [min(latest + timedelta(days=1), HORIZON_END)]


def _plausible(audit: Audit, case: Case) -> bool:
    from ...evaluate.plausibility import check_assumptions
    return not check_assumptions(audit.kb, case, None)


__all__ = ["MAX_CASES", "applies_somewhere"]
