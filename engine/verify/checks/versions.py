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

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from ...calendar.dates import to_day_number
from ...compile.model import ParameterValue, RuleVersion
from ..encoding.encode import OutputEnc
from ..encoding.encode_expr import and_, not_, or_
from .context import Audit
from .findings import Finding


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
    status: str                       # "same" | "differ" | "unknown" | "not verified"
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""


def _winners(model: z3.ModelRef, out: OutputEnc) -> tuple[list[str], Any]:
    ids, literals = [], []
    for c in out.conclusions:
        won = z3.is_true(model.eval(c.winner, model_completion=True))
        literals.append(c.winner if won else not_(c.winner))
        if won:
            ids.append(c.version.id)
    return ids, and_(*literals)


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


def diff_versions(audit: Audit, first: date, second: date, names: list[str] | None
                  ) -> Iterator[DiffResult]:
    one = audit.encoding(law_as_of=first, tag="L1|")
    two = audit.encoding(law_as_of=second, shared=one.shared, tag="L2|")
    for name in names or audit.outputs():
        audit.progress(f"diff: {name}")
        a, b = one.output(name), two.output(name)
        if a.not_encodable or b.not_encodable:
            yield DiffResult(name, "not verified", reason=a.not_encodable or
                             b.not_encodable or "")
            continue
        same_value = and_(*[x == y for x, y in zip(a.value, b.value, strict=True)])
        differ = or_(a.has_value != b.has_value, a.in_conflict != b.in_conflict,
                     and_(a.has_value, b.has_value, not_(same_value)))
        goals: list[Any] = [not_(a.bad), not_(b.bad), differ]
        result = DiffResult(name, "same")
        for _ in range(audit.max_regions):
            answer, facts = audit.query([one, two], [{name}, {name}], goals,
                                        anchor=z3.IntVal(to_day_number(second)))
            if answer.status == "unknown":
                result.status, result.reason = "unknown", answer.reason
                result.findings.append(audit.unknown(
                    f"whether the law of {first} and {second} agree on {name!r}", answer,
                    output=name))
                break
            if answer.status == "unsat":
                break
            assert answer.model is not None
            won_a, region_a = _winners(answer.model, a)
            won_b, region_b = _winners(answer.model, b)
            goals.append(not_(and_(region_a, region_b)))
            result.status = "differ"
            versions = tuple(dict.fromkeys([*won_a, *won_b]))
            changed = _parameter_changes(audit, versions, first, second)
            changed += _horizon_notes(audit, name, first, second)
            from .explain_findings import region_lines
            changed = [*region_lines(audit.kb, name, first, won_a),
                       *region_lines(audit.kb, name, second, won_b), *changed]
            ranges = audit.region([one, two], [{name}, {name}],
                                  [not_(a.bad), not_(b.bad), differ, region_a, region_b])
            if ranges:
                changed.append("region (each fact's range over the cases of this region): "
                               + "; ".join(ranges))
            finding = Finding(
                "LX507", f"the law of {first} and the law of {second} give {name!r} "
                "different results", output=name, versions=versions,
                key=f"{first}|{second}|{','.join(won_a)}|{','.join(won_b)}", details=[
                    f"{first}: " + (", ".join(won_a) or "no provision applies"),
                    f"{second}: " + (", ".join(won_b) or "no provision applies"), *changed])
            result.findings.append(audit.witness(
                finding, one, answer, facts,
                [(one, a, {"law_as_of": first}), (two, b, {"law_as_of": second})],
                as_of=max(first, second)))
        yield result


def _parameter_changes(audit: Audit, versions: tuple[str, ...], first: date, second: date
                       ) -> list[str]:
    """The parameters of ``versions`` whose value differs between the two dates."""
    lines: list[str] = []
    for vid in versions:
        rule = audit.kb.rules[vid.partition("@")[0]]
        version = next(v for v in rule.versions if v.id == vid)
        for alias, param_id in sorted(version.parameters.items()):
            param = audit.kb.parameters.get(param_id)
            if param is None:
                continue
            a, b = param.value_on(first), param.value_on(second)
            if (a and a.value) != (b and b.value):   # a new dated entry with the same value
                #                                      is not a change of the law
                line = f"parameter {param_id} ({alias}): {_show(a)} → {_show(b)}"
                if line not in lines:
                    lines.append(line)
    return lines


def _show(value: ParameterValue | None) -> str:
    return "no value" if value is None else f"{value.value} (from {value.start})"
