"""What-if: two outcomes side by side — the outputs that change, and where the reasons part.

The *first divergence* of an output is the first step of its explanation that differs
between the two runs: another provision or version, another fact value, another parameter
value, or (recursively) an output it relied on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from ..evaluate.interpreter import Outcome, OutputResult
from ..evaluate.values import PLACES, decimal_text, to_json


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


def show(value: Any) -> str:
    """A fact's value as a drafter writes it."""
    if value is None:
        return "(not given)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "; ".join(f"{p.start} to {p.end}" for p in value) or "(none)"
    if isinstance(value, Fraction):
        return decimal_text(value, PLACES["decimal"])
    return str(value)


def shown(value: Any) -> str:
    """A written output value (see ``written``) as text."""
    if isinstance(value, dict) and "status" in value:
        words = {"no_value": "no value", "missing": "cannot be answered"}
        return f"({words.get(value['status'], value['status'])}: {value['message']})"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(f"{e['from'][:7]}: {shown(e['value'])}"
                         if isinstance(e, dict) and "value" in e else str(e) for e in value)
    return str(value)


def first_divergence(name: str, a: Outcome, b: Outcome, depth: int = 0) -> str:
    ra, rb = a.result(name), b.result(name)
    if ra is None or rb is None:
        return f"{name} was evaluated in one run only"
    if ra.version_ids != rb.version_ids:
        for left, right, verb in ((ra, rb, "no longer applies"), (rb, ra, "now applies")):
            for version in sorted(set(left.version_ids) - set(right.version_ids)):
                winner = next(n for n in left.trace if n.version_id == version)
                loser = next((n for n in right.not_applicable if n.version_id == version), None)
                if loser is None:
                    continue
                first, second = (winner, loser) if verb == "no longer applies" else (loser, winner)
                run_a, run_b = (a, b)
                for fact in [f for f in first.facts if f in second.facts]:
                    if first.facts[fact] != second.facts[fact]:
                        return (f"{version} {verb}: fact {fact}: {show(first.facts[fact])} → "
                                f"{show(second.facts[fact])}")
                for used in dict.fromkeys([*first.uses, *second.uses]):
                    if written(run_a.result(used)) != written(run_b.result(used)) and depth < 20:
                        return (f"{version} {verb}: it relies on {used}, which changes: "
                                + first_divergence(used, a, b, depth + 1))
        if ra.status != rb.status:
            return f"{name}: {ra.status} → {rb.status}" + (
                f" ({rb.message or ra.message})" if (rb.message or ra.message) else "")
        return (f"{name} is given by {', '.join(ra.version_ids) or 'no provision'} in the first "
                f"run and by {', '.join(rb.version_ids) or 'no provision'} in the second")
    if ra.status != rb.status:
        return f"{name}: {ra.status} → {rb.status}" + (
            f" ({rb.message or ra.message})" if (rb.message or ra.message) else "")
    for na, nb in zip(ra.trace, rb.trace, strict=False):
        if na.selection != nb.selection:
            return f"{na.version_id} was chosen by {na.selection} → {nb.selection}"
        for fact in dict.fromkeys([*na.facts, *nb.facts]):
            if na.facts.get(fact) != nb.facts.get(fact):
                return f"fact {fact}: {show(na.facts.get(fact))} → {show(nb.facts.get(fact))} " \
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


def changes_json(a: Outcome, b: Outcome, first: str, second: str) -> dict[str, Any]:
    """The two outcomes side by side as JSON (``lexlux whatif --format json``)."""
    return {"case": a.case.name, "as_of": a.as_of.isoformat(), "first": first,
            "second": second, "changes": [asdict(c) for c in compare(a, b)],
            "diagnostics": [d.to_json() for d in a.diagnostics + b.diagnostics]}


def render_changes(changes: list[Change], first: str, second: str) -> str:
    if not changes:
        return f"No output changes between {first} and {second}.\n"
    lines = [f"{len(changes)} output(s) change between {first} and {second}:", ""]
    for change in changes:
        lines.append(f"{change.output}")
        lines.append(f"    {first}: {shown(change.before)}")
        lines.append(f"    {second}: {shown(change.after)}")
        lines.append(f"    first divergence: {change.divergence}")
        lines.append("")
    return "\n".join(lines)
