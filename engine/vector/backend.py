"""The vector backend: outputs of a block of persons computed column-wise, with the
interpreter as the fallback per output.

:func:`evaluate_block` returns, per output asked, either the results of every person or the
reason it was left to the interpreter.  A result is carried as arrays over the persons: a
status per person (:data:`LEFT`, :data:`NO_VALUE`, :data:`VALUE`) and the values (day
numbers, integers, booleans as typed arrays; enum values, timelines and deontic values as
objects), and given as the interpreter gives it (``(status, value)``, values as
``Timeline``, ``date``, ``int``, ``bool``, ``str``) only when asked
(:attr:`OutputColumn.results`).  A person whose answer the backend cannot give exactly (a
fact missing, no version in force, a conflict) is left to the interpreter, per person
(status :data:`LEFT`): the vector path never guesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from itertools import chain, compress, repeat
from operator import is_not, itemgetter
from typing import Any

import numpy as np

from ..compile.model import (
    Deontic,
    Duration,
    KnowledgeBase,
    Months,
    Rule,
    RuleVersion,
    Timeline,
)
from ..evaluate.case import Case
from .columns import EPOCH, Periods, day, month_of_day, to_date
from .compiler import Block, Compiler, Unsupported, Value, candidate_rules
from .numbers import objects as exact_objects

NUMBER_TYPES = ("money", "percentage", "decimal")     # exact numbers

Result = tuple[str, Any]      # (status, value)

# the status of a person for a rule (or, for LEFT, NO_VALUE and VALUE, for an output)
LEFT = 0                      # left to the interpreter
NOT_CONSIDERED = 1            # no version in force: the rule says nothing
NOT_APPLICABLE = 2            # its conditions do not hold
FAILED = 3                    # an output it reads has no value (UndeterminedError)
VALUE = 4
NO_VALUE = 5                  # (an output) no rule gives a value

# how the values of a column are held: day numbers, integers, booleans, Python objects
DATES, INTS, BOOLS, OBJECTS = "date", "int", "bool", "object"


_ABSENT = object()            # a fact the case does not give


class Values:
    """Per person, a status and a value (meaningful where the status is VALUE)."""

    __slots__ = ("data", "missing", "stage", "status", "tag")

    def __init__(self, status: Any, data: Any, tag: str) -> None:
        self.status, self.data, self.tag = status, data, tag
        # (an output) per person left to the interpreter whose answer is known to be
        # "missing" one name: (the name, the rule version considered, the day it is
        # selected on); None elsewhere (see Resolver._missing)
        self.missing: dict[int, tuple[str, RuleVersion, date]] | None = None
        # (one conclusion) per person, where the interpreter stops on a missing name: 0 the
        # version's condition, 1 the conclusion's, 2 its value; -1 elsewhere
        self.stage: Any = None

    def objects(self) -> Any:
        """The values as Python objects (an object array)."""
        return _objects(self.data, self.tag)


def _objects(data: Any, tag: str) -> Any:
    if tag == OBJECTS:
        return data
    if tag == BOOLS:
        return np.array([False, True], dtype=object)[data.astype(np.int64)]
    if tag == INTS:
        return data.astype(object)
    unique, inverse = np.unique(data, return_inverse=True)
    objects = np.empty(len(unique), object)
    objects[:] = [to_date(d) for d in unique.tolist()]
    return objects[inverse.reshape(-1)]


def _empty(n: int, tag: str) -> Any:
    return np.zeros(n, np.int64 if tag in (DATES, INTS) else np.bool_ if tag == BOOLS
                    else object)


def _same_tag(parts: list[Values]) -> str:
    """How to hold the values of several parts together (parts without a value do not
    count)."""
    tags = {p.tag for p in parts if bool(np.any(p.status == VALUE))}
    return tags.pop() if len(tags) == 1 else OBJECTS if tags else INTS


def _data_as(part: Values, tag: str) -> Any:
    if part.tag == tag:
        return part.data
    if not np.any(part.status == VALUE):
        return _empty(len(part.status), tag)
    return part.objects()


class OutputColumn:
    """An output of every person of a block, or why it is left to the interpreter."""

    def __init__(self, name: str, values: Values | None, fallback: str | None = None
                 ) -> None:
        self.name, self.values, self.fallback = name, values, fallback
        self._results: list[Result | None] | None = None

    @property
    def results(self) -> list[Result | None] | None:
        """Per person ("value", v), ("no_value", None), or None (left to the
        interpreter); None for the whole output when it is left to the interpreter."""
        if self.values is None:
            return None
        if self._results is None:
            status = self.values.status.tolist()
            objects = self.values.objects().tolist()
            self._results = [("value", v) if s == VALUE else ("no_value", None)
                             if s == NO_VALUE else None for s, v in zip(status, objects,
                                                                        strict=True)]
        return self._results

    def output_results(self, vtype: Any, kb: KnowledgeBase | None = None,
                       jurisdiction: str = "", reading: str | None = None
                       ) -> list[Any] | None:
        """Per person the interpreter's ``OutputResult`` (None: left to the interpreter),
        one object shared by the persons with the same status and value (for values held
        as objects: the same object; a result is never changed once made); None when the
        output is left to the interpreter."""
        if self.values is None:
            return None
        from .results import ColumnResult
        name, values = self.name, self.values
        none = ColumnResult(name, "no_value", None, vtype)
        status = values.status
        results = np.empty(len(status), object)           # None: left to the interpreter
        results[status == NO_VALUE] = none
        where = np.flatnonzero(status == VALUE)
        if len(where) and values.tag != OBJECTS:
            # plain values (day numbers, integers, booleans): one result per distinct value
            unique, inverse = np.unique(values.data[where], return_inverse=True)
            distinct = np.empty(len(unique), object)
            distinct[:] = [ColumnResult(name, "value", v, vtype)
                           for v in _objects(unique, values.tag).tolist()]
            results[where] = distinct[inverse.reshape(-1)]
        elif len(where):
            # one result per distinct object (the values a conclusion gives are shared by
            # the persons who have the same one: obligations, durations ...); found by
            # the objects' identities, without hashing the values
            chosen = values.data[where]
            ids = np.fromiter(map(id, chosen.tolist()), np.intp, len(where))
            unique, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
            distinct = np.empty(len(unique), object)
            distinct[:] = [ColumnResult(name, "value", v, vtype)
                           for v in chosen[first].tolist()]
            results[where] = distinct[inverse.reshape(-1)]
        found: list[Any] = results.tolist()
        if self.values.missing and kb is not None:
            _missing_results(found, self.values.missing, name, vtype, kb, jurisdiction,
                             reading)
        return found

    @property
    def left(self) -> Any:
        """Per person, whether the person is left to the interpreter (all, when the
        output is)."""
        if self.values is None:
            return None
        return self.values.status == LEFT


def _missing_results(found: list[Any], missing: dict[int, tuple[str, RuleVersion, date]],
                     name: str, vtype: Any, kb: KnowledgeBase, jurisdiction: str,
                     reading: str | None) -> None:
    """The interpreter's "missing" results (``Evaluation._resolve``: one rule, one version
    considered, one name missing; the message is ``Evaluation.question``), one object per
    distinct (name, version, day) and only the day where the message names it."""
    from ..evaluate.interpreter import OutputResult, _plan
    plan = _plan(kb)
    _, chosen, others = plan.rules_for(jurisdiction, name, reading)
    vocabulary = kb.vocabularies[jurisdiction]
    shared: dict[Any, Any] = {}
    for i, (what, version, on) in missing.items():
        parameter = kb.parameters.get(what)
        key = (what, version.id, on if parameter is not None else None)
        result = shared.get(key)
        if result is None:
            if parameter is not None:
                title = parameter.title.get("en") or parameter.title["fr"]
                message = (f"the sources give no verified value of the parameter {what} "
                           f"({title}) on {on}")
            else:
                entry = vocabulary.facts.get(what)
                message = (entry.question.get("en") or entry.question["fr"]) \
                    if entry and entry.question else f"the case does not give '{what}'"
            result = shared[key] = OutputResult(
                name, "missing", None, vtype, missing=(what,), message=message,
                considered=[plan.version_id(version)], reading=chosen, other_readings=others)
        found[i] = result


def missing_diagnostic(kb: KnowledgeBase, case: Case, result: Any,
                       texts: dict[int, Any] | None = None) -> Any:
    """The interpreter's LX401 for a "missing" output asked for (``evaluate``); ``texts``
    keeps, per result already met (results are shared), its message, hint and last
    diagnostic, given again to a case whose span of the missing name is the same (a
    diagnostic is never changed once made)."""
    from ..diagnostics import error
    span = case.spans.get(result.missing[0])
    known = texts.get(id(result)) if texts is not None else None
    if known is not None and known[0] is result:
        if known[3].span == span:
            return known[3]
        message, hint = known[1], known[2]
    else:
        message = f"{result.name}: {result.message}"
        hint = "add " + ", ".join(f"'{m}'" for m in result.missing
                                  if m not in kb.parameters) + " under facts: in the case" \
            if any(m not in kb.parameters for m in result.missing) else \
            "the parameter needs a verified value, with its official citation"
    diagnostic = error("LX401", message, span, hint=hint)
    if texts is not None:
        texts[id(result)] = (result, message, hint, diagnostic)
    return diagnostic


def _refs_with_lets(version: RuleVersion, exprs: list[Any]) -> list[Any]:
    """The names ``exprs`` read, through the version's ``let`` definitions they use."""
    from ..compile.refs import iter_refs
    lets = dict(version.lets)
    found: list[Any] = []
    seen: set[str] = set()
    todo = list(exprs)
    while todo:
        for ref in iter_refs(todo.pop()):
            if ref.kind == "local":
                if ref.target not in seen and ref.target in lets:
                    seen.add(ref.target)
                    todo.append(lets[ref.target].expr)
            else:
                found.append(ref)
    return found


