"""Stage 5 (verify): ``lexlux diff`` of a timeline output (or of an output reading one), in
bounded frames (abstraction ``timeline_bounded_proof``).

A timeline output is not in the plain encoding (abstraction ``timeline_outputs``); the
timeline encoding holds it exactly over :data:`~..encoding.timelines.TIMELINE_MONTHS`
months, and its queries are solved in narrow frames whose first month is pinned
(:mod:`.timeline_search`).  So the diff of such an output is asked in those frames, under
the law of each date (the two encodings share one set of facts, as in
:func:`.versions.diff_versions`); its own encodings are those of the widest frame from the
month of the later date (:func:`diff_encodings`), where every query of the diff is asked:
the audit's own frame (of the as-of date, else January 2017), which none of them reads, is
not encoded for it:

* a model is an exact witness of disagreement: it is replayed by the evaluator, as every
  witness of the diff (the evaluator must give what the model gives under each law), its
  region (which provisions win under each law) is blocked and the search goes on, up to
  ``--max-regions`` regions; before the solver's search, the witnesses of earlier outputs
  are replayed, then the seeded pass (:mod:`.seeds`: candidates generated from the
  knowledge base as of the later date, confirmed with the case fixed) and narrow attempts
  are asked, and their models are regions like any other; after the seeded pass, the
  variants of the regions' own witnesses (:mod:`.witness_variants`: one date fact more, on
  one of the witness's dates) are shown to the evaluator, and a variant that differs in a
  region not seen yet is a witness as a replayed case of an earlier output is;
* before the narrow attempts, the regions where one version alone gives the output under
  both laws with the same parameter values and outputs read (:mod:`.same_regions`) are
  left out of the goals: no case can differ there (a proof by the text of the law);
* the regions the output can have are known before any search when one date has no
  provision for it (:mod:`.one_sided`) or, with provisions on both dates, by which is an
  exception to which and by a provision that always applies (:mod:`.region_space`): once
  each is found (or left out), the search stops, exact, without the closing query; and
  when the witnesses of earlier outputs show them all, or ``--max-regions`` of them, the
  output is answered from them, with nothing encoded (:func:`_known_in_pool`);
* no model in any frame of the :data:`~.timeline_search.PROOF_MONTHS` months from the
  month of the later date is "same" *within that bound only*: the result carries the bound
  (:attr:`.versions.DiffResult.bound`), and is never reported as proved without it;
* anything else is undecided (``unknown``, LX510).

Each result of such an output carries a note LX522: each question the diff asked and its
answer, and the bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import z3

from ...calendar.dates import month_index, to_day_number
from ...evaluate.case import Case
from ...evaluate.interpreter import OutputResult
from ..encoding.encode import LawEncoding, OutputEnc
from ..encoding.reads import cone_reads
from ..encoding.solve import Budget, SolveResult
from ..encoding.timelines import TIMELINE_MONTHS, Frame
from .confirm import laws_differ
from .context import Audit
from .findings import Finding
from .one_sided import all_found, none_left, possible_regions
from .region_space import Space, covered, region_space
from .region_space import none_left as none_left_both
from .same_law import LawAt
from .same_regions import same_version_goals, unchanged_among, unchanged_versions
from .seeds import replayed_test, seeded_query
from .timeline_search import BOUNDED, _frame_query, core_facts, frame_twin, is_bounded
from .versions import (
    DiffResult,
    _applied,
    _differs,
    _key,
    _Region,
    differ_goals,
)
from .witness_variants import differing_variant

if TYPE_CHECKING:
    from ...compile.model import RuleVersion
    from .diff_pool import Pool

#: The budget of all the frames of one diff query about a timeline output (the witness
#: search in the widest frame, then the proof in the frames of the next months).  The
#: payer timeline of the bundled rules is decided with about 1.5·10⁶ per frame.
DIFF_RLIMIT = 4_000_000
#: The narrow attempts from the witnesses of the outputs read: how many fact sets, the
#: horizons (months) tried for each, the budget of one attempt and of all of them.  The
#: payer witness of 2016 → 2020 (the contract ended by L.125-4 after 52 weeks under the
#: law of 2016, not under that of 2020) needs about 3·10⁶ in the 18-month frame.  An
#: attempt is asked with its whole budget or not at all: what is left of :data:`SEED_BUDGET`
#: after two attempts spent theirs (about 2·10⁶) is not tried as a third attempt.  Such a
#: remnant never decided a query of the bundled diffs (undecided every time, 0.15-0.2 s of
#: CPU per attempt with its query and its facts removed), and the query that follows the
#: attempts looks for the same regions.
SEED_SETS = 2
SEED_HORIZONS = (18, TIMELINE_MONTHS)
SEED_RLIMIT = 4_000_000
SEED_BUDGET = 10_000_000


def diff_timeline_output(audit: Audit, name: str, first: date, second: date, pool: Pool,
                         show_horizon: bool, reading: str | None = None) -> DiffResult:
    """The diff of ``name`` (a timeline output, or one reading a timeline output) between
    the law of ``first`` and of ``second`` (both under ``reading``, if given), in bounded
    timeline frames."""
    later = max(first, second)
    month = month_index(later)
    one, two = diff_encodings(audit, first, second, reading, Frame(TIMELINE_MONTHS, month))
    rules = one.candidates(name)
    possible = possible_regions(rules, name, first, second)   # (:mod:`.one_sided`)
    # with a provision on both dates, the regions the rules allow (:mod:`.region_space`)
    space = region_space(audit.kb, rules, name, first, second) if possible is None else None
    if possible is not None or space is not None:
        known = _known_in_pool(audit, one, two, name, first, second, pool, show_horizon,
                               reading, possible, space)
        if known is not None:
            return known
    a, b = one.output(name), two.output(name)
    if a.not_encodable or b.not_encodable:
        return DiffResult(name, "not verified", reason=a.not_encodable or
                          b.not_encodable or "", reading=reading)
    goals = differ_goals(a, b)
    result = DiffResult(name, "same", reading=reading)
    # and those left out as the same computation under both laws (:mod:`.same_regions`)
    left = _left_out(audit, first, second, a, b) if space is not None else []
    # no fact ranges: the audit's encodings are in one frame, the witnesses in others
    region = _Region(audit, one, two, name, first, second, goals, show_horizon,
                     summarised=False, reading=reading)
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()

    def done() -> bool:
        """Every region the output can have is found (or left out): none is left."""
        return all_found(possible, seen) or covered(space, seen, left)
    asked: list[tuple[str, str]] = []
    cone = one.cone({name})
    uses = set().union(*(one.output(n).facts for n in cone))
    for case, in_first, in_second in pool.regions(name, uses):   # witnesses found before
        if len(result.findings) >= audit.max_regions:
            break
        if not region.replayed(case, (in_first, in_second), result, goals, seen, pool):
            continue
        asked.append((f"a case of an earlier output's diff, replayed on {name!r}",
                      "a case found (the evaluator shows the difference)"))
    test = _differs(audit, name, first, second, seen, reading)
    anchor = z3.IntVal(to_day_number(later))

    def witnessed(answer: SolveResult, facts: set[str]) -> None:
        """A region of an exact model: blocked, reported with its replayed witness."""
        region.witnessed(answer, facts, result, goals, seen, pool)

    pinned = [one.as_of == anchor] if audit.as_of is None else []
    # the seeded pass (:mod:`.seeds`): candidates generated from the knowledge base alone
    # (the same whatever ran before), as of the later date, on which the evaluator shows
    # the difference in a region not seen yet, confirmed by the solver with the case fixed
    # in the widest frame from the month of the later date
    while len(result.findings) < audit.max_regions and not done():
        seeded = seeded_query(audit, [one, two], [{name}, {name}], [*goals, *pinned],
                              replayed_test(audit, test), what=f"diff of {name!r}",
                              frame=Frame(TIMELINE_MONTHS, month), as_of=later)
        if seeded is None:
            break
        asked.append((f"diff, a case of the seeded pass, as of {later}",
                      "a case found (the evaluator replays it)"))
        witnessed(*seeded)
    # the variants of the regions' witnesses next (:mod:`.witness_variants`): one date
    # fact more, on one of the witness's own dates, shown by the evaluator
    while len(result.findings) < audit.max_regions and not done():
        witnesses = [f.facts for f in result.findings if f.facts]
        variant = differing_variant(audit.kb, audit.jurisdiction, name, first, second,
                                    witnesses, uses, seen, reading)
        if variant is None:
            break
        fact, day, case, results = variant
        region.replayed(case, results, result, goals, seen, pool)
        pool.add(case.facts, name)
        asked.append((f"diff, a variant of a witness of this diff ({fact} on {day}), as of "
                      f"{later}", "a case found (the evaluator shows the difference)"))
    # the regions where one version alone gives the output under both laws, with the same
    # parameters and outputs read, are left out (:mod:`.same_regions`: no case there)
    if len(result.findings) < audit.max_regions:
        kept, left_out = same_version_goals(audit.kb, audit.jurisdiction, first, second, a, b)
        goals += left_out
        asked += [_left_line(version, name) for version in kept]
    # narrow attempts next: the facts that the witnesses of the outputs it reads needed,
    # as of the later date (the date witnesses are replayed on), in shorter frames; a model
    # is one of the full query, any other answer says nothing
    budget = Budget(SEED_BUDGET)
    sets = _seed_facts(audit, one, two, name, pool, cone - {name}, uses)
    for only, months in _attempts(sets, budget):
        if len(result.findings) >= audit.max_regions or done():
            break
        attempt = _frame_query(audit, [one, two], [{name}, {name}], [*goals, *pinned],
                               Frame(months, month), set(only), True, budget, SEED_RLIMIT)
        if attempt is None:
            continue
        asked.append((f"diff, narrow attempt: only the facts {', '.join(sorted(only))}, "
                      f"as of {later}, timelines of at most {months} months from "
                      f"{later:%Y-%m}", "a case found (the evaluator replays it)"
                      if attempt[0].status == "sat" else
                      "none found (a narrow attempt proves nothing)"))
        if attempt[0].status == "sat":
            witnessed(*attempt)
    bound = ""
    while len(result.findings) < audit.max_regions:
        what = _closing(region, name, first, second, seen)
        if all_found(possible, seen):
            asked.append((what, none_left(first, second, rules, name)))
            break
        if space is not None and covered(space, seen, left):
            asked.append((what, none_left_both(first, second, space, left)))
            break
        answer, facts = audit.query([one, two], [{name}, {name}], goals, anchor=anchor,
                                    confirm=test, what=what, timeline_rlimit=DIFF_RLIMIT)
        asked.append((what, _answer(answer)))
        if answer.status == "unknown":
            region.undecided(answer, result)
            break
        if answer.status == "unsat":
            bound = answer.reason.removeprefix(BOUNDED).strip() if is_bounded(answer) else ""
            break
        witnessed(answer, facts)
    if result.status == "same":
        result.bound = bound
        result.reason = f"within bounded timeline frames only: {bound}" if bound else ""
    exact = done() and not any(_answer_bounded(a) for _, a in asked)
    result.findings.append(note(name, first, second, asked, bound, reading, exact=exact,
                                left_out=exact and space is not None and bool(left)))
    return result


def _known_in_pool(audit: Audit, one: LawEncoding, two: LawEncoding, name: str,
                   first: date, second: date, pool: Pool, show_horizon: bool,
                   reading: str | None, possible: list[frozenset[str]] | None,
                   space: Space | None) -> DiffResult | None:
    """The diff of ``name`` when the cases of the ``pool`` (the witnesses of earlier
    outputs) show every region it can have (``possible``, :mod:`.one_sided`; or ``space``
    with the regions left out, :mod:`.region_space`), or as many regions as
    ``--max-regions``; else None (nothing done but evaluations).  Then no query is asked
    and nothing is encoded (``one`` and ``two``, the diff's encodings under each law, are
    read for their rules only): the facts the output's cone reads, to which each case is
    cut as in :func:`diff_timeline_output`, and the versions concluding it are told from
    the rules (:func:`~..encoding.reads.cone_reads`: the facts the encoding would record),
    and no region is blocked (no query follows).  Each region is shown by the evaluator on
    a replayed case and the regions it can have by the structure of the rules, so the
    answer does not rest on the encoding.  The findings, their order and the note are
    those :func:`diff_timeline_output` gives in the widest frame."""
    if possible is None and not _may_show(audit, name, first, second, pool, space):
        return None
    uses, _ = cone_reads(audit.kb, one.candidates, {name}, one.law_as_of is not None)
    shown: list[tuple[Case, OutputResult, OutputResult]] = []
    keys: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for case, in_first, in_second in pool.regions(name, uses):   # as the loop below
        if len(keys) >= audit.max_regions:
            break
        key = _key(_applied(in_first), _applied(in_second))
        if key not in keys:
            keys.append(key)
            shown.append((case, in_first, in_second))
    left = _left_out_of_rules(audit, one, two, name, first, second) \
        if space is not None else []
    one_sided = all_found(possible, keys)
    exact = one_sided or covered(space, keys, left)
    if not exact and len(keys) < audit.max_regions:
        return None
    result = DiffResult(name, "same", reading=reading)
    region = _Region(audit, one, two, name, first, second, [], show_horizon,
                     summarised=False, reading=reading)
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    asked = []
    for case, in_first, in_second in shown:
        # as _Region.replayed, without the blocking formula: no query follows
        won_a, won_b = _applied(in_first), _applied(in_second)
        seen.add(_key(won_a, won_b))
        result.status = "differ"
        finding = region.finding(won_a, won_b, None, None, witness=case)
        result.findings.append(pool.witness(finding, case, (in_first, in_second),
                                            audit.witness_dir))
        asked.append((f"a case of an earlier output's diff, replayed on {name!r}",
                      "a case found (the evaluator shows the difference)"))
    if one_sided:
        asked.append((_closing(region, name, first, second, seen),
                       none_left(first, second, one.candidates(name), name)))
    elif exact and space is not None and len(keys) < audit.max_regions:
        # as diff_timeline_output: the regions left out, then the closing question
        asked += [_left_line(version, name) for version in left]
        asked.append((_closing(region, name, first, second, seen),
                      none_left_both(first, second, space, left)))
    result.findings.append(note(name, first, second, asked, "", reading, exact=exact,
                                left_out=exact and not one_sided and bool(left)))
    return result


def _may_show(audit: Audit, name: str, first: date, second: date, pool: Pool,
              space: Space | None) -> bool:
    """Whether the cases of the ``pool`` may show every region of ``space`` or
    ``--max-regions`` regions, told without encoding the output: the evaluator on the
    whole cases, where :func:`_known_in_pool` cuts them down to the facts the cone reads
    (facts no rule of the cone reads change nothing: each region a cut case shows, the
    whole case shows too), and every version in both sets of a region counted as left
    out (the regions left out are some of those): it errs only on the side of the search.
    False: none of them can, and the cone's reads are not walked for nothing."""
    keys: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for case in pool.cases:
        found = laws_differ(audit.kb, case, pool.as_of, name, first, second,
                            reading=pool.reading)
        if found is not None:
            keys.add(_key(_applied(found[0]), _applied(found[1])))
    if len(keys) >= audit.max_regions:
        return True
    both = {v for pair in space or [] for v in pair[0] & pair[1]}
    return covered(space, keys, both)


