"""Stage 4 (evaluate): render an :class:`Outcome` for people (text) and programs (JSON).

Every line of an explanation cites the article, paragraph, version and amending act.
The JSON form is the contract described by ``schemas/eval-output.schema.json``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..compile.model import Duration, Months, RuleVersion, Type
from .caveats import OpenQuestion, open_questions
from .interpreter import Outcome, OutputResult
from .trace import TraceNode
from .values import PLACES, decimal_text, rounding, to_json

UNTYPED = Type("string")   # written by the Python type of the value

_STATUS_WORDS = {"no_value": "no value", "missing": "cannot be answered",
                 "conflict": "CONFLICT", "error": "error"}


def version_label(version: RuleVersion) -> str:
    act = version.amended_by
    basis = " (in force before this date; the sources do not say since when)" \
        if version.valid_from_basis == "horizon" else ""
    by = f", {act.name} ({act.date})" if act else ""
    return f"version of {version.valid_from}{basis}{by}"


def _written(value: Any, result: OutputResult) -> str:
    """A value as drafters write it in the files (true/false, ISO dates, decimals), with
    the rounding stated when it has no finite decimal form."""
    note = rounding(value, result.type)
    text = _written_exact(value, result)
    return f"{text} ({note})" if note else text


def _written_exact(value: Any, result: OutputResult) -> str:
    if isinstance(value, Duration | Months):
        return str(value)
    shown = to_json(value, result.type)
    if isinstance(shown, dict):
        return ", ".join(f"{k} {v}" for k, v in shown.items())
    if isinstance(shown, list) and shown and isinstance(shown[0], dict) and "value" in shown[0]:
        runs: list[list[Any]] = []            # consecutive months with one value: one run
        for entry in shown:
            if runs and runs[-1][2] == entry["value"]:
                runs[-1][1] = entry["to"]
            else:
                runs.append([entry["from"], entry["to"], entry["value"]])
        return "; ".join(f"{a[:7]}" + (f" to {b[:7]}" if a[:7] != b[:7] else "") + f": {v}"
                         for a, b, v in runs)
    if isinstance(shown, bool):
        return "true" if shown else "false"
    return str(shown)


def reading_line(result: OutputResult, asked: str | None) -> str:
    """Which reading was followed, and why: asked for with --reading, or by default."""
    others = ", ".join(result.other_readings)
    why = "asked for" if asked is not None and asked == result.reading else \
        "the highest authority, unless --reading"
    return f"reading followed: the reading {result.reading}, {why}; not followed: {others}"


def render_text(outcome: Outcome, *, explain: bool, summary: bool = False,
                case_path: str | None = None,
                questions: dict[str, list[OpenQuestion]] | None = None) -> str:
    """The outcome for people.  With ``summary`` (eval without --output), the outputs the
    case cannot answer are counted on one line instead of listed.  ``questions`` (rule id →
    open questions, from the coverage files) puts the open questions an answer rests on
    under the answer."""
    head = f"Case: {outcome.case.name}\nAs of {outcome.as_of}"
    if outcome.law_as_of:
        head += f", under the law in force on {outcome.law_as_of}"
    if outcome.reading:
        head += f", following the reading '{outcome.reading}'"
    lines = [head, ""]
    results = list(outcome.results.values())
    for result in results:
        if result.status == "value":
            lines.append(f"{result.name} = {_written(result.value, result)}")
            for node in result.trace:
                lines.append(f"    {node.citation} — {version_label(node.version)}")
                if result.other_readings:
                    lines.append("    " + reading_line(result, outcome.reading))
                if explain:
                    lines.extend(_explain(node, outcome, "    ", set()))
            if explain:
                lines.extend(_set_aside(result, outcome, "    ", conditions=False))
            lines.extend(_open_questions(outcome, result, questions, explain))
            lines.append("")
    for result in results:
        if result.status in ("conflict", "error"):
            lines.append(f"{result.name}: {_STATUS_WORDS[result.status]} — {result.message}")
            for node in result.trace:
                lines.append(f"    {node.citation} ({node.version_id}) gives "
                             f"{_written(node.value, result)}")
            lines.append("")
    unanswered = [r for r in results if r.status == "missing"]
    silent = [r.name for r in results if r.status == "no_value"]
    if summary:
        where = case_path or "CASE"
        if unanswered:
            lines.append(f"{len(unanswered)} outputs need more facts: run lexlux needs "
                         f"{where} --output NAME")
        if silent:
            lines.append(f"{len(silent)} outputs have no provision in force for this case "
                         f"(--output NAME says why)")
        if unanswered or silent:
            lines.append("")
        return "\n".join(lines)
    if unanswered:
        lines.append("Cannot be answered without more facts:")
        for result in unanswered:
            lines.append(f"    {result.name}: {result.message}")
        lines.append("")
    no_value = [r for r in results if r.status == "no_value"]
    plain = [r.name for r in no_value if (r.message or _NO_PROVISION) == _NO_PROVISION]
    if plain:
        lines.append("No provision in force applies to: " + ", ".join(plain))
        if explain:
            for result in no_value:
                reasons = _set_aside(result, outcome, "        ")
                if reasons and result.name in plain:
                    lines.append(f"    {result.name}:")
                    lines.extend(reasons)
        lines.append("")
    for result in results:
        if result.status == "no_value" and result.name not in plain:
            lines.append(f"{result.name}: no value — {result.message}")
            lines.append("")
    return "\n".join(lines)


def _set_aside(result: OutputResult, outcome: Outcome, indent: str, *,
               conditions: bool = True) -> list[str]:
    """The provisions considered for an output that did not apply, and why (with
    ``conditions``: also those whose conditions were false; else only those disapplied)."""
    out = []
    for node in result.not_applicable if conditions else ():
        out.append(f"{indent}not applied: {node.citation} — {version_label(node.version)}")
        out.append(f"{indent}  ({node.rule_id}, chosen by {node.selection})")
        for condition in node.false:
            out.append(f"{indent}  false: {condition}")
        for name, value in node.facts.items():
            out.append(f"{indent}  fact {name} = {_fact(value)}")
    for rule_id, by in result.disapplied:
        out.append(f"{indent}not applied: {rule_id} — disapplied by {by.citation} "
                   f"({version_label(by.version)})")
        out.extend(_explain(by, outcome, indent + "  ", set()))
    return out


_NO_PROVISION = "no provision in force applies"


def _open_questions(outcome: Outcome, result: OutputResult,
                    index: dict[str, list[OpenQuestion]] | None, explain: bool) -> list[str]:
    if not index:
        return []
    found = open_questions(outcome, result, index)
    if not found:
        return []
    out = ["    open legal questions on the provisions behind this answer: "
           + ", ".join(q.id for q in found) + " (docs/open-questions.md)"]
    if explain:
        for question in found:
            out.append(f"      {question.id}: {question.question}")
            if question.meanwhile:
                out.append(f"        meanwhile: {question.meanwhile}")
    return out


def _explain(node: TraceNode, outcome: Outcome, indent: str, seen: set[str]) -> list[str]:
    out = [f"{indent}because: {node.rule_id}, chosen by {node.selection}"]
    for source in node.version.sources:
        lines = f"line {source.first_line}" if source.first_line == source.last_line \
            else f"lines {source.first_line}-{source.last_line}"
        out.append(f"{indent}  text: «{source.excerpt}» ({source.file}, {lines})")
    for name, value in node.facts.items():
        out.append(f"{indent}  fact {name} = {_fact(value)}" + _origin(outcome, name))
    for pid, use in node.parameters.items():
        out.append(f"{indent}  parameter {pid} = {_fact(use.value)} (from {use.value_from}, "
                   f"{use.amended_by})")
    for condition in node.held:
        out.append(f"{indent}  holds: {condition}")
    for condition in node.false:
        out.append(f"{indent}  false: {condition}")
    if node.decided_without:
        out.append(f"{indent}  decided without {', '.join(node.decided_without)}: the answer "
                   "is the same either way (three-valued logic)")
    for rule in node.prevails_over:
        out.append(f"{indent}  prevails over {rule} (exception_to)")
    for used in node.uses:
        result = outcome.result(used)
        if result is None or used in seen:
            continue
        out.append(f"{indent}  relies on {used} = "
                   + (_written(result.value, result) if result.status == "value"
                      else _STATUS_WORDS[result.status]))
        for child in result.trace:
            out.extend(_explain(child, outcome, indent + "    ", seen | {used}))
    return out


def _origin(outcome: Outcome, name: str) -> str:
    """", derived from events 1 and 3 by <rule>" for a fact of a timeline case."""
    origin = outcome.case.origins.get(name)
    return f", {origin.words()}" if origin is not None else ""


def _fact(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(f"{p.start} to {p.end}" for p in value) or "(none)"
    if isinstance(value, Fraction):
        return decimal_text(value, PLACES["decimal"])
    return str(value)


def _node_json(node: TraceNode, outcome: Outcome) -> dict[str, Any]:
    version = node.version
    return {
        "rule": node.rule_id,
        "version": node.version_id,
        "citation": {"instrument": node.citation.instrument, "article": node.citation.article,
                     "paragraph": node.citation.paragraph, "alinea": node.citation.alinea},
        "amended_by": {"act": version.amended_by.name,
                       "date": version.amended_by.date.isoformat()} if version.amended_by
        else None,
        "valid_from": version.valid_from.isoformat(),
        "valid_from_basis": version.valid_from_basis,
        "selected_by": node.selection,
        "sources": [{"file": s.file, "lines": [s.first_line, s.last_line],
                     "excerpt": s.excerpt} for s in version.sources],
        "facts": {k: _fact_json(v) for k, v in node.facts.items()},
        "parameters": {k: {"value": _fact_json(u.value), "from": u.value_from,
                           "amended_by": u.amended_by} for k, u in node.parameters.items()},
        "prevails_over": node.prevails_over,
        "uses": node.uses,
        "false_conditions": node.false,
    }


def _fact_json(value: Any) -> Any:
    """A fact or parameter value read by a conclusion, in the written form of values.py."""
    return to_json(value, UNTYPED)


def render_json(outcome: Outcome,
                questions: dict[str, list[OpenQuestion]] | None = None) -> dict[str, Any]:
    outputs = {}
    for name, result in outcome.results.items():
        found = open_questions(outcome, result, questions) if questions else []
        outputs[name] = {
            "status": result.status,
            "type": str(result.type.kind),
            "value": to_json(result.value, result.type) if result.status == "value" else None,
            "rounding": rounding(result.value, result.type) if result.status == "value"
            else None,
            "rule_versions": list(result.version_ids),
            "citations": [str(c) for c in result.citations],
            "missing": list(result.missing),
            "message": result.message,
            "explanation": [_node_json(n, outcome) for n in result.trace],
            "reading": result.reading,
            "other_readings": list(result.other_readings),
            "not_applied": [
                *({"rule": n.rule_id, "version": n.version_id, "false_conditions": n.false,
                   "disapplied_by": None} for n in result.not_applicable),
                *({"rule": rule_id, "version": None, "false_conditions": [],
                   "disapplied_by": _node_json(by, outcome)} for rule_id, by in
                  result.disapplied)],
            "open_questions": [q.id for q in found],
        }
    return {
        "case": outcome.case.name,
        "jurisdiction": outcome.case.jurisdiction,
        "as_of": outcome.as_of.isoformat(),
        "law_as_of": outcome.law_as_of.isoformat() if outcome.law_as_of else None,
        "reading": outcome.reading,
        "outputs": outputs,
        **({"derived_facts": {
            name: {"value": _fact_json(outcome.case.facts.get(name)),
                   "events": list(origin.events),
                   "rules": [v.id for v in origin.versions]}
            for name, origin in outcome.case.origins.items()}} if outcome.case.origins else {}),
        "diagnostics": [d.to_json() for d in outcome.diagnostics],
    }


def explanation_tree(outcome: Outcome, name: str, seen: frozenset[str] = frozenset()
                     ) -> list[dict[str, Any]]:
    """The explanation of ``name`` as nested JSON: each node with the outputs it relied on
    (``relies_on``: output, status, value and their own nodes), as ``--explain`` prints it."""
    result = outcome.result(name)
    if result is None:
        return []
    nodes = []
    for node in result.trace:
        data = _node_json(node, outcome)
        children = []
        for used in node.uses:
            used_result = outcome.result(used)
            if used_result is None or used in seen:
                continue
            children.append({
                "output": used, "status": used_result.status,
                "value": to_json(used_result.value, used_result.type)
                if used_result.status == "value" else None,
                "nodes": explanation_tree(outcome, used, seen | {name, used})})
        data["relies_on"] = children
        nodes.append(data)
    return nodes
