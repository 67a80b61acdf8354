"""Stage 4 (evaluate): KnowledgeBase + Case + as-of date → Outcome (values with their trace).

For each output, the rules that conclude it are considered; for each rule the version is
chosen explicitly (tempus regit actum):

1. under ``law_as_of``, the version in force on that date, whatever the facts' dates;
2. otherwise a version whose transitional clause reaches the facts (and which is in force
   by the as-of date) wins;
3. otherwise the version in force on the date of the rule's ``selected_by`` fact, or on
   the as-of date if the rule has none.

Parameters take their value on the same date.  A conclusion applies when its version's
``when`` and its own ``when`` hold.  Among applicable conclusions, one from a rule declared
``exception_to`` another prevails over it; two remaining conclusions with different values
are a conflict (LX402), never a silent first-wins.  A fact the case does not give, and that
a conclusion needs, is reported by name (LX401).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from ..calendar.dates import (
    OUTSIDE_THE_CALENDAR,
    DateRangeError,
    MonthPolicy,
    add_months,
    start_of_month,
)
from ..compile.model import (
    AUTHORITY_RANK,
    UNKNOWN,
    Citation,
    Conclusion,
    Deontic,
    KnowledgeBase,
    Literal,
    Rule,
    RuleVersion,
    Timeline,
    Type,
    Typed,
    Vocabulary,
)
from ..diagnostics import Diagnostic, error
from .builtins import EvaluationError, table
from .case import Case
from .derive import prepare_case
from .expressions import Env, MissingFactError, UndeterminedError, compiled
from .expressions import evaluate as evaluate_expr
from .trace import ParameterUse, TraceNode


@dataclass(init=False)
class OutputResult:
    name: str
    status: str                      # value | no_value | missing | conflict | error
    value: Any
    type: Type
    trace: list[TraceNode] = field(default_factory=list)   # the conclusions that gave it
    missing: tuple[str, ...] = ()
    message: str | None = None
    considered: list[str] = field(default_factory=list)   # rule versions considered
    not_applicable: list[TraceNode] = field(default_factory=list)  # conditions that failed
    disapplied: list[tuple[str, TraceNode]] = field(default_factory=list)  # (rule, by whom)
    reading: str | None = None                  # the reading followed, when sources differ
    other_readings: tuple[str, ...] = ()        # "name (authority)" of the readings not followed

    def __init__(self, name: str, status: str, value: Any, type: Type,
                 trace: list[TraceNode] | None = None, missing: tuple[str, ...] = (),
                 message: str | None = None, considered: list[str] | None = None,
                 not_applicable: list[TraceNode] | None = None,
                 disapplied: list[tuple[str, TraceNode]] | None = None,
                 reading: str | None = None, other_readings: tuple[str, ...] = ()) -> None:
        # the dataclass's own __init__, written out (one result per output per evaluation;
        # the generated one calls a factory per default)
        self.name = name
        self.status = status
        self.value = value
        self.type = type
        self.trace = [] if trace is None else trace
        self.missing = missing
        self.message = message
        self.considered = [] if considered is None else considered
        self.not_applicable = [] if not_applicable is None else not_applicable
        self.disapplied = [] if disapplied is None else disapplied
        self.reading = reading
        self.other_readings = other_readings

    @property
    def version_ids(self) -> tuple[str, ...]:
        return tuple(node.version_id for node in self.trace)

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(node.citation for node in self.trace)


@dataclass
class Outcome:
    case: Case
    as_of: date
    law_as_of: date | None
    reading: str | None
    results: dict[str, OutputResult]          # the outputs asked for
    diagnostics: list[Diagnostic]
    computed: dict[str, OutputResult] = field(default_factory=dict)  # with what they relied on
    # the evaluation, kept alive with the outcome: the conditions of a "no" are re-read from
    # it when an explanation asks why (TraceNode.false); it refers to nothing of the outcome
    # but through a weak reference, so an outcome is freed without the cycle collector
    evaluation: Any = field(default=None, repr=False, compare=False)

    def result(self, name: str) -> OutputResult | None:
        return self.results.get(name) or self.computed.get(name)

    def value(self, name: str) -> Any:
        result = self.results.get(name)
        return result.value if result and result.status == "value" else None


@dataclass
class _Candidate:
    rule: Rule
    version: RuleVersion
    conclusion: Conclusion
    node: TraceNode
    value: Any


class _Plan:
    """What the evaluation of any case reads from one knowledge base's rules, worked out
    once per knowledge base (the IR is not mutated after compilation): the candidate rules
    of an output under a reading, the rules that disapply a rule, a version's lets."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.candidates: dict[tuple[str, str, str | None],
                              tuple[list[Rule], str | None, tuple[str, ...]]] = {}
        self.disappliers: dict[tuple[str, str], list[Rule]] = {}
        self.lets: dict[int, tuple[RuleVersion, dict[str, Typed]]] = {}
        self._disapplying: dict[str, list[Rule]] = {}
        self._transitional: dict[str, tuple[RuleVersion, ...]] = {}
        self._version_ids: dict[int, tuple[RuleVersion, str]] = {}
        # (parameter, day) -> its use: the parameter's value on that day and its act (only
        # a value known on that day is kept; an unknown one is reported by each evaluation)
        self.parameter_uses: dict[tuple[str, date], ParameterUse] = {}
        self._conclusions: dict[tuple[int, str], tuple[RuleVersion, list[Conclusion]]] = {}
        self._versions_on: dict[tuple[str, date, str],
                                tuple[Rule, tuple[RuleVersion | None, date, str]]] = {}

    def transitional_of(self, rule: Rule) -> tuple[RuleVersion, ...]:
        """The versions of ``rule`` with a transitional clause (most rules have none)."""
        known = self._transitional.get(rule.id)
        if known is None:
            known = self._transitional[rule.id] = tuple(
                v for v in rule.versions if v.transitional)
        return known

    def version_id(self, version: RuleVersion) -> str:
        """``version.id``, worked out once per version (it is read for every conclusion)."""
        known = self._version_ids.get(id(version))
        if known is None or known[0] is not version:
            known = self._version_ids[id(version)] = (version, version.id)
        return known[1]

    def version_on(self, rule: Rule, day: date, why: str
                   ) -> tuple[RuleVersion | None, date, str]:
        """The version of ``rule`` in force on ``day``, the day, and how it was chosen: by
        the fact ``selected_by`` (``why``) or the as-of date; the same for every case."""
        key = (rule.id, day, why)
        known = self._versions_on.get(key)
        if known is None or known[0] is not rule:
            how = f"{rule.selected_by} = {day} (tempus regit actum)" if why == "selected_by" \
                else f"the as-of date {day}"
            if len(self._versions_on) >= 65_536:
                self._versions_on.clear()
            known = self._versions_on[key] = (rule, (rule.version_on(day), day, how))
        return known[1]

    def rules_for(self, jurisdiction: str, name: str, reading: str | None
                  ) -> tuple[list[Rule], str | None, tuple[str, ...]]:
        key = (jurisdiction, name, reading)
        known = self.candidates.get(key)
        if known is None:
            known = self.candidates[key] = candidates_of(self.kb, jurisdiction, name, reading)
        return known

    def disappliers_of(self, jurisdiction: str, rule_id: str) -> list[Rule]:
        key = (jurisdiction, rule_id)
        known = self.disappliers.get(key)
        if known is None:
            if jurisdiction not in self._disapplying:    # the few rules that disapply others
                self._disapplying[jurisdiction] = [
                    rule for rule in self.kb.rules.values() if rule.jurisdiction == jurisdiction
                    and any(v.disapplications for v in rule.versions)]
            known = self.disappliers[key] = [
                rule for rule in self._disapplying[jurisdiction] if rule.id != rule_id
                and any(d.covers(rule_id) for v in rule.versions for d in v.disapplications)]
        return known

    def conclusions_of(self, version: RuleVersion, output: str) -> list[Conclusion]:
        """The conclusions of ``version`` about ``output``, in their order."""
        key = (id(version), output)
        known = self._conclusions.get(key)
        if known is None or known[0] is not version:
            known = self._conclusions[key] = (
                version, [c for c in version.conclusions if c.output == output])
        return known[1]

    def lets_of(self, version: RuleVersion) -> dict[str, Typed]:
        known = self.lets.get(id(version))
        if known is None or known[0] is not version:
            known = self.lets[id(version)] = (version, dict(version.lets))
        return known[1]