def _left_out(audit: Audit, first: date, second: date, a: OutputEnc, b: OutputEnc
              ) -> list[str]:
    """The versions whose region is left out (:func:`.same_regions.unchanged_versions`)."""
    return unchanged_versions(LawAt(audit.kb, audit.jurisdiction, first),
                              LawAt(audit.kb, audit.jurisdiction, second), a, b)


def _left_out_of_rules(audit: Audit, one: LawEncoding, two: LawEncoding, name: str,
                       first: date, second: date) -> list[str]:
    """:func:`_left_out` of the versions of the rules taking part that conclude ``name``
    (those an encoding holds a conclusion of), without encoding it."""
    def concluding(enc: LawEncoding) -> dict[str, RuleVersion]:
        return {v.id: v for rule in enc.candidates(name) for v in rule.versions
                if any(c.output == name for c in v.conclusions)}
    return unchanged_among(LawAt(audit.kb, audit.jurisdiction, first),
                           LawAt(audit.kb, audit.jurisdiction, second), concluding(one),
                           concluding(two).keys())


def _left_line(version: str, name: str) -> tuple[str, str]:
    """The line of the note about a region left out (:mod:`.same_regions`)."""
    return (f"diff: the region where {version} alone gives {name!r} under both laws, left "
            "out", "the same version, parameter values and outputs read on both dates: no "
            "case there")


