"""Stage 5 (verify): the law in time — version metadata and ``lexlux diff``.

* ``check_versions`` (LX505, LX508), from the version dates alone (what compile does not
  already report): an output for which, between two periods where some provision
  concluding it is in force, no provision is (a version hole across rules); an
  ``exception_to`` naming a rule none of whose versions is in force with the excepting
  version (the exception can never matter).
* ``diff_versions`` (LX507): for each output, either a proof that the law of two dates
  gives the same result on every case, or witnesses of disagreement — one per region
  (which conclusions win under each date's law), found by blocking and solving again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import z3

from ...calendar.dates import to_day_number
from ...compile.model import KnowledgeBase, ParameterValue, RuleVersion
from ...evaluate.case import Case
from ...evaluate.interpreter import OutputResult
from ..encoding.encode import LawEncoding, OutputEnc
from ..encoding.encode_expr import and_, not_, or_
from ..encoding.solve import SolveResult
from .confirm import laws_differ
from .context import Audit, Replayed
from .findings import Finding
from .last_query import nicer_before_slice
from .one_sided import all_found, possible_regions
from .witness import build_case

if TYPE_CHECKING:
    from .diff_pool import Pool


def _overlaps(a: RuleVersion, b: RuleVersion) -> bool:
    return (b.valid_until is None or a.valid_from < b.valid_until) and \
        (a.valid_until is None or b.valid_from < a.valid_until)


def check_versions(audit: Audit) -> Iterator[Finding]:
    kb = audit.kb
    for name in audit.outputs():
        rules = kb.rules_concluding(audit.jurisdiction, name)
        if not audit.involves(*[r.id for r in rules]):
            continue
        versions = sorted((v for r in rules for v in r.versions
                           if any(c.output == name for c in v.conclusions)),
                          key=lambda v: v.valid_from)
        reach: date | None = None        # end of the time covered so far (exclusive)
        last: RuleVersion | None = None
        for version in versions:
            if last is not None and reach is not None and version.valid_from > reach:
                yield Finding(
                    "LX505", f"no provision concluding {name!r} is in force from "
                    f"{reach} to {version.valid_from}", output=name,
                    versions=(last.id, version.id), key=reach.isoformat(),
                    span=version.span, details=[
                        f"{last.id} ends on {reach} (exclusive); {version.id} starts on "
                        f"{version.valid_from}",
                        "if the law really said nothing then, accept this finding with "
                        "the reason; otherwise add the missing version"])
            end = version.valid_until
            if end is None:
                break
            reach = end if reach is None or last is None else max(reach, end)
            last = version
    yield from _stale_exceptions(audit)


def _stale_exceptions(audit: Audit) -> Iterator[Finding]:
    kb = audit.kb
    for rule in kb.rules.values():
        if rule.jurisdiction != audit.jurisdiction or not audit.involves(rule.id):
            continue
        for version in rule.versions:
            for exc in version.exceptions:
                target = kb.rules.get(exc.rule)
                if target is None or any(_overlaps(version, v) for v in target.versions):
                    continue
                yield Finding(
                    "LX508", f"{version.id} is declared an exception to {exc.rule}, but no "
                    "version of that rule is in force at the same time", versions=(
                        version.id, *[v.id for v in target.versions]), key=exc.rule,
                    span=exc.span, details=["the exception can never take effect: check the "
                                            "dates or the rule named"])


@dataclass
class DiffResult:
    output: str
    status: str     # "same" | "differ" | "unknown" | "not verified" | "horizon" (hidden)
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""
    #: "same" only within bounded timeline frames: the bound, in words (empty: proved)
    bound: str = ""
    #: the reading both laws were read under (the evaluator's --reading), when not the
    #: default (checks/reading_diff.py)
    reading: str | None = None


def _winners(model: z3.ModelRef, out: OutputEnc) -> tuple[list[str], Any]:
    ids, literals = [], []
    for c in out.conclusions:
        won = z3.is_true(model.eval(c.winner, model_completion=True))
        literals.append(c.winner if won else not_(c.winner))
        if won:
            ids.append(c.version.id)
    return ids, and_(*literals)


def _versions_won(out: OutputEnc, ids: list[str]) -> Any:
    """The cases where exactly the versions ``ids`` give ``out`` (a region by versions)."""
    by_version: dict[str, list[Any]] = {}
    for c in out.conclusions:
        by_version.setdefault(c.version.id, []).append(c.winner)
    return and_(*[or_(*won) if vid in ids else not_(or_(*won))
                  for vid, won in by_version.items()])


def _differs(audit: Audit, name: str, first: date, second: date,
             seen: set[tuple[tuple[str, ...], tuple[str, ...]]], reading: str | None = None
             ) -> Replayed:
    """The replay test of a diff: the evaluator gives ``name`` different results under the
    law of the two dates (both read under ``reading``, if given), on the date the witness is
    replayed (:func:`.confirm.laws_differ`), in a region not ``seen`` yet (the versions
    applied under each law)."""
    as_of = max(first, second)
    # the evaluator's answer on a case, kept: the seeded pass reads the same candidates
    # again after each region it finds (only ``seen`` changes between its passes)
    answers: dict[str, tuple[OutputResult, OutputResult] | None] = {}

    def test(case: Case, _: date) -> bool:
        key = repr((case.as_of, sorted(case.facts.items()), sorted(case.derived.items()),
                    case.events, sorted(case.parameters.items())))
        if key not in answers:
            answers[key] = laws_differ(audit.kb, case, as_of, name, first, second,
                                       reading=reading)
        found = answers[key]
        return found is not None and _key(_applied(found[0]), _applied(found[1])) not in seen
    return test


def _key(won_a: list[str], won_b: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A region: the versions that give the output under each law."""
    return tuple(dict.fromkeys(won_a)), tuple(dict.fromkeys(won_b))