def candidates_of(kb: KnowledgeBase, jurisdiction: str, name: str, reading: str | None
                  ) -> tuple[list[Rule], str | None, tuple[str, ...]]:
    """The rules considered for ``name`` under ``reading`` (the one asked for, else the
    reading of the highest authority), the reading chosen and the other readings."""
    rules = kb.rules_concluding(jurisdiction, name)
    readings = {r.reading for r in rules if r.reading}
    if not readings:
        return rules, None, ()
    chosen: str | None
    if reading in readings:
        chosen = reading
    else:
        ranked = sorted((r for r in rules if r.reading),
                        key=lambda r: (AUTHORITY_RANK.index(r.authority), r.id))
        chosen = ranked[0].reading
    others = tuple(sorted({f"{r.reading} ({r.authority})" for r in rules
                           if r.reading and r.reading != chosen}))
    return [r for r in rules if r.reading in (None, chosen)], chosen, others


_PLANS: dict[int, _Plan] = {}


def _plan(kb: KnowledgeBase) -> _Plan:
    known = _PLANS.get(id(kb))
    if known is None or known.kb is not kb:
        if len(_PLANS) > 64:
            _PLANS.clear()
        known = _PLANS[id(kb)] = _Plan(kb)
    return known


@lru_cache(maxsize=16)
def _functions(jurisdiction: str) -> dict[str, Callable[..., Any]]:
    """The built-ins of a jurisdiction, built once (read only)."""
    return table(jurisdiction)