_REFS_OF: dict[tuple[int, str], tuple[Rule, list[str]]] = {}


def _refs_of(rule: Rule, kind: str) -> list[str]:
    """The names of ``kind`` (fact, parameter) a rule reads, sorted (kept per rule: the IR
    is not changed once compiled)."""
    known = _REFS_OF.get((id(rule), kind))
    if known is None or known[0] is not rule:
        from ..compile.refs import version_refs
        if len(_REFS_OF) > 65_536:
            _REFS_OF.clear()
        known = _REFS_OF[(id(rule), kind)] = (rule, sorted(
            {r.target for v in rule.versions for r in version_refs(v) if r.kind == kind}))
    return known[1]


_BREAKPOINTS: dict[tuple[int, int], tuple[KnowledgeBase, Rule, Any]] = {}


def _breakpoints(kb: KnowledgeBase, rule: Rule) -> Any:
    """The days on which the version of ``rule`` in force, or a value of a parameter it
    reads, may change: between two of them the interpreter's selection is the same (kept
    per knowledge base and rule: neither is changed once compiled)."""
    known = _BREAKPOINTS.get((id(kb), id(rule)))
    if known is None or known[0] is not kb or known[1] is not rule:
        if len(_BREAKPOINTS) > 65_536:
            _BREAKPOINTS.clear()
        found = _breakpoints_of(kb, rule)
        found.setflags(write=False)
        known = _BREAKPOINTS[(id(kb), id(rule))] = (kb, rule, found)
    return known[2]


_DISAPPLIED: dict[int, tuple[KnowledgeBase, dict[str, bool]]] = {}


def _may_be_disapplied(kb: KnowledgeBase, rule: Rule) -> bool:
    """Whether a version of another rule disapplies ``rule`` (kept per knowledge base and
    rule)."""
    known = _DISAPPLIED.get(id(kb))
    if known is None or known[0] is not kb:
        if len(_DISAPPLIED) > 64:
            _DISAPPLIED.clear()
        known = _DISAPPLIED[id(kb)] = (kb, {})
    found = known[1].get(rule.id)
    if found is None:
        found = known[1][rule.id] = any(
            d.covers(rule.id) for other in kb.rules.values() if other.id != rule.id
            for v in other.versions for d in v.disapplications)
    return found


