"""Stage 5 (verify): what every check shares — the settings of an audit, fresh encodings,
queries, and turning a model into a replayed witness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import z3

from ...calendar.dates import to_day_number
from ...compile.model import KnowledgeBase
from ...evaluate.case import Case
from ..encoding.calendar_terms import horizon_bounds
from ..encoding.encode import LawEncoding, OutputEnc, query_constraints
from ..encoding.plausible import plausible
from ..encoding.shared import Shared
from ..encoding.solve import DEFAULT_RLIMIT, Confirm, SolveResult, solve
from .findings import Finding
from .quick import QUICK_RLIMIT, Slices
from .timeline_search import no_narrow_witness
from .witness import (
    build_case,
    describe,
    expect,
    merged_case,
    model_date,
    model_status,
    model_value,
    replay,
    write_case,
)

#: A test of a replayed case on its as-of date (:mod:`.confirm`).
Replayed = Callable[[Case, date], bool]

#: How close to the as-of date a witness's dates are first sought (days).
NEAR_DAYS = 3 * 366


@dataclass
class Audit:
    kb: KnowledgeBase
    jurisdiction: str
    as_of: date | None = None                 # None: every date of the horizon
    rule: str | None = None                   # only findings involving this rule
    witness_dir: Path | None = None
    rlimit: int = DEFAULT_RLIMIT
    max_regions: int = 3
    progress: Callable[[str], None] = field(default=lambda _: None)
    queries: int = 0
    #: queries decided by a model that its replay confirmed before it was exact
    confirmed: int = 0
    cache: Any = None                         # verify.cache.QueryCache (--cache DIR)
    #: of ``queries``, those answered with a unit from the cache (checks/units.py)
    cached_queries: int = 0
    #: the units of the check being run, and the witnesses of the unit being run
    #: (checks/units.py), by id of their finding
    units: Any = None
    recording: dict[int, dict[str, Any]] | None = None
    #: what the slice solver may spend on one query (checks/quick.py; the diff sets less)
    quick_rlimit: int = QUICK_RLIMIT
    #: what it may spend on a query of which only its UNSAT is read (:meth:`_quick_budget`;
    #: None: ``quick_rlimit``; the diff sets less, checks/versions.py)
    quick_unsat_rlimit: int | None = None
    #: the first round of some strategies, smaller (encoding/solve.py; the diff sets it)
    first_round: dict[Any, int] = field(default_factory=dict)
    _encodings: dict[Any, LawEncoding] = field(default_factory=dict)
    _slices: Slices = field(default_factory=Slices)

    def outputs(self) -> list[str]:
        vocabulary = self.kb.vocabularies[self.jurisdiction]
        concluded = {o for r in self.kb.rules.values() if r.jurisdiction == self.jurisdiction
                     for o in r.outputs}
        return [name for name in vocabulary.outputs if name in concluded]

    def involves(self, *rule_ids: str) -> bool:
        return self.rule is None or self.rule in rule_ids

    def encoding(self, *, reading: str | None = None, law_as_of: date | None = None,
                 shared: Shared | None = None, tag: str = "", timelines: bool = False
                 ) -> LawEncoding:
        """``timelines``: encode timeline outputs (abstraction timeline_horizon), in the
        audit's widest frame (:func:`.timeline_search.main_frame`; their queries are solved
        in narrow frames, checks/timeline_search.py).  Cached per audit (with ``shared``:
        per set of facts)."""
        from .timeline_search import main_frame
        key = (reading, law_as_of, tag, timelines, None if shared is None else id(shared))
        if key in self._encodings:
            return self._encodings[key]
        if shared is not None:
            self.__dict__.setdefault("_kept", []).append(shared)    # its id stays unique
        shared = shared or Shared(self.kb, self.jurisdiction)
        as_of: Any = (z3.IntVal(to_day_number(self.as_of)) if self.as_of is not None
                      else z3.Int("as_of"))
        enc = LawEncoding(shared, as_of, law_as_of=law_as_of, reading=reading, tag=tag,
                          timelines=timelines,
                          **({"frame": main_frame(self)} if timelines else {}))
        self._encodings[key] = enc
        return enc

    def query(self, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
              goals: Sequence[Any], *, cores: bool = False, unknown_missing: bool = True,
              anchor: Any | None = None, confirm: Replayed | None = None,
              proof: bool = False, what: str = "", timeline_rlimit: int | None = None,
              witness_expected: bool = False, nicer_first: bool = False,
              query_first: bool = False) -> tuple[SolveResult, set[str]]:
        """Solve; when SAT, try again with the case's dates within three years of
        ``anchor`` (default: the as-of date), so that witnesses read naturally.

        ``confirm`` (a test of a replayed case, :mod:`.confirm`) lets a model that is not
        yet exact for the calendar count as a witness when the evaluator shows what the
        check looks for (``result.confirmed``); ``proof``: UNSAT is the answer expected
        (the solver tries the strategies that prove first); ``what``: the question in
        words, for the note on a timeline output (LX522); ``timeline_rlimit``: the
        budget of a query about a timeline output, then searched in the widest frame only
        (default: the audit's budget, every frame of the search); ``witness_expected``:
        a witness is what the check expects (the dead-rule check's "can apply"), so the
        timeline search tries the witness axioms first; ``nicer_first`` (a query about
        no timeline output, neither a core query nor a proof: the readings and gaps checks,
        whose witnesses are their findings): the nicer query (checks/nicer_first.py) is
        asked before the slice solver, whose "sat" would lead to that same query, and
        whose "unsat" is asked after it as before — the same answers in either order;
        ``query_first`` (with ``nicer_first``, for a query whose nicer query would have the
        whole budget): when the query has no nicer constraint, the query itself is asked
        before the slice solver, whose "sat" or "undecided" would lead to it — a model of
        it is the answer; otherwise the slice is asked as before, and its UNSAT taken
        (checks/last_query.py)."""
        constraints, calls, facts = query_constraints(
            list(encodings), dict(enumerate(names)), unknown_missing=unknown_missing)
        replaying = self._replaying(encodings[0], facts, confirm)
        extra = [horizon_bounds(encodings[0].as_of)] if self.as_of is None else []
        extra += plausible(self.kb, encodings[0], facts)
        self.queries += 1
        from .timeline_search import (
            CHECK_HORIZONS,
            HORIZONS,
            involves_timelines,
            narrow_search,
        )
        if involves_timelines(encodings, names):      # abstraction timeline_horizon
            horizons = HORIZONS if timeline_rlimit is None else CHECK_HORIZONS
            found = narrow_search(self, encodings, names, goals,
                                  unknown_missing=unknown_missing, anchor=_day(anchor),
                                  rlimit=timeline_rlimit, horizons=horizons,
                                  witness_expected=witness_expected)
            if found is None:
                found = SolveResult("unknown", reason=no_narrow_witness(horizons))
            from .timeline_notes import record
            record(self, encodings, names, what, found)
            return found, facts
        case_terms = encodings[0].shared.facts.terms(facts)
        if self.as_of is None:
            case_terms.append(encodings[0].as_of)
        key = None
        if self.cache is not None:
            key = self.cache.key(constraints, [*extra, *goals], self.rlimit, cores)
            hit = self.cache.get(key)
            if hit is not None and hit[0] != "case":
                reason = hit[1][0] if hit[0] == "unknown" and hit[1] else ""
                core = hit[1] if hit[0] != "unknown" else ()
                return SolveResult(hit[0], core=core, reason=reason), facts
            if hit is not None:           # the earlier witness's case, fixed: a quick model
                fixed = _fixed(case_terms, hit[1])
                if fixed is not None:
                    again = solve(constraints, [*extra, *goals, *fixed], calls,
                                  rlimit=self.rlimit, case_terms=case_terms)
                    if again.status == "sat":
                        return again, facts
        early = nicer_first and not cores and not proof
        # the nicer query was asked with the whole budget and gave no model: asked again
        # below, it would give the same answer (fresh contexts, a deterministic budget),
        # so it is not asked again (checks/nicer_first.py)
        nicer_done = False
        asked: SolveResult | None = None      # the query itself, asked before the slice
        if early:
            near = self._near(encodings[0], facts, anchor)
            first = self._nicer_first(near, constraints, extra, goals, calls, case_terms,
                                      replaying, key)
            if first is not None:
                return first, facts
            nicer_done = bool(near) and self._nicer_whole()
            if query_first and not near:
                # no nicer query: the query itself, which the slice's "sat" or
                # "undecided" would lead to (checks/last_query.py)
                asked = solve(constraints, [*extra, *goals], calls, rlimit=self.rlimit,
                              case_terms=case_terms, confirm=replaying,
                              first_round=self.first_round)
                if asked.status == "sat":
                    self.confirmed += asked.confirmed
                    if key is not None and asked.model is not None:
                        self.cache.put(key, "case", _values(asked.model, case_terms))
                    return asked, facts
        # the truth first, from the slice solver (checks/quick.py): an answer a check
        # reads no further is final; for a witness, the nicer query is tried first
        quick = None if cores and calls else self._slices.decide(
            tuple(encodings), _slice_key(names, unknown_missing),
            constraints, extra, goals, calls,
            self._quick_budget(cores, proof))   # (a core query with calendar
        #   abstractions: its first model is seldom exact, the only answer it could take)
        if (quick == "unsat" and not cores) or (quick == "sat" and cores):
            if key is not None:
                self.cache.put(key, quick, ())
            return SolveResult(quick), facts
        near = self._near(encodings[0], facts, anchor)
        if nicer_done:
            near = []                     # the nicer query's answer is known: no model
        if quick == "sat" and near:
            nicer = solve(constraints, [*extra, *goals, *near], calls, rlimit=self.rlimit,
                          case_terms=case_terms, confirm=replaying,
                          first_round=self.first_round)
            if nicer.status == "sat":
                if key is not None and nicer.model is not None:
                    self.cache.put(key, "case", _values(nicer.model, case_terms))
                return nicer, facts
            near = []                     # the query as it is, as below
        if quick is None and near and not cores and not proof and not early:
            # the nicer query first, within a small budget: a model of it is the answer
            # the query below and then the nicer query would give (checks/nicer_first.py)
            first = self._nicer_first(near, constraints, extra, goals, calls, case_terms,
                                      replaying, key)
            if first is not None:
                return first, facts
            if self._nicer_whole():
                near = []
        result = asked if asked is not None else solve(
            constraints, [*extra, *goals], calls, rlimit=self.rlimit, cores=cores,
            case_terms=case_terms, confirm=replaying, proof=proof,
            first_round=self.first_round)
        self.confirmed += result.confirmed
        if key is not None and (result.status in ("unsat", "unknown") or
                                (result.status == "sat" and cores)):
            self.cache.put(key, result.status, result.core or
                           ((result.reason,) if result.status == "unknown" else ()))
            #                     a core query's model is never read (dead rules)
        if result.status != "sat" or cores:
            return result, facts
        if near:
            nicer = solve(constraints, [*extra, *goals, *near], calls, rlimit=self.rlimit,
                          case_terms=case_terms, confirm=replaying,
                          first_round=self.first_round)
            if nicer.status == "sat":
                result = nicer
        if key is not None and result.model is not None:
            self.cache.put(key, "case", _values(result.model, case_terms))
        return result, facts

    def done_with(self, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
                  unknown_missing: bool = True) -> None:
        """No more :meth:`query` of ``encodings`` and ``names`` will be asked (the diff,
        when an output's diff ends): its slice solver is dropped (:meth:`.quick.Slices.release`)."""
        self._slices.release(tuple(encodings), _slice_key(names, unknown_missing))

    def _near(self, enc: LawEncoding, facts: set[str], anchor: Any | None) -> list[Any]:
        """The constraints of the nicer query: the case's dates within
        :data:`NEAR_DAYS` of ``anchor`` (default: the as-of date, then between 2010 and
        2030)."""
        near = enc.shared.facts.near(facts, anchor if anchor is not None else enc.as_of,
                                     NEAR_DAYS)
        if self.as_of is None and anchor is None:
            near.append(z3.And(enc.as_of >= to_day_number(date(2010, 1, 1)),
                               enc.as_of <= to_day_number(date(2030, 12, 31))))
        return near

    def _quick_budget(self, cores: bool, proof: bool) -> int:
        """What the slice solver may spend on a query (checks/quick.py).

        For a query that is neither a core query nor a proof, and whose nicer query is
        asked with the whole budget (:meth:`_nicer_whole`), the slice's "sat" leads to
        what its "undecided" leads to: the nicer query with the query's whole budget (in
        fresh contexts: the same answer, whichever path asks it), then the query itself
        if that gives no model.  Only its UNSAT is read; the diff's frames that the slice
        does not decide spent the whole budget there for nothing (0.02-0.05 s each on the
        bundled boundaries, while every UNSAT it gives them is given within 10,000 units),
        so ``quick_unsat_rlimit``, when set, bounds those (docs/verification.md, stop 20:
        the undecided frames)."""
        budget = min(self.rlimit, self.quick_rlimit)
        if self.quick_unsat_rlimit is not None and not cores and not proof and \
                self._nicer_whole():
            budget = min(budget, self.quick_unsat_rlimit)
        return budget

    def _nicer_whole(self) -> bool:
        """Whether :meth:`_nicer_first` asks the nicer query with the query's whole budget
        (then its answer is the one the nicer query after the query would get)."""
        from .nicer_first import NICER_FIRST_RLIMIT
        return self.rlimit <= NICER_FIRST_RLIMIT

    def _nicer_first(self, near: list[Any], constraints: Sequence[Any], extra: list[Any],
                     goals: Sequence[Any], calls: Sequence[Any], case_terms: list[Any],
                     replaying: Confirm | None, key: Any) -> SolveResult | None:
        """The SAT answer of the nicer query (``near``: its constraints) within its small
        budget, else None (no nicer constraint, or not decided SAT: checks/nicer_first.py)."""
        if not near:
            return None
        from .nicer_first import nicer_first
        first = nicer_first(constraints, [*extra, *goals, *near], calls,
                            rlimit=self.rlimit, case_terms=case_terms,
                            confirm=replaying, first_round=self.first_round)
        if first is not None:
            self.confirmed += first.confirmed
            if key is not None and first.model is not None:
                self.cache.put(key, "case", _values(first.model, case_terms))
        return first

    def _replaying(self, enc: LawEncoding, facts: set[str], test: Replayed | None
                   ) -> Confirm | None:
        """``test`` as a test of models: the model's case, replayed on its as-of date."""
        if test is None:
            return None

        def confirm(model: z3.ModelRef) -> bool:
            try:
                as_of = self.as_of or model_date(model, enc.as_of)
                case = build_case(enc, model, facts, as_of, "a replayed model")
            except (ValueError, OverflowError):     # a date outside the calendar
                return False
            return test(case, as_of)
        return confirm

    def region(self, encodings: Sequence[LawEncoding], names: Sequence[set[str]],
               goals: Sequence[Any]) -> list[str]:
        """The fact ranges of the cases satisfying ``goals`` (:mod:`.regions`)."""
        from .regions import fact_ranges
        constraints, _, facts = query_constraints(list(encodings), dict(enumerate(names)))
        extra = [horizon_bounds(encodings[0].as_of)] if self.as_of is None else []
        extra += plausible(self.kb, encodings[0], facts)
        return fact_ranges([f for _, f in constraints], [*extra, *goals],
                           encodings[0].shared.facts, facts)

    def witness(self, finding: Finding, enc: LawEncoding, result: SolveResult,
                facts: set[str], checks: Sequence[tuple[LawEncoding, OutputEnc, dict[str,
                                                                                   Any]]],
                as_of: date | None = None,
                models: Sequence[tuple[z3.ModelRef, set[str]]] | None = None) -> Finding:
        """Fill in the witness of ``finding`` and replay it: for every (encoding, output,
        evaluate options) in ``checks``, the evaluator must give what the model gives.
        ``models``: one (model, facts of its query) per check, for checks asked in
        queries of their own with one case fixed in all (the seeded readings pass,
        :mod:`.seeded_readings`): each check is read from its model, and each fact of the
        case from the first model whose query reads it."""
        model = result.model
        assert model is not None
        as_of = as_of or self.as_of or model_date(model, enc.as_of)
        label = f"witness {finding.fingerprint}: {finding.message}"
        case = build_case(enc, model, facts, as_of, label) if models is None else \
            merged_case(enc, models, as_of, label)
        finding.facts = dict(case.facts)
        finding.as_of = as_of.isoformat()
        finding.witness_path, finding.witness_yaml = write_case(
            self.kb, case, self.witness_dir, finding.fingerprint)
        lines = []
        for i, (law, out, options) in enumerate(checks):
            seen = model if models is None else models[i][0]
            status, value = model_status(seen, out), model_value(seen, law, out)
            evaluated = replay(self.kb, case, as_of, out.name, **options)
            if not result.confirmed:    # a confirmed model was shown by its replay already
                expect(evaluated, status, value, f"{finding.fingerprint} ({finding.kind}, "
                       f"{out.name}, {options or 'as selected'})")
            label = ", ".join(f"{k}={v}" for k, v in options.items() if v is not None)
            lines.append(describe(evaluated) + (f" [{label}]" if label else ""))
        finding.replay = "; ".join(lines) + " — confirmed"
        if self.recording is not None:
            from .units import record
            record(self, finding, case, [(out.name, options) for _, out, options in checks],
                   bool(result.confirmed))
        return finding

    def unknown(self, what: str, result: SolveResult, versions: tuple[str, ...] = (),
                output: str | None = None) -> Finding:
        return Finding("LX510", f"the solver could not decide {what}: {result.reason}",
                       output=output, versions=versions, key=what,
                       details=["UNKNOWN is not OK: raise the resource limit (--rlimit) or "
                                "simplify the rules involved"])


def _slice_key(names: Sequence[set[str]], unknown_missing: bool) -> Any:
    """The key of a query's slice solver beside its encodings (:meth:`.quick.Slices.decide`)."""
    return tuple(map(frozenset, names)), unknown_missing


def _day(term: Any | None) -> date | None:
    """The date of a numeric day term (a diff's anchor), else None."""
    if term is None or not z3.is_int_value(term):
        return None
    from ...calendar.dates import from_day_number
    return from_day_number(term.as_long())


def _values(model: z3.ModelRef, terms: Sequence[Any]) -> tuple[str, ...]:
    """The model's value of each term, as SMT-LIB text (integers, reals, booleans)."""
    return tuple(model.eval(t, model_completion=True).sexpr() for t in terms)


def _fixed(terms: Sequence[Any], values: Sequence[str]) -> list[Any] | None:
    """``term == value`` for a cached case (None if it no longer fits the terms)."""
    if len(terms) != len(values):
        return None
    out = []
    for term, text in zip(terms, values, strict=True):
        try:
            sort = term.sort()
            decl = f"(declare-const v {sort.sexpr()})"
            [value] = z3.parse_smt2_string(f"{decl}(assert (= v {text}))")
            out.append(term == value.arg(1))
        except (z3.Z3Exception, ValueError, AttributeError):
            return None
    return out
