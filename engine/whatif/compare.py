"""What-if: two outcomes side by side — the outputs that change, and where the reasons part.

The *first divergence* of an output is the first step of its explanation that differs
between the two runs: another provision or version, another fact value, another parameter
value, or (recursively) an output it relied on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..evaluate.interpreter import Outcome, OutputResult
from ..evaluate.values import to_json


@dataclass
class Change:
    output: str
    before: Any          # written form, or the status when there is no value
    after: Any
    divergence: str


def written(result: OutputResult | None) -> Any:
    if result is None:
        return "(not evaluated)"
    if result.status == "value":
        return to_json(result.value, result.type)
    return {"status": result.status, "message": result.message}


def first_divergence(name: str, a: Outcome, b: Outcome, depth: int = 0) -> str:
    ra, rb = a.result(name), b.result(name)
    if ra is None or rb is None:
        return f"{name} was evaluated in one run only"
    if ra.status != rb.status:
        return f"{name}: {ra.status} → {rb.status}" + (
            f" ({rb.message or ra.message})" if (rb.message or ra.message) else "")
    if ra.version_ids != rb.version_ids:
        for left, right, verb in ((ra, rb, "no longer applies"), (rb, ra, "now applies")):
            for version in set(left.version_ids) - set(right.version_ids):
                winner = next(n for n in left.trace if n.version_id == version)
                loser = next((n for n in right.not_applicable if n.version_id == version), None)
                if loser is None:
                    continue
                before, after = (winner, loser) if verb == "no longer applies" else (loser, winner)
                for fact in dict.fromkeys([*before.facts, *after.facts]):
                    if before.facts.get(fact) != after.facts.get(fact):
                        return (f"{version} {verb}: fact {fact}: {before.facts.get(fact)} → "
                                f"{after.facts.get(fact)}")
        return (f"{name} is given by {', '.join(ra.version_ids) or 'no provision'} in the first "
                f"run and by {', '.join(rb.version_ids) or 'no provision'} in the second")
    for na, nb in zip(ra.trace, rb.trace, strict=False):
        if na.selection != nb.selection:
            return f"{na.version_id} was chosen by {na.selection} → {nb.selection}"
        for fact in dict.fromkeys([*na.facts, *nb.facts]):
            if na.facts.get(fact) != nb.facts.get(fact):
                return f"fact {fact}: {na.facts.get(fact)} → {nb.facts.get(fact)} " \
                       f"(read by {na.version_id})"
        for pid in dict.fromkeys([*na.parameters, *nb.parameters]):
            pa, pb = na.parameters.get(pid), nb.parameters.get(pid)
            if (pa and pa.value) != (pb and pb.value):
                return f"parameter {pid}: {pa and pa.value} → {pb and pb.value} " \
                       f"(read by {na.version_id})"
        for used in dict.fromkeys([*na.uses, *nb.uses]):
            if written(a.result(used)) != written(b.result(used)) and depth < 20:
                return f"{name} relies on {used}, which changes: " + \
                    first_divergence(used, a, b, depth + 1)
    return f"{name}: the same provisions, facts and parameters give another value"


def compare(a: Outcome, b: Outcome) -> list[Change]:
    changes = []
    for name in dict.fromkeys([*a.results, *b.results]):
        before, after = written(a.results.get(name)), written(b.results.get(name))
        if before != after:
            changes.append(Change(name, before, after, first_divergence(name, a, b)))
    return changes


def render_changes(changes: list[Change], first: str, second: str) -> str:
    if not changes:
        return f"No output changes between {first} and {second}.\n"
    lines = [f"{len(changes)} output(s) change between {first} and {second}:", ""]
    for change in changes:
        lines.append(f"{change.output}")
        lines.append(f"    {first}: {change.before}")
        lines.append(f"    {second}: {change.after}")
        lines.append(f"    first divergence: {change.divergence}")
        lines.append("")
    return "\n".join(lines)
