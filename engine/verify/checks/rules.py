"""Stage 5 (verify): the checks — generators of :class:`Finding`.

* ``check_conflicts`` (LX501): two conclusions from different rules (no ``exception_to``
  between them), both winning for one case, with different values.
* ``check_hierarchy`` (LX502): a lower-authority rule (statuts, guidance, commentary) gives
  a value the higher-authority rule for the same output, applicable to the same case, does
  not give; and LX503, two readings of one provision that disagree on a case.
* ``check_dead`` (LX504): a version none of whose conclusions can ever apply (unsat core).
* ``check_gaps`` (LX506): an output declared ``total: true`` that some case, with every
  rule concluding it in force, leaves without value.
* ``check_encodable`` (LX520/LX521): outputs the encoding does not cover.

Every SAT answer is replayed through the evaluator (:meth:`Audit.witness`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import z3

from ...compile.model import AUTHORITY_RANK, Rule, RuleVersion
from ...evaluate.case import Case
from ..encoding.encode import ConclusionEnc, LawEncoding, OutputEnc
from ..encoding.encode_expr import and_, not_, or_
from ..encoding.shared import in_force
from ..encoding.solve import SolveResult
from . import seeded_readings
from .can_apply import Seed, can_apply, seeds
from .confirm import conclusion_applies
from .conflict_prefilter import cannot_overlap
from .conflict_ranges import overlap_ranges
from .context import Audit, Replayed
from .dead_cases import reads
from .evaluator_first import Found, evaluator_first
from .explain_findings import dead_lines, overlap_lines
from .findings import Finding
from .seeded_plain import gap_test, seeded_plain
from .seeds import SEEDED, readings_differ, replayed_test, seeded_query
from .simple_witness import applies_somewhere
from .timeline_notes import record
from .timeline_search import (
    CHECK_RLIMIT,
    DEAD_RLIMIT,
    involves_timelines,
    is_bounded,
    main_frame,
)
from .units import unit_check, units

LOWER_AUTHORITIES = ("statuts", "official_guidance", "commentary")


def _differ(a: ConclusionEnc, b: ConclusionEnc) -> Any:
    return not_(and_(*[x == y for x, y in zip(a.values, b.values, strict=True)]))


def _excepts(a: ConclusionEnc, b: ConclusionEnc, output: str) -> bool:
    return any(e.rule == b.rule.id and (not e.outputs or output in e.outputs)
               for e in a.version.exceptions)


def _rank(c: ConclusionEnc) -> int:
    return AUTHORITY_RANK.index(c.rule.authority)


def _hierarchy_pair(a: ConclusionEnc, b: ConclusionEnc) -> tuple[ConclusionEnc,
                                                                 ConclusionEnc] | None:
    low, high = (a, b) if _rank(a) > _rank(b) else (b, a)
    if _rank(low) > _rank(high) and low.rule.authority in LOWER_AUTHORITIES:
        return low, high
    return None


def _pairs(out: OutputEnc) -> Iterator[tuple[ConclusionEnc, ConclusionEnc]]:
    cs = out.conclusions
    for i, a in enumerate(cs):
        for b in cs[i + 1:]:
            if a.rule.id == b.rule.id and a.version.id != b.version.id:
                continue     # two versions of one rule are never selected together
            yield a, b


def _encoded(audit: Audit, enc: LawEncoding, name: str
             ) -> tuple[LawEncoding, OutputEnc] | None:
    """The encoding of ``name`` and its output, None if not encodable; a timeline output
    (or one reading it) in the audit's timeline encoding, whose queries are solved in
    bounded frames (checks/timeline_search.py, abstraction timeline_bounded_proof)."""
    out = enc.output(name)
    if out.not_encodable and out.timeline_only:
        enc = audit.encoding(reading=enc.reading, timelines=True)
        out = enc.output(name)
    return None if out.not_encodable else (enc, out)


@unit_check
def check_encodable(audit: Audit) -> Iterator[Finding]:
    """LX520; the timeline outputs (LX521, LX522) are reported after the checks
    (:func:`.timeline_notes.timeline_notes`)."""
    enc = audit.encoding()
    for name in units(audit, "encodable", audit.outputs()):
        out = enc.output(name)
        if out.not_encodable is None or out.timeline_only:
            continue
        rules = [r.id for r in enc.candidates(name)]
        if not audit.involves(*rules):
            continue
        yield Finding("LX520", f"{name!r} is not verified: {out.not_encodable}",
                      output=name, key=out.not_encodable,
                      details=["the checks skip this output and every output using it"])


@unit_check
def check_conflicts(audit: Audit) -> Iterator[Finding]:
    plain = audit.encoding()
    for name in units(audit, "conflicts", audit.outputs()):
        encoded = _encoded(audit, plain, name)
        if encoded is None:
            continue
        enc, out = encoded
        audit.progress(f"conflicts: {name}")
        seen: set[tuple[str, str]] = set()
        for a, b in _pairs(out):
            pair = (a.version.id, b.version.id)
            if pair in seen or _excepts(a, b, name) or _excepts(b, a, name) \
                    or _hierarchy_pair(a, b) or not audit.involves(a.rule.id, b.rule.id):
                continue
            if cannot_overlap(audit, enc, a, b):
                continue
            goals = [not_(out.bad), a.winner, b.winner, _differ(a, b)]
            result, facts = audit.query([enc], [{name}], goals,
                                        what=f"conflicts: {pair[0]} and {pair[1]}",
                                        timeline_rlimit=CHECK_RLIMIT)
            if result.status == "unsat":
                continue
            seen.add(pair)
            if result.status == "unknown":
                yield audit.unknown(f"whether {pair[0]} and {pair[1]} conflict on {name!r}",
                                    result, pair, name)
                continue
            ranges = overlap_ranges(audit, [enc], [{name}], goals)
            finding = Finding("LX501", f"two provisions give different answers for "
                              f"{name!r} in the same case", output=name, versions=pair,
                              related=[("first conclusion", a.conclusion.span),
                                       ("second conclusion", b.conclusion.span)],
                              details=[*overlap_lines((a.version, a.conclusion),
                                                      (b.version, b.conclusion)),
                                       *(["overlap (each fact's range over the cases where "
                                          "both apply and differ): " + "; ".join(ranges)]
                                         if ranges else []),
                                       "no exception_to between them: declare which "
                                       "prevails, or correct one of them"])
            yield audit.witness(finding, enc, result, facts, [(enc, out, {})])


@unit_check
def check_hierarchy(audit: Audit) -> Iterator[Finding]:
    plain = audit.encoding()
    for name in units(audit, "hierarchy", audit.outputs()):
        encoded = _encoded(audit, plain, name)
        if encoded is None:
            continue
        enc, out = encoded
        audit.progress(f"hierarchy: {name}")
        for a, b in _pairs(out):
            ranked = _hierarchy_pair(a, b)
            if ranked is None or not audit.involves(a.rule.id, b.rule.id):
                continue
            low, high = ranked
            if _excepts(high, low, name):
                continue     # the higher rule itself gives way to nothing lower
            if cannot_overlap(audit, enc, low, high):
                continue
            goals = [not_(out.bad), low.winner, high.applies, _differ(low, high)]
            versions = (low.version.id, high.version.id)
            result, facts = audit.query([enc], [{name}], goals,
                                        what=f"hierarchy: {versions[0]} over {versions[1]}",
                                        timeline_rlimit=CHECK_RLIMIT)
            if result.status == "unsat":
                continue
            if result.status == "unknown":
                yield audit.unknown(f"the hierarchy of {versions} on {name!r}", result,
                                    versions, name)
                continue
            how = ("declared exception_to the higher rule (lex superior prevails over lex "
                   "specialis)" if _excepts(low, high, name) else "no exception between them")
            finding = Finding(
                "LX502", f"a provision of lower authority ({low.rule.authority}) gives "
                f"{name!r} a value that the {high.rule.authority} provision above it, "
                "applicable to the same case, does not give",
                output=name, versions=versions, details=[how])
            yield audit.witness(finding, enc, result, facts, [(enc, out, {})])
    yield from _check_readings(audit)


def _check_readings(audit: Audit) -> Iterator[Finding]:
    for name in audit.outputs():
        rules = audit.kb.rules_concluding(audit.jurisdiction, name)
        readings = sorted({r.reading for r in rules if r.reading})
        for i, first in enumerate(readings):
            for second in units(audit, "readings", readings[i + 1:], prefix=(name, first),
                                read=(name,)):   # the timeline witness search included
                ids = [r.id for r in rules if r.reading in (first, second)]
                if not audit.involves(*ids):
                    continue
                what = f"readings: {first} and {second}"
                # the seeded pass on the audit's own encodings of the two readings first:
                # no twins to build when it answers (checks/seeded_readings.py)
                laws = seeded_readings.own_encodings(audit, name, (first, second))
                pair = None if laws is None else seeded_readings.seeded_pair(
                    audit, laws, name, (first, second), what)
                if pair is not None:
                    one, two = pair
                    yield _reading_finding(
                        audit, name, first, second, ids, True,
                        [(one.model, c) for c in one.output.conclusions]
                        + [(two.model, c) for c in two.output.conclusions],
                        one.encoding, one.result, one.facts | two.facts,
                        [(one.encoding, one.output, {"reading": first}),
                         (two.encoding, two.output, {"reading": second})],
                        models=[(one.model, one.facts), (two.model, two.facts)])
                    continue
                yield from _reading_query(audit, name, first, second, ids, what,
                                          seeds=laws is None)   # else its candidates tried


def _reading_query(audit: Audit, name: str, first: str, second: str, ids: list[str],
                   what: str, *, seeds: bool) -> Iterator[Finding]:
    """The readings query on the pair's tagged twins (after the seeded pass on them, if
    ``seeds``: not when the pass on the audit's own encodings tried the candidates)."""
    one = audit.encoding(reading=first, tag="R1|", timelines=True)
    two = audit.encoding(reading=second, shared=one.shared, tag="R2|", timelines=True)
    a, b = one.output(name), two.output(name)
    if a.not_encodable or b.not_encodable:
        return
    differ = not_(and_(*[x == y for x, y in zip(a.value, b.value, strict=True)]))
    goals = [a.has_value, b.has_value, differ]
    seeded = seeded_query(audit, [one, two], [{name}, {name}], goals,
                          readings_differ(audit, name, first, second), what=what) \
        if seeds else None
    if seeded is None:     # no timeline output: the pass on counted-days values
        seeded = seeded_plain(audit, [one, two], [{name}, {name}], goals,
                              readings_differ(audit, name, first, second))
    result, facts = seeded or audit.query([one, two], [{name}, {name}], goals, what=what,
                                          nicer_first=True)
    if result.status == "unsat":
        return
    if result.status == "unknown":
        yield audit.unknown(f"the readings {first}/{second} of {name!r}",
                            result, tuple(sorted(ids)), name)
        return
    assert result.model is not None
    model = result.model
    yield _reading_finding(audit, name, first, second, ids, bool(seeded),
                           [(model, c) for c in (*a.conclusions, *b.conclusions)],
                           one, result, facts,
                           [(one, a, {"reading": first}), (two, b, {"reading": second})])


