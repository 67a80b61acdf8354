"""Stage 4 (evaluate): one evaluation per case and law, shared by the outputs asked of it.

The verifier asks the evaluator about the same case again and again, one output at a time,
each under the law of a date (``law_as_of``): the seeded pass of ``lexlux diff`` gives the
cases of ``sickness_benefit_paid_on_day`` to ``sickness_benefit_payment_date`` too (which
reads it), a witness is replayed on the outputs that follow.  :func:`result` answers as
``evaluate(kb, case, as_of, law_as_of=..., outputs=[name], reading=...).results[name]``
does, but keeps the :class:`~.interpreter.Evaluation` of the case and goes on with it for
the next output asked: the outputs already worked out for the case (those the first output
relied on) are read as they are, as within one evaluation of several outputs.

Why this gives the same answer as a fresh evaluation:

* the key is everything an evaluation reads: the knowledge base (the object itself, kept
  with the entry), the facts (by ``repr`` of their sorted items: ``True`` and ``1``, or
  ``Fraction(1)`` and ``1``, are different keys), the case's jurisdiction and date, the
  as-of date, the law's date and the reading.  The evaluation reads a copy of the facts:
  a caller that changes its dictionary afterwards changes nothing kept;
* the result of an output within an evaluation does not depend on the outputs asked before
  it (each output's result is worked out once and kept), but for two things, which are
  why only a case with ``law_as_of``, no events, no derived outputs and no parameters of
  its own is shared: the date shown in the question of a parameter whose value is unknown
  (the last date it was read on: under ``law_as_of`` every parameter is read on that date),
  and a circular dependency (told by the output where the circle closes: an evaluation
  that met one is never gone on with, and the answer is worked out afresh).

Kept: the last :data:`KEPT` evaluations (least recently used first out).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import Any

from ..compile.model import KnowledgeBase
from .case import Case
from .interpreter import Evaluation, OutputResult, evaluate, output_result

#: How many evaluations are kept (a few hundred kilobytes each at most on the bundled rules).
KEPT = 1024

_Key = tuple[int, str, tuple[tuple[str, str], ...], date | None, date, date, str | None]
_RUNS: OrderedDict[_Key, tuple[KnowledgeBase, Evaluation]] = OrderedDict()


def facts_key(facts: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The facts as :func:`result` tells them apart: each name with the ``repr`` of its
    value (``True`` and ``1``, ``Fraction(1)`` and ``1`` are different), sorted."""
    return tuple(sorted((name, repr(value)) for name, value in facts.items()))


def result(kb: KnowledgeBase, case: Case, as_of: date, name: str, *,
           law_as_of: date | None, reading: str | None = None,
           key: tuple[tuple[str, str], ...] | None = None) -> OutputResult:
    """``evaluate(kb, case, as_of, law_as_of=law_as_of, outputs=[name],
    reading=reading).results[name]``, from the evaluation of the same case and law kept
    from an earlier call when there is one (see the module).  ``key``: the case's
    :func:`facts_key`, when the caller has it already."""
    if law_as_of is None or case.events or case.derived or case.parameters:
        return evaluate(kb, case, as_of, law_as_of=law_as_of, outputs=[name],
                        reading=reading).results[name]
    at: _Key = (id(kb), case.jurisdiction, facts_key(case.facts) if key is None else key,
                case.as_of, as_of, law_as_of, reading)
    entry = _RUNS.get(at)
    if entry is not None and entry[0] is kb:
        _RUNS.move_to_end(at)
        run = entry[1]
        found = output_result(run, name)
        if not run.circular:
            return found
        del _RUNS[at]        # a circle met after other outputs: worked out afresh below
    run = Evaluation(kb, Case(case.name, case.jurisdiction, case.as_of, dict(case.facts)),
                     as_of, law_as_of, reading)
    found = output_result(run, name)
    if not run.circular:
        _RUNS[at] = (kb, run)
        if len(_RUNS) > KEPT:
            _RUNS.popitem(last=False)
    return found


def clear() -> None:
    """Forget every evaluation kept."""
    _RUNS.clear()


__all__ = ["KEPT", "clear", "facts_key", "result"]
