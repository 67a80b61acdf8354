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

from ..compile.model import Deontic, KnowledgeBase, Rule, RuleVersion, Timeline
from ..evaluate.case import Case
from .columns import Periods, day, month_of_day, to_date
from .compiler import Block, Compiler, Unsupported, candidate_rules

Result = tuple[str, Any]      # (status, value)


@dataclass
class OutputColumn:
    name: str
    results: list[Result | None] | None      # None: the whole output is left to the interpreter
    fallback: str | None = None              # why


def _block(cases: Sequence[Case], kb: KnowledgeBase, facts: set[str],
           strings: list[str] | None = None) -> Block:
    vocabulary = kb.vocabularies[cases[0].jurisdiction]
    block = Block(len(cases))
    if strings is not None:
        block.strings = strings
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
        elif entry.type.kind in ("boolean", "integer", "enum"):
            kind = entry.type.kind
            ok = [isinstance(v, bool) if kind == "boolean" else
                  isinstance(v, int) and not isinstance(v, bool) if kind == "integer" else
                  isinstance(v, str) for v in raw]
            given = np.fromiter(ok, np.bool_, len(raw))
            values = np.zeros(len(raw), np.bool_ if kind == "boolean" else
                              np.int16 if kind == "enum" else np.int64)
            for i, v in enumerate(raw):
                if ok[i]:
                    values[i] = block.code(str(v)) if kind == "enum" else int(v)  # type: ignore[arg-type]
            block.scalars[name] = (values, given, kind)
    return block


def _facts_of(rule: Rule) -> set[str]:
    from ..compile.refs import version_refs
    return {r.target for v in rule.versions for r in version_refs(v) if r.kind == "fact"}


_NOT_CONSIDERED = ("not_considered",)     # no version in force: the rule says nothing
_NOT_APPLICABLE = ("not_applicable",)     # its conditions do not hold
_FAILED = ("failed",)                     # an output it reads has no value (UndeterminedError)

Outcome1 = tuple[Any, ...] | None         # one rule for one person; None: the interpreter's


def _selection(kb: KnowledgeBase, rule: Rule, case: Case, law_as_of: date | None
               ) -> tuple[Any, RuleVersion, date] | tuple[None, None, None] | None:
    """(group key, version, date of the parameters) as the interpreter selects them;
    (None, None, None) when no version is in force (the rule is not considered); None when
    the person is left to the interpreter (the fact that selects it is missing)."""
    if rule.selected_by is not None and rule.selected_if_missing == "not_applicable" \
            and rule.selected_by not in case.facts:
        return None, None, None         # the rule is about a fact the case does not have
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
        return None, None, None
    values = tuple(str(kb.parameters[p].value_on(on)) for p in
                   sorted(version.parameters.values()))
    return (version.index, values), version, on


