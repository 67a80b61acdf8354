"""The queries of the timeline witness search are canonical (checks/timeline_search.py):
asked first in a process, or after other queries about the same outputs and other checks,
a timeline query sends Z3 the same narrow queries, term for term, and gets the same answer
(status and witness case) — apart from the cases earlier queries found, tried first as
hints, which this test leaves out (they are the one state the search keeps on purpose,
see the module).  What used to differ as well: the codes of enum values, given in the
order the encodings met them (now from the sorted vocabulary, facts.Interner).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import z3
from lexlux.compile.model import KnowledgeBase
from lexlux.verify.checks import rules, timeline_search
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import check_conflicts, check_dead, check_gaps
from lexlux.verify.encoding.shared import Shared
from test_timeline_checks import kb_with, rule

#: What one timeline query did: the digests of the narrow queries sent to Z3, its status,
#: and its witness case (the values of the case's facts in the model).
Trace = tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]


def _traced(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the digest of each narrow query (constraints and formulas as Z3 reads them),
    per call of the witness search."""
    sent: list[list[str]] = []
    solve_once = timeline_search._solve_once
    narrow_search = timeline_search.narrow_search

    def spy_solve(constraints: Any, formulas: Any, calls: Any, case_terms: Any,
                  rlimit: int, **options: Any) -> Any:
        solver = z3.Solver()
        for _, formula in constraints:
            solver.add(formula)
        for formula in formulas:
            solver.add(formula)
        text = (solver.sexpr() + "|" + " ".join(map(str, case_terms)) + f"|{rlimit}"
                + f"|{sorted(options.items())}")
        sent[-1].append(hashlib.sha256(text.encode()).hexdigest()[:16])
        return solve_once(constraints, formulas, calls, case_terms, rlimit, **options)

    def spy_search(*args: Any, **kwargs: Any) -> Any:
        sent.append([])
        return narrow_search(*args, **kwargs)

    monkeypatch.setattr(timeline_search, "_solve_once", spy_solve)
    monkeypatch.setattr(timeline_search, "_hints", lambda audit, names: [])
    monkeypatch.setattr(timeline_search, "narrow_search", spy_search)
    _without_seeds(monkeypatch)
    return sent


def _without_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dead-rule check without its evaluator-first pass (checks/evaluator_first.py)
    and its seeded pass (checks/seeds.py), which would answer these queries before the
    timeline search this module is about."""
    monkeypatch.setattr(rules, "evaluator_first", lambda *args, **kwargs: None)
    monkeypatch.setattr(rules, "seeded_query", lambda *args, **kwargs: None)


def _dead_queries(audit: Audit, sent: list[list[str]]) -> dict[str, Trace]:
    """Run the dead-rule check and trace each of its timeline queries, by question."""
    traces: dict[str, Trace] = {}
    query = Audit.query

    def spy(self: Audit, encodings: Any, names: Any, goals: Any, **kw: Any) -> Any:
        before = len(sent)
        result, facts = query(self, encodings, names, goals, **kw)
        if len(sent) > before:                       # a timeline query
            answer = result[0] if isinstance(result, tuple) else result
            case: tuple[tuple[str, str], ...] = ()
            if answer.model is not None:
                model = answer.model
                case = tuple(sorted(
                    (str(t), str(model.eval(t, model_completion=True)))
                    for t in encodings[0].shared.facts.terms(facts)))
            traces[kw.get("what", "")] = (tuple(sent[before]), answer.status, case)
        return result, facts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Audit, "query", spy)
        list(check_dead(audit))
    return traces


def _kb(tmp_path: Path) -> KnowledgeBase:
    return kb_with(tmp_path, {
        "P1": rule("P1", "'employer'"),
        "P2": rule("P2", "'cns'", when="contract_type == 'cdd'"),
        "P3": rule("P3", "'cns'", when="contract_type == 'cdi'", exception_to="P1"),
    }, total=True)


def _checks_first(kb: KnowledgeBase, before: list[Callable[[Audit], Iterator[Any]]],
                  sent: list[list[str]]) -> dict[str, Trace]:
    audit = Audit(kb, "lu")
    for check in before:
        list(check(audit))
    traces = _dead_queries(audit, sent)
    assert traces, "no timeline query traced"
    return traces


def test_a_timeline_query_gets_the_same_answer_whatever_ran_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = _kb(tmp_path)
    sent = _traced(monkeypatch)
    first = _checks_first(kb, [], sent)
    after = _checks_first(kb, [check_gaps, check_conflicts, check_dead], sent)
    assert after == first
    # the dead rule queries find their witnesses (the rules can apply)
    assert {status for _, status, _ in first.values()} == {"sat"}, first
    assert all(case for _, _, case in first.values())


def test_enum_codes_do_not_depend_on_the_order_values_are_met(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    one, two = Shared(kb, "lu"), Shared(kb, "lu")
    met_first = [one.interner.code("employer"), one.interner.code("cns")]
    met_last = [two.interner.code("cns"), two.interner.code("employer")]
    assert met_first == met_last[::-1]
    assert one.interner.codes == two.interner.codes
    # a value no vocabulary declares gets the next code, and is decoded back
    extra = one.interner.code("not declared")
    assert extra >= len({"employer", "cns"}) and one.interner.text(extra) == "not declared"


def test_a_payer_rule_can_apply_without_hints_with_the_witness_axioms_first(
        bundled: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The payer rule of L.125-4 (a timeline output whose rule needs the benefit limit
    reached: counted_days calls) is found able to apply by its first narrow query, in the
    widest frame with the witness axioms, well inside the dead-rule budget, with no hint
    and asked first in its audit (stop 13: 15.1·10⁶ of 16·10⁶ units, or undecided,
    depending on what ran before it)."""
    asked: list[tuple[bool, str, int]] = []
    solve_once = timeline_search._solve_once

    def spy(*args: Any, **options: Any) -> Any:
        result = solve_once(*args, **options)
        asked.append((bool(options.get("witness_axioms")), result.status, result.spent))
        return result
    monkeypatch.setattr(timeline_search, "_solve_once", spy)
    _without_seeds(monkeypatch)
    audit = Audit(bundled.kb, "lu", rule="lu.code_du_travail.L125-4.payer")
    assert list(check_dead(audit)) == []
    assert asked and asked[0][:2] == (True, "sat"), asked
    assert asked[0][2] < timeline_search.WITNESS_FIRST_RLIMIT // 2