def _replayed_winners(audit: Audit, enc: LawEncoding, model: z3.ModelRef, facts: set[str],
                      name: str, first: date, second: date, reading: str | None = None
                      ) -> tuple[list[str], list[str]]:
    """The versions that give ``name`` under each law for the case of a confirmed model,
    as the evaluator applies them (the model's own may be abstract)."""
    as_of = max(first, second)
    case = build_case(enc, model, facts, as_of, "a replayed model")
    found = laws_differ(audit.kb, case, as_of, name, first, second, reading=reading)
    assert found is not None, "a confirmed model replays as it was confirmed"
    return _applied(found[0]), _applied(found[1])


def _horizon_notes(audit: Audit, name: str, first: date, second: date) -> list[str]:
    """Say when a provision has a version on one date only because the knowledge base
    starts there (valid_from_basis: horizon): such a difference is not an amendment."""
    notes = []
    for rule in audit.kb.rules_concluding(audit.jurisdiction, name):
        a, b = rule.version_on(first), rule.version_on(second)
        for missing_on, present in ((first, b), (second, a)):
            if present is not None and (a is None or b is None) and \
                    present.valid_from_basis == "horizon":
                notes.append(f"note: {rule.id} has no version on {missing_on}: the knowledge "
                             f"base starts it on {present.valid_from} (valid_from_basis: "
                             "horizon, the sources do not say since when) — this difference "
                             "may be the knowledge base's starting point, not an amendment")
    return notes


