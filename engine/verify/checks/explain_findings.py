"""Stage 5 (verify): findings in the rules' own words.

* a conflict (LX501) shows the overlap: the dates on which both versions are in force and
  the conditions under which each conclusion applies (the witness then gives one case of
  that overlap);
* a dead version (LX504) names the conditions that can never hold together: those of the
  versions of its unsat core, quoted as written;
* a region of ``lexlux diff`` (LX507) is described by the conditions of the winning
  conclusions under each date.
"""

from __future__ import annotations

from datetime import date, timedelta

from ...compile.model import Conclusion, KnowledgeBase, RuleVersion


def _window(version: RuleVersion) -> tuple[date, date | None]:
    return version.valid_from, version.valid_until


def _shown(start: date, until: date | None) -> str:
    end = "today" if until is None else (until - timedelta(days=1)).isoformat()
    return f"{start.isoformat()} to {end}"


def conditions(version: RuleVersion, conclusion: Conclusion | None = None) -> str:
    parts = [t.text for t in (version.when, conclusion.when if conclusion else None) if t]
    return " and ".join(f"({p})" if " or " in p else p for p in parts) or "always"


def overlap_lines(first: tuple[RuleVersion, Conclusion],
                  second: tuple[RuleVersion, Conclusion]) -> list[str]:
    (va, ca), (vb, cb) = first, second
    (a0, a1), (b0, b1) = _window(va), _window(vb)
    start = max(a0, b0)
    ends = [d for d in (a1, b1) if d is not None]
    until = min(ends) if ends else None
    return [f"both in force: {_shown(start, until)}",
            f"{va.id} applies when: {conditions(va, ca)}",
            f"{vb.id} applies when: {conditions(vb, cb)}"]


def dead_lines(kb: KnowledgeBase, core: tuple[str, ...], output_names: list[str]
               ) -> list[str]:
    """The conditions of the versions in the core, for the outputs involved."""
    out = []
    for vid in core:
        rule_id, _, start = vid.partition("@")
        rule = kb.rules.get(rule_id)
        version = next((v for v in rule.versions if v.valid_from.isoformat() == start),
                       None) if rule else None
        if version is None:
            continue
        for conclusion in version.conclusions:
            if conclusion.output in output_names:
                out.append(f"never holds: {conditions(version, conclusion)} [{vid}, "
                           f"{conclusion.output}]")
        if rule is not None and rule.selected_by:
            out.append(f"chosen by {rule.selected_by}: in force {_shown(*_window(version))}")
    return list(dict.fromkeys(out))


def region_lines(kb: KnowledgeBase, output: str, day: date, winners: list[str]) -> list[str]:
    """The region of a diff witness on one side, in the rules' words: for each winning
    version with conditions, the conditions under which its conclusion for ``output``
    applies (the region is the combination of winners on both sides)."""
    out = []
    for vid in winners:
        rule_id, _, start = vid.partition("@")
        rule = kb.rules.get(rule_id)
        version = next((v for v in rule.versions if v.valid_from.isoformat() == start),
                       None) if rule else None
        if rule is None or version is None:
            continue
        for conclusion in version.conclusions:
            if conclusion.output == output and conditions(version, conclusion) != "always":
                chosen = f" (chosen by {rule.selected_by})" if rule.selected_by else ""
                out.append(f"region under the law of {day}: {vid}{chosen} applies when "
                           f"{conditions(version, conclusion)}")
    return list(dict.fromkeys(out))