class Evaluation:
    def __init__(self, kb: KnowledgeBase, case: Case, as_of: date, law_as_of: date | None,
                 reading: str | None) -> None:
        self.kb = kb
        self.case = case
        self.as_of = as_of
        self.law_as_of = law_as_of
        self.reading = reading
        self.vocabulary: Vocabulary = kb.vocabularies[case.jurisdiction]
        self.functions = _functions(case.jurisdiction)
        self.results: dict[str, OutputResult] = {}
        self.active: list[str] = []
        self.diagnostics: list[Diagnostic] = []
        self.unknown_parameters: dict[str, date] = {}
        self.parameter_uses: dict[tuple[str, date], ParameterUse] = {}
        self.plan = _plan(kb)
        # what a rule is for this case, worked out once per evaluation (a rule concludes
        # several outputs): its version, and that no provision disapplies it.  Only an
        # answer is kept, never a failure; an answer cannot change later in the evaluation,
        # since every output it read is kept in results
        self._selected: dict[str, tuple[RuleVersion | None, date, str]] = {}
        #: a circular dependency was met (its error is told by the output where the circle
        #: closed, which depends on the order of the outputs asked: see shared.py)
        self.circular = False
        self._not_disapplied: set[str] = set()
        # what an expression reads, through a weak reference to this evaluation: the
        # environments kept to explain a "no" (TraceNode.why_false) make no cycle with it
        me = weakref.proxy(self)
        facts = case.facts

        def fact(name: str) -> Any:
            try:
                return facts[name]
            except KeyError:
                raise MissingFactError((name,)) from None

        self._fact = fact
        self._output = lambda name: me.output_value(name)
        self._given = facts.__contains__
        self._parameter_readers: dict[date, Callable[[str], ParameterUse]] = {}

    # facts and parameters ---------------------------------------------------------
    def fact(self, name: str) -> Any:
        if name in self.case.facts:
            return self.case.facts[name]
        raise MissingFactError((name,))

    def question(self, name: str) -> str:
        if name in self.kb.parameters:
            param = self.kb.parameters[name]
            title = param.title.get("en") or param.title["fr"]
            on = self.unknown_parameters.get(name)
            return (f"the sources give no verified value of the parameter {name} ({title})"
                    + (f" on {on}" if on else ""))
        entry = self.vocabulary.facts.get(name)
        if entry and entry.question:
            return entry.question.get("en") or entry.question["fr"]
        return f"the case does not give '{name}'"

    def parameter(self, param_id: str, on: date) -> ParameterUse:
        key = (param_id, on)
        if key not in self.parameter_uses:
            self.parameter_uses[key] = self._parameter(param_id, on)
        return self.parameter_uses[key]

    def _parameter(self, param_id: str, on: date) -> ParameterUse:
        known = self.plan.parameter_uses.get((param_id, on))
        if known is not None:       # a value's use, the same for every case (never changed)
            return known
        use = self._parameter_use(param_id, on)
        if len(self.plan.parameter_uses) >= 65_536:
            self.plan.parameter_uses.clear()
        self.plan.parameter_uses[(param_id, on)] = use
        return use

    def _parameter_use(self, param_id: str, on: date) -> ParameterUse:
        param = self.kb.parameters[param_id]
        value = param.value_on(on)
        if value is None or value.value is None:
            raise EvaluationError(f"the parameter {param_id} has no value on {on}")
        if value.value is UNKNOWN:
            self.unknown_parameters[param_id] = on
            raise MissingFactError((param_id,))
        act = str(value.amended_by) if value.amended_by else \
            "in force before this date; the sources do not say since when"
        return ParameterUse(param_id, value.value, value.start.isoformat(), act)

    # version selection ------------------------------------------------------------
    def select(self, rule: Rule) -> tuple[RuleVersion | None, date, str]:
        if self.law_as_of is not None:
            if rule.selected_by and rule.selected_if_missing == "not_applicable" and \
                    rule.selected_by not in self.case.facts:
                # --law-as-of chooses the version; it never makes a rule apply to a case
                # that does not have the fact the rule is about
                return None, self.law_as_of, \
                    f"not applicable: the case gives no {rule.selected_by}"
            return rule.version_on(self.law_as_of), self.law_as_of, \
                f"the law as of {self.law_as_of} (--law-as-of)"
        for version in self.plan.transitional_of(rule):
            if version.transitional and version.valid_from <= self.as_of:
                env = self.env(rule, version, version.valid_from, TraceNode(
                    "", None, rule.id, version, rule.citation, ""))
                if evaluate_expr(version.transitional[0].expr, env):
                    return version, version.valid_from, (
                        f"its transitional clause reaches this case "
                        f"({version.transitional[0].text})")
        if rule.selected_by:
            if rule.selected_if_missing == "not_applicable" and \
                    rule.selected_by not in self.case.facts:
                return None, self.as_of, f"not applicable: the case gives no {rule.selected_by}"
            day = self.fact(rule.selected_by)
            return self.plan.version_on(rule, day, "selected_by")
        return self.plan.version_on(rule, self.as_of, "as_of")

    def env(self, rule: Rule, version: RuleVersion, on: date, node: TraceNode) -> Env:
        parameter = self._parameter_readers.get(on)
        if parameter is None:
            me = weakref.proxy(self)
            parameter = self._parameter_readers[on] = lambda pid: me.parameter(pid, on)
        return Env(fact=self._fact, parameter=parameter, output=self._output,
                   functions=self.functions, given=self._given,
                   lets=self.plan.lets_of(version), node=node)

    # outputs ----------------------------------------------------------------------
    def output_value(self, name: str) -> Any:
        result = self.output(name)
        if result.status == "missing":
            raise MissingFactError(result.missing)
        if result.status != "value":
            raise UndeterminedError(name, result.status)
        return result.value

    def candidates(self, name: str) -> tuple[list[Rule], str | None, tuple[str, ...]]:
        rules, chosen, others = self.plan.rules_for(self.case.jurisdiction, name, self.reading)
        return list(rules), chosen, others

    def output(self, name: str) -> OutputResult:
        if name in self.results:
            return self.results[name]
        entry = self.vocabulary.outputs[name]
        if name in self.case.derived:
            result = OutputResult(name, "value", self.case.derived[name], entry.type,
                                  message="given by the case (derived)")
            self.results[name] = result
            return result
        if name in self.active:
            self.circular = True
            raise EvaluationError("circular dependency: " + " → ".join([*self.active, name]))
        self.active.append(name)
        try:
            result = self.resolve(name, entry.type)
        finally:
            self.active.pop()
        self.results[name] = result
        return result

    def resolve(self, name: str, vtype: Type) -> OutputResult:
        rejected: list[TraceNode] = []
        disapplied: list[tuple[str, TraceNode]] = []
        rules, reading, others = self.plan.rules_for(self.case.jurisdiction, name,
                                                     self.reading)   # (not changed)
        result = self._resolve(name, vtype, rejected, rules, disapplied)
        result.not_applicable, result.disapplied = rejected, disapplied
        result.reading, result.other_readings = reading, others
        return result

    # disapplication ---------------------------------------------------------------
    def disappliers(self, rule_id: str) -> list[Rule]:
        """The rules with a version that disapplies ``rule_id``."""
        return self.plan.disappliers_of(self.case.jurisdiction, rule_id)

    def disapplied_by(self, rule: Rule) -> TraceNode | None:
        """The provision that disapplies ``rule`` for this case, if one does (its trace node
        names the conditions that held); MissingFactError if that cannot be told."""
        for other in self.disappliers(rule.id):
            version, on, how = self.select(other)
            if version is None:
                continue
            for dis in version.disapplications:
                if not dis.covers(rule.id):
                    continue
                node = TraceNode(f"(disapplies {rule.id})", None, other.id, version,
                                 other.citation, how)
                env = self.env(other, version, on, node)
                if all(evaluate_expr(c.expr, env) for c in (version.when, dis.when)
                       if c is not None):
                    node.held = [c.text for c in (version.when, dis.when) if c is not None]
                    return node
        return None

    def _resolve(self, name: str, vtype: Type, rejected: list[TraceNode],
                 rules: Sequence[Rule], disapplied: list[tuple[str, TraceNode]]) -> OutputResult:
        applicable: list[_Candidate] = []
        unknown: list[tuple[Rule, tuple[str, ...]]] = []
        considered: list[str] = []
        failures: list[str] = []
        horizons: list[str] = []      # rules whose first version is the KB's horizon

        jurisdiction = self.case.jurisdiction
        for rule in rules:
            if rule.id not in self._not_disapplied and \
                    self.plan.disappliers_of(jurisdiction, rule.id):
                try:
                    by = self.disapplied_by(rule)
                except MissingFactError as exc:
                    unknown.append((rule, exc.names))
                    continue
                except (UndeterminedError, EvaluationError) as exc:
                    failures.append(f"whether {rule.id} is disapplied: {exc}")
                    continue
                if by is not None:
                    disapplied.append((rule.id, by))
                    considered.append(f"{rule.id}: disapplied by {by.rule_id} "
                                      f"({by.version_id})")
                    continue
                self._not_disapplied.add(rule.id)
            selected = self._selected.get(rule.id)
            if selected is None:
                try:
                    selected = self._selected[rule.id] = self.select(rule)
                except MissingFactError as exc:
                    unknown.append((rule, exc.names))
                    continue
                except (UndeterminedError, EvaluationError) as exc:
                    failures.append(f"{rule.id}: {exc}")
                    continue
            version, on, how = selected
            if version is None:
                considered.append(f"{rule.id}: " + (how if how.startswith("not applicable")
                                                    else f"no version in force on {on}"))
                if rule.versions and rule.versions[0].valid_from_basis == "horizon" and \
                        on < rule.versions[0].valid_from:
                    horizons.append(f"no provision in force on {on}: the knowledge base "
                                    f"starts on {rule.versions[0].valid_from} for this "
                                    f"output ({rule.citation})")
                continue
            considered.append(self.plan.version_id(version))
            for conclusion in self.plan.conclusions_of(version, name):
                node = TraceNode(name, None, rule.id, version, rule.citation, how)
                try:
                    value = self.conclude(rule, version, conclusion, on, node)
                except MissingFactError as exc:
                    unknown.append((rule, exc.names))
                    continue
                except UndeterminedError as exc:
                    failures.append(f"{version.id} needs '{exc.output}', which has "
                                    f"{'no value' if exc.status == 'no_value' else exc.status}")
                    continue
                except EvaluationError as exc:
                    return OutputResult(name, "error", None, vtype, considered=considered,
                                        message=f"{version.id}: {exc}")
                except (OverflowError, DateRangeError):   # one rule for every date overflow
                    return OutputResult(name, "error", None, vtype, considered=considered,
                                        message=f"{version.id}: a date would be "
                                                f"{OUTSIDE_THE_CALENDAR}")
                if value is _NOT_APPLICABLE:
                    rejected.append(node)
                else:
                    node.value = value
                    applicable.append(_Candidate(rule, version, conclusion, node, value))
        if len(applicable) > 1:
            winners = [c for c in applicable if not any(self.prevails(o, c, name)
                                                        for o in applicable)]
            for winner in winners:
                winner.node.prevails_over = sorted({c.rule.id for c in applicable
                                                    if self.prevails(winner, c, name)})
        else:
            winners = applicable     # one conclusion prevails over no other
        open_unknown = [(r, m) for r, m in unknown
                        if not any(self.beats(w.version, r.id, name) for w in winners)
                        ] if unknown else unknown
        if open_unknown:
            missing = tuple(dict.fromkeys(m for _, names in open_unknown for m in names))
            return OutputResult(name, "missing", None, vtype, missing=missing,
                                considered=considered, message="; ".join(
                                    self.question(m) for m in missing))
        if not winners:
            message = "; ".join(failures) if failures else "; ".join(
                dict.fromkeys(horizons)) if horizons else "no provision in force applies"
            return OutputResult(name, "no_value", None, vtype, considered=considered,
                                message=message)
        if any(w.value != winners[0].value for w in winners[1:]):   # 1 == 1.0: no conflict
            first, second = winners[0], next(w for w in winners if w.value != winners[0].value)
            self.diagnostics.append(error(
                "LX402", f"two provisions give different answers for {name!r}: "
                f"{first.rule.citation} ({first.version.id}) and {second.rule.citation} "
                f"({second.version.id})", first.conclusion.span,
                related=[("the other provision", second.conclusion.span)],
                hint="declare which one prevails with exception_to, or correct one of them"))
            return OutputResult(name, "conflict", None, vtype, [w.node for w in winners],
                                considered=considered, message="conflicting provisions")
        return OutputResult(name, "value", winners[0].value, vtype, [w.node for w in winners],
                            considered=considered)

    @staticmethod
    def beats(version: RuleVersion, other_rule: str, output: str) -> bool:
        return any(e.rule == other_rule and (not e.outputs or output in e.outputs)
                   for e in version.exceptions)

    def prevails(self, a: _Candidate, b: _Candidate, output: str) -> bool:
        return a is not b and a.rule.id != b.rule.id and self.beats(a.version, b.rule.id, output)

    def conclude(self, rule: Rule, version: RuleVersion, conclusion: Conclusion, on: date,
                 node: TraceNode) -> Any:
        env = self.env(rule, version, on, node)
        for condition in (version.when, conclusion.when):
            if condition is not None and not evaluate_expr(condition.expr, env):
                node.why_false = (condition, env.detached())
                return _NOT_APPLICABLE
        entry = self.vocabulary.outputs[conclusion.output]
        kind = entry.type.kind
        if kind == "obligation":
            assert conclusion.deadline is not None
            return Deontic(kind, entry.holder or "", deadline=evaluate_expr(
                conclusion.deadline.expr, env))
        if kind in ("prohibition", "right"):
            assert conclusion.start is not None and conclusion.end is not None
            return Deontic(kind, entry.holder or "", start=evaluate_expr(conclusion.start.expr,
                                                                          env),
                           end=evaluate_expr(conclusion.end.expr, env))
        if kind == "timeline":
            assert conclusion.each_month is not None and conclusion.value is not None
            first = start_of_month(evaluate_expr(conclusion.each_month[0].expr, env))
            last = start_of_month(evaluate_expr(conclusion.each_month[1].expr, env))
            value_of = compiled(conclusion.value.expr)
            months = None
            if (last.year - first.year) * 12 + last.month - first.month <= _KEPT_MONTHS:
                try:
                    months = _months_between(first, last)
                except DateRangeError:  # a month beyond the calendar: as the loop meets it
                    months = None
            if months is not None:
                entries = []
                for month, end in months:
                    env.month = month
                    entries.append((month, end, value_of(env)))
                return Timeline(tuple(entries))
            entries = []
            month = first
            while month <= last:
                env.month = month
                following = add_months(month, 1, MonthPolicy.REFUSE)
                entries.append((month, following - _ONE_DAY, value_of(env)))
                month = following
            return Timeline(tuple(entries))
        assert conclusion.value is not None
        value = evaluate_expr(conclusion.value.expr, env)
        if value is False and not isinstance(conclusion.value.expr, Literal):   # a "no": why
            node.why_false = (conclusion.value, env.detached())
        return value