def diff_versions(audit: Audit, first: date, second: date, names: list[str] | None, *,
                  show_horizon: bool = True, readings: bool = False,
                  run: Callable[..., DiffResult] | None = None) -> Iterator[DiffResult]:
    """Each output's answer, in the order of ``names`` (default: every output); they are
    worked out in the order of their dependencies (:mod:`.diff_pool`).  Without
    ``show_horizon``, a region that is only the knowledge base's horizon (which ``lexlux
    diff`` then hides) is not summarised as fact ranges.  With ``readings``, after them the
    answers under each other reading of the outputs that have readings
    (:mod:`.reading_diff`; ``DiffResult.reading``).  ``run``: what works out one output's
    diff in place of :func:`_diff_output`, with its arguments (``diff --jobs N``:
    :mod:`.diff_jobs`)."""
    from .diff_pool import Pool, dependency_order
    diff_one = run or _diff_output
    from .horizon import horizon_only_output
    from .same_law import SAME_LAW, LawAt, same_law
    laws = LawAt(audit.kb, audit.jurisdiction, first), LawAt(audit.kb, audit.jurisdiction,
                                                             second)
    one = audit.encoding(law_as_of=first, tag="L1|")
    two = audit.encoding(law_as_of=second, shared=one.shared, tag="L2|")
    pool = Pool(audit.kb, audit.jurisdiction, first, second)
    wanted = names or audit.outputs()
    results: dict[str, DiffResult] = {}
    saved, audit.quick_rlimit = audit.quick_rlimit, min(audit.quick_rlimit, QUICK_RLIMIT)
    unsat_saved, audit.quick_unsat_rlimit = audit.quick_unsat_rlimit, QUICK_UNSAT_RLIMIT
    from ..encoding.solve import CHEAP_FIRST_ROUND
    rounds, audit.first_round = audit.first_round, dict(CHEAP_FIRST_ROUND)
    try:
        for name in dependency_order(audit.kb, audit.jurisdiction, wanted):
            audit.progress(f"diff: {name}")
            if same_law(*laws, name):      # the same text on both dates: no query needed
                results[name] = DiffResult(name, "same", reason=SAME_LAW)
            elif not show_horizon and (hidden := horizon_only_output(
                    audit.kb, audit.jurisdiction, name, first, second)):
                results[name] = DiffResult(name, "horizon", reason=hidden)
            else:
                results[name] = diff_one(audit, one, two, name, first, second, pool,
                                         show_horizon)
        if readings:
            from .reading_diff import diff_readings
            others = diff_readings(audit, first, second, wanted, laws, pool, show_horizon,
                                   run=run)
    finally:
        audit.quick_rlimit, audit.first_round = saved, rounds
        audit.quick_unsat_rlimit = unsat_saved
    for name in wanted:
        yield results[name]
    if readings:
        yield from others


#: Partial witnesses (:meth:`.diff_pool.Pool.seeds`) the solver completes for one output,
#: and the resource limit of each attempt (a fraction of a query's; an attempt that does
#: not end in a witness says nothing, and the seeded pass follows at once): the attempts
#: of the bundled diffs that end in an answer take at most 375,000 units; the one that
#: does not (sickness_benefit_paid_on_day, 2016 → 2020) cost 0.9 s at 2·10⁶.
SEEDS = 3
SEED_RLIMIT = 500_000
#: The resource limit of a query with one date fixed on the boundary (a frame).
FRAME_RLIMIT = 50_000
#: What the slice solver (checks/quick.py) may spend on one query of the diff: the
#: queries it decides here take far less, and on the hard ones (counted days) it decides
#: nothing with the audit's 300,000 — each of those cost 0.1-0.2 s before the query's
#: own solves.
QUICK_RLIMIT = 60_000
#: What it may spend on a query of the diff of which only its UNSAT is read (the frames,
#: the gates, the query after a region of the seeded pass:
#: :meth:`.context.Audit._quick_budget`).  Its "sat" there leads where "undecided" leads,
#: and the frames it leaves undecided spent the frame's 50,000 units for nothing
#: (0.02-0.05 s each, about ten a boundary); the UNSAT answers it gives the bundled diffs
#: are all given within this (docs/verification.md, stop 20: the undecided frames).
#: None: ``QUICK_RLIMIT`` (as before).
QUICK_UNSAT_RLIMIT: int | None = 10_000
#: The budget of the diff's query before the seeded pass (checks/diff_seeds.py): the
#: queries of the bundled diffs that the solver decides at once take far less; the witness
#: searches the seeded pass is for take 2-12·10⁶.
GATE_RLIMIT = 500_000
#: The budget of the query asked after each region of the seeded pass, once a query of
#: the output has ended undecided (what is left is then often nothing, which the solver
#: proves at once; an answer it cannot give within this says nothing, and the seeded pass
#: is asked again): a frame's.
AFTER_SEED_RLIMIT = FRAME_RLIMIT
#: Before the partial witnesses of an output (``SEEDS``, each a search of the solver), the
#: anchored sweep of the seeded pass (checks/diff_seeds.py): a region it shows is confirmed
#: with its case fixed, in a fraction of the time (docs/verification.md, stop 20).
SEEDED_FIRST = True


