"""Stage 5 (verify): invariants (``compile/invariants.py``) proved per version window.

An invariant's ``when`` and ``holds`` are encoded like a rule's conditions (same facts,
outputs and parameters as the law's encoding), as a pseudo-output ``invariant:<id>`` of the
:class:`LawEncoding` so that a query carries exactly the constraints of the outputs it
reads.  The as-of range ``from``–``until`` is cut at every date on which a rule version the
invariant depends on, or a parameter it uses, changes: one query per window, each UNSAT a
proof for that window.  A SAT answer is a violation (LX511) whose witness case is replayed
through the evaluator: every output the invariant reads must come out as the model says,
and the evaluator's own evaluation of ``when`` and ``holds`` on that case must give true
and false.  An invariant that reads a timeline output is checked in bounded timeline
frames (:mod:`.timeline_invariants`, note LX522).

An invariant speaks of the cases in which every fact and output it reads has a value
(an output without value makes the property undetermined, never violated); to require an
answer, declare the output ``total`` (the gaps check).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from types import SimpleNamespace
from typing import Any, cast

import z3

from ...calendar.dates import to_day_number
from ...compile.invariants import Invariant
from ...compile.model import BOOLEAN
from ...evaluate.case import Case
from ...evaluate.expressions import Env, MissingFactError, UndeterminedError, evaluate
from ...evaluate.interpreter import Evaluation
from ...evaluate.trace import TraceNode
from ..encoding.calendar_terms import HORIZON_END
from ..encoding.encode import LawEncoding, OutputEnc
from ..encoding.encode_expr import E, NotEncodable, and_, not_
from .context import Audit
from .findings import Finding
from .units import unit_check, units
from .witness import EncodingUnsound


@dataclass
class EncodedInvariant:
    out: OutputEnc              # pseudo-output: facts, deps, abstract calls of the property
    when: E | None
    holds: E

    @property
    def violated(self) -> Any:
        parts = []
        if self.when is not None:
            parts += [not_(self.when.bad), not_(self.when.und), self.when.term]
        parts += [not_(self.holds.bad), not_(self.holds.und), not_(self.holds.term)]
        return and_(*parts)


@dataclass
class WindowResult:
    start: date
    end: date
    status: str                 # proved | violated | unknown
    finding: Finding | None = None


#: Names of pseudo-outputs (invariants, totality conditions) start with one of these.
PSEUDO = ("invariant:", "total:")


def pseudo_name(inv: Invariant) -> str:
    return f"invariant:{inv.id}"


def encode_condition(enc: LawEncoding, name: str, jurisdiction: str,
                     lets: tuple[tuple[str, Any], ...], exprs: list[Any]
                     ) -> tuple[OutputEnc, list[E]]:
    """Expressions (typed trees) encoded in ``enc`` as the pseudo-output ``name``: its
    facts, the outputs it reads and its abstract calls go into queries naming it."""
    cache: dict[str, tuple[OutputEnc, list[E]]] = enc.__dict__.setdefault("_pseudo", {})
    if name in cache:
        return cache[name]
    out = OutputEnc(name, BOOLEAN, f"{enc.tag}{name}")
    enc.outputs[name] = out
    calendar = enc.shared.calendar
    saved, calendar.owner = calendar.owner, out.owner
    encoded: list[E] = [E((z3.BoolVal(True),)) for _ in exprs]
    try:
        rule = SimpleNamespace(jurisdiction=jurisdiction)
        version = SimpleNamespace(id=name, lets=lets)
        scope = enc._scope(out, cast(Any, rule), cast(Any, version), enc.as_of)
        encoder = scope.encoder   # type: ignore[attr-defined]
        encoded = [encoder.encode(x) for x in exprs]
        out.abstract_calls += scope.abstract_calls
        if scope.beyond:                       # abstraction timeline_horizon
            out.beyond = z3.Or(*scope.beyond)
    except NotEncodable as exc:
        out.not_encodable = exc.construct
        out.timeline_only = exc.timeline
    except z3.Z3Exception as exc:
        out.not_encodable = f"an expression Z3 rejects ({exc})"
    finally:
        calendar.owner = saved
    cache[name] = (out, encoded)
    return out, encoded


def encode_invariant(enc: LawEncoding, inv: Invariant) -> EncodedInvariant:
    """The invariant's conditions in ``enc`` (memoised as the pseudo-output)."""
    exprs = [inv.holds.expr] + ([inv.when.expr] if inv.when is not None else [])
    out, encoded = encode_condition(enc, pseudo_name(inv), inv.jurisdiction, inv.lets, exprs)
    return EncodedInvariant(out, encoded[1] if inv.when is not None else None, encoded[0])


