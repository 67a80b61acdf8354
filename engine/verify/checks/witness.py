"""Stage 5 (verify): a Z3 model → a witness :class:`Case`, written and REPLAYED.

Every SAT result is turned into a case (``model_completion=True``), written as
``*.case.yaml`` (atomically) when a witness folder is given, and evaluated by
:func:`lexlux.evaluate.interpreter.evaluate`.  If the evaluator does not give what the
encoding predicted, the encoding is wrong: :class:`EncodingUnsound` is raised (an internal
error, exit 3), never reported as a legal finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import z3

from ...calendar.dates import from_day_number
from ...compile.model import Deontic, KnowledgeBase
from ...evaluate.case import Case, case_to_yaml
from ...evaluate.interpreter import OutputResult, evaluate
from ...output import write_atomically
from ..encoding.encode import LawEncoding, OutputEnc
from ..encoding.facts import decode_value


class EncodingUnsound(Exception):  # noqa: N818 - the name the issue uses
    """The evaluator contradicts a model of the encoding: a bug in lexlux.verify."""


def model_status(model: z3.ModelRef, out: OutputEnc) -> str:
    def holds(term: Any) -> bool:
        return bool(z3.is_true(model.eval(term, model_completion=True)))
    if holds(out.bad):
        return "missing"
    if holds(out.in_conflict):
        return "conflict"
    return "value" if holds(out.has_value) else "no_value"


def model_value(model: z3.ModelRef, enc: LawEncoding, out: OutputEnc) -> Any:
    """The runtime value the model gives the output (None unless status is value)."""
    if model_status(model, out) != "value":
        return None
    kind = out.type.kind
    interner = enc.shared.interner
    if kind in ("obligation", "prohibition", "right"):
        days = [from_day_number(model.eval(t, model_completion=True).as_long())
                for t in out.value]
        holder = enc.vocabulary.outputs[out.name].holder or ""
        if kind == "obligation":
            return Deontic(kind, holder, deadline=days[0])
        return Deontic(kind, holder, start=days[0], end=days[1])
    if kind == "timeline":
        from ..encoding.timelines import decode_timeline
        inner = out.type.of
        assert inner is not None
        return decode_timeline(model, out.value,
                               lambda term: decode_value(model, term, inner, interner))
    return decode_value(model, out.value[0], out.type, interner)


def build_case(enc: LawEncoding, model: z3.ModelRef, facts: set[str], as_of: date,
               name: str) -> Case:
    values = enc.shared.facts.decode(model, facts)
    return Case(name, enc.shared.jurisdiction, as_of, values, {}, None)


def merged_case(enc: LawEncoding, parts: Sequence[tuple[z3.ModelRef, set[str]]],
                as_of: date, name: str) -> Case:
    """The case of models of queries that fix one case (one query per reading of the
    seeded readings pass): each fact read from the first model whose query reads it."""
    values: dict[str, Any] = {}
    done: set[str] = set()
    for model, facts in parts:
        values.update(enc.shared.facts.decode(model, facts - done))
        done |= facts
    return Case(name, enc.shared.jurisdiction, as_of, {k: values[k] for k in sorted(values)},
                {}, None)


def model_date(model: z3.ModelRef, term: Any) -> date:
    return from_day_number(model.eval(term, model_completion=True).as_long())


def write_case(kb: KnowledgeBase, case: Case, directory: Path | None, stem: str
               ) -> tuple[Path | None, str]:
    text = case_to_yaml(case, kb)
    if directory is None:
        return None, text
    path = directory / f"{stem}.case.yaml"
    write_atomically(path, text, argument="--witness-dir")
    return path, text


def replay(kb: KnowledgeBase, case: Case, as_of: date, output: str, *,
           law_as_of: date | None = None, reading: str | None = None) -> OutputResult:
    outcome = evaluate(kb, case, as_of, law_as_of=law_as_of, outputs=[output],
                       reading=reading)
    return outcome.results[output]


def expect(result: OutputResult, status: str, value: Any, what: str) -> None:
    """Fail loudly when the evaluator does not reproduce the model."""
    if result.status != status or (status == "value" and result.value != value):
        raise EncodingUnsound(
            f"{what}: the encoding predicted {status}"
            + (f" {value!r}" if status == "value" else "")
            + f", the evaluator gives {result.status}"
            + (f" {result.value!r}" if result.status == "value" else "")
            + (f" ({result.message})" if result.message else ""))


def describe(result: OutputResult) -> str:
    if result.status == "value":
        return f"{result.name} = {result.value}" + (
            f" ({', '.join(result.version_ids)})" if result.version_ids else "")
    if result.status == "conflict":
        return f"{result.name}: conflict between {', '.join(result.version_ids)}"
    return f"{result.name}: {result.status.replace('_', ' ')}"