def _reading_finding(audit: Audit, name: str, first: str, second: str, ids: list[str],
                     seeded: bool, winners: list[tuple[z3.ModelRef, ConclusionEnc]],
                     enc: LawEncoding, result: SolveResult, facts: set[str],
                     checks: list[tuple[LawEncoding, OutputEnc, dict[str, Any]]],
                     models: list[tuple[z3.ModelRef, set[str]]] | None = None) -> Finding:
    """The LX503 finding of a disagreement, its versions (the conclusions winning in
    ``winners``' models) and its replayed witness."""
    versions = tuple(dict.fromkeys(
        c.version.id for model, c in winners
        if z3.is_true(model.eval(c.winner, model_completion=True))))
    finding = Finding(
        "LX503", f"the readings {first!r} and {second!r} give {name!r} different "
        "values (a reading disagreement, not a conflict)", output=name,
        versions=versions, key=f"{first}|{second}", identity=tuple(sorted(ids)),
        details=[f"the evaluator uses {first!r} or {second!r} when asked "
                 "(--reading); by default the highest-authority reading",
                 *([SEEDED] if seeded else [])])
    return audit.witness(finding, enc, result, facts, checks, models=models)


@unit_check
def check_dead(audit: Audit) -> Iterator[Finding]:
    encodings: dict[str | None, LawEncoding] = {}
    for rule in sorted(audit.kb.rules.values(), key=lambda r: r.id):
        if rule.jurisdiction != audit.jurisdiction or not audit.involves(rule.id):
            continue
        enc = encodings.setdefault(rule.reading, audit.encoding(reading=rule.reading))
        audit.progress(f"dead: {rule.id}")
        for version in units(audit, "dead", rule.versions, label=_version_id,
                             outputs=_version_outputs):
            if audit.as_of is not None and not rule.selected_by \
                    and not version.in_force_on(audit.as_of):
                continue
            yield from _dead_version(audit, enc, rule.id, version.id)