def _breakpoints_of(kb: KnowledgeBase, rule: Rule) -> Any:
    days: set[int] = set()
    for version in rule.versions:
        days.add(day(version.valid_from))
        if version.valid_until is not None:
            days.add(day(version.valid_until))
        for name in version.parameters.values():
            parameter = kb.parameters.get(name)
            if parameter is not None:
                days.update(day(v.start) for v in parameter.values)
    return np.array(sorted(days), np.int64)


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
        self.n = len(cases)
        self.jurisdiction = cases[0].jurisdiction
        self.vocabulary = kb.vocabularies[self.jurisdiction]
        self.columns: dict[str, Values] = {}
        self.failed: dict[str, str] = {}           # output -> why it is not compiled
        self.refs: dict[str, OutputRefColumn] = {}
        self.active: list[str] = []
        self.strings: list[str] = []               # enum codes shared by every block
        self._fact_columns: dict[str, Any] = {}
        self._present: dict[str, Any] = {}
        self._dates: dict[str, tuple[Any, Any]] = {}
        self._by_fact: dict[str, list[Any]] | None = None
        self._facts = [case.facts for case in cases]
        self._on_days: dict[str, Any] = {}       # rule -> per person, the day it is read on

    # ----------------------------------------------------------------- the facts as columns

    def _raw(self, name: str) -> list[Any]:
        """A fact of every person (:data:`_ABSENT` where not given), every fact read in
        one pass over the cases."""
        if self._by_fact is None:
            self._by_fact = self._transposed()
        found = self._by_fact.get(name)
        return found if found is not None else [_ABSENT] * self.n

    def _transposed(self) -> dict[str, list[Any]]:
        """Every fact of every person: the cases grouped by the facts they give (in the
        same order), each group read row-wise at once and turned into columns."""
        n, facts = self.n, self._facts
        groups: dict[tuple[str, ...], list[int]] = {}
        for i, given in enumerate(facts):
            groups.setdefault(tuple(given), []).append(i)
        order = np.fromiter(chain.from_iterable(groups.values()), np.int64, n)
        parts: list[tuple[int, dict[str, Any]]] = []
        names: dict[str, None] = {}
        for keys, rows in groups.items():
            picked = [facts[i] for i in rows]
            columns: dict[str, Any] = {}
            if len(keys) == 1:
                columns[keys[0]] = [f[keys[0]] for f in picked]
            elif keys:
                columns = dict(zip(keys, zip(*map(itemgetter(*keys), picked), strict=True),
                                   strict=True))
            parts.append((len(rows), columns))
            names.update(dict.fromkeys(keys))
        by_fact: dict[str, list[Any]] = {}
        sizes = np.array([size for size, _ in parts], np.int64)
        for name in names:
            column = np.empty(n, object)
            column[order] = np.fromiter(chain.from_iterable(
                c[name] if name in c else repeat(_ABSENT, size) for size, c in parts),
                object, n)
            by_fact[name] = column.tolist()
            # whether each person gives the fact: the groups that give it
            gives = np.empty(n, np.bool_)
            gives[order] = np.repeat(np.fromiter((name in c for _, c in parts), np.bool_,
                                                 len(parts)), sizes)
            self._present[name] = gives
        return by_fact

    def raw(self, name: str) -> list[Any]:
        """A fact of every person (None where not given)."""
        return [None if v is _ABSENT else v for v in self._raw(name)]

    def present(self, name: str) -> Any:
        if self._by_fact is None:
            self._by_fact = self._transposed()
        if name not in self._present:
            self._present[name] = np.fromiter(map(is_not, self._raw(name), repeat(_ABSENT)),
                                              np.bool_, self.n)
        return self._present[name]

    def _given(self, name: str, kind: type) -> tuple[Any, list[Any]] | None:
        """(whether given, the values given) of a fact whose every value given is of the
        class ``kind`` exactly (None otherwise: read value by value)."""
        given = self.present(name)
        chosen = list(compress(self._raw(name), given.tolist()))
        if chosen and set(map(type, chosen)) != {kind}:
            return None
        return given, chosen

    def date_of(self, name: str | None) -> tuple[Any, Any]:
        """(day numbers, whether a date): a date fact, or the as-of date (``None``)."""
        key = name or ""
        if key not in self._dates and name is not None \
                and (found := self._given(name, date)) is not None:
            given, dates = found
            values = np.zeros(self.n, np.int64)
            if dates:
                values[given] = np.fromiter(map(date.toordinal, dates), np.int64,
                                            len(dates)) - EPOCH
            self._dates[key] = (values, given)
        if key not in self._dates:
            raw = [c.as_of for c in self.cases] if name is None else self._raw(name)
            ok = np.fromiter(map(isinstance, raw, repeat(date)), np.bool_, self.n)
            values = np.zeros(self.n, np.int64)
            dates = list(compress(raw, ok.tolist()))
            if dates:
                values[ok] = np.fromiter(map(date.toordinal, dates), np.int64,
                                         len(dates)) - EPOCH
            self._dates[key] = (values, ok)
        return self._dates[key]

    def _fact(self, name: str) -> Any:
        if name in self._fact_columns:
            return self._fact_columns[name]
        entry = self.vocabulary.facts.get(name)
        column: Any = None
        if entry is not None:
            kind = entry.type.kind
            if kind == "periods":
                raw = self.raw(name)
                column = ("periods", Periods.from_facts(raw))
            elif kind == "date":
                values, given = self.date_of(name)
                column = ("date", (values, given & self.present(name)))
            elif kind in ("boolean", "integer", "enum") and (found := self._given(
                    name, bool if kind == "boolean" else int if kind == "integer" else str)
                    ) is not None:
                given, chosen = found
                values = np.zeros(self.n, np.bool_ if kind == "boolean" else
                                  np.int16 if kind == "enum" else np.int64)
                if chosen and kind == "enum":
                    codes = {v: self._code(str(v)) for v in dict.fromkeys(chosen)}
                    values[given] = list(map(codes.__getitem__, chosen))
                elif chosen:
                    values[given] = chosen
                column = ("scalar", (values, given, kind))
            elif kind in ("boolean", "integer", "enum"):
                raw = self.raw(name)
                ok = list(map(isinstance, raw, repeat(bool if kind == "boolean" else str))) \
                    if kind != "integer" else \
                    [isinstance(v, int) and not isinstance(v, bool) for v in raw]
                given = np.fromiter(ok, np.bool_, self.n)
                values = np.zeros(self.n, np.bool_ if kind == "boolean" else
                                  np.int16 if kind == "enum" else np.int64)
                chosen = list(compress(raw, ok))
                if chosen and kind == "enum":
                    codes = {v: self._code(str(v)) for v in dict.fromkeys(chosen)}
                    values[given] = list(map(codes.__getitem__, chosen))
                elif chosen:
                    values[given] = [int(v) for v in chosen]
                column = ("scalar", (values, given, kind))
            elif kind == "duration":         # a number of days
                raw = self.raw(name)
                given = np.fromiter((isinstance(v, Duration) for v in raw), np.bool_, self.n)
                days = np.fromiter((v.days if isinstance(v, Duration) else 0 for v in raw),
                                   np.int64, self.n)
                column = ("scalar", (days, given, "duration"))
            elif kind == "months":           # a number of calendar months, as a count
                raw = self.raw(name)
                given = np.fromiter((isinstance(v, Months) for v in raw), np.bool_, self.n)
                counts = np.fromiter((v.count if isinstance(v, Months) else 0 for v in raw),
                                     np.int64, self.n)
                column = ("scalar", (counts, given, "months"))
            elif kind in NUMBER_TYPES:       # exact numbers: the case's int / Fraction
                raw = self.raw(name)
                # is_number per distinct type of value (a number is an int or a Fraction,
                # not a bool)
                types = list(map(type, raw))
                number = {t: issubclass(t, int | Fraction) and not issubclass(t, bool)
                          for t in set(types)}
                ok = list(map(number.__getitem__, types))
                given = np.fromiter(ok, np.bool_, self.n)
                numbers = np.zeros(self.n, object)
                chosen = list(compress(raw, ok))
                if chosen:
                    picked = np.empty(len(chosen), object)
                    picked[:] = chosen
                    numbers[given] = picked
                column = ("scalar", (numbers, given, "number"))
        self._fact_columns[name] = column
        return column

    def _block(self, rule: Rule, rows: Any) -> Block:
        whole = Block(self.n)
        for name in _refs_of(rule, "fact"):
            column = self._fact(name)
            if column is None:
                continue
            what, data = column
            if what == "periods":
                whole.periods[name] = data
            elif what == "date":
                whole.dates[name] = data
            else:
                whole.scalars[name] = data
        if rows is None:
            block = whole
        else:
            block = Block(len(rows),
                          {k: (v[rows], g[rows]) for k, (v, g) in whole.dates.items()},
                          {k: p.take(rows) for k, p in whole.periods.items()},
                          scalars={k: (v[rows], g[rows], kind)
                                   for k, (v, g, kind) in whole.scalars.items()})
        block.strings = self.strings
        block.jurisdiction = self.jurisdiction
        return block

    # ------------------------------------------------------------------------ the outputs

    def column(self, output: str) -> Values:
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
        """An output read by another, as arrays over the whole population (``name.field``:
        a date of a deontic output, ``deadline``, ``from`` or ``until``)."""
        if output not in self.refs and "." in output:
            name, field = output.split(".", 1)
            if self.vocabulary.outputs[name].type.kind not in ("obligation", "prohibition",
                                                               "right"):
                raise Unsupported(f"a field of the output {name}")
            found = self.column(name)
            attribute = {"deadline": "deadline", "from": "start", "until": "end"}[field]
            dates = [getattr(d, attribute) if isinstance(d, Deontic) else None
                     for d in found.objects().tolist()]
            given = np.fromiter((isinstance(d, date) for d in dates), np.bool_, self.n)
            days = np.fromiter((day(d) if isinstance(d, date) else 0 for d in dates),
                               np.int64, self.n)
            has = (found.status == VALUE) & given
            # a date the deontic value does not have: the interpreter's error, left to it
            self.refs[output] = (days, has, found.status == NO_VALUE, "date")
        if output not in self.refs:
            entry = self.vocabulary.outputs[output]
            kind = entry.type.kind
            if kind not in ("date", "integer", "boolean", "enum", "timeline", *NUMBER_TYPES):
                raise Unsupported(f"reads the {kind} output {output}")
            found = self.column(output)
            has = found.status == VALUE
            # an output without a value (or in conflict, or in error: the interpreter's
            # UndeterminedError) — the backend itself gives only "no_value"
            none = found.status == NO_VALUE
            if kind == "timeline":          # the Timeline objects, read by has_month_with
                self.refs[output] = (np.where(has, found.objects(), None), has, none, kind)
                return self.refs[output]
            if kind in NUMBER_TYPES:          # exact numbers (int / Fraction objects)
                self.refs[output] = (np.where(has, found.objects(), 0), has, none, "number")
                return self.refs[output]
            if kind == "enum":
                texts = np.where(has, found.objects(), "")
                unique, inverse = np.unique(texts.astype(str), return_inverse=True)
                codes = np.array([self._code(str(t)) for t in unique], np.int64)
                data = np.where(has, codes[inverse], 0)
            elif found.tag == OBJECTS:
                raise Unsupported(f"reads {output}, whose values are not {kind} values")
            else:
                data = np.where(has, found.data, 0)
            self.refs[output] = (data.astype(np.bool_) if kind == "boolean"
                                 else data.astype(np.int64), has, none, kind)
        return self.refs[output]

    def _code(self, text: str) -> int:
        if text not in self.strings:
            self.strings.append(text)
        return self.strings.index(text)

    def _resolve(self, output: str) -> Values:
        rules = candidate_rules(self.kb, self.jurisdiction, output, self.reading)
        for rule in rules:
            if _may_be_disapplied(self.kb, rule):
                raise Unsupported(f"{rule.id} may be disapplied")
        n = self.n
        per_rule = [self._rule(rule, output, len(rules) == 1) for rule in rules]
        left = np.zeros(n, np.bool_)
        for found, _ in per_rule:
            left |= found.status == LEFT
        applicable = [found.status == VALUE for found, _ in per_rule]
        winners = []
        for r, rule in enumerate(rules):
            beaten = np.zeros(n, np.bool_)
            for o, (other, (_, positions)) in enumerate(zip(rules, per_rule, strict=True)):
                if o == r or other.id == rule.id:
                    continue
                beats = np.array([_beats(v, rule.id, output) for v in other.versions]
                                 + [False], np.bool_)
                beaten |= applicable[o] & beats[positions]
            winners.append(applicable[r] & ~beaten)
        tag = _same_tag([found for found, _ in per_rule]) if per_rule else INTS
        data = _empty(n, tag)
        count = np.zeros(n, np.int64)
        for (found, _), won in reversed(list(zip(per_rule, winners, strict=True))):
            data = np.where(won, _data_as(found, tag), data)
            count += won
        status = np.where(left, LEFT, np.where(count == 0, NO_VALUE, VALUE)).astype(np.int8)
        for i in np.flatnonzero(~left & (count > 1)).tolist():
            values = [_data_as(found, tag)[i] for (found, _), won in
                      zip(per_rule, winners, strict=True) if won[i]]
            if any(v != values[0] for v in values[1:]):
                status[i] = LEFT                  # a conflict (LX402): left to the interpreter
        resolved = Values(status, data, tag)
        if len(per_rule) == 1:
            resolved.missing = per_rule[0][0].missing
        return resolved

    def _rule(self, rule: Rule, output: str, single: bool = False) -> tuple[Values, Any]:
        """Per person, the rule's status and value, and the position of its version in
        ``rule.versions`` (len(rule.versions) where none is selected)."""
        n = self.n
        status = np.full(n, LEFT, np.int8)
        positions = np.full(n, len(rule.versions), np.int64)
        not_considered = np.zeros(n, np.bool_)
        if rule.selected_by is not None and rule.selected_if_missing == "not_applicable":
            not_considered |= ~self.present(rule.selected_by)   # about a fact not given
        if self.law_as_of is not None:
            on = np.full(n, day(self.law_as_of), np.int64)
            ok = np.ones(n, np.bool_)
        else:
            on, ok = self.date_of(rule.selected_by)
        active = ok & ~not_considered
        groups: dict[Any, tuple[RuleVersion, date, Any]] = {}
        if self.law_as_of is None and any(v.transitional for v in rule.versions):
            # the interpreter first tries the transitional clauses, in the order of the
            # versions, each on the persons whose as-of date is on or after its start
            reached = self._transitional(rule, groups)
            active &= ~reached
            not_considered &= ~reached
        status[not_considered] = NOT_CONSIDERED
        intervals = np.searchsorted(_breakpoints(self.kb, rule), on, side="right")
        for interval in np.unique(intervals[active]).tolist():
            members = active & (intervals == interval)
            on_day = to_date(int(on[np.argmax(members)]))
            version = rule.version_on(on_day)
            if version is None:
                status[members] = NOT_CONSIDERED
                continue
            key = (version.index, tuple(str(self.kb.parameters[p].value_on(on_day))
                                        for p in sorted(version.parameters.values())))
            if key in groups:
                groups[key] = (version, groups[key][1], groups[key][2] | members)
            else:
                groups[key] = (version, on_day, members)
        parts: list[tuple[Any, Values]] = []
        stage = np.full(n, -1, np.int8)
        for version, on_day, members in groups.values():
            rows = np.flatnonzero(members)
            part = self._group(rule, version, on_day, output, rows)
            status[rows] = part.status
            if part.stage is not None:
                stage[rows] = part.stage
            positions[rows] = rule.versions.index(version)
            parts.append((rows, part))
        tag = _same_tag([p for _, p in parts]) if parts else INTS
        data = _empty(n, tag)
        for rows, part in parts:
            data[rows] = _data_as(part, tag)
        found = Values(status, data, tag)
        days_read = np.array(on, np.int64)
        for key, (_, on_day, members) in groups.items():
            if key[0] == "transitional":
                days_read[members] = day(on_day)
        self._on_days[rule.id] = days_read
        if single:
            missing: dict[int, tuple[str, RuleVersion, date]] = {}
            for key, (version, on_day, members) in groups.items():
                rows = np.flatnonzero(members & (status == LEFT))
                # the day each person's version is selected on (the interpreter's ``on``,
                # named by the message of a parameter): a transitional clause's start, or
                # the person's own day
                days = np.full(len(rows), day(on_day), np.int64) \
                    if key[0] == "transitional" else on[rows]
                missing.update(self._missing(version, on_day, output, rows, days,
                                             stage[rows]))
            found.missing = missing
        return found, positions

    def _missing(self, version: RuleVersion, on: date, output: str, rows: Any, days: Any,
                 stages: Any) -> dict[int, tuple[str, RuleVersion, date]]:
        """Of the persons ``rows`` (left to the interpreter, the rule ``version`` selected on
        ``on``, the only rule of ``output``), those whose answer is the interpreter's
        "missing" one name: every name the version may read that can be missing for the
        person — a fact the case does not give, a parameter without a verified value on
        ``on`` — is that one name, and no output it reads is left to the interpreter for
        the person.  The persons with none or several such names are not given."""
        from ..compile.model import UNKNOWN
        conclusions = [c for c in version.conclusions if c.output == output]
        if not len(rows) or len(conclusions) != 1:
            return {}
        conclusion = conclusions[0]
        value_exprs = [t for t in (conclusion.value, conclusion.deadline, conclusion.start,
                                   conclusion.end) if t is not None]
        value_exprs += list(conclusion.each_month or ())
        stage_exprs = ([version.when] if version.when is not None else [],
                       [conclusion.when] if conclusion.when is not None else [], value_exprs)
        names = [""] * len(rows)
        ok = np.zeros(len(rows), np.bool_)
        read_on_as_of: dict[str, Any] = {}
        for k, typed in enumerate(stage_exprs):
            at = stages == k
            if not typed or not at.any():
                continue
            refs = _refs_with_lets(version, [t.expr for t in typed])
            facts = sorted({r.target for r in refs if r.kind == "fact"})
            unknown = sorted({r.target for r in refs if r.kind == "parameter" and (
                (v := self.kb.parameters[r.target].value_on(on)) is not None
                and v.value is UNKNOWN)})
            outputs = sorted({r.target.split(".", 1)[0] for r in refs if r.kind == "output"})
            read = [self.columns.get(name) for name in outputs]
            if len(unknown) > 1 or any(c is None for c in read):
                continue
            absent = [(~self.present(name)[rows]).tolist() for name in facts]
            left_in = [(column.status[rows] == LEFT).tolist() for column in read
                       if column is not None]
            persons = rows.tolist()
            for j in np.flatnonzero(at).tolist():
                i = persons[j]
                names_here = set(unknown)
                names_here.update(f for f, gone in zip(facts, absent, strict=True) if gone[j])
                for column, lefts in zip(read, left_in, strict=True):
                    assert column is not None
                    if lefts[j]:
                        # an output it reads: its own "missing" answer built here, or not
                        got = column.missing.get(i) if column.missing else None
                        if got is None:
                            break
                        names_here.add(got[0])
                else:
                    if len(names_here) == 1:
                        name = names_here.pop()
                        if name in self.kb.parameters and name not in read_on_as_of:
                            read_on_as_of[name] = self._read_on_as_of(name)
                        if name not in self.kb.parameters or read_on_as_of[name][i]:
                            names[j] = name
                            ok[j] = True
        chosen = np.flatnonzero(ok)
        # a parameter is read on the as-of date (or --law-as-of) by every rule (_as_of_only)
        as_of = self.date_of(None)[0][rows] if self.law_as_of is None else \
            np.full(len(rows), day(self.law_as_of), np.int64)
        days = np.where([n in self.kb.parameters for n in names], as_of, days)
        on_days = _objects(days[chosen], DATES).tolist()
        return {int(rows[j]): (names[j], version, d)
                for j, d in zip(chosen.tolist(), on_days, strict=True)}

    def _read_on_as_of(self, parameter: str) -> Any:
        """Per person, whether every rule that reads ``parameter`` reads it on the as-of
        date (or --law-as-of): no ``selected_by``, and a transitional clause (which does
        not read it) that does not reach the person.  The day the interpreter's message
        names ("no verified value ... on DAY": the day it last tried to read the
        parameter) is then the as-of date, whatever the order the outputs are evaluated
        in.  A rule with a transitional clause not yet resolved in this block: no one."""
        n = self.n
        if self.law_as_of is not None:
            return np.ones(n, np.bool_)
        as_of, ok = self.date_of(None)
        ok = ok.copy()
        for rule in self.kb.rules.values():
            if parameter not in _refs_of(rule, "parameter"):
                continue
            clauses = [(v, _refs_with_lets(v, [v.transitional[0].expr]))
                       for v in rule.versions if v.transitional is not None]
            if rule.selected_by is not None or any(
                    r.kind == "parameter" and r.target == parameter
                    for _, refs in clauses for r in refs):
                return np.zeros(n, np.bool_)
            if clauses:
                days = self._on_days.get(rule.id)
                if days is None and not any(r.kind == "output" for _, refs in clauses
                                            for r in refs):
                    # the clauses read no output: which persons they reach, worked out
                    # here (the rule is not resolved yet in this block)
                    groups: dict[Any, tuple[RuleVersion, date, Any]] = {}
                    try:
                        self._transitional(rule, groups)
                    except Unsupported:
                        return np.zeros(n, np.bool_)
                    days = as_of.copy()
                    for _, on_day, members in groups.values():
                        days[members] = day(on_day)
                if days is None:
                    return np.zeros(n, np.bool_)
                ok &= days == as_of
        return ok

    def _transitional(self, rule: Rule, groups: dict[Any, tuple[RuleVersion, date, Any]]
                      ) -> Any:
        """The persons a transitional clause reaches (added to ``groups``) or whom it
        leaves to the interpreter (a clause that cannot be told, an as-of date missing);
        the others go on to the ordinary choice of version."""
        as_of, known = self.date_of(None)
        decided = ~known                       # no as-of date: left to the interpreter
        for version in rule.versions:
            if not version.transitional:
                continue
            asked = ~decided & (as_of >= day(version.valid_from))
            if not asked.any():
                continue
            rows = np.flatnonzero(asked)
            whole = None if len(rows) == self.n else rows
            compiler = Compiler(self.kb, version, version.valid_from,
                                self._block(rule, whole), self.reference, whole)
            value = compiler.value(version.transitional[0].expr)
            if value.kind != "boolean" or (value.data.ndim == 2 and value.data.shape[1] != 1):
                raise Unsupported("a transitional clause that is not a condition")
            size = len(rows)
            held = np.broadcast_to(value.data, (size, 1)).ravel()
            unknown = np.broadcast_to(value.missing | value.undetermined, (size, 1)).ravel()
            decided[rows[unknown]] = True
            reaches = rows[held & ~unknown]
            if len(reaches):
                members = np.zeros(self.n, np.bool_)
                members[reaches] = True
                groups[("transitional", version.index)] = (version, version.valid_from,
                                                           members)
                decided |= members
        return decided

    def _group(self, rule: Rule, version: RuleVersion, on: date, output: str,
               rows: Any) -> Values:
        conclusions = [c for c in version.conclusions if c.output == output]
        if not conclusions:
            return Values(np.full(len(rows), NOT_APPLICABLE, np.int8),
                          np.zeros(len(rows), np.int64), INTS)
        whole = None if len(rows) == self.n else rows
        parts = [self._conclusion(rule, version, on, conclusion, whole)
                 for conclusion in conclusions]
        if len(parts) == 1:
            return parts[0]
        return _merged(parts)

    def _conclusion(self, rule: Rule, version: RuleVersion, on: date, conclusion: Any,
                    rows: Any) -> Values:
        output = conclusion.output
        block = self._block(rule, rows)
        entry = self.vocabulary.outputs[output]
        compiler = Compiler(self.kb, version, on, block, self.reference, rows)
        applies = np.ones(block.n, np.bool_)            # known to apply
        unknown = np.zeros(block.n, np.bool_)           # left to the interpreter
        failed = np.zeros(block.n, np.bool_)            # an output it reads has no value
        stages = np.full(block.n, -1, np.int8)
        for k, condition in enumerate((version.when, conclusion.when)):
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
            stages[applies & missing] = k
            failed |= applies & und & ~missing
            applies &= held & ~missing & ~und
        found = _values(compiler, block, conclusion, entry, applies)
        status = np.where(unknown, LEFT, np.where(failed, FAILED, np.where(
            ~applies, NOT_APPLICABLE, found.status))).astype(np.int8)
        result = Values(status, found.data, found.tag)
        result.stage = np.where(stages >= 0, stages, np.where(status == LEFT, 2, -1))
        return result