def differ_goals(a: Any, b: Any) -> list[Any]:
    """The goals of a diff query: the output encoded under each law (``a``, ``b``) is well
    defined under both and has another value, or a value under one only, or a conflict
    under one only."""
    same_value = and_(*[x == y for x, y in zip(a.value, b.value, strict=True)])
    differ = or_(a.has_value != b.has_value, a.in_conflict != b.in_conflict,
                 and_(a.has_value, b.has_value, not_(same_value)))
    return [not_(a.bad), not_(b.bad), differ]


def _diff_output(audit: Audit, one: LawEncoding, two: LawEncoding, name: str, first: date,
                 second: date, pool: Pool, show_horizon: bool, reading: str | None = None
                 ) -> DiffResult:
    """``reading``: the reading ``one`` and ``two`` are encoded under, when not the
    default (:mod:`.reading_diff`)."""
    a, b = one.output(name), two.output(name)
    if (a.not_encodable and a.timeline_only) or (b.not_encodable and b.timeline_only):
        # abstraction timeline_bounded_proof
        from .timeline_diff import diff_timeline_output
        return diff_timeline_output(audit, name, first, second, pool, show_horizon,
                                    reading=reading)
    if a.not_encodable or b.not_encodable:
        return DiffResult(name, "not verified", reason=a.not_encodable or
                          b.not_encodable or "", reading=reading)
    try:
        return _diff_plain_output(audit, one, two, name, first, second, pool, show_horizon,
                                  reading)
    finally:
        # no other query of the diff has this output's encodings and names: its slice
        # solver's context is freed now, for the next contexts (verify/heap.py)
        audit.done_with([one, two], [{name}, {name}])
        from .summary_worker import output_done
        output_done()       # its region summaries, to a second process (lexlux diff)