def _version_id(version: RuleVersion) -> str:
    return version.id


def _version_outputs(version: RuleVersion) -> list[str]:
    return sorted({c.output for c in version.conclusions})


def _dead_version(audit: Audit, enc: LawEncoding, rule_id: str, vid: str
                  ) -> Iterator[Finding]:
    rule = audit.kb.rules[rule_id]
    version = next(v for v in rule.versions if v.id == vid)
    names = sorted({c.output for c in version.conclusions})
    found = evaluator_first(audit, rule, version)     # before anything is encoded
    if found is not None:
        _note_found(audit, enc, rule, version, names, found)
        return
    cores: list[str] = []
    bounds: list[str] = []
    for name in names:
        encoded = _encoded(audit, enc, name)
        if encoded is None:
            return
        law, out = encoded
        for c in out.conclusions:
            if c.version.id != vid:
                continue
            if applies_somewhere(audit, law, name, rule_id, version, c.conclusion):
                return        # a case built from its conditions, replayed by the evaluator

            index = version.conclusions.index(c.conclusion)
            applies = _applies(audit, rule_id, vid, index, law.reading)
            what = f"dead rule: whether {vid} can apply"
            seeded = seeded_query(audit, [law], [{name}], [c.applies, not_(c.bad)],
                                  replayed_test(audit, applies), what=what,
                                  unknown_missing=False)
            result = seeded[0] if seeded else can_apply(
                audit, law, [{name}], [c.applies, not_(c.bad)], applies, what, DEAD_RLIMIT)
            if result.status == "sat":
                return
            if result.status == "unknown":
                yield audit.unknown(f"whether {vid} can apply", result, (vid,), name)
                return
            if is_bounded(result) and result.reason not in bounds:
                bounds.append(result.reason)
            cores += [x for x in result.core if x not in cores]
    window = f"{version.valid_from} to {version.valid_until or 'today'}"
    when = "on " + audit.as_of.isoformat() if audit.as_of else f"while in force ({window})"
    yield Finding("LX504", f"{vid} can never apply {when}: no case satisfies its "
                  "conditions", versions=(vid,), core=tuple(cores), span=version.span,
                  output=", ".join(names),
                  details=[*dead_lines(audit.kb, tuple(cores), names),
                           *bounds,
                           "the provisions in the unsat core together exclude it"
                           if cores else "no unsat core: the timeline frames exclude it"])