def _closing(region: _Region, name: str, first: date, second: date,
             seen: set[tuple[tuple[str, ...], tuple[str, ...]]]) -> str:
    """The diff's closing question (asked of the solver unless :mod:`.one_sided` answers
    it)."""
    return (f"diff: whether the law of {first} and of {second} give {name!r} different "
            "results" + region.under
            + (f" outside the {len(seen)} region(s) found" if seen else ""))


def diff_encodings(audit: Audit, first: date, second: date, reading: str | None,
                   frame: Frame) -> tuple[LawEncoding, LawEncoding]:
    """The encodings of the law of ``first`` and of ``second`` (under ``reading``) in
    ``frame``, the widest frame from the month of the later date, sharing one set of facts:
    the twins (:func:`.timeline_search.frame_twin`) of the audit's timeline encodings.
    Every query of the diff is solved in that frame or a narrower one of the same month,
    so the cone of the output is never encoded in the audit's own frame (of the as-of
    date, else January 2017), which no query of the diff reads."""
    one = audit.encoding(law_as_of=first, reading=reading, tag="L1|", timelines=True)
    two = audit.encoding(law_as_of=second, reading=reading, shared=one.shared, tag="L2|",
                         timelines=True)
    return frame_twin(audit, one, frame), frame_twin(audit, two, frame)


