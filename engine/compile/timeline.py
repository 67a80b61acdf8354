"""Stage 3 (compile): the versions of each rule in time, and the dates parameters must cover.

Input: the rules and parameters built by :mod:`from_source`.  Output: rules whose
versions carry their exclusive end (``valid_until``: the next version's start, or the
repeal), and diagnostics: versions out of order or overlapping (LX307), holes in a
continuous rule (LX308), parameters with no value on a date a version needs them
(LX309), a version in force before its amending act (LX312).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from itertools import pairwise

from ..diagnostics import Diagnostic, error
from .model import KnowledgeBase, Parameter, Rule, RuleVersion


def order_versions(rule: Rule) -> tuple[Rule, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    versions = list(rule.versions)
    for before, after in pairwise(versions):
        if after.valid_from <= before.valid_from:
            diagnostics.append(error(
                "LX307", f"version {after.index + 1} of {rule.id} starts on {after.valid_from}, "
                f"not after version {before.index + 1} ({before.valid_from})", after.span,
                expected="versions listed in order of valid_from, each starting later",
                hint="a later text is a new version at the end of the list",
                related=[("the earlier version", before.span)]))
    if diagnostics:
        return rule, diagnostics
    ended: list[RuleVersion] = []
    for i, version in enumerate(versions):
        nxt = versions[i + 1] if i + 1 < len(versions) else None
        end = nxt.valid_from if nxt else None
        if version.repealed is not None:
            repeal_on = version.repealed[0]
            if repeal_on <= version.valid_from:
                diagnostics.append(error(
                    "LX307", f"{version.id} is repealed on {repeal_on}, before it comes into "
                    "force", version.span, expected=f"a repeal after {version.valid_from}"))
            elif nxt is not None and repeal_on > nxt.valid_from:
                diagnostics.append(error(
                    "LX307", f"{version.id} is repealed on {repeal_on}, but the next version is "
                    f"in force from {nxt.valid_from}: the two overlap", version.span,
                    hint="a version ends when the next one starts; drop the repeal or fix the "
                         "dates", related=[("the next version", nxt.span)]))
            elif nxt is not None and repeal_on < nxt.valid_from and rule.continuous:
                diagnostics.append(error(
                    "LX308", f"no version of {rule.id} is in force from {repeal_on} to "
                    f"{nxt.valid_from}", version.span,
                    hint="if the provision really was out of force, set continuous: false on "
                         "the rule", related=[("the next version", nxt.span)]))
            end = repeal_on if end is None else min(end, repeal_on)
        act = version.amended_by
        if act is not None and version.valid_from < act.date and not version.retroactive:
            diagnostics.append(error(
                "LX312", f"{version.id} is in force from {version.valid_from}, before its "
                f"amending act of {act.date}", version.span,
                hint="check valid_from and the act's date; if the act is retroactive, "
                     "say retroactive: true"))
        ended.append(dataclasses.replace(version, valid_until=end))
    return dataclasses.replace(rule, versions=tuple(ended)), diagnostics


def uncovered_dates(param: Parameter, start: date, end: date | None) -> str | None:
    """Say when ``param`` has no value in ``[start, end)``, or ``None`` if it always has."""
    first = param.value_on(start)
    if first is None:
        first_start = param.values[0].start if param.values else None
        return f"its first value is from {first_start}" if first_start else "it has no value"
    if first.value is None:
        return f"it is repealed from {first.start}"
    for value in param.values:
        if value.start > start and (end is None or value.start < end) and value.value is None:
            return f"it is repealed from {value.start}"
    return None


def check_parameter_coverage(kb: KnowledgeBase) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for rule in kb.rules.values():
        for version in rule.versions:
            for alias, param_id in version.parameters.items():
                param = kb.parameters.get(param_id)
                if param is None:
                    continue
                problem = uncovered_dates(param, version.valid_from, version.valid_until)
                if problem:
                    until = version.valid_until or "today"
                    diagnostics.append(error(
                        "LX309", f"the parameter {param_id!r} ({alias}) has no value for the "
                        f"whole time {version.id} is in force ({version.valid_from} to {until}): "
                        f"{problem}", version.span,
                        related=[("the parameter is defined here", param.span)],
                        hint="add a dated value to the parameter, or end the version earlier"))
    return diagnostics