def _note_found(audit: Audit, enc: LawEncoding, rule: Rule, version: RuleVersion,
                names: list[str], found: Found) -> None:
    """What the solver's path would have kept of a version answered by the evaluator
    (:mod:`.evaluator_first`): for a version whose outputs read a timeline output (answered
    by its first conclusion only), the note on the timeline output (LX522) that the
    question was asked and a case found, when the solver's path would have asked it of the
    timeline encoding; for the others, the case as a seed of later "can apply" questions
    (:mod:`.can_apply`)."""
    if not reads(audit).timeline_maybe(names):
        seeds(audit).append(Seed(found.case, found.as_of, rule.reading))
        return
    name = found.output
    out = enc.output(name)
    if out.not_encodable is None or not out.timeline_only:
        return                                  # asked of the plain encoding: no note
    law = _encoded_already(audit, enc, name) or audit.encoding(reading=enc.reading,
                                                               timelines=True)
    if law.output(name).not_encodable is None and involves_timelines([law], [{name}]):
        record(audit, [law], [{name}], f"dead rule: whether {version.id} can apply",
               SolveResult("sat", reason="a case the evaluator applies the conclusion to"))


def _encoded_already(audit: Audit, enc: LawEncoding, name: str) -> LawEncoding | None:
    """A timeline encoding of the audit (the readings check's, whatever its tag) with the
    reading and date of law of ``enc``, in the audit's frame, where ``name`` and every
    output it reads are encoded already: whether they are encodable, and whether they read
    a timeline, is the same there as in the dead-rule check's own timeline encoding (a tag
    only renames), which then need not be built for a version the evaluator answered."""
    frame = main_frame(audit)
    for other in audit._encodings.values():
        if not other.timelines or other.reading != enc.reading \
                or other.law_as_of != enc.law_as_of or other.frame != frame:
            continue
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if current not in other.outputs:
                break
            todo += sorted(other.outputs[current].deps)
        else:
            return other
    return None


