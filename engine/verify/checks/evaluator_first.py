"""Stage 5 (verify): the dead-rule check's "can apply" answered by the evaluator first,
before anything is encoded or solved.

Why: almost every rule version can apply (a dead rule is a drafting error), and all it
takes to show that is one case on which the evaluator — the reference — applies the
conclusion.  The solver's way costs an encoding of the output's cone (for a rule with a
reading, an encoding under that reading that serves only this check; for a timeline
output, a timeline encoding) and one or more Z3 queries; the evaluator decides a case in
about a tenth of a millisecond.

How (:func:`evaluator_first`): the conclusions of the version are taken in the order the
solver's path asks about them (outputs sorted, then the conclusions in their order); for
each, candidate cases are tested with :func:`.confirm.conclusion_applies` (the rule is not
disapplied, this version is the one selected, its conditions hold and its value is
computed without a missing fact or an error; under the rule's reading), and a case that
passes must also satisfy the declared plausibility assumptions
(:func:`lexlux.evaluate.plausibility.check_assumptions`, as :mod:`.seeds` requires).
The candidates, fewest facts first (values from :class:`.dead_cases.FactValues`):

1. **the facts the evaluator asks for**: a case with every fact the version reads itself
   (then one with only the fact selecting the version) is completed, round by round, with
   the facts the evaluator reports missing (each at its first value; at most
   :data:`ASK_ROUNDS` rounds), then varied one fact at a time (and completed again), at
   most :data:`ASKED_CASES` tests;
2. **the seed pool** (:func:`.dead_cases.pool_cases`).

The first case that passes answers "can apply", and counts as one query of the audit (as
an earlier witness replayed does, :mod:`.can_apply`).  With ``--as-of`` every case is as of
that date, as the solver's query is.

What is claimed: a version answered here *can apply* — the evaluator applies one of its
conclusions to a concrete case whose dates lie within the verifier's horizon (1990-2060)
and that satisfies every plausibility assumption whose facts it gives (on the as-of date
of the audit, if it has one).  That is the dead-rule check's question itself, answered by
the reference, and no solver confirms it: the check reports nothing for a version that
can apply, and the case is not shown (it is kept as a seed of the next "can apply"
questions, as the solver's witnesses are).  Nothing is concluded when no candidate
passes: the check then goes on exactly as before (the encoding, the earlier witnesses,
the simple case, the query with its unsat core), so a dead rule is still reported by the
solver, with the same finding.

A version whose outputs may read a timeline output (:meth:`.dead_cases.Reads.
timeline_maybe`) is answered here only by its first conclusion, the question the
solver's path asks first and notes for LX522 (:mod:`.timeline_notes`); the check notes it
as that path would have (``rules._note_found``).

Determinism: the candidates are a pure function of the knowledge base, the version, the
conclusion and the audit's date, and of the evaluator's answers on earlier candidates
(themselves a function of the case): the same whatever ran before in the process,
whatever the hash seed or ``--jobs``.

Measured on the bundled rules (stop 15, one run each beside main, CPU, 2-core machine
shared with other sessions): 231 of the 235 versions answered here, in about 0.1 s in all
(229 by the facts the evaluator asks for, 2 by the pool); the dead-rule check of the full
audit 7.6 -> 0.19 s, ``verify --check dead`` 8.7 -> 2.5 s, the full ``verify --all-dates``
13.7 -> 7.2 s, with the same JSON (docs/verification.md, "Stop 15").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ...calendar.dates import DateRangeError
from ...compile.model import KnowledgeBase, Rule, RuleVersion
from ...evaluate.builtins import EvaluationError
from ...evaluate.case import Case
from ...evaluate.expressions import MissingFactError, UndeterminedError
from ...evaluate.interpreter import _NOT_APPLICABLE, evaluate
from ...evaluate.plausibility import check_assumptions
from ...evaluate.trace import TraceNode
from .confirm import conclusion_applies
from .dead_cases import FactValues, direct_facts, pool_cases, reads

if TYPE_CHECKING:
    from .context import Audit

#: The most cases tested while completing and varying the facts the evaluator asks for,
#: per conclusion.
ASKED_CASES = 24
#: The most rounds of asking for missing facts, for one case.
ASK_ROUNDS = 12


@dataclass(frozen=True)
class Found:
    """A case on which the evaluator applies conclusion ``index`` (of output ``output``)."""
    output: str
    index: int
    case: Case
    as_of: date


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
        search = _Search(audit, rule, version, index,
                         FactValues(info, rule, version, index, audit.as_of))
        found = search.asked() or search.listed(pool_cases(
            audit.kb, audit.jurisdiction, rule, version, own, slice_facts, slice_rules,
            audit.as_of))
        if found is not None:
            audit.queries += 1               # answered without Z3: counted as the query
            return Found(name, index, *found)
    return None


class _Search:
    """The candidates of one conclusion, tested by the evaluator (the reference,
    :func:`.confirm.conclusion_applies`) and the plausibility assumptions."""

    def __init__(self, audit: Audit, rule: Rule, version: RuleVersion, index: int,
                 values: FactValues) -> None:
        self.kb, self.rule, self.version, self.index = audit.kb, rule, version, index
        self.jurisdiction = audit.jurisdiction
        self.values = values
        self.plausibility = any(getattr(i, "assumption", False)
                                for i in audit.kb.invariants.values())
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

    def listed(self, cases: Iterable[tuple[dict[str, Any], date]]
               ) -> tuple[Case, date] | None:
        """The first of ``cases`` that passes."""
        for facts, as_of in cases:
            case = self.passes(facts, as_of)
            if case is not None:
                return case, as_of
        return None

    def asked(self) -> tuple[Case, date] | None:
        """A case made of the facts the evaluator asks for (see the module)."""
        values = self.values
        selection = [self.rule.selected_by] if self.rule.selected_by else []
        direct = direct_facts(self.rule, self.version)
        for given in (direct, selection) if direct != selection else (direct,):
            base, found = self._complete({n: values.values(n)[0] for n in given
                                          if values.values(n)})
            if found is not None:
                return found
            for fact in sorted(base):
                for value in values.values(fact)[1:]:
                    if self.tried >= ASKED_CASES:
                        return None
                    _, found = self._complete({**base, fact: value})
                    if found is not None:
                        return found
        return None

    def _complete(self, facts: dict[str, Any]
                  ) -> tuple[dict[str, Any], tuple[Case, date] | None]:
        """``facts`` with the facts the evaluator asks for added (each at its first value),
        and the case if one of the rounds passes."""
        values = self.values
        for round_ in range(ASK_ROUNDS):
            if self.tried >= ASKED_CASES:
                break
            as_of = values.as_of(facts)
            if round_ == 0:         # most cases pass at once: the reference's test first
                case = self.passes(facts, as_of)
                if case is not None:
                    return facts, (case, as_of)
            else:
                self.tried += 1
            applies, missing = _probe(self.kb, self.jurisdiction, facts, as_of, self.rule,
                                      self.version, self.index)
            if applies:             # the reference's own test, and the assumptions
                case = self.passes(facts, as_of) if round_ else None
                return facts, None if case is None else (case, as_of)
            new = [n for n in missing if n not in facts and values.values(n)]
            if not new:
                break
            facts = {**facts, **{n: values.values(n)[0] for n in new}}
        return facts, None


def _probe(kb: KnowledgeBase, jurisdiction: str, facts: dict[str, Any], as_of: date,
           rule: Rule, version: RuleVersion, index: int) -> tuple[bool, tuple[str, ...]]:
    """Whether conclusion ``index`` of ``version`` applies to the case, the steps of
    :func:`.confirm.conclusion_applies` (which alone decides: a case this finds is tested
    by it), and else the facts (or parameters) the evaluator lacks to tell (empty: none,
    or it cannot be told for another reason)."""
    if rule.selected_by is not None and rule.selected_by not in facts:
        return False, (rule.selected_by,)
    conclusion = version.conclusions[index]
    case = Case("asked", jurisdiction, as_of, dict(facts), {}, None)
    try:
        run = evaluate(kb, case, as_of, outputs=[conclusion.output],
                       reading=rule.reading).evaluation
        if run is None or run.disapplied_by(rule) is not None:
            return False, ()
        selected, on, how = run.select(rule)
        if selected is not version:
            return False, ()
        node = TraceNode(conclusion.output, None, rule.id, version, rule.citation, how)
        return run.conclude(rule, version, conclusion, on, node) is not _NOT_APPLICABLE, ()
    except MissingFactError as missing:
        return False, tuple(missing.names)
    except (UndeterminedError, EvaluationError, OverflowError, DateRangeError, ValueError):
        return False, ()


def _implausible(kb: KnowledgeBase, case: Case) -> bool:
    try:
        return bool(check_assumptions(kb, case, None))
    except (ValueError, OverflowError, ArithmeticError):
        return True


__all__ = ["ASKED_CASES", "ASK_ROUNDS", "Found", "evaluator_first"]
