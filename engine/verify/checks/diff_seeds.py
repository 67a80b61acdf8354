"""Stage 5 (verify): the seeded pass of ``lexlux diff`` for outputs that are not timelines
— each region's witness looked for first among cases generated from the knowledge base
(:mod:`.diff_seed_cases`), tested by the evaluator, then confirmed by the solver with the
case fixed.

Why: on the bundled rules most of the diff's time went to a few witness searches
(``sickness_benefit_paid_on_day``, ``sickness_benefit_payment_date``: 2-5 s of Z3 each),
where the evaluator shows the same regions on a generated case in a fraction of a
millisecond.

How (:class:`SeededRegions`): the candidates of an output (a pure function of the
knowledge base, the facts the output reads, the rules involved and the later date) are
given the facts the evaluator asks for (:func:`.diff_seed_cases.lean`) and evaluated once
under the law of each date, as of the later date (as every witness of the diff is
replayed).  A candidate passes when the two results differ as the diff means it
(:func:`.confirm.laws_differ`: a value against no value or a conflict, or two values) AND
its region — the versions that give the output under each law — is not one already found.
The first such candidate (in the pool's order: the anchored sweep's one-day last periods
with every date on them, the same with the integer facts beside the rules' literals
(:func:`.diff_seed_cases.beside`, stop 20), then the nicest shapes first) is fixed in the
diff's query (every fact the output reads: those the case leaves out as "not given"; the
as-of date on the later date) with the regions found so far blocked, and the solver decides
that at once.  A model whose winning versions are the candidate's region is a witness of
that region exactly as a model of the full query would be: it goes through the same
region, witness, replay and finding code (:meth:`.versions._Region.witnessed`), and the
finding says that it came from the seeded pass.  Any other answer drops the candidate.

When (:func:`.versions._diff_output`): as soon as a query of the output's diff (a partial
witness, a frame or the gate) ends undecided, the seeded pass comes before every other
query; after each region it shows, a query within a frame's budget tells whether any is
left.  And before the partial witnesses of an output (``versions.SEEDED_FIRST``: the
solver completing an earlier output's witness, 0.1-0.5 s each), the anchored sweep alone
(:attr:`SeededRegions.anchored_only`: the scan pauses at its end, and goes on from there
later), with the query "any region left?" once, after its first region.  An output with no
partial witness whose queries are all decided never asks it.

What is claimed: a seeded witness proves that its region exists, nothing more.  Whether
there are further regions, or none at all ("same"), is still the solver's query alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import z3

from ...calendar.dates import DateRangeError, to_day_number
from ...evaluate import shared
from ...evaluate.builtins import EvaluationError
from ...evaluate.case import Case
from ...evaluate.expressions import MissingFactError, UndeterminedError
from ...evaluate.interpreter import OutputResult
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import LawEncoding, query_constraints
from ..encoding.plausible import plausible
from ..encoding.solve import SolveResult, solve
from .confirm import differ as _differ
from .confirm import laws_differ
from .diff_seed_cases import ANCHORED_SIZE, EARLY, beside, lean, pool
from .seeds import SEEDED

if TYPE_CHECKING:
    from .context import Audit, Replayed

#: Resource limit of the query with a candidate fixed (decided at once, or not at all).
SEED_RLIMIT = 1_000_000
#: Resource limit of the check that one date alone is possible for the encoding: a date
#: beyond the calendar's horizon is ruled out within 15,000 units on the bundled diffs
#: (14,039-14,812); a possible date is seldom shown possible at all (the check then ends
#: undecided, which keeps the date, as a possible one), so a larger budget only costs
#: (200,000: 0.3 s of undecided checks per repaired candidate; 50,000 until stop 18, whose
#: second half never decided a check of the bundled diffs).  A heuristic: a date another
#: knowledge base rules out only beyond it is kept, and its candidate then fails to
#: confirm, as any candidate outside the encoding does.
REPAIR_RLIMIT = 25_000
#: How many candidates the solver is asked about for one output (each passing the
#: evaluator's test); then the diff goes on as before.
SEED_TRIES = 12

#: How many (template, periods fact) turns of the main pool are scanned for one output
#: after the anchored sweep, nicest first (each costs the evaluator about 0.4 ms; a scan
#: that finds no new region costs them all): on the bundled diffs, before the anchored
#: sweep came first, the first candidate of each region the pool reaches came within the
#: first 2,760.
SCAN_TURNS = 2_800

Region = tuple[tuple[str, ...], tuple[str, ...]]


def _applied(versions: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(versions))


class SeededRegions:
    """The candidates of one output's diff that the evaluator shows differ, with their
    regions, in the pool's order; :meth:`next` gives a model for a region not ``seen``."""

    def __init__(self, audit: Audit, one: LawEncoding, two: LawEncoding, name: str,
                 first: date, second: date, uses: set[str], reading: str | None) -> None:
        self.audit, self.one, self.two, self.name = audit, one, two, name
        self.first, self.second, self.uses, self.reading = first, second, uses, reading
        self.later = max(first, second)
        self.tries = 0
        self._found: list[tuple[dict[str, Any], Region]] = []
        self._scan: Iterator[tuple[dict[str, Any], Region] | None] | None = None
        #: :meth:`next` has found no candidate left (or spent :data:`SEED_TRIES`)
        self.spent = False
        self._query: tuple[list[Any], list[Any], list[Any], set[str]] | None = None
        self._terms: list[Any] = []
        self._alone: dict[tuple[str, Any], bool] = {}   # (date fact, value): possible
        #: :meth:`next` reads the anchored sweep only (the pass before the partial witnesses)
        self.anchored_only = False
        self._anchored_turns = -1

    def candidates(self) -> Iterator[tuple[dict[str, Any], Region]]:
        """Each distinct candidate (its lean facts) on which the evaluator gives the output
        different results under the two laws, with its region, in the pool's order; the
        pool is scanned lazily (no further than a caller reads), once; with
        :attr:`anchored_only`, no further than the anchored sweep (the scan stops there,
        and goes on from there once it is cleared)."""
        yield from self._found
        if self._scan is None:
            self._scan = self._candidates()
        for found in self._scan:
            if found is None:         # the end of the anchored sweep, while it is the limit
                return
            self._found.append(found)
            yield found

    def _candidates(self) -> Iterator[tuple[dict[str, Any], Region] | None]:
        audit, name, later = self.audit, self.name, self.later
        rules = {r.id: r for enc in (self.one, self.two) for n in sorted(enc.cone({name}))
                 for r in enc.candidates(n)}
        templates = pool(audit.kb, audit.jurisdiction, sorted(self.uses),
                         [rules[r] for r in sorted(rules)], later)
        # the evaluator's results under each law, by the facts given (the first rounds of
        # lean are the same for many templates)
        memo: dict[tuple[tuple[str, str], ...], tuple[OutputResult, ...] | None] = {}

        def results(facts: dict[str, Any]) -> tuple[OutputResult, ...] | None:
            key = shared.facts_key(facts)
            if key not in memo:
                case = Case("seed", audit.jurisdiction, later, dict(facts), {}, None)
                try:
                    memo[key] = tuple(
                        shared.result(audit.kb, case, later, name, law_as_of=day,
                                      reading=self.reading, key=key)
                        for day in (self.first, self.second))
                except (MissingFactError, UndeterminedError, EvaluationError,
                        OverflowError, DateRangeError, ValueError, ArithmeticError):
                    memo[key] = None      # what the evaluator cannot tell: no candidate
            return memo[key]

        def missing(facts: dict[str, Any]) -> list[str] | None:
            found = results(facts)
            if found is None:
                return None
            wanted: list[str] = []
            for result in found:
                if result.status == "missing":
                    wanted += [m for m in result.missing if m not in wanted]
            return wanted or None

        # each template with the facts the evaluator asks for only, then with each periods
        # fact more in turn (a period the output may read without needing it: the
        # half-time periods that count at half)
        periods = sorted(n for n in self.uses
                         if audit.kb.vocabularies[audit.jurisdiction].facts[n].type.kind
                         == "periods")
        shown: set[tuple[tuple[str, str], ...]] = set()
        # the anchored sweep first (every date on a one-day last period: the simplest
        # histories, few of them), then the first sweep's shapes
        anchored = pool(audit.kb, audit.jurisdiction, sorted(self.uses),
                        [rules[r] for r in sorted(rules)], later,
                        anchored=ANCHORED_SIZE) if ANCHORED_SIZE else []
        # then the same with the integer facts beside the rules' literals (none on most
        # outputs; part of the anchored sweep, so read before the partial witnesses)
        anchored += beside(audit.kb, audit.jurisdiction, sorted(self.uses),
                           [rules[r] for r in sorted(rules)], anchored)
        turns = [(t, s) for t in anchored for s in ((), *[(p,) for p in periods])]
        self._anchored_turns = len(turns)
        turns += [(t, s) for t in templates
                  for s in ((), *[(p,) for p in periods])][:SCAN_TURNS]
        for turn, (template, start) in enumerate(turns):
            while turn == self._anchored_turns and self.anchored_only:
                yield None            # paused at the end of the anchored sweep
            facts = lean(template, missing, start)
            key = tuple(sorted((k, repr(v)) for k, v in (facts or {}).items()))
            if facts is None or key in shown:
                continue
            shown.add(key)
            found = results(facts)
            if found is not None and _differ(*found):
                yield facts, (_applied(found[0].version_ids), _applied(found[1].version_ids))

    def next(self, goals: Sequence[Any], seen: set[Region], confirm: Replayed
             ) -> tuple[SolveResult, set[str]] | None:
        """A model of the diff's ``goals`` (the regions ``seen`` blocked) with the first
        candidate of a region not ``seen`` fixed, whose winning versions are that region;
        None when no candidate is left or :data:`SEED_TRIES` are spent (then
        :attr:`spent`)."""
        for facts, region in self.candidates():
            if self.tries >= SEED_TRIES:
                self.spent = True
                return None
            if region in seen:
                continue
            self.tries += 1
            answer = self._confirm(facts, goals, confirm)
            if answer is None:
                # a date the encoding cannot hold (a birth date whose age limit falls
                # beyond the calendar's horizon): that date moved early, if the evaluator
                # still shows the same region
                repaired = self._repaired(facts, region)
                if repaired is not None:
                    answer = self._confirm(repaired, goals, confirm)
            if answer is not None and self._region(answer[0]) == region:
                self.audit.queries += 1
                return answer
        if not self.anchored_only:
            self.spent = True
        return None

    def _repaired(self, facts: dict[str, Any], region: Region) -> dict[str, Any] | None:
        """``facts`` with each date that the encoding rules out on its own (the query's
        constraints with that one fact fixed are UNSAT) set to :data:`.diff_seed_cases.EARLY`;
        None when there is none, or when the evaluator no longer shows ``region``."""
        assert self._query is not None
        constraints, calls, _, used = self._query
        vocabulary = self.audit.kb.vocabularies[self.audit.jurisdiction].facts
        out = dict(facts)
        for name in sorted(facts):
            if name not in used or vocabulary[name].type.kind != "date" or \
                    facts[name] == EARLY:
                continue
            key = (name, facts[name])
            if key not in self._alone:
                pins = [var == value for var, value in
                        self.one.shared.facts.pin(name, facts[name])]
                self._alone[key] = solve(constraints, pins, calls,
                                         rlimit=REPAIR_RLIMIT).status != "unsat"
            if not self._alone[key]:
                out[name] = EARLY
        if out == facts:
            return None
        case = Case("seed", self.audit.jurisdiction, self.later, dict(out), {}, None)
        found = laws_differ(self.audit.kb, case, self.later, self.name, self.first,
                            self.second, reading=self.reading)
        if found is None or (_applied(found[0].version_ids),
                             _applied(found[1].version_ids)) != region:
            return None
        return out

    def _confirm(self, facts: dict[str, Any], goals: Sequence[Any], confirm: Replayed
                 ) -> tuple[SolveResult, set[str]] | None:
        audit, one = self.audit, self.one
        if self._query is None:
            names = [{self.name}, {self.name}]
            constraints, calls, used = query_constraints([one, self.two],
                                                         dict(enumerate(names)))
            extra = [horizon_bounds(one.as_of)] if audit.as_of is None else []
            extra += plausible(audit.kb, one, used)
            terms = one.shared.facts.terms(used)
            if audit.as_of is None:
                terms.append(one.as_of)
            self._query = (constraints, calls, [*extra], used)
            self._terms = terms
        constraints, calls, extra, used = self._query
        pins: list[Any] = []
        try:
            for fact in sorted(used):
                pins += [var == value for var, value in
                         one.shared.facts.pin(fact, facts.get(fact))]
        except ValueError:
            return None                   # outside the encoding's abstractions
        if audit.as_of is None:
            pins.append(one.as_of == z3.IntVal(to_day_number(self.later)))
        answer = solve(constraints, [*extra, *goals, *pins], calls,
                       rlimit=min(SEED_RLIMIT, audit.rlimit),
                       case_terms=self._terms,
                       confirm=audit._replaying(one, used, confirm))
        if answer.status != "sat":
            return None
        return answer, used

    def _region(self, answer: SolveResult) -> Region:
        """The versions that win in a model (the evaluator's when it was confirmed by
        replay: :meth:`.versions._Region.witnessed` reads them the same way)."""
        from .versions import _replayed_winners, _winners
        assert answer.model is not None
        if answer.confirmed:
            assert self._query is not None
            won_a, won_b = _replayed_winners(self.audit, self.one, answer.model,
                                             self._query[3], self.name, self.first,
                                             self.second, self.reading)
        else:
            won_a, _ = _winners(answer.model, self.one.output(self.name))
            won_b, _ = _winners(answer.model, self.two.output(self.name))
        return _applied(won_a), _applied(won_b)


__all__ = ["SEEDED", "SEED_RLIMIT", "SEED_TRIES", "SeededRegions"]
