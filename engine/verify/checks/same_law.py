"""Stage 5 (verify): outputs of ``lexlux diff`` whose law is the same text on both dates.

Under ``--law-as-of`` (the law of one date), the evaluator — and the encoding, which
mirrors it (``LawEncoding._select`` and ``_parameter``) — chooses for every rule the
version in force on that date, whatever the facts' dates (transitional clauses are not
read), and gives every parameter that version reads its value on that date.  The result
of an output on a case therefore depends on the law only through its *law at a date*:
for every rule in its cone (the rules concluding it, the rules concluding the outputs
they read, recursively, and the rules that may disapply any of them), the version in
force and the values of the parameters that version reads.

When the law at the two dates is the same, the two evaluations are the same computation
on every case, so the output gives the same result under both: that is a proof, and no
solver query is needed.  Anything that differs (a version, a parameter's value, a rule
in force on one date only) sends the output to the solver as before.  The cone read here
is wider than the one the evaluator walks on a given case (every rule concluding an
output read anywhere, every reading), never narrower, so the proof errs only on the side
of asking the solver.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ...compile.model import UNKNOWN, KnowledgeBase, Rule, RuleVersion
from ...compile.refs import version_refs

#: The reason of a "same" answer proved this way.
SAME_LAW = ("no provision or parameter it depends on changes between the two dates: the "
            "same law on both")


def _value(kb: KnowledgeBase, param_id: str, day: date) -> Any:
    """What the evaluator reads for ``param_id`` on ``day``: no value, a value, or a value
    no source gives (each such entry its own unknown)."""
    param = kb.parameters.get(param_id)
    if param is None:
        return ("no parameter",)
    current = param.value_on(day)
    if current is None:
        return ("no value",)
    if current.value is UNKNOWN:
        return ("unknown", current.start)
    return ("value", current.value)


class LawAt:
    """The law of one jurisdiction at one date, output by output (memoised)."""

    def __init__(self, kb: KnowledgeBase, jurisdiction: str, day: date) -> None:
        self.kb, self.jurisdiction, self.day = kb, jurisdiction, day
        self._concluding: dict[str, list[Rule]] = {}
        self._disapplying: list[tuple[Rule, RuleVersion]] | None = None

    def concluding(self, name: str) -> list[Rule]:
        if name not in self._concluding:
            self._concluding[name] = sorted(
                self.kb.rules_concluding(self.jurisdiction, name), key=lambda r: r.id)
        return self._concluding[name]

    def disapplying(self, rule: Rule) -> list[Rule]:
        """The rules with a version that may disapply ``rule`` (whatever the date)."""
        if self._disapplying is None:
            self._disapplying = [(r, v) for r in self.kb.rules.values() for v in r.versions
                                 if v.disapplications]
        return sorted({other.id: other for other, version in self._disapplying
                       if other.id != rule.id and other.jurisdiction == rule.jurisdiction
                       and any(d.covers(rule.id) for d in version.disapplications)}.values(),
                      key=lambda r: r.id)

    def signature(self, name: str) -> tuple[Any, ...]:
        """For every rule in the cone of ``name``: the version in force and the values of
        its parameters on this date (sorted: the same law gives the same signature)."""
        entries: dict[str, Any] = {}
        outputs = [name]
        seen_outputs: set[str] = set()
        rules: list[Rule] = []
        while outputs or rules:
            if rules:
                rule = rules.pop()
                if rule.id in entries:
                    continue
                entries[rule.id] = tuple(self._version(v, outputs) for v in rule.versions
                                         if v.in_force_on(self.day))
                rules += self.disapplying(rule)
                continue
            output = outputs.pop()
            if output in seen_outputs:
                continue
            seen_outputs.add(output)
            rules += self.concluding(output)
        return tuple(sorted(entries.items(), key=lambda item: item[0]))


    def _version(self, version: RuleVersion, outputs: list[str]) -> tuple[Any, ...]:
        """A version in force: its id and its parameters' values; the outputs it reads
        are added to ``outputs``."""
        params = set(version.parameters.values())
        for ref in version_refs(version):
            if ref.kind == "parameter":
                params.add(ref.target)
            elif ref.kind == "output":
                outputs.append(ref.target)
        return (version.id, tuple((pid, _value(self.kb, pid, self.day))
                                  for pid in sorted(params)))


def same_law(first: LawAt, second: LawAt, name: str) -> bool:
    """Is the law that decides ``name`` the same text on both dates (a proof that the two
    dates give the same result on every case)?"""
    return first.signature(name) == second.signature(name)


__all__ = ["SAME_LAW", "LawAt", "same_law"]
