"""Stage 4 (evaluate): a case must satisfy the plausibility assumptions (LX339).

The assumptions declared once in invariant files (``assumptions:`` — a letter is received
after it is notified, the onset is a day of the incapacity) are what every query of the
verifier assumes; a case file that breaks one describes something that cannot happen, and
is reported before it is evaluated.  An assumption is checked when the case gives every
fact it reads.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, cast

from ..compile.model import Expr, KnowledgeBase, Ref
from ..diagnostics import Diagnostic, Span, error
from .builtins import EvaluationError
from .expressions import Env, MissingFactError, UndeterminedError, evaluate
from .interpreter import Evaluation
from .trace import TraceNode


def facts_read(expr: Expr) -> set[str]:
    if isinstance(expr, Ref):
        return {expr.target} if expr.kind == "fact" else set()
    found: set[str] = set()
    for f in dataclasses.fields(expr):
        value = getattr(expr, f.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Expr):
                found |= facts_read(item)
    return found


def check_assumptions(kb: KnowledgeBase, case: Any, span: Span | None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    as_of = case.as_of or date.today()
    run = Evaluation(kb, case, as_of, None, None)
    for inv_id in sorted(kb.invariants):
        inv = kb.invariants[inv_id]
        if not inv.assumption or inv.jurisdiction != case.jurisdiction:
            continue
        names = facts_read(inv.holds.expr)
        if not names <= set(case.facts):
            continue
        node = TraceNode(inv.id, None, inv.id, cast(Any, None), cast(Any, None), "assumption")
        env = Env(fact=run.fact, parameter=lambda pid: run.parameter(pid, as_of),
                  output=run.output_value, functions=run.functions,
                  given=lambda name: name in case.facts, lets=dict(inv.lets), node=node)
        try:
            holds = evaluate(inv.holds.expr, env)
        except (MissingFactError, UndeterminedError, EvaluationError):
            continue
        if holds is False:
            where = case.spans.get(sorted(names)[0], span) if names else span
            given = ", ".join(f"{n} = {case.facts[n]}" for n in sorted(names)
                              if not isinstance(case.facts[n], tuple))
            title = inv.title.get("en") or inv.title["fr"]
            out.append(error(
                "LX339", f"the case cannot happen: {title.lower()} ({inv.holds.text}"
                + (f"; {given}" if given else "") + ")", where,
                hint=f"{inv.why.strip()} (assumption {inv.id}, {inv.file}): correct the "
                     "facts"))
    return out
