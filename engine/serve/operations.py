"""The workbench's operations on plain data: what each API route does, with no HTTP in it.

Each function takes the :class:`Workbench` and a request body (already shape-checked by the
route's pydantic model) and returns JSON-ready data, or raises :class:`RequestError` carrying
the same diagnostics (codes, messages, locations within the submitted document) as the
command line.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from ..calendar.dates import DateFormatError, parse_date
from ..calendar.periods import Period
from ..diagnostics import Diagnostic, error, has_errors
from ..evaluate.case import Case, case_from_text, unknown_output
from ..evaluate.explain import explanation_tree, render_json, render_text
from ..evaluate.interpreter import evaluate
from ..whatif.compare import compare
from ..whatif.overrides import parse_overrides
from .workbench import Workbench

#: the name a submitted case has in diagnostics (the API accepts no file paths)
SUBMITTED = "<submitted case>"


class RequestError(Exception):
    """A request the law cannot be applied to: 4xx with diagnostics."""

    def __init__(self, status: int, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "bad request")
        self.status = status
        self.diagnostics = diagnostics

    def to_json(self) -> dict[str, Any]:
        return {"error": self.diagnostics[0].code if self.diagnostics else "LX900",
                "diagnostics": [d.to_json() for d in self.diagnostics]}


def read_case(wb: Workbench, case: str | dict[str, Any]) -> Case:
    """A case given inline, as YAML text or as a JSON object; located diagnostics if wrong."""
    text = case if isinstance(case, str) else json.dumps(case, indent=2, ensure_ascii=False)
    loaded, problems = case_from_text(text, wb.kb, SUBMITTED)
    if loaded is None:
        raise RequestError(422, problems or [error("LX203", "the case is empty")])
    return loaded


def read_date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise RequestError(422, [error("LX204", f"{what}: {exc}", hint=exc.hint)]) from None


def check_outputs(wb: Workbench, case: Case, outputs: list[str] | None) -> None:
    vocabulary = wb.kb.vocabularies[case.jurisdiction]
    unknown = [unknown_output(n, vocabulary) for n in outputs or () if n not in vocabulary.outputs]
    if unknown:
        raise RequestError(422, unknown)


def as_of_of(case: Case, given: str | None) -> date:
    as_of = read_date(given, "as_of") or case.as_of
    if as_of is None:
        raise RequestError(422, [error("LX314", "no as-of date: the case has no as_of and the "
                                       "request gives none", hint="add \"as_of\": \"YYYY-MM-DD\"")])
    return as_of


def evaluate_case(wb: Workbench, body: dict[str, Any]) -> dict[str, Any]:
    """What the law says about a case on a date, and why (the ``lexlux eval`` JSON contract)."""
    case = read_case(wb, body["case"])
    check_outputs(wb, case, body.get("outputs"))
    outcome = evaluate(wb.kb, case, as_of_of(case, body.get("as_of")),
                       law_as_of=read_date(body.get("law_as_of"), "law_as_of"),
                       outputs=body.get("outputs") or None, reading=body.get("reading"))
    result = render_json(outcome)
    if body.get("text"):
        result["text"] = render_text(outcome, explain=bool(body.get("explain", True)))
    for name, value in result["outputs"].items():
        if body.get("explain", True):
            value["explanation_tree"] = explanation_tree(outcome, name)
        else:
            value.pop("explanation", None)
    result["ok"] = not has_errors(outcome.diagnostics)
    result["periods"] = case_periods(case)
    if body.get("window"):
        from .window import window_chart
        result["window"] = window_chart(wb.kb, case, outcome.as_of, outcome.law_as_of,
                                        outcome.reading)
    return result


def case_periods(case: Case) -> dict[str, list[dict[str, str]]]:
    """The case's facts that are periods of days (incapacity, leave, …), for the charts."""
    out: dict[str, list[dict[str, str]]] = {}
    for name, value in sorted(case.facts.items()):
        if isinstance(value, tuple) and value and all(isinstance(p, Period) for p in value):
            out[name] = [{"from": p.start.isoformat(), "to": p.end.isoformat()} for p in value]
    return out


def whatif_case(wb: Workbench, body: dict[str, Any]) -> dict[str, Any]:
    """The case and its variant with other facts: only the outputs that change, and why."""
    case = read_case(wb, body["case"])
    check_outputs(wb, case, body.get("outputs"))
    settings = [f"{name}={value}" for name, value in (body.get("set") or {}).items()]
    if not settings:
        raise RequestError(422, [error("LX314", "nothing to compare: give \"set\": "
                                       "{\"fact\": \"value\"}")])
    changes, problems = parse_overrides(settings, case, wb.kb)
    if problems:
        raise RequestError(422, problems)
    as_of = as_of_of(case, body.get("as_of"))
    law_as_of = read_date(body.get("law_as_of"), "law_as_of")
    outputs = body.get("outputs") or None
    a = evaluate(wb.kb, case, as_of, law_as_of=law_as_of, outputs=outputs)
    b = evaluate(wb.kb, case.with_facts(changes), as_of, law_as_of=law_as_of, outputs=outputs)
    return {"case": case.name, "as_of": as_of.isoformat(), "set": dict(body.get("set") or {}),
            "changes": [asdict(c) for c in compare(a, b)]}


def needs_of(wb: Workbench, body: dict[str, Any]) -> dict[str, Any]:
    """The facts that could still change the asked outputs for the case (a questionnaire), or
    without a case every fact they can depend on (``lexlux needs``)."""
    from ..evaluate.needs import needs, needs_json
    outputs = list(body.get("outputs") or [])
    if not outputs:
        raise RequestError(422, [error("LX314", "give the outputs: \"outputs\": [\"NAME\"]")])
    if body.get("case") is None:
        jurisdiction = body.get("jurisdiction") or "lu"
        vocabulary = wb.kb.vocabularies.get(jurisdiction)
        if vocabulary is None:
            raise RequestError(422, [error("LX314", f"no rules for {jurisdiction!r}")])
        unknown = [unknown_output(n, vocabulary) for n in outputs if n not in vocabulary.outputs]
        if unknown:
            raise RequestError(422, unknown)
        return needs_json(needs(wb.kb, outputs, jurisdiction=jurisdiction))
    case = read_case(wb, body["case"])
    check_outputs(wb, case, outputs)
    return needs_json(needs(wb.kb, outputs, case=case, as_of=as_of_of(case, body.get("as_of")),
                            law_as_of=read_date(body.get("law_as_of"), "law_as_of"),
                            reading=body.get("reading"), jurisdiction=case.jurisdiction))
