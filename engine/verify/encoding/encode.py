"""Stage 5 (verify): the knowledge base (``compile.model``) → Z3 constraints.

Input: a :class:`KnowledgeBase`, a jurisdiction, the as-of date (a term: fixed, or free
with ``--all-dates``) and optionally the date of the law (``law_as_of``).  Output, per
output name and on demand: an :class:`OutputEnc` whose constraints define, for every
conclusion, whether it applies and its value, and the output's status as the evaluator
resolves it (version selection, exceptions, readings, conflicts).

The constraint defining a conclusion is labelled with its rule version id
(``lu.code_du_travail.L121-6.p2@2009-01-01``), so that unsat cores read as citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from ...calendar.dates import from_day_number, to_day_number
from ...compile.model import (
    AUTHORITY_RANK,
    UNKNOWN,
    Conclusion,
    Rule,
    RuleVersion,
    Type,
)
from .encode_expr import (
    FALSE,
    TRUE,
    AbstractCall,
    E,
    ExprEncoder,
    ExprScope,
    NotEncodable,
    and_,
    not_,
    or_,
    sequence,
)
from .facts import encode_constant
from .fast_terms import const, eq, ge, int_val, is_int_value, ite
from .shared import Shared, _coerce, _zero, in_force, value_sorts
from .timelines import FULL, Frame

Constraint = tuple[str | None, Any]      # (tracking label or None, formula)
_BOOL = z3.BoolSort()


@dataclass
class ConclusionEnc:
    rule: Rule
    version: RuleVersion
    conclusion: Conclusion
    applies: Any                       # Bool constant
    bad: Any                           # Bool constant: a missing fact or an error
    values: tuple[Any, ...]            # constants
    winner: Any = FALSE


@dataclass
class OutputEnc:
    name: str
    type: Type
    owner: str
    conclusions: list[ConclusionEnc] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    deps: set[str] = field(default_factory=set)
    facts: set[str] = field(default_factory=set)
    abstract_calls: list[AbstractCall] = field(default_factory=list)
    value: tuple[Any, ...] = ()
    bad: Any = FALSE
    any_winner: Any = FALSE
    conflict: Any = FALSE
    not_encodable: str | None = None     # "<rule id>: <construct>"
    timeline_only: bool = False          # not encodable only because of a timeline
    unknown: list[Any] = field(default_factory=list)   # "known?" of unknown parameters
    beyond: Any = FALSE        # the case is beyond the timeline horizon (timelines.py)

    @property
    def has_value(self) -> Any:
        return and_(not_(self.bad), self.any_winner, not_(self.conflict))

    @property
    def no_value(self) -> Any:
        return and_(not_(self.bad), not_(self.any_winner))

    @property
    def in_conflict(self) -> Any:
        return and_(not_(self.bad), self.conflict)


class LawEncoding:
    """The law of one jurisdiction, as of ``law_as_of`` or as the evaluator selects it."""

    def __init__(self, shared: Shared, as_of: Any, *, law_as_of: date | None = None,
                 reading: str | None = None, tag: str = "", timelines: bool = False,
                 frame: Frame = FULL) -> None:
        self.shared = shared
        #: encode timeline outputs (timelines.py, abstraction timeline_horizon)
        self.timelines = timelines
        #: the months the timelines hold (a narrower frame for the witness search of
        #: checks/timeline_search.py)
        self.frame = frame
        self.kb = shared.kb
        self.as_of = as_of
        self.law_as_of = law_as_of
        self.reading = reading
        self.tag = tag
        self.outputs: dict[str, OutputEnc] = {}
        self.vocabulary = self.kb.vocabularies[shared.jurisdiction]
        self._lets: dict[tuple[str, str, str], E] = {}

    # outputs ------------------------------------------------------------------------
    def candidates(self, name: str) -> list[Rule]:
        """The rules taking part for ``name`` (readings as in the evaluator)."""
        rules = self.shared.concluding(name)
        readings = {r.reading for r in rules if r.reading}
        if not readings:
            return rules
        if self.reading is not None and self.reading in readings:
            chosen: str | None = self.reading
        else:
            ranked = sorted((r for r in rules if r.reading),
                            key=lambda r: (AUTHORITY_RANK.index(r.authority), r.id))
            chosen = ranked[0].reading
        return [r for r in rules if r.reading in (None, chosen)]

    def output(self, name: str) -> OutputEnc:
        if name in self.outputs:
            return self.outputs[name]
        entry = self.vocabulary.outputs[name]
        out = OutputEnc(name, entry.type, f"{self.tag}{name}")
        self.outputs[name] = out
        calendar = self.shared.calendar
        saved, calendar.owner = calendar.owner, out.owner
        try:
            if entry.type.kind == "timeline" and not self.timelines:
                raise NotEncodable("an output of type timeline", timeline=True)
            sorts = value_sorts(entry.type)
            for rule in self.candidates(name):
                self._encode_rule(out, rule, sorts)
            self._resolve(out, sorts)
        except NotEncodable as exc:
            rule_id = getattr(exc, "rule_id", None)
            out.not_encodable = f"{rule_id}: {exc.construct}" if rule_id else exc.construct
            out.timeline_only = exc.timeline
        finally:
            calendar.owner = saved
        return out

    def cone(self, names: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo += sorted(self.output(name).deps)
        return seen

    def _resolve(self, out: OutputEnc, sorts: tuple[Any, ...]) -> None:
        cs = out.conclusions
        for c in cs:
            beaters = [o.applies for o in cs if o.rule.id != c.rule.id and any(
                e.rule == c.rule.id and (not e.outputs or out.name in e.outputs)
                for e in o.version.exceptions)]
            c.winner = and_(c.applies, not_(or_(*beaters)))
        out.bad = or_(*[c.bad for c in cs])
        out.any_winner = or_(*[c.winner for c in cs])
        pairs = [and_(a.winner, b.winner, not_(and_(*[eq(x, y) for x, y in zip(
            a.values, b.values, strict=True)])))
            for i, a in enumerate(cs) for b in cs[i + 1:]]
        out.conflict = or_(*pairs)
        consts = tuple(const(f"{out.owner}.value{i}", s) for i, s in enumerate(sorts))
        chain: tuple[Any, ...] = consts
        for c in reversed(cs):
            chain = tuple(ite(c.winner, v, w) for v, w in zip(c.values, chain, strict=True))
        if cs:
            out.constraints.append((None, and_(*[eq(x, y) for x, y in zip(
                consts, chain, strict=True) if x is not y])))
        out.value = consts

    # rules ----------------------------------------------------------------------------
    def _encode_rule(self, out: OutputEnc, rule: Rule, sorts: tuple[Any, ...]) -> None:
        try:
            selected, on, sel_bad, sel_und = self._select(out, rule)
            dis_on, dis_bad, dis_und = self._disapplied(out, rule)
            sel_bad, sel_und = or_(sel_bad, dis_bad), or_(sel_und, dis_und)
            selected = {i: and_(s, not_(dis_on)) for i, s in selected.items()}
            for version in rule.versions:
                for k, conclusion in enumerate(version.conclusions):
                    if conclusion.output == out.name:
                        self._conclusion(out, rule, version, k, conclusion, sorts,
                                         selected[version.index], on[version.index],
                                         sel_bad, sel_und)
        except NotEncodable as exc:
            exc.rule_id = rule.id    # type: ignore[attr-defined]
            raise
        except z3.Z3Exception as exc:   # translated here: a diagnostic naming the rule
            problem = NotEncodable(f"an expression Z3 rejects ({exc})")
            problem.rule_id = rule.id    # type: ignore[attr-defined]
            raise problem from None

    def _disapplied(self, out: OutputEnc, rule: Rule) -> tuple[Any, Any, Any]:
        """Whether a provision disapplies ``rule`` (disapplies:), and whether that cannot be
        told (bad: a fact is missing; und: an output it reads has no value) — as the
        evaluator's ``disapplied_by``."""
        on_any, bad, und = FALSE, FALSE, FALSE
        if not hasattr(self, "_disapplying"):     # the few rules that disapply others, once
            self._disapplying = [r for r in self.kb.rules.values()
                                 if any(v.disapplications for v in r.versions)]
        for other in self._disapplying:
            versions = [v for v in other.versions
                        if any(d.covers(rule.id) for d in v.disapplications)]
            if not versions or other.jurisdiction != rule.jurisdiction or other.id == rule.id:
                continue
            selected, on, sel_bad, sel_und = self._select(out, other)
            going = and_(not_(sel_bad), not_(sel_und))
            bad, und = or_(bad, sel_bad), or_(und, and_(not_(sel_bad), sel_und))
            for version in versions:
                scope = self._scope(out, other, version, on[version.index])
                encoder: ExprEncoder = scope.encoder   # type: ignore[attr-defined]
                for dis in version.disapplications:
                    if not dis.covers(rule.id):
                        continue
                    alive = and_(going, selected[version.index])
                    for guard in (encoder.encode(t.expr) for t in (version.when, dis.when)
                                  if t is not None):
                        bad = or_(bad, and_(alive, guard.bad))
                        und = or_(und, and_(alive, not_(guard.bad), guard.und))
                        alive = and_(alive, not_(guard.bad), not_(guard.und), guard.term)
                    on_any = or_(on_any, alive)
                out.abstract_calls += scope.abstract_calls
                out.beyond = or_(out.beyond, *scope.beyond)
        return on_any, bad, und

    def _scope(self, out: OutputEnc, rule: Rule, version: RuleVersion, on: Any) -> ExprScope:
        facts = self.shared.facts

        def fact(name: str) -> E:
            out.facts.add(name)
            var = facts.get(name)
            return E((var.term,), not_(var.given))

        def given(name: str) -> Any:
            out.facts.add(name)
            return facts.get(name).given

        def output_ref(name: str, fieldname: str | None) -> E:
            other = self.output(name)
            if other.not_encodable:
                raise NotEncodable(f"it uses {name!r}, which is not verifiable "
                                   f"({other.not_encodable})", timeline=other.timeline_only)
            out.deps.add(name)
            terms = other.value
            if fieldname is not None:
                terms = (terms[1],) if fieldname == "until" else (terms[0],)
            return E(terms, other.bad, and_(not_(other.bad), not_(other.has_value)))

        scope = ExprScope(fact, lambda pid: self._parameter(out, pid, on), lambda n: E(()),
                          output_ref, given, self.shared.calendar, self.shared.interner,
                          rule.jurisdiction, f"{self.tag}{version.id}")
        scope.timelines = self.timelines
        scope.frame = self.frame
        encoder = ExprEncoder(scope)
        lets = dict(version.lets)

        on_key = self._on_key(on)

        def local(name: str) -> E:
            key = (out.owner, f"{version.id}@{on_key}", name)
            if key not in self._lets:
                self._lets[key] = encoder.encode(lets[name].expr)
            return self._lets[key]
        scope.local = local
        scope.encoder = encoder       # type: ignore[attr-defined]
        return scope

    def _on_key(self, on: Any) -> str:
        """The text of ``on`` simplified: the key of the lets of a version on that day
        (text: an id may be reused once freed).  Asked for every conclusion, of a few
        distinct days: kept per term (``on`` kept alive, its id then stays its own) when
        simplifying gives ``on`` itself — so no term is built or freed by asking again."""
        memo: dict[int, tuple[str, Any]] = self.__dict__.setdefault("_on_keys", {})
        found = memo.get(on.get_id())
        if found is not None:
            return found[0]
        simple = z3.simplify(on)
        key: str = simple.sexpr()
        if simple.eq(on):
            memo[on.get_id()] = (key, on)
        return key

    def selection_day(self, rule: Rule) -> Any:
        """The date on which ``rule``'s version is chosen (transitional clauses aside)."""
        if self.law_as_of is not None:
            return int_val(to_day_number(self.law_as_of))
        if rule.selected_by:
            return self.shared.facts.get(rule.selected_by).term
        return self.as_of

    def _parameter(self, out: OutputEnc, param_id: str, on: Any) -> E:
        """The parameter's value on the day ``on``, built once per encoding and day (a
        timeline reads its parameters in every month): the same terms, and the same
        "known?" of unknown values recorded for ``out``."""
        key = (param_id, on.get_id())
        memo: dict[Any, tuple[E, list[Any], Any]] = self.__dict__.setdefault("_params", {})
        if key not in memo:
            mark = len(out.unknown)
            found = self._parameter_on(out, param_id, on)
            memo[key] = (found, out.unknown[mark:], on)   # ``on`` kept alive: Z3 reuses
            return found                                  # the id of a freed term
        found, unknown, _ = memo[key]
        out.unknown += unknown
        return found

    def _parameter_on(self, out: OutputEnc, param_id: str, on: Any) -> E:
        param = self.kb.parameters[param_id]
        kind = param.type.kind
        fixed = is_int_value(on)        # the date is a number
        if fixed:
            current = param.value_on(from_day_number(on.as_long()))
            values = [current] if current is not None else []
            start_ok: Any = TRUE if current is not None else FALSE
        else:
            values, start_ok = list(param.values), FALSE
        # the value before the first entry is never read (``bad`` is true there): the first
        # known value stands for it, so that a parameter with one value is a constant
        concrete = [v.value for v in values if v.value is not None and v.value is not UNKNOWN]
        term: Any = self._constant(param_id, concrete[0] if concrete else _zero(kind))
        bad: Any = TRUE if not values else not_(start_ok) if fixed else TRUE
        for value in values:
            applies = TRUE if fixed else ge(on, to_day_number(value.start))
            if value.value is None:
                bad = ite(applies, TRUE, bad)
                continue
            if value.value is UNKNOWN:
                # abstraction unknown_parameters: a free value, "missing" unless assumed
                known = const(f"parameter:{param_id}@{value.start}?", _BOOL)
                out.unknown.append(known)
                sort = value_sorts(param.type)[0]
                free = const(f"parameter:{param_id}@{value.start}", sort)
                term, bad = ite(applies, free, term), ite(applies, not_(known), bad)
                continue
            constant = self._constant(param_id, value.value)
            term = term if z3.eq(constant, term) else ite(applies, constant, term)
            bad = ite(applies, FALSE, bad)
        return E((z3.simplify(term) if fixed else term,), z3.simplify(bad) if fixed else bad)

    def _constant(self, param_id: str, value: Any) -> Any:
        try:
            return encode_constant(value, self.shared.interner)
        except TypeError:
            raise NotEncodable(f"the value {value!r} of the parameter {param_id}") from None

    def _select(self, out: OutputEnc, rule: Rule) -> tuple[dict[int, Any], dict[int, Any],
                                                           Any, Any]:
        """For each version: selected?, the date its parameters use; and bad/und."""
        if self.law_as_of is not None:
            day = int_val(to_day_number(self.law_as_of))
            concerned_law: Any = TRUE
            if rule.selected_by and rule.selected_if_missing == "not_applicable":
                # --law-as-of chooses the version, never the rule's applicability
                var = self.shared.facts.get(rule.selected_by)
                out.facts.add(rule.selected_by)
                concerned_law = var.given
            return ({v.index: and_(concerned_law, in_force(v, day)) for v in rule.versions},
                    {v.index: day for v in rule.versions}, FALSE, FALSE)
        bad, und, going = FALSE, FALSE, TRUE
        chosen: dict[int, Any] = {}
        for version in rule.versions:
            if version.transitional is None:
                continue
            frm = int_val(to_day_number(version.valid_from))
            scope = self._scope(out, rule, version, frm)
            reaches = scope.encoder.encode(   # type: ignore[attr-defined]
                version.transitional[0].expr)
            out.abstract_calls += scope.abstract_calls
            out.beyond = or_(out.beyond, *scope.beyond)
            evaluated = and_(going, ge(self.as_of, frm))
            bad = or_(bad, and_(evaluated, reaches.bad))
            und = or_(und, and_(evaluated, not_(reaches.bad), reaches.und))
            chosen[version.index] = and_(evaluated, not_(reaches.bad), not_(reaches.und),
                                         reaches.term)
            going = and_(going, not_(and_(evaluated, or_(reaches.bad, reaches.und,
                                                         reaches.term))))
        concerned = going
        if rule.selected_by:
            var = self.shared.facts.get(rule.selected_by)
            out.facts.add(rule.selected_by)
            day = var.term
            if rule.selected_if_missing == "not_applicable":
                concerned = and_(going, var.given)   # without the fact the rule does not apply
            else:
                bad = or_(bad, and_(going, not_(var.given)))
        else:
            day = self.as_of
        selected = {v.index: or_(chosen.get(v.index, FALSE), and_(concerned, in_force(v, day)))
                    for v in rule.versions}
        on = {v.index: (ite(chosen[v.index], int_val(to_day_number(v.valid_from)), day)
                        if v.index in chosen else day) for v in rule.versions}
        return selected, on, bad, und

    def _conclusion(self, out: OutputEnc, rule: Rule, version: RuleVersion, k: int,
                    conclusion: Conclusion, sorts: tuple[Any, ...], selected: Any, on: Any,
                    sel_bad: Any, sel_und: Any) -> None:
        scope = self._scope(out, rule, version, on)
        encoder: ExprEncoder = scope.encoder   # type: ignore[attr-defined]
        guards = [encoder.encode(t.expr) for t in (version.when, conclusion.when) if t]
        parts = [t for t in (conclusion.value, conclusion.deadline, conclusion.start,
                             conclusion.end) if t is not None]
        beyond: Any = FALSE
        if conclusion.each_month is not None:       # abstraction timeline_horizon
            from .timelines import encode_timeline
            frm, until = (encoder.encode(t.expr) for t in conclusion.each_month)
            assert conclusion.value is not None
            timeline, beyond = encode_timeline(scope, encoder.encode, conclusion.value.expr,
                                               frm, until, sorts[2])
            values = [timeline]
        else:
            values = [encoder.encode(t.expr) for t in parts]
        out.abstract_calls += scope.abstract_calls
        bad, alive = sel_bad, and_(selected, not_(sel_bad), not_(sel_und))
        for guard in guards:
            bad = or_(bad, and_(alive, guard.bad))
            alive = and_(alive, not_(guard.bad), not_(guard.und), guard.term)
        out.beyond = or_(out.beyond, and_(alive, beyond), *scope.beyond)
        value_bad, value_und = sequence(values)
        bad = or_(bad, and_(alive, value_bad))
        alive = and_(alive, not_(value_bad), not_(value_und))
        base = f"{self.tag}{version.id}#{out.name}#{k}"
        applies, is_bad = const(base + ".applies", _BOOL), const(base + ".bad", _BOOL)
        if conclusion.each_month is not None:
            terms = list(values[0].terms)
        else:
            terms = [_coerce(e.term, s) for e, s in zip(values, sorts, strict=True)]
        consts = tuple(const(f"{base}.value{i}", s) for i, s in enumerate(sorts))
        definition = [eq(applies, alive), eq(is_bad, bad),
                      *[eq(c, t) for c, t in zip(consts, terms, strict=True)]]
        out.constraints.append((version.id, and_(*definition)))
        out.conclusions.append(ConclusionEnc(rule, version, conclusion, applies, is_bad,
                                             consts))