OutputRefColumn = tuple[Any, Any, Any, str]


def _merged(parts: list[Values]) -> Values:
    """One rule version's outcome for every person when several of its conclusions give
    the output, as the interpreter resolves them: the conclusions that apply give the value
    (two different values are a conflict, left to the interpreter); one that failed matters
    only when none applies."""
    tag = _same_tag(parts)
    n = len(parts[0].status)
    left = np.zeros(n, np.bool_)
    failed = np.zeros(n, np.bool_)
    count = np.zeros(n, np.int64)
    data = _empty(n, tag)
    for part in reversed(parts):
        left |= part.status == LEFT
        failed |= part.status == FAILED
        holds = part.status == VALUE
        count += holds
        data = np.where(holds, _data_as(part, tag), data)
    status = np.where(left, LEFT, np.where(count > 0, VALUE, np.where(
        failed, FAILED, NOT_APPLICABLE))).astype(np.int8)
    for i in np.flatnonzero(~left & (count > 1)).tolist():
        values = [_data_as(p, tag)[i] for p in parts if p.status[i] == VALUE]
        if any(v != values[0] for v in values[1:]):
            status[i] = LEFT
    return Values(status, data, tag)


def _beats(version: RuleVersion, other_rule: str, output: str) -> bool:
    return any(e.rule == other_rule and (not e.outputs or output in e.outputs)
               for e in version.exceptions)