_NOT_APPLICABLE = object()
_ONE_DAY = timedelta(days=1)
_KEPT_MONTHS = 1200       # timelines up to a century long reuse their list of months


@lru_cache(maxsize=4096)
def _months_between(first: date, last: date) -> tuple[tuple[date, date], ...]:
    """The months (first day, last day) from the month ``first`` to the month ``last``
    (both first days of months), worked out once: each timeline of each case reads them."""
    months = []
    month = first
    while month <= last:
        following = add_months(month, 1, MonthPolicy.REFUSE)
        months.append((month, following - _ONE_DAY))
        month = following
    return tuple(months)


_IN_FORCE: dict[tuple[int, str], tuple[KnowledgeBase, list[str]]] = {}


def outputs_in_force(kb: KnowledgeBase, jurisdiction: str) -> list[str]:
    """The outputs some rule concludes (kept per knowledge base: the IR is not mutated
    after compilation)."""
    key = (id(kb), jurisdiction)
    known = _IN_FORCE.get(key)
    if known is not None and known[0] is kb:
        return list(known[1])
    vocabulary = kb.vocabularies[jurisdiction]
    concluded = {o for r in kb.rules.values() if r.jurisdiction == jurisdiction
                 for o in r.outputs}
    names = [name for name in vocabulary.outputs if name in concluded]
    if len(_IN_FORCE) > 64:
        _IN_FORCE.clear()
    _IN_FORCE[key] = (kb, names)
    return list(names)