def query_constraints(encodings: list[LawEncoding], names: dict[int, set[str]], *,
                      unknown_missing: bool = True, within_horizon: bool = True
                      ) -> tuple[list[Constraint], list[AbstractCall], set[str]]:
    """The constraints of the outputs ``names[i]`` of ``encodings[i]`` and of what they
    use: definitions, fact domains, calendar assumptions; plus the abstract calls.
    ``unknown_missing``: a parameter whose value no source gives is missing, as in the
    evaluator (False: it may take any value, for the dead-rule check)."""
    constraints: list[Constraint] = []
    calls: list[AbstractCall] = []
    facts: set[str] = set()
    shared = encodings[0].shared
    for i, enc in enumerate(encodings):
        for name in sorted(enc.cone(names.get(i, set()))):
            out = enc.output(name)
            constraints += out.constraints
            calls += out.abstract_calls
            facts |= out.facts
            constraints += [(None, a) for a in shared.calendar.by_owner.get(out.owner, [])]
            if unknown_missing:
                constraints += [(None, not_(k)) for k in out.unknown]
            if within_horizon and not z3.is_false(out.beyond):   # timeline_horizon
                constraints.append((None, not_(out.beyond)))
    constraints += [(None, d) for d in shared.facts.constraints(facts)]
    return constraints, calls, facts