def _attempts(sets: list[frozenset[str]], budget: Budget
              ) -> Iterator[tuple[frozenset[str], int]]:
    """The narrow attempts, in order: each fact set of ``sets`` at each horizon of
    :data:`SEED_HORIZONS`, as long as a whole :data:`SEED_RLIMIT` is left of ``budget``
    (read before each attempt: the attempts before spend it)."""
    for only in sets:
        for months in SEED_HORIZONS:
            if budget.left < SEED_RLIMIT:
                return
            yield only, months


def _seed_facts(audit: Audit, one: LawEncoding, two: LawEncoding, name: str, pool: Pool,
                outputs: set[str], uses: set[str]) -> list[frozenset[str]]:
    """The fact sets of the narrow attempts: the core facts of the query
    (:func:`.timeline_search.core_facts`) with the facts of one witness of this diff that
    gives a fact the output may read, those of the outputs it reads first (``outputs``),
    then the smallest; at most :data:`SEED_SETS`.  (A set is only a narrowing: a model
    found with it is a model of the full query.)"""
    core = core_facts([one, two], [{name}, {name}])
    ranked: dict[frozenset[str], tuple[bool, int]] = {}
    for case, output in zip(pool.cases, pool.found_for, strict=True):
        found = frozenset(core | (case.facts.keys() & uses))
        if found != frozenset(core):
            rank = (output not in outputs, len(found))
            ranked[found] = min(rank, ranked.get(found, rank))
    return sorted(ranked, key=lambda s: (*ranked[s], sorted(s)))[:SEED_SETS]