def windows(audit: Audit, enc: LawEncoding, inv: Invariant) -> list[tuple[date, date]]:
    """The as-of range cut where a version or parameter the invariant depends on changes."""
    last = inv.end or HORIZON_END
    cuts = {inv.start}
    params = set(inv.parameters.values())
    for name in sorted(enc.cone({pseudo_name(inv)})):
        if name.startswith(PSEUDO):
            continue
        for rule in enc.candidates(name):
            for version in rule.versions:
                cuts.add(version.valid_from)
                if version.valid_until is not None:
                    cuts.add(version.valid_until)
                params |= set(version.parameters.values())
    for pid in sorted(params):
        if pid in audit.kb.parameters:
            cuts |= {v.start for v in audit.kb.parameters[pid].values}
    starts = sorted(d for d in cuts if inv.start <= d <= last)
    ends = [d - timedelta(days=1) for d in starts[1:]] + [last]
    out = list(zip(starts, ends, strict=True))
    if audit.as_of is not None:
        out = [(a, b) for a, b in out if a <= audit.as_of <= b]
    return out


def prove(audit: Audit, inv: Invariant) -> tuple[list[WindowResult], Finding | None]:
    """Each window's result; or the note saying the invariant cannot be encoded."""
    enc = audit.encoding()
    encoded = encode_invariant(enc, inv)
    if encoded.out.not_encodable is not None and encoded.out.timeline_only:
        from .timeline_invariants import prove_in_frames  # timeline_bounded_proof
        return prove_in_frames(audit, inv)
    if encoded.out.not_encodable is not None:
        return [], Finding("LX512", f"the invariant {inv.id} is not verified: "
                           f"{encoded.out.not_encodable}", key=inv.id, identity=(inv.id,),
                           span=inv.span,
                           details=[f"{inv.span}  {inv.citation}",
                                    "declared abstraction 'timeline_outputs' (a note, not a "
                                    "problem)" if encoded.out.timeline_only else
                                    "the encoding does not cover what it reads"])
    results = []
    for start, end in windows(audit, enc, inv):
        audit.progress(f"invariants: {inv.id} {start}")
        goals = [encoded.violated]
        if audit.as_of is None:
            goals += [enc.as_of >= to_day_number(start), enc.as_of <= to_day_number(end)]
        result, facts = audit.query([enc], [{pseudo_name(inv)}], goals, proof=True)
        if result.status == "unsat":
            results.append(WindowResult(start, end, "proved"))
            continue
        if result.status == "unknown":
            results.append(WindowResult(start, end, "unknown", audit.unknown(
                f"whether the invariant {inv.id} holds from {start} to {end}", result,
                (), None)))
            continue
        results.append(WindowResult(start, end, "violated",
                                    _violation(audit, enc, inv, encoded, result, facts,
                                               start, end)))
    return results, None


def _violation(audit: Audit, enc: LawEncoding, inv: Invariant, encoded: EncodedInvariant,
               result: Any, facts: set[str], start: date, end: date) -> Finding:
    title = inv.title.get("en") or inv.title["fr"]
    details = [f"{inv.span}  {inv.citation}", f"why it must hold: {inv.why.strip()}",
               f"holds: {inv.holds.text}"]
    if inv.when is not None:
        details.insert(2, f"when: {inv.when.text}")
    details.append(f"window: as of {start} to {end}")
    deps = sorted(n for n in enc.cone({pseudo_name(inv)}) if not n.startswith(PSEUDO))
    versions = tuple(dict.fromkeys(
        c.version.id for n in deps for c in enc.output(n).conclusions
        if z3.is_true(result.model.eval(c.winner, model_completion=True))))
    finding = Finding("LX511", f"the invariant {inv.id} does not hold: {title}",
                      versions=versions, key=f"{inv.id}|{start}", identity=(inv.id,),
                      span=inv.span, details=details)
    finding = audit.witness(finding, enc, result, facts,
                            [(enc, enc.output(n), {}) for n in deps])
    _replay_property(audit, inv, finding)
    return finding