class Resolver:
    """The outputs of a population, column by column, as the interpreter resolves them:
    per person, the rules that conclude an output (after the choice of reading), each in the
    version the interpreter selects; an applicable conclusion of a rule declared
    ``exception_to`` another prevails over it; a conclusion that reads an output without a
    value fails and the others stand.  Whatever the backend cannot tell exactly for a person
    (a missing fact, a conflict, an error) is left to the interpreter for that person."""

    def __init__(self, kb: KnowledgeBase, cases: Sequence[Case], reading: str | None,
                 law_as_of: date | None) -> None:
        self.kb, self.cases, self.reading, self.law_as_of = kb, cases, reading, law_as_of
        self.jurisdiction = cases[0].jurisdiction
        self.columns: dict[str, list[Result | None]] = {}
        self.failed: dict[str, str] = {}           # output -> why it is not compiled
        self.refs: dict[str, OutputRefColumn] = {}
        self.active: list[str] = []
        self._facts: dict[str, Block] = {}
        self.strings: list[str] = []               # enum codes shared by every block

    def column(self, output: str) -> list[Result | None]:
        if output in self.failed:
            raise Unsupported(self.failed[output])
        if output not in self.columns:
            if output in self.active:
                raise Unsupported("circular dependency")
            self.active.append(output)
            try:
                self.columns[output] = self._resolve(output)
            except Unsupported as exc:
                self.failed[output] = str(exc)
                raise
            finally:
                self.active.pop()
        return self.columns[output]

    def reference(self, output: str) -> OutputRefColumn:
        """An output read by another, as arrays over the whole population."""
        if output not in self.refs:
            entry = self.kb.vocabularies[self.jurisdiction].outputs[output]
            kind = entry.type.kind
            if kind not in ("date", "integer", "boolean", "enum"):
                raise Unsupported(f"reads the {kind} output {output}")
            results = self.column(output)
            n = len(results)
            has = np.fromiter((r is not None and r[0] == "value" for r in results), np.bool_, n)
            # an output without a value (or in conflict, or in error: the interpreter's
            # UndeterminedError) — the backend itself gives only "no_value"
            none = np.fromiter((r is not None and r[0] == "no_value" for r in results),
                               np.bool_, n)
            data = np.zeros(n, np.int64)
            for i, r in enumerate(results):
                if r is not None and r[0] == "value":
                    v = r[1]
                    data[i] = day(v) if kind == "date" else (
                        self._code(v) if kind == "enum" else int(v))
            self.refs[output] = (data.astype(np.bool_) if kind == "boolean" else data, has,
                                 none, kind)
        return self.refs[output]

    def _code(self, text: str) -> int:
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def _resolve(self, output: str) -> list[Result | None]:
        rules = candidate_rules(self.kb, self.jurisdiction, output, self.reading)
        for rule in rules:
            if any(v.transitional for v in rule.versions):
                raise Unsupported(f"{rule.id} has a transitional clause")
            if any(d.covers(rule.id) for other in self.kb.rules.values() if other.id != rule.id
                   for v in other.versions for d in v.disapplications):
                raise Unsupported(f"{rule.id} may be disapplied")
        n = len(self.cases)
        per_rule = [self._rule(rule, output) for rule in rules]
        out: list[Result | None] = [None] * n
        for i in range(n):
            outcomes = [(rule, found[i]) for rule, found in zip(rules, per_rule, strict=True)]
            applicable: list[tuple[Rule, tuple[Any, ...]]] = []
            for rule, o in outcomes:
                if o is None:
                    break                         # left to the interpreter
                if o[0] == "value":
                    applicable.append((rule, o))
            else:
                winners = [(rule, o) for rule, o in applicable
                           if not any(other.id != rule.id and _beats(ov[2], rule.id, output)
                                      for other, ov in applicable)]
                if not winners:
                    out[i] = ("no_value", None)
                elif all(o[1] == winners[0][1][1] for _, o in winners[1:]):
                    out[i] = ("value", winners[0][1][1])
            # else a conflict (LX402): left to the interpreter
        return out

    def _rule(self, rule: Rule, output: str) -> list[Outcome1]:
        """Per person: ("value", value, version), or not considered / not applicable /
        failed, or None (left to the interpreter)."""
        groups: dict[Any, tuple[RuleVersion, date, list[int]]] = {}
        out: list[Outcome1] = [None] * len(self.cases)
        for i, case in enumerate(self.cases):
            selected = _selection(self.kb, rule, case, self.law_as_of)
            if selected is None:
                continue
            key, version, on = selected
            if version is None:
                out[i] = _NOT_CONSIDERED
                continue
            assert on is not None
            groups.setdefault(key, (version, on, []))[2].append(i)
        for version, on, members in groups.values():
            part = self._group(rule, version, on, output, members)
            for i, result in zip(members, part, strict=True):
                out[i] = result
        return out

    def _block(self, rule: Rule, members: list[int]) -> Block:
        facts = _facts_of(rule)
        key = ",".join(sorted(facts))
        if key not in self._facts:
            self._facts[key] = _block(self.cases, self.kb, facts, self.strings)
        whole = self._facts[key]
        if len(members) == len(self.cases):
            block = Block(whole.n, dict(whole.dates), dict(whole.periods),
                          scalars=dict(whole.scalars))
        else:
            rows = np.asarray(members, np.int64)
            block = Block(len(members),
                          {k: (v[rows], g[rows]) for k, (v, g) in whole.dates.items()},
                          {k: p.take(rows) for k, p in whole.periods.items()},
                          scalars={k: (v[rows], g[rows], kind)
                                   for k, (v, g, kind) in whole.scalars.items()})
        block.strings = self.strings
        return block

    def _group(self, rule: Rule, version: RuleVersion, on: date, output: str,
               members: list[int]) -> list[Outcome1]:
        conclusions = [c for c in version.conclusions if c.output == output]
        if not conclusions:
            return [_NOT_APPLICABLE] * len(members)
        parts = [self._conclusion(rule, version, on, conclusion, members)
                 for conclusion in conclusions]
        if len(parts) == 1:
            return parts[0]
        return [_merged(found) for found in zip(*parts, strict=True)]

    def _conclusion(self, rule: Rule, version: RuleVersion, on: date, conclusion: Any,
                    members: list[int]) -> list[Outcome1]:
        output = conclusion.output
        block = self._block(rule, members)
        entry = self.kb.vocabularies[self.jurisdiction].outputs[output]
        rows = None if len(members) == len(self.cases) else np.asarray(members, np.int64)
        compiler = Compiler(self.kb, version, on, block, self.reference, rows)
        applies = np.ones(block.n, np.bool_)            # known to apply
        unknown = np.zeros(block.n, np.bool_)           # left to the interpreter
        failed = np.zeros(block.n, np.bool_)            # an output it reads has no value
        for condition in (version.when, conclusion.when):
            if condition is None:
                continue
            value = compiler.value(condition.expr)
            if value.data.ndim == 2 and value.data.shape[1] != 1:
                raise Unsupported("a condition over a timeline")
            if value.kind != "boolean":
                raise Unsupported(f"a {value.kind} condition")
            held = np.broadcast_to(value.data, (block.n, 1)).ravel()
            missing = np.broadcast_to(value.missing, (block.n, 1)).ravel()
            und = np.broadcast_to(value.undetermined, (block.n, 1)).ravel()
            unknown |= applies & missing
            failed |= applies & und & ~missing
            applies &= held & ~missing & ~und
        results = _values(compiler, block, conclusion, entry, applies)
        out: list[Outcome1] = []
        for i in range(block.n):
            if unknown[i]:
                out.append(None)
            elif failed[i]:
                out.append(_FAILED)
            elif not applies[i]:
                out.append(_NOT_APPLICABLE)
            else:
                got = results[i]
                out.append(None if got is None else _FAILED if got[0] == "failed"
                           else ("value", got[1], version))
        return out