def _values(compiler: Compiler, block: Block, conclusion: Any, entry: Any,
            applies: Any) -> Values:
    """The value of a conclusion for the persons it applies to: status VALUE, FAILED or
    LEFT (meaningful where it applies)."""
    n = block.n
    if conclusion.each_month is not None and conclusion.value is not None:
        return _timelines(compiler, block, conclusion, entry, applies)
    if conclusion.value is not None and entry.type.kind in ("date", "integer", "boolean",
                                                              "enum"):
        value = compiler.value(conclusion.value.expr)
        missing = np.broadcast_to(value.missing, (n, 1)).ravel()
        und = np.broadcast_to(value.undetermined, (n, 1)).ravel()
        status = np.where(missing, LEFT, np.where(und, FAILED, VALUE)).astype(np.int8)
        data = np.broadcast_to(value.data, (n, 1)).ravel()
        if value.kind == "enum":
            return Values(status, block.text(data), OBJECTS)
        if value.kind == "date":
            return Values(status, data.astype(np.int64), DATES)
        if value.kind == "boolean":
            return Values(status, data.astype(np.bool_), BOOLS)
        if value.kind in ("integer", "duration") and entry.type.kind == "integer":
            return Values(status, data.astype(np.int64), INTS)
        objects = np.empty(n, object)
        objects[:] = [_python(x, entry.type, value.kind) for x in data.tolist()]
        return Values(status, objects, OBJECTS)
    if conclusion.value is not None and entry.type.kind in ("duration", "months"):
        wrap: Any = Duration if entry.type.kind == "duration" else Months
        return _counted_values(compiler.value(conclusion.value.expr), entry.type.kind, n,
                               wrap)
    if conclusion.value is not None and entry.type.kind in NUMBER_TYPES:
        value = compiler.value(conclusion.value.expr)
        if value.kind not in ("number", "rate", "integer"):
            raise Unsupported(f"a {entry.type.kind} conclusion of a {value.kind}")
        missing = np.broadcast_to(value.missing, (n, 1)).ravel()
        und = np.broadcast_to(value.undetermined, (n, 1)).ravel()
        status = np.where(missing, LEFT, np.where(und, FAILED, VALUE)).astype(np.int8)
        exact = np.empty(n, object)
        exact[:] = np.broadcast_to(exact_objects(value), (n, 1)).ravel()
        return Values(status, exact, OBJECTS)
    if entry.type.kind in ("obligation", "prohibition", "right"):
        return _deontics(compiler, block, conclusion, entry, applies)
    raise Unsupported(f"a {entry.type.kind} conclusion")