def output_result(run: Evaluation, name: str) -> OutputResult:
    """The result of ``name`` in ``run`` as :func:`evaluate` gives it: an output the
    vocabulary does not have, or an evaluation that fails outside any rule (a circular
    dependency, a date beyond the calendar), is a result with the status "error"."""
    if name not in run.vocabulary.outputs:
        return OutputResult(name, "error", None, Type("string"),
                            message=f"{name!r} is not an output of these rules")
    try:
        return run.output(name)
    except EvaluationError as exc:
        return OutputResult(name, "error", None, run.vocabulary.outputs[name].type,
                            message=str(exc))
    except (OverflowError, DateRangeError):
        return OutputResult(name, "error", None, run.vocabulary.outputs[name].type,
                            message=f"a date would be {OUTSIDE_THE_CALENDAR}")


def evaluate(kb: KnowledgeBase, case: Case, as_of: date, *, law_as_of: date | None = None,
             outputs: Sequence[str] | None = None, reading: str | None = None,
             known: Mapping[str, OutputResult] | None = None) -> Outcome:
    """Evaluate ``outputs`` (default: every output some rule concludes) for ``case``;
    ``known``: outputs already worked out for this case (by the vector backend), read as
    they are instead of being evaluated again (a case's derived outputs still prevail)."""
    kb, case, derivation_problems = prepare_case(kb, case, as_of, law_as_of)
    run = Evaluation(kb, case, as_of, law_as_of, reading)
    if known:
        run.results.update(known if not case.derived else
                           {k: v for k, v in known.items() if k not in case.derived})
    run.diagnostics += derivation_problems
    names = list(outputs) if outputs else outputs_in_force(kb, case.jurisdiction)
    results: dict[str, OutputResult] = {}
    for name in names:
        results[name] = output_result(run, name)
    for name, result in results.items():
        # a fact is only an error for an output that was asked for: evaluating every output,
        # "cannot be answered" is the normal state of outputs the case is not about
        if result.status == "missing" and outputs:
            run.diagnostics.append(error(
                "LX401", f"{name}: {result.message}", case.spans.get(result.missing[0]),
                hint="add " + ", ".join(f"'{m}'" for m in result.missing
                                        if m not in kb.parameters) + " under facts: in the case"
                if any(m not in kb.parameters for m in result.missing) else
                "the parameter needs a verified value, with its official citation"))
        elif result.status == "error":
            run.diagnostics.append(error("LX403", f"{name}: {result.message}"))
    return Outcome(case, as_of, law_as_of, reading, results, run.diagnostics, run.results,
                   evaluation=run)