OutputRefColumn = tuple[Any, Any, Any, str]


def _merged(found: tuple[Outcome1, ...]) -> Outcome1:
    """One rule version's outcome for one person when several of its conclusions give the
    output, as the interpreter resolves them: the conclusions that apply give the value (two
    different values are a conflict, left to the interpreter); one that failed matters only
    when none applies."""
    if any(o is None for o in found):
        return None
    values = [o for o in found if o is not None and o[0] == "value"]
    if values:
        return values[0] if all(v[1] == values[0][1] for v in values[1:]) else None
    return _FAILED if any(o == _FAILED for o in found) else _NOT_APPLICABLE


def _beats(version: RuleVersion, other_rule: str, output: str) -> bool:
    return any(e.rule == other_rule and (not e.outputs or output in e.outputs)
               for e in version.exceptions)


def _values(compiler: Compiler, block: Block, conclusion: Any, entry: Any,
            applies: Any) -> list[Result | None]:
    if conclusion.each_month is not None and conclusion.value is not None:
        first = compiler.value(conclusion.each_month[0].expr)
        last = compiler.value(conclusion.each_month[1].expr)
        m_first = month_of_day(np.broadcast_to(first.data, (block.n, 1))).ravel()
        m_last = month_of_day(np.broadcast_to(last.data, (block.n, 1))).ravel()
        bounds_failed = (first.missing | last.missing | first.undetermined
                         | last.undetermined)
        known = ~np.broadcast_to(bounds_failed, (block.n, 1)).ravel()
        if not known.any():
            return [None] * block.n
        low, high = int(m_first[known].min()), int(m_last[known].max())
        block.months = np.arange(low, max(low, high) + 1, dtype=np.int64).reshape(1, -1)
        compiler.memo.clear()
        compiler._und.clear()
        value = compiler.value(conclusion.value.expr)
        data = np.broadcast_to(block.text(value.data) if value.kind == "enum" else value.data,
                               (block.n, block.months.shape[1]))
        missing = np.broadcast_to(value.missing, data.shape)
        undetermined = np.broadcast_to(value.undetermined, data.shape)
        inner = entry.type.of
        out: list[Result | None] = []
        starts = [to_date(int(d)) for d in _month_starts(block.months)]
        for i in range(block.n):
            if not known[i] or not applies[i]:
                out.append(None)
                continue
            a, b = int(m_first[i]) - low, int(m_last[i]) - low
            if a > b:
                out.append(("value", Timeline(())))
                continue
            if missing[i, a:b + 1].any():
                out.append(None)
                continue
            if undetermined[i, a:b + 1].any():
                out.append(("failed", None))
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
        und = np.broadcast_to(value.undetermined, (block.n, 1)).ravel()
        return [None if missing[i] else ("failed", None) if und[i] else
                ("value", _python(data[i], entry.type, value.kind)) for i in range(block.n)]
    if entry.type.kind in ("obligation", "prohibition", "right"):
        exprs = [conclusion.deadline] if entry.type.kind == "obligation" else \
            [conclusion.start, conclusion.end]
        if any(e is None for e in exprs):
            raise Unsupported(f"a {entry.type.kind} without its dates")
        dates, missing, und = [], np.zeros(block.n, np.bool_), np.zeros(block.n, np.bool_)
        for e in exprs:
            value = compiler.value(e.expr)
            if value.kind != "date":
                raise Unsupported(f"a {entry.type.kind} with a {value.kind} date")
            dates.append(np.broadcast_to(value.data, (block.n, 1)).ravel())
            missing |= np.broadcast_to(value.missing, (block.n, 1)).ravel()
            und |= np.broadcast_to(value.undetermined, (block.n, 1)).ravel()
        holder = entry.holder or ""
        deontics: list[Result | None] = []
        for i in range(block.n):
            if missing[i]:
                deontics.append(None)
            elif und[i]:
                deontics.append(("failed", None))
            elif entry.type.kind == "obligation":
                deontics.append(("value", Deontic("obligation", holder,
                                             deadline=to_date(int(dates[0][i])))))
            else:
                deontics.append(("value", Deontic(entry.type.kind, holder,
                                             start=to_date(int(dates[0][i])),
                                             end=to_date(int(dates[1][i])))))
        return deontics
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
    resolver = Resolver(kb, cases, reading, law_as_of)
    for output in outputs:
        try:
            columns[output] = OutputColumn(output, resolver.column(output))
        except Unsupported as exc:
            columns[output] = OutputColumn(output, None, str(exc))
    return columns