def _timelines(compiler: Compiler, block: Block, conclusion: Any, entry: Any,
               applies: Any) -> Values:
    n = block.n
    status = np.full(n, LEFT, np.int8)
    objects = np.empty(n, object)
    first = compiler.value(conclusion.each_month[0].expr)
    last = compiler.value(conclusion.each_month[1].expr)
    m_first = month_of_day(np.broadcast_to(first.data, (n, 1))).ravel()
    m_last = month_of_day(np.broadcast_to(last.data, (n, 1))).ravel()
    bounds_failed = (first.missing | last.missing | first.undetermined | last.undetermined)
    known = ~np.broadcast_to(bounds_failed, (n, 1)).ravel()
    if not known.any():
        return Values(status, objects, OBJECTS)
    low, high = int(m_first[known].min()), int(m_last[known].max())
    block.months = np.arange(low, max(low, high) + 1, dtype=np.int64).reshape(1, -1)
    compiler.memo.clear()
    compiler._und.clear()
    value = compiler.value(conclusion.value.expr)
    width = block.months.shape[1]
    data = np.broadcast_to(value.data, (n, width))
    missing = np.broadcast_to(value.missing, data.shape)
    undetermined = np.broadcast_to(value.undetermined, data.shape)
    a = np.clip(m_first - low, 0, width)
    b = np.clip(m_last - low, -1, width - 1)
    wanted = known & applies
    empty = wanted & (m_first > m_last)
    status[empty] = VALUE
    objects[empty] = [Timeline(())] * int(empty.sum())
    rest = wanted & ~empty
    # any missing (failed) month of a person's own months: prefix sums over the grid
    column = np.arange(width).reshape(1, -1)
    inside = (column >= a.reshape(-1, 1)) & (column <= b.reshape(-1, 1))
    any_missing = (missing & inside).any(axis=1)
    any_failed = (undetermined & inside).any(axis=1)
    status[rest & any_missing] = LEFT
    status[rest & ~any_missing & any_failed] = FAILED
    chosen = np.flatnonzero(rest & ~any_missing & ~any_failed)
    status[chosen] = VALUE
    if len(chosen):
        # one entry per (month, value) shared by every person who has it
        inner = entry.type.of
        starts = [to_date(int(d)) for d in _month_starts(block.months)]
        ends = [_month_end(s) for s in starts]
        if value.kind == "enum":
            codes = data[chosen].astype(np.int64)
            texts = [str(t) for t in block.strings]
            # entries only for the values met (the block's enum values are all outputs')
            used = np.unique(codes).tolist()
            table: list[list[Any]] = [[None] * len(texts) for _ in range(width)]
            for k, entries in enumerate(table):
                for c in used:
                    entries[c] = (starts[k], ends[k], texts[c])
        else:
            unique, inverse = _unique_inverse(data[chosen])
            codes = inverse.reshape(len(chosen), width)
            python = [_python(u, inner) for u in unique.tolist()]
            table = [[(starts[k], ends[k], v) for v in python] for k in range(width)]
        rows = codes.tolist()
        lows, highs = a[chosen].tolist(), b[chosen].tolist()
        pick = list.__getitem__
        objects[chosen] = [Timeline(tuple(map(pick, table[lo:hi + 1], row[lo:hi + 1])))
                           for row, lo, hi in zip(rows, lows, highs, strict=True)]
    return Values(status, objects, OBJECTS)


