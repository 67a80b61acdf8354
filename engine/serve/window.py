"""The 104-week window chart's data: the days counted toward the sickness-benefit limit.

For a case, the window is the 104 weeks (CSS art. 14 (2)) that end on the day the engine
says the limit is reached (``sickness_benefit_limit_reached_on``), or on the as-of date when
it is not reached: the window of statuts CNS art. 186 al. 1, which ends with the day
considered (the statute's ends on the eve of the new incapacity: OQ-CSS3).  The count of
each week is the engine's own: ``sickness_benefit_days_counted_in_window`` evaluated from
the window's first day to the end of that week (so half-time days count half, as the law of
the date says), never a count made here.  The limit is the parameter
``lu.sickness_benefit.max_weeks`` as the engine applied it to the limit date (52 weeks, then
78 from 2019), or in force on the date whose law applies when the limit is not reached.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..compile.model import Duration
from ..evaluate.case import Case
from ..evaluate.interpreter import evaluate

WINDOW_DAYS = 104 * 7
LIMIT_PARAMETER = "lu.sickness_benefit.max_weeks"
COUNT = "sickness_benefit_days_counted_in_window"
REACHED = "sickness_benefit_limit_reached_on"


def window_chart(kb: Any, case: Case, as_of: date, law_as_of: date | None,
                 reading: str | None) -> dict[str, Any] | None:
    """The chart's data, or None when the case is not Luxembourg's or the knowledge base
    cannot count (no counting rule in force)."""
    vocabulary = kb.vocabularies.get(case.jurisdiction)
    if vocabulary is None or COUNT not in vocabulary.outputs or REACHED not in vocabulary.outputs:
        return None
    base = evaluate(kb, case, as_of, law_as_of=law_as_of, outputs=[REACHED],
                    reading=reading)
    reached_result = base.result(REACHED)
    reached = reached_result.value if reached_result is not None and \
        reached_result.status == "value" and isinstance(reached_result.value, date) else None
    end = reached or as_of
    first = end - timedelta(days=WINDOW_DAYS - 1)
    basis = (f"the 104 weeks ending on the day the limit is reached ({end.isoformat()})"
             if reached else f"the 104 weeks ending on the as-of date ({end.isoformat()})")
    last = first + timedelta(days=WINDOW_DAYS - 1)
    points = []
    for week in range(1, 105):
        end = first + timedelta(days=7 * week - 1)
        counted = evaluate(kb, case.with_facts({"count_window_from": first,
                                                "count_window_to": end}),
                           as_of, law_as_of=law_as_of, outputs=[COUNT], reading=reading)
        result = counted.result(COUNT)
        if result is None or result.status != "value":
            return None
        points.append({"to": end.isoformat(), "counted": int(result.value)})
    used = [t.parameters[LIMIT_PARAMETER] for t in (reached_result.trace if reached_result
                                                   else []) if LIMIT_PARAMETER in t.parameters]
    limit_days: int | None = None
    limit_from: str | None = None
    if used and isinstance(used[0].value, Duration):     # the value the engine applied
        limit_days, limit_from = used[0].value.days, used[0].value_from
    else:
        limit = kb.parameters.get(LIMIT_PARAMETER)
        in_force = limit.value_on(law_as_of or as_of) if limit is not None else None
        if in_force is not None and isinstance(in_force.value, Duration):
            limit_days, limit_from = in_force.value.days, in_force.start.isoformat()
    return {"from": first.isoformat(), "to": last.isoformat(), "basis": basis,
            "points": points, "limit_days": limit_days,
            "limit_parameter": LIMIT_PARAMETER if limit_days is not None else None,
            "limit_from": limit_from,
            "reached_on": reached.isoformat() if reached else None}