def _diff_plain_output(audit: Audit, one: LawEncoding, two: LawEncoding, name: str,
                       first: date, second: date, pool: Pool, show_horizon: bool,
                       reading: str | None) -> DiffResult:
    """The diff of an output that is no timeline (:func:`_diff_output`)."""
    a, b = one.output(name), two.output(name)
    goals = differ_goals(a, b)
    result = DiffResult(name, "same", reading=reading)
    region = _Region(audit, one, two, name, first, second, goals, show_horizon,
                     reading=reading)
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()   # the regions reported
    cone = one.cone({name})
    uses = set().union(*(one.output(n).facts for n in cone))
    shown = []
    for case, in_first, in_second in pool.regions(name, uses):   # witnesses found before
        if len(result.findings) >= audit.max_regions:
            break
        if region.replayed(case, (in_first, in_second), result, goals, seen, pool):
            shown.append(case)
    test = _differs(audit, name, first, second, seen, reading)
    anchor = z3.IntVal(to_day_number(second))
    # the regions it can have, when one date has no provision (:mod:`.one_sided`): once
    # each is found, the diff stops, its closing query being UNSAT by construction
    possible = possible_regions(one.candidates(name), name, first, second)

    def witnessed(answer: SolveResult, facts: set[str]) -> None:
        region.witnessed(answer, facts, result, goals, seen, pool)

    undecided = False        # a query of this output has ended undecided
    sliced = False           # a query of this output has been put to its slice solver

    def narrow(extra: list[Any], rlimit: int) -> str:
        """The full query with ``extra`` constraints, within ``rlimit``: its models are
        models of the full query (a witness is reported), its other answers say nothing."""
        nonlocal undecided, sliced
        # the output's first query, when a witness would end the search: its nicer
        # query first, so that a witness found there needs no slice solver at all
        # (:func:`.last_query.nicer_before_slice`)
        early = not sliced and nicer_before_slice(audit, rlimit, result, possible, seen)
        saved, audit.rlimit = audit.rlimit, min(audit.rlimit, rlimit)
        try:
            answer, facts = audit.query([one, two], [{name}, {name}], [*goals, *extra],
                                        anchor=anchor, confirm=test, nicer_first=early,
                                        query_first=early)
        finally:
            audit.rlimit = saved
        sliced = sliced or not early or answer.status != "sat"
        if answer.status == "sat":
            witnessed(answer, facts)
        undecided = undecided or answer.status == "unknown"
        return answer.status

    from .diff_seeds import SEEDED, SeededRegions
    seeded = SeededRegions(audit, one, two, name, first, second, uses, reading)

    def seeded_region() -> bool:
        """The seeded pass (checks/diff_seeds.py): a generated case on which the evaluator
        shows a region not found yet, fixed in the query and confirmed at once."""
        found = seeded.next(goals, seen, test)
        if found is None:
            return False
        witnessed(*found)
        result.findings[-1].details.append(SEEDED)
        return True

    partial = pool.seeds(cone - {name}, uses, shown)[:SEEDS]   # partial witnesses
    if partial and SEEDED_FIRST:
        # the partial witnesses are the solver's search, 0.1-0.5 s each on the bundled
        # diffs: the anchored sweep of the seeded pass first (checks/diff_seeds.py), which
        # reads the evaluator on a few dozen generated histories and confirms a region it
        # shows with the case fixed (0.01-0.05 s)
        seeded.anchored_only = True
        asked = False
        while len(result.findings) < audit.max_regions and not all_found(possible, seen) \
                and not seeded.spent and seeded_region():
            if asked or len(result.findings) >= audit.max_regions or \
                    all_found(possible, seen):
                continue
            # once, after a region: whether any is left, within a frame's budget (the
            # rest of the sweep costs more than this query; UNSAT is final)
            asked = True
            if narrow([], AFTER_SEED_RLIMIT) == "unsat":
                return result
        seeded.anchored_only = False
    for case in partial:
        if len(result.findings) >= audit.max_regions or all_found(possible, seen):
            break
        pins = _pins(one, case, uses)
        if pins is not None:
            narrow(pins, SEED_RLIMIT)

    day = to_day_number(max(first, second))
    frames = [var.term == day for var in (one.shared.facts.get(f) for f in sorted(uses))
              if var.type.kind == "date"]
    while len(result.findings) < audit.max_regions and not all_found(possible, seen):
        if undecided and not seeded.spent and seeded_region():
            # once the solver has left a query of this output undecided, the seeded pass
            # comes before any other query; after each region it finds, the query within
            # a frame's budget tells whether any is left (UNSAT is final)
            if len(result.findings) < audit.max_regions and not all_found(possible, seen) \
                    and narrow([], AFTER_SEED_RLIMIT) == "unsat":
                break
            continue
        # a date fixed on the boundary: the month arithmetic of a free date is what makes
        # these queries hard, and a witness found so is one of the full query; a frame
        # without a witness is not tried again (it has no more with a region blocked); an
        # undecided frame hands over to the seeded pass (the frames not asked yet wait)
        kept, handed_over = [], False
        while frames and len(result.findings) < audit.max_regions and \
                not all_found(possible, seen):
            frame = frames.pop(0)
            status = narrow([frame], FRAME_RLIMIT)
            if status == "sat":
                kept.append(frame)
            elif status == "unknown" and not seeded.spent:
                handed_over = True
                break
        frames += kept
        if frames or handed_over or len(result.findings) >= audit.max_regions or \
                all_found(possible, seen):
            continue
        # the query within a small budget first: what it decides is final (a model is one
        # of the query, UNSAT is UNSAT), and most queries of the diff are decided so
        first_try = narrow([], GATE_RLIMIT)
        if first_try == "unsat":
            break
        if first_try == "sat":
            continue
        # then the seeded pass before the solver's own search
        if seeded_region():
            continue
        answer, facts = audit.query([one, two], [{name}, {name}], goals, anchor=anchor,
                                    confirm=test)
        if answer.status == "unknown":
            region.undecided(answer, result)
            break
        if answer.status == "unsat":
            break
        witnessed(answer, facts)
    return result


