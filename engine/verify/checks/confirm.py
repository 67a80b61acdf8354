"""Stage 5 (verify): tests of a replayed case against the evaluator, for witness searches.

A check that looks for a witness may give :meth:`Audit.query` one of these tests: when a
model of the encoding is not yet exact for the calendar abstractions, its case is built
and evaluated; if the evaluator — the reference — shows what the check looks for, the
model is a witness as it is (:mod:`lexlux.verify.encoding.solve`, "Replay").  A test
answers True only on a positive showing; anything the evaluator cannot tell (a missing
fact, an unknown parameter, an error) is False, and the solver goes on.
"""

from __future__ import annotations

from datetime import date

from ...calendar.dates import DateRangeError
from ...compile.model import KnowledgeBase
from ...evaluate.builtins import EvaluationError
from ...evaluate.case import Case
from ...evaluate.expressions import MissingFactError, UndeterminedError
from ...evaluate.interpreter import _NOT_APPLICABLE, OutputResult, evaluate
from ...evaluate.trace import TraceNode


def conclusion_applies(kb: KnowledgeBase, case: Case, as_of: date, rule_id: str,
                       version_id: str, index: int, *, reading: str | None = None) -> bool:
    """Does conclusion ``index`` of ``version_id`` apply to ``case`` on ``as_of``, as the
    evaluator decides: the rule is not disapplied, this version is the one selected, its
    conditions hold and its value is computed without a missing fact or an error (the
    encoding's ``applies and not bad``; whether another rule prevails is not asked)."""
    rule = kb.rules[rule_id]
    version = next(v for v in rule.versions if v.id == version_id)
    conclusion = version.conclusions[index]
    try:
        outcome = evaluate(kb, case, as_of, outputs=[conclusion.output], reading=reading)
        run = outcome.evaluation
        if run is None or run.disapplied_by(rule) is not None:
            return False
        selected, on, how = run.select(rule)
        if selected is not version:
            return False
        node = TraceNode(conclusion.output, None, rule.id, version, rule.citation, how)
        return run.conclude(rule, version, conclusion, on, node) is not _NOT_APPLICABLE
    except (MissingFactError, UndeterminedError, EvaluationError, OverflowError,
            DateRangeError, ValueError):
        return False


#: The evaluator's statuses a diff compares (``missing`` and ``error`` are excluded, as the
#: diff's query excludes a missing fact or an error under either law).
_DECIDED = ("value", "no_value", "conflict")


def laws_differ(kb: KnowledgeBase, case: Case, as_of: date, output: str, first: date,
                second: date, *, reading: str | None = None
                ) -> tuple[OutputResult, OutputResult] | None:
    """The evaluator's results for ``output`` under the law of ``first`` and of ``second``
    (on ``as_of``; both under ``reading``, if given) when they differ as ``lexlux diff``
    means it — a value against no value or a conflict, or two different values, neither
    missing — else None."""
    try:
        a = evaluate(kb, case, as_of, law_as_of=first, outputs=[output],
                     reading=reading).results[output]
        if a.status not in _DECIDED:
            # a missing fact or an error under the first law: no difference, whatever the
            # second law gives (the evaluator is not asked for it)
            return None
        b = evaluate(kb, case, as_of, law_as_of=second, outputs=[output],
                     reading=reading).results[output]
    except (MissingFactError, UndeterminedError, EvaluationError, OverflowError,
            DateRangeError, ValueError):
        return None
    return (a, b) if differ(a, b) else None


def differ(a: OutputResult, b: OutputResult) -> bool:
    """Do two results of one output differ as ``lexlux diff`` means it (:func:`laws_differ`)?"""
    if a.status not in _DECIDED or b.status not in _DECIDED:
        return False
    return a.status != b.status or (a.status == "value" and a.value != b.value)