def _applies(audit: Audit, rule_id: str, vid: str, index: int, reading: str | None
             ) -> Replayed:
    """The replay test of the dead-rule check: the evaluator applies the conclusion."""
    def test(case: Case, as_of: date) -> bool:
        return conclusion_applies(audit.kb, case, as_of, rule_id, vid, index,
                                  reading=reading)
    return test


@unit_check
def check_gaps(audit: Audit) -> Iterator[Finding]:
    vocabulary = audit.kb.vocabularies[audit.jurisdiction]
    plain = audit.encoding()
    for name in units(audit, "gaps", [n for n in audit.outputs()
                                      if vocabulary.outputs[n].total], total=True):
        entry = vocabulary.outputs[name]
        if not entry.total:
            continue
        encoded = _encoded(audit, plain, name)
        if encoded is None:
            continue
        enc, out = encoded
        rules = enc.candidates(name)
        if not audit.involves(*[r.id for r in rules]):
            continue
        audit.progress(f"gaps: {name}")
        rules_in_force = [or_(*[in_force(v, enc.selection_day(r)) for v in r.versions])
                    for r in rules]
        names, condition, details = _total_condition(audit, enc, name)
        if condition is None:
            continue
        goals = [out.no_value, *rules_in_force, *condition]
        seeded = seeded_plain(audit, [enc], [names], goals, gap_test(audit, name))
        result, facts = seeded or audit.query([enc], [names], goals,
                                              what=f"gaps: whether {name!r} is total",
                                              timeline_rlimit=CHECK_RLIMIT, nicer_first=True)
        if result.status == "unsat":
            continue
        versions = tuple(sorted({c.version.id for c in out.conclusions}))
        if result.status == "unknown":
            yield audit.unknown(f"whether {name!r} is total", result, versions, name)
            continue
        finding = Finding("LX506", f"{name!r} is declared total but this case, with the "
                          "provisions in force, gets no value", output=name,
                          versions=versions, span=entry.span,
                          details=[*details,
                                   "add the missing case to a rule, or drop total: true",
                                   *([SEEDED] if seeded else [])])
        yield audit.witness(finding, enc, result, facts, [(enc, out, {})])



def _total_condition(audit: Audit, enc: LawEncoding, name: str
                     ) -> tuple[set[str], list[Any] | None, list[str]]:
    """For ``total: {when}``: the query's names, the condition's goals and a line saying
    it; ``None`` goals when the condition cannot be encoded (the check is skipped)."""
    from .invariants import encode_condition
    total = audit.kb.total_when.get((audit.jurisdiction, name))
    if total is None:
        return {name}, [], []
    pseudo = f"total:{name}"
    cond_out, [cond] = encode_condition(enc, pseudo, audit.jurisdiction, (),
                                        [total.when.expr])
    if cond_out.not_encodable is not None:
        return {name}, None, []
    return ({name, pseudo}, [not_(cond.bad), not_(cond.und), cond.term],
            [f"total when: {total.when.text} — {total.why.strip()}"])