def _pins(enc: LawEncoding, case: Case, uses: set[str]) -> list[Any] | None:
    """The facts of ``case`` that the output uses, fixed (None if one is outside the
    encoding's abstractions)."""
    pins: list[Any] = []
    for name in sorted(uses & case.facts.keys()):
        try:
            pins += [var == value for var, value in enc.shared.facts.pin(name,
                                                                          case.facts[name])]
        except ValueError:
            return None
    return pins


@dataclass
class _Region:
    """The finding of one region of an output's diff (without its witness)."""

    audit: Audit
    one: LawEncoding
    two: LawEncoding
    name: str
    first: date
    second: date
    goals: list[Any]            # the diff's goals before any region is blocked
    show_horizon: bool          # summarise the regions lexlux diff hides (the horizon)
    summarised: bool = True     # summarise as fact ranges (not for timelines: timeline_diff)
    ranges: Any = None          # region_bounds.RegionSolver, made for the first summary
    reading: str | None = None  # both laws read under this reading (not the default)

    def __post_init__(self) -> None:
        self.goals = list(self.goals)

    @property
    def under(self) -> str:
        """`` under the reading 'R'`` for a diff under a reading that is not the default."""
        return f" under the reading {self.reading!r}" if self.reading else ""

    def undecided(self, answer: SolveResult, result: DiffResult) -> None:
        """The diff's query left undecided (``answer``): ``result`` is unknown (LX510)."""
        result.status, result.reason = "unknown", answer.reason
        result.findings.append(self.audit.unknown(
            f"whether the law of {self.first} and {self.second} agree on {self.name!r}"
            + self.under, answer, output=self.name))

    def replayed(self, case: Case, results: tuple[OutputResult, OutputResult],
                 result: DiffResult, goals: list[Any],
                 seen: set[tuple[tuple[str, ...], tuple[str, ...]]], pool: Pool) -> bool:
        """A region shown by the evaluator on a case of the ``pool`` (its ``results`` under
        each law): blocked in ``goals`` and reported in ``result`` with that case as its
        witness; False (nothing done) if the region was already ``seen``."""
        won_a, won_b = _applied(results[0]), _applied(results[1])
        if _key(won_a, won_b) in seen:
            return False
        seen.add(_key(won_a, won_b))
        a, b = self.one.output(self.name), self.two.output(self.name)
        region_a, region_b = _versions_won(a, won_a), _versions_won(b, won_b)
        goals.append(not_(and_(region_a, region_b)))
        result.status = "differ"
        finding = self.finding(won_a, won_b, region_a, region_b, witness=case)
        result.findings.append(pool.witness(finding, case, results, self.audit.witness_dir))
        return True

    def witnessed(self, answer: SolveResult, facts: set[str], result: DiffResult,
                  goals: list[Any], seen: set[tuple[tuple[str, ...], tuple[str, ...]]],
                  pool: Pool) -> None:
        """A region of a SAT answer (of the diff's ``goals``, which are extended): blocked,
        reported in ``result`` with its witness replayed under both laws, its case kept in
        the ``pool``.  The versions that win are the model's, or the evaluator's when the
        model was confirmed by replay (not exact for the calendar)."""
        assert answer.model is not None
        one, two, name, first, second = self.one, self.two, self.name, self.first, self.second
        a, b = one.output(name), two.output(name)
        if answer.confirmed:    # not exact for the calendar: the evaluator's winners
            won_a, won_b = _replayed_winners(self.audit, one, answer.model, facts, name,
                                             first, second, self.reading)
        else:
            won_a, _ = _winners(answer.model, a)
            won_b, _ = _winners(answer.model, b)
        # blocked by versions, as it is reported: a later model shows other versions
        region_a, region_b = _versions_won(a, won_a), _versions_won(b, won_b)
        goals.append(not_(and_(region_a, region_b)))
        seen.add(_key(won_a, won_b))
        result.status = "differ"
        read: dict[str, Any] = {"reading": self.reading} if self.reading else {}
        finding = self.audit.witness(
            self.finding(won_a, won_b, region_a, region_b, witness=answer.model), one,
            answer, facts,
            [(one, a, {"law_as_of": first, **read}), (two, b, {"law_as_of": second, **read})],
            as_of=max(first, second))
        pool.add(finding.facts or {}, name)
        result.findings.append(finding)

    def finding(self, won_a: list[str], won_b: list[str], region_a: Any, region_b: Any,
                witness: Case | z3.ModelRef | None = None) -> Finding:
        """``witness``: the region's case (replayed) or the model it was read from, from
        which its summary starts when the summary's solver finds no case quickly
        (checks/region_bounds.py)."""
        audit, name, first, second = self.audit, self.name, self.first, self.second
        versions = tuple(dict.fromkeys([*won_a, *won_b]))
        changed = parameter_changes(audit.kb, versions, first, second)
        changed += _horizon_notes(audit, name, first, second)
        from .explain_findings import region_lines
        changed = [*region_lines(audit.kb, name, first, won_a),
                   *region_lines(audit.kb, name, second, won_b), *changed]
        if self.reading:
            changed.append(f"reading: {self.reading!r} under both laws (the evaluator's "
                           f"--reading {self.reading}); not the default reading, whose "
                           "diff is reported apart")
        finding = Finding(
            "LX507", f"the law of {first} and the law of {second} give {name!r} "
            "different results" + self.under, output=name, versions=versions,
            key=f"{first}|{second}|{','.join(won_a)}|{','.join(won_b)}"
            + (f"|reading={self.reading}" if self.reading else ""), details=[
                f"{first}: " + (", ".join(won_a) or "no provision applies"),
                f"{second}: " + (", ".join(won_b) or "no provision applies"), *changed])
        from .horizon import horizon_only
        if (not self.show_horizon and horizon_only(finding)) or not self.summarised:
            return finding              # hidden by lexlux diff: not summarised
        from . import region_bounds, summary_worker
        if summary_worker.queued():     # lexlux diff: worked out by a second process
            summary_worker.summary(finding.details, region_bounds.summary_of(
                self, [region_a, region_b], witness=witness))
        else:
            finding.details += region_bounds.summarise(self, [region_a, region_b],
                                                       witness=witness)
        return finding