def _replay_property(audit: Audit, inv: Invariant, finding: Finding) -> None:
    """The evaluator's own reading of the property on the witness: when true, holds false."""
    assert finding.as_of is not None and finding.facts is not None
    as_of = date.fromisoformat(finding.as_of)
    case = Case(f"witness {finding.fingerprint}", inv.jurisdiction, as_of, dict(finding.facts))
    run = Evaluation(audit.kb, case, as_of, None, None)
    node = TraceNode(pseudo_name(inv), None, inv.id, cast(Any, None), cast(Any, None),
                     "invariant")
    env = Env(fact=run.fact, parameter=lambda pid: run.parameter(pid, as_of),
              output=run.output_value, functions=run.functions,
              given=lambda name: name in case.facts, lets=dict(inv.lets), node=node)
    try:
        when = evaluate(inv.when.expr, env) if inv.when is not None else True
        holds = evaluate(inv.holds.expr, env)
    except (MissingFactError, UndeterminedError) as exc:
        raise EncodingUnsound(f"{finding.fingerprint}: the encoding predicted a violation "
                              f"of {inv.id}; the evaluator cannot evaluate it ({exc})") from None
    if when is not True or holds is not False:
        raise EncodingUnsound(f"{finding.fingerprint}: the encoding predicted a violation of "
                              f"{inv.id}; the evaluator gives when={when!r}, holds={holds!r}")
    said = "the evaluator gives holds = False" + (
        ", when = True" if inv.when is not None else "")
    replayed = finding.replay or ""
    finding.replay = said + " — confirmed" if replayed.startswith(" — ") else \
        f"{replayed.removesuffix(' — confirmed')}; {said} — confirmed"


@unit_check
def check_invariants(audit: Audit) -> Iterator[Finding]:
    for inv_id in units(audit, "invariant", sorted(audit.kb.invariants), invariant=True,
                        after=partial(_replay_violation, audit)):
        inv: Invariant = audit.kb.invariants[inv_id]
        if inv.jurisdiction != audit.jurisdiction or inv.assumption:
            continue
        if audit.rule is not None:
            enc = audit.encoding()
            encode_invariant(enc, inv)
            deps = enc.cone({pseudo_name(inv)})
            if not any(audit.rule == r.id for n in deps if not n.startswith(PSEUDO)
                       for r in enc.candidates(n)):
                continue
        results, note = prove(audit, inv)
        if note is not None:
            yield note
        for window in results:
            if window.finding is not None:
                yield window.finding


def _replay_violation(audit: Audit, inv_id: str, finding: Finding) -> None:
    """A cached violation's witness, replayed again: the property as the evaluator reads
    it (checks/units.py)."""
    if finding.code == "LX511":
        _replay_property(audit, audit.kb.invariants[inv_id], finding)


def assumptions_for(kb: Any, enc: LawEncoding, facts: set[str]) -> list[Any]:
    """The plausibility constraints (``assumptions:``) that read only facts of ``facts``:
    each holds where the case gives every fact it reads."""
    out = []
    for inv_id in sorted(kb.invariants):
        inv: Invariant = kb.invariants[inv_id]
        if not inv.assumption or inv.jurisdiction != enc.shared.jurisdiction:
            continue
        pseudo, [holds] = encode_condition(enc, pseudo_name(inv), inv.jurisdiction, inv.lets,
                                           [inv.holds.expr])
        if pseudo.not_encodable is not None or not pseudo.facts <= facts:
            continue
        out.append(z3.Or(holds.bad, holds.und, holds.term))
    return out
