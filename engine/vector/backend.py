"""The vector backend: outputs of a block of persons computed column-wise, with the
interpreter as the fallback per output.

:func:`evaluate_block` returns, per output asked, either the results of every person
(``(status, value)``, values as the interpreter gives them: ``Timeline``, ``date``, ``int``,
``bool``, ``str``) or the reason it was left to the interpreter.  A person whose answer the
backend cannot give exactly (a fact missing, no version in force) is also left to the
interpreter, per person: the vector path never guesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ..compile.model import KnowledgeBase, Rule, RuleVersion, Timeline
from ..evaluate.case import Case
from .columns import Periods, day, month_of_day, to_date
from .compiler import Block, Compiler, Unsupported, candidate_rules

Result = tuple[str, Any]      # (status, value)


@dataclass
class OutputColumn:
    name: str
    results: list[Result | None] | None      # None: the whole output is left to the interpreter
    fallback: str | None = None              # why


def _block(cases: Sequence[Case], kb: KnowledgeBase, facts: set[str]) -> Block:
    vocabulary = kb.vocabularies[cases[0].jurisdiction]
    block = Block(len(cases))
    for name in facts:
        entry = vocabulary.facts.get(name)
        if entry is None:
            continue
        raw = [case.facts.get(name) for case in cases]
        if entry.type.kind == "periods":
            block.periods[name] = Periods.from_facts(raw)    # type: ignore[arg-type]
        elif entry.type.kind == "date":
            given = np.fromiter((v is not None for v in raw), np.bool_, len(raw))
            values = np.fromiter((day(v) if isinstance(v, date) else 0 for v in raw),
                                 np.int64, len(raw))
            block.dates[name] = (values, given)
    return block


def _facts_of(rule: Rule) -> set[str]:
    from ..compile.refs import version_refs
    return {r.target for v in rule.versions for r in version_refs(v) if r.kind == "fact"}


def _selection(kb: KnowledgeBase, rule: Rule, case: Case, law_as_of: date | None
               ) -> tuple[Any, RuleVersion, date] | None:
    """(group key, version, date of the parameters) as the interpreter selects them, or None
    (the person is left to the interpreter)."""
    if law_as_of is not None:
        on: Any = law_as_of
    elif rule.selected_by is not None:
        on = case.facts.get(rule.selected_by)
        if not isinstance(on, date):
            return None
    else:
        on = case.as_of
        if on is None:
            return None
    version = rule.version_on(on)
    if version is None:
        return None
    values = tuple(str(kb.parameters[p].value_on(on)) for p in
                   sorted(version.parameters.values()))
    return (version.index, values), version, on


def _column(kb: KnowledgeBase, cases: Sequence[Case], output: str, reading: str | None,
            law_as_of: date | None) -> list[Result | None]:
    jurisdiction = cases[0].jurisdiction
    rules = candidate_rules(kb, jurisdiction, output, reading)
    if len(rules) != 1:
        raise Unsupported(f"{len(rules)} rules conclude {output}")
    rule = rules[0]
    if any(v.transitional for v in rule.versions):
        raise Unsupported(f"{rule.id} has a transitional clause")
    if rule.selected_by is not None and rule.selected_if_missing != "missing":
        raise Unsupported(f"{rule.id}: not applicable without {rule.selected_by}")
    # only this rule concludes the output (for this reading): an exception_to elsewhere
    # cannot take this output from it, and its own exception_to has nothing to beat
    groups: dict[Any, tuple[RuleVersion, date, list[int]]] = {}
    for i, case in enumerate(cases):
        selected = _selection(kb, rule, case, law_as_of)
        if selected is not None:
            key, version, on = selected
            groups.setdefault(key, (version, on, []))[2].append(i)
    out: list[Result | None] = [None] * len(cases)
    for version, on, members in groups.values():
        part = _group(kb, [cases[i] for i in members], rule, version, on, output)
        for i, result in zip(members, part, strict=True):
            out[i] = result
    return out


def _group(kb: KnowledgeBase, cases: Sequence[Case], rule: Rule, version: RuleVersion,
           on: date, output: str) -> list[Result | None]:
    jurisdiction = cases[0].jurisdiction
    conclusions = [c for c in version.conclusions if c.output == output]
    if len(conclusions) != 1:
        raise Unsupported("several conclusions")
    conclusion = conclusions[0]
    block = _block(cases, kb, _facts_of(rule))
    entry = kb.vocabularies[jurisdiction].outputs[output]
    compiler = Compiler(kb, version, on, block)
    applies = np.ones(block.n, np.bool_)            # known to apply
    unknown = np.zeros(block.n, np.bool_)           # left to the interpreter
    for condition in (version.when, conclusion.when):
        if condition is None:
            continue
        if conclusion.each_month is not None:
            raise Unsupported("a condition on a timeline")
        value = compiler.value(condition.expr)
        held = np.broadcast_to(value.data, (block.n, 1)).ravel()
        missing = np.broadcast_to(value.missing, (block.n, 1)).ravel()
        unknown |= applies & missing
        applies &= held & ~missing
    results = _values(compiler, block, conclusion, entry, applies)
    return [None if unknown[i] else results[i] if applies[i] else ("no_value", None)
            for i in range(block.n)]


def _values(compiler: Compiler, block: Block, conclusion: Any, entry: Any,
            applies: Any) -> list[Result | None]:
    if conclusion.each_month is not None and conclusion.value is not None:
        first = compiler.value(conclusion.each_month[0].expr)
        last = compiler.value(conclusion.each_month[1].expr)
        m_first = month_of_day(np.broadcast_to(first.data, (block.n, 1))).ravel()
        m_last = month_of_day(np.broadcast_to(last.data, (block.n, 1))).ravel()
        known = ~(np.broadcast_to(first.missing, (block.n, 1)).ravel()
                  | np.broadcast_to(last.missing, (block.n, 1)).ravel())
        if not known.any():
            return [None] * block.n
        low, high = int(m_first[known].min()), int(m_last[known].max())
        block.months = np.arange(low, max(low, high) + 1, dtype=np.int64).reshape(1, -1)
        compiler.memo.clear()
        value = compiler.value(conclusion.value.expr)
        data = np.broadcast_to(block.text(value.data) if value.kind == "enum" else value.data,
                               (block.n, block.months.shape[1]))
        missing = np.broadcast_to(value.missing, data.shape)
        inner = entry.type.of
        out: list[Result | None] = []
        starts = [to_date(int(d)) for d in _month_starts(block.months)]
        for i in range(block.n):
            if not known[i]:
                out.append(None)
                continue
            a, b = int(m_first[i]) - low, int(m_last[i]) - low
            if a > b:
                out.append(("value", Timeline(())))
                continue
            if missing[i, a:b + 1].any():
                out.append(None)
                continue
            entries = tuple((starts[k], _month_end(starts[k]), _python(data[i, k], inner))
                            for k in range(a, b + 1))
            out.append(("value", Timeline(entries)))
        return out
    if conclusion.value is not None and entry.type.kind in ("date", "integer", "boolean",
                                                              "enum"):
        value = compiler.value(conclusion.value.expr)
        data = np.broadcast_to(block.text(value.data) if value.kind == "enum" else value.data,
                               (block.n, 1)).ravel()
        missing = np.broadcast_to(value.missing, (block.n, 1)).ravel()
        return [None if missing[i] else ("value", _python(data[i], entry.type, value.kind))
                for i in range(block.n)]
    raise Unsupported(f"a {entry.type.kind} conclusion")


def _month_starts(months: Any) -> Any:
    from .columns import month_start
    return month_start(months.reshape(-1))


def _month_end(start: date) -> date:
    from ..calendar.dates import end_of_month
    return end_of_month(start)


def _python(x: Any, vtype: Any, kind: str | None = None) -> Any:
    what = kind or (vtype.kind if vtype is not None else None)
    if what == "date":
        return to_date(int(x))
    if what == "boolean":
        return bool(x)
    if what in ("integer",):
        return int(x)
    if what in ("enum", "string"):
        return str(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.str_):
        return str(x)
    return x


def evaluate_block(kb: KnowledgeBase, cases: Sequence[Case], outputs: Sequence[str],
                   reading: str | None = None, law_as_of: date | None = None
                   ) -> dict[str, OutputColumn]:
    columns: dict[str, OutputColumn] = {}
    for output in outputs:
        try:
            columns[output] = OutputColumn(output, _column(kb, cases, output, reading,
                                                           law_as_of))
        except Unsupported as exc:
            columns[output] = OutputColumn(output, None, str(exc))
    return columns