def _applied(result: OutputResult) -> list[str]:
    """The versions the evaluator applied (in the order of its trace)."""
    return list(dict.fromkeys(result.version_ids))


def parameter_changes(kb: KnowledgeBase, versions: tuple[str, ...], first: date,
                      second: date) -> list[str]:
    """The parameters of ``versions`` whose value differs between the two dates: a line
    "parameter …: old → new" for each change of the law, and a line "note: parameter …"
    for a parameter that has no value on one date only because the knowledge base starts
    it on the other (its first value, with no amending act: in force before, the sources
    do not say since when), which is not an amendment."""
    lines: list[str] = []
    for vid in versions:
        rule = kb.rules[vid.partition("@")[0]]
        version = next(v for v in rule.versions if v.id == vid)
        for alias, param_id in sorted(version.parameters.items()):
            param = kb.parameters.get(param_id)
            if param is None:
                continue
            a, b = param.value_on(first), param.value_on(second)
            if (a and a.value) != (b and b.value):   # a new dated entry with the same value
                #                                      is not a change of the law
                start = a or b
                if (a is None or b is None) and start is param.values[0] and \
                        start.amended_by is None:
                    line = (f"note: parameter {param_id} ({alias}) has no value on "
                            f"{first if a is None else second}: the knowledge base starts it "
                            f"on {start.start} ({_show(start)}; in force before, the sources "
                            "do not say since when) — not an amendment")
                else:
                    line = f"parameter {param_id} ({alias}): {_show(a)} → {_show(b)}"
                if line not in lines:
                    lines.append(line)
    return lines


def _show(value: ParameterValue | None) -> str:
    return "no value" if value is None else f"{value.value} (from {value.start})"