#: The answer of a bounded proof, in a note's list of questions.
NO_CASE_IN_FRAMES = "no case within the frames"


def _answer_bounded(answer: str) -> bool:
    return answer == NO_CASE_IN_FRAMES


def _answer(result: SolveResult) -> str:
    if result.status == "sat":
        return "a case found (the evaluator replays it)"
    if is_bounded(result):
        return NO_CASE_IN_FRAMES
    return "undecided (LX510)"


def note(name: str, first: date, second: date, asked: list[tuple[str, str]], bound: str,
         reading: str | None = None, exact: bool = False, left_out: bool = False
         ) -> Finding:
    """LX522 for the diff of a timeline output: each question asked, its answer, the bound
    (under ``reading``, when not the default).  ``exact``: every region the output can
    have was found (:mod:`.one_sided`, :mod:`.region_space`) and no answer rests on the
    frames, which the note says instead of a bound (its key, and so its fingerprint, stays
    the same); ``left_out``: some of those regions were left out as regions where nothing
    can differ (:mod:`.same_regions`), not found."""
    under = f" under the reading {reading!r}" if reading else ""
    key = f"timeline_bounded_proof|diff|{first}|{second}" + (
        f"|reading={reading}" if reading else "")
    lines = [f"{what}: {answer}" for what, answer in asked]
    if exact:
        also = (", or is one where nothing can differ (the same provision under both laws)"
                if left_out else "")
        return Finding("LX522", f"the diff of {name!r} between {first} and {second}{under} "
                       "is exact, not bounded by timeline frames: every region it can have "
                       f"was found, each with a witness replayed by the evaluator{also}",
                       output=name, key=key, details=lines)
    claim = bound or ("no answer of the diff is a bounded proof (each is a replayed witness "
                      "or undecided)")
    return Finding("LX522", f"the diff of {name!r} between {first} and {second}{under} is "
                   f"verified only within bounded timeline frames: {claim}", output=name,
                   key=key, details=[*lines,
                                     "declared abstraction 'timeline_bounded_proof' (a note, "
                                     "not a problem): 'no case within the frames' is proved "
                                     "for those frames only, not for longer histories or "
                                     "other months"])
