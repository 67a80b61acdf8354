"""Stage 5 (verify): symbolic questions about one case — ``lexlux solve``.

"Find a case where OUTPUT has VALUE (given these facts)", "prove that no case does", and
optimisation over one date fact: "the earliest date on which the employer may lawfully
notify a dismissal, given this case", "the latest day the CNS pays the benefit".  The facts
the case gives are fixed; the others are free.  Every answer with a case is replayed
through the evaluator (a disagreement is an internal error of the encoding); a proof of
impossibility names the provisions responsible (the unsat core); UNKNOWN says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from ...calendar.dates import to_day_number
from ...compile.model import Deontic, KnowledgeBase, Value
from ...evaluate.case import Case
from ...evaluate.interpreter import evaluate
from ..encoding.calendar_terms import HORIZON_END, HORIZON_START
from ..encoding.encode import LawEncoding, OutputEnc, query_constraints
from ..encoding.encode_expr import and_
from ..encoding.facts import encode_constant
from ..encoding.shared import Shared
from ..encoding.solve import DEFAULT_RLIMIT, SolveResult, solve
from .witness import EncodingUnsound, build_case


@dataclass
class Question:
    mode: str                                  # find | impossible | earliest | latest
    where: dict[str, Value]                    # output: runtime value (a conjunction)
    case: Case                                 # the facts it gives are fixed
    as_of: date
    fact: str | None = None                    # earliest / latest: the date fact
    law_as_of: date | None = None
    reading: str | None = None
    vary: tuple[str, ...] | None = None        # free facts (None: the mode's default)
    start: date | None = None                  # earliest / latest: the search window
    end: date | None = None


@dataclass
class Answer:
    status: str                                # witness | proved | none | unknown
    case: Case | None = None
    optimum: date | None = None
    core: tuple[str, ...] = ()
    reason: str = ""
    replay: list[str] = field(default_factory=list)
    queries: int = 0


class NotAnswerable(Exception):  # noqa: N818 - a reason, reported as a diagnostic
    """The question touches an output the encoding cannot represent (e.g. a timeline)."""


def _equals(out: OutputEnc, value: Value, enc: LawEncoding) -> Any:
    interner = enc.shared.interner
    if isinstance(value, Deontic):
        days = [value.deadline] if value.kind == "obligation" else [value.start, value.end]
        return and_(*[term == z3.IntVal(to_day_number(d)) for term, d in
                      zip(out.value, days, strict=True) if d is not None])
    return out.value[0] == encode_constant(value, interner)


class Solver:
    def __init__(self, kb: KnowledgeBase, question: Question,
                 rlimit: int = DEFAULT_RLIMIT) -> None:
        self.kb, self.q, self.rlimit = kb, question, rlimit
        self.enc = LawEncoding(Shared(kb, question.case.jurisdiction),
                               z3.IntVal(to_day_number(question.as_of)),
                               law_as_of=question.law_as_of, reading=question.reading)
        self.queries = 0
        goals = []
        for name, value in question.where.items():
            out = self.enc.output(name)
            if out.not_encodable is not None:
                raise NotAnswerable(f"{name}: {out.not_encodable}")
            goals.append(and_(out.has_value, _equals(out, value, self.enc)))
        constraints, calls, facts = query_constraints([self.enc], {0: set(question.where)})
        if question.fact is not None:
            facts.add(question.fact)
        if question.vary is not None:
            free = set(question.vary)
        elif question.mode in ("earliest", "latest"):
            free = {question.fact} if question.fact else set()
        else:
            free = facts - set(question.case.facts)
        pairs: list[tuple[Any, Any]] = []
        for name in sorted(facts - free):
            try:
                pairs += self.enc.shared.facts.pin(name, question.case.facts.get(name))
            except ValueError as exc:
                raise NotAnswerable(f"the fact {name} of the case: {exc}") from None
        self.pairs = pairs
        self.facts = facts
        self.constraints = [(label, z3.substitute(f, *pairs) if pairs else f)
                            for label, f in constraints]
        self.calls = [c.substituted(pairs) for c in calls] if pairs else list(calls)
        self.goals = [z3.substitute(g, *pairs) if pairs else g for g in goals]
        self.free = facts & free

    def run(self, extra: list[Any], *, cores: bool = False) -> SolveResult:
        self.queries += 1
        return solve(self.constraints, [*self.goals, *extra], self.calls, rlimit=self.rlimit,
                     cores=cores, case_terms=self.enc.shared.facts.terms(self.free))

    def target(self) -> tuple[Any, Any]:
        assert self.q.fact is not None
        var = self.enc.shared.facts.get(self.q.fact)
        return var.given, var.term

    def answer(self) -> Answer:
        mode = self.q.mode
        extra = []
        if mode in ("earliest", "latest"):
            given, term = self.target()
            extra.append(given)
            if self.q.start is not None:
                extra.append(term >= to_day_number(self.q.start))
            if self.q.end is not None:
                extra.append(term <= to_day_number(self.q.end))
        self.window = extra
        result = self.run(extra, cores=(mode == "impossible"))
        if result.status == "unknown":
            return Answer("unknown", reason=result.reason, queries=self.queries)
        if result.status == "unsat":
            status = "proved" if mode == "impossible" else "none"
            core = result.core if result.core else self.run([], cores=True).core
            return Answer(status, core=core, queries=self.queries)
        if mode in ("earliest", "latest"):
            return self.optimise(result)
        return self.witness(result)

    def optimise(self, first: SolveResult) -> Answer:
        """Bisect on the target date: every probe is one deterministic query."""
        _, term = self.target()
        best = first
        value = first.model.eval(term, model_completion=True).as_long()  # type: ignore[union-attr]
        low = to_day_number(self.q.start or HORIZON_START)
        high = to_day_number(self.q.end or HORIZON_END)
        if self.q.mode == "earliest":
            high = value
            while low < high:
                mid = (low + high) // 2
                probe = self.run([*self.window, term <= mid])
                if probe.status == "sat":
                    best, high = probe, probe.model.eval(  # type: ignore[union-attr]
                        term, model_completion=True).as_long()
                elif probe.status == "unsat":
                    low = mid + 1
                else:
                    return Answer("unknown", reason=probe.reason, queries=self.queries)
        else:
            low = value
            while low < high:
                mid = (low + high + 1) // 2
                probe = self.run([*self.window, term >= mid])
                if probe.status == "sat":
                    best, low = probe, probe.model.eval(  # type: ignore[union-attr]
                        term, model_completion=True).as_long()
                elif probe.status == "unsat":
                    high = mid - 1
                else:
                    return Answer("unknown", reason=probe.reason, queries=self.queries)
        answer = self.witness(best)
        assert answer.case is not None and self.q.fact is not None
        optimum = answer.case.facts[self.q.fact]
        assert isinstance(optimum, date)
        answer.optimum = optimum
        return answer

    def witness(self, result: SolveResult) -> Answer:
        model = result.model
        assert model is not None
        found = build_case(self.enc, _Substituted(model, self.pairs), self.free,
                           self.q.as_of, "")
        facts = {k: v for k, v in self.q.case.facts.items() if k not in self.free}
        facts.update(found.facts)
        case = Case(f"{self.q.case.name} (a case found by lexlux solve)", self.q.case.jurisdiction,
                    self.q.as_of, facts, {}, None)
        outcome = evaluate(self.kb, case, self.q.as_of, law_as_of=self.q.law_as_of,
                           outputs=list(self.q.where), reading=self.q.reading)
        lines = []
        for name, wanted in self.q.where.items():
            got = outcome.results[name]
            if got.status != "value" or got.value != wanted:
                raise EncodingUnsound(f"lexlux solve: the model says {name} = {wanted!r}, the "
                                      f"evaluator gives {got.status} {got.value!r} "
                                      f"({got.message})")
            lines.append(f"{name} = {got.value} ({', '.join(got.version_ids)})")
        return Answer("witness", case=case, replay=lines, queries=self.queries)


class _Substituted:
    """A model read with the pinned facts put back."""

    def __init__(self, model: z3.ModelRef, pairs: list[tuple[Any, Any]]) -> None:
        self.model, self.pairs = model, pairs

    def eval(self, term: Any, model_completion: bool = False) -> Any:
        if self.pairs:
            term = z3.substitute(term, *self.pairs)
        return self.model.eval(term, model_completion=model_completion)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


def answer_question(kb: KnowledgeBase, question: Question,
                    rlimit: int = DEFAULT_RLIMIT) -> Answer:
    solver = Solver(kb, question, rlimit)
    answer = solver.answer()
    answer.queries = solver.queries
    return answer