def _unique_inverse(data: Any) -> tuple[Any, Any]:
    """``np.unique(data, return_inverse=True)`` (the distinct values in order, and per
    element its index among them); integers in a narrow range by a table rather than a
    sort."""
    if data.size and data.dtype.kind in "iu":
        low, high = int(data.min()), int(data.max())
        if high - low <= 4 * data.size:
            offsets = (data - low).astype(np.int64)
            seen = np.zeros(high - low + 1, np.bool_)
            seen[offsets.ravel()] = True
            index = np.cumsum(seen) - 1
            return (np.flatnonzero(seen) + low).astype(data.dtype), index[offsets]
    return np.unique(data, return_inverse=True)


def _unique_rows(columns: list[Any]) -> tuple[list[Any], Any]:
    """The distinct rows of one or two columns of day numbers (each column's values of
    the distinct rows, in order) and per row its index among them."""
    if len(columns) == 1:
        unique, inverse = _unique_inverse(columns[0])
        return [unique], inverse
    first, second = columns
    if not len(first):
        return [first, second], np.zeros(0, np.int64)
    low, width = int(second.min()), int(second.max()) - int(second.min()) + 1
    keys = (first - int(first.min())) * width + (second - low)
    unique, inverse = _unique_inverse(keys)
    return [unique // width + int(first.min()), unique % width + low], inverse


def _deontics(compiler: Compiler, block: Block, conclusion: Any, entry: Any,
              applies: Any) -> Values:
    n = block.n
    kind = entry.type.kind
    exprs = [conclusion.deadline] if kind == "obligation" else [conclusion.start,
                                                                 conclusion.end]
    if any(e is None for e in exprs):
        raise Unsupported(f"a {kind} without its dates")
    dates, missing, und = [], np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    for e in exprs:
        value = compiler.value(e.expr)
        if value.kind != "date":
            raise Unsupported(f"a {kind} with a {value.kind} date")
        dates.append(np.broadcast_to(value.data, (n, 1)).ravel())
        missing |= np.broadcast_to(value.missing, (n, 1)).ravel()
        und |= np.broadcast_to(value.undetermined, (n, 1)).ravel()
    status = np.where(missing, LEFT, np.where(und, FAILED, VALUE)).astype(np.int8)
    holder = entry.holder or ""
    objects = np.empty(n, object)
    chosen = np.flatnonzero((status == VALUE) & applies)
    # one Deontic per distinct date (or pair of dates), shared by the persons who have it
    unique, inverse = _unique_rows([d[chosen].astype(np.int64) for d in dates])
    as_dates = [_objects(u, DATES).tolist() for u in unique]
    distinct = np.empty(len(as_dates[0]), object)
    if kind == "obligation":
        distinct[:] = [Deontic("obligation", holder, deadline=d) for d in as_dates[0]]
    else:
        distinct[:] = [Deontic(kind, holder, start=s, end=e)
                       for s, e in zip(as_dates[0], as_dates[1], strict=True)]
    objects[chosen] = distinct[inverse.reshape(-1)]
    return Values(status, objects, OBJECTS)


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


def _counted_values(value: Value, kind: str, n: int, wrap: Any) -> Values:
    """A conclusion that is a number of days or of months, per person as ``wrap(count)``
    (the interpreter's Duration / Months)."""
    if value.kind != kind:
        raise Unsupported(f"a {kind} conclusion of a {value.kind}")
    missing = np.broadcast_to(value.missing, (n, 1)).ravel()
    und = np.broadcast_to(value.undetermined, (n, 1)).ravel()
    status = np.where(missing, LEFT, np.where(und, FAILED, VALUE)).astype(np.int8)
    # one object per distinct count, shared by the persons who have it
    unique, inverse = _unique_inverse(np.broadcast_to(value.data, (n, 1)).ravel())
    distinct = np.empty(len(unique), object)
    distinct[:] = [wrap(int(c)) for c in unique.tolist()]
    return Values(status, distinct[inverse.reshape(-1)], OBJECTS)
