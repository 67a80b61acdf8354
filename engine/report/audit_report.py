"""Stage 6 (report): the audit as one Markdown document a drafter can file.

Input: the knowledge base, the findings of every check (accepted ones marked), and the
invariants' per-window results.  Output: Markdown — a summary, then the findings grouped
by article (instrument and article of the provisions involved), each with the provisions'
texts quoted (the excerpts and their source lines), the witness as a small table, what the
evaluator gave on replay, and, for accepted ones, the reason; then the invariants with the
windows proved, and the outputs not verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..compile.model import KnowledgeBase, Rule, RuleVersion
from ..verify.checks.findings import NOTE_CODES, Finding


@dataclass
class InvariantResult:
    id: str
    title: str
    citation: str
    windows: list[tuple[str, str, str]]     # (start, end, proved|violated|unknown)
    note: str | None = None


def _version(kb: KnowledgeBase, vid: str) -> tuple[Rule | None, RuleVersion | None]:
    rule_id, _, start = vid.partition("@")
    rule = kb.rules.get(rule_id)
    if rule is None:
        return None, None
    for version in rule.versions:
        if version.valid_from.isoformat() == start:
            return rule, version
    return rule, None


def _article(kb: KnowledgeBase, finding: Finding) -> str:
    for vid in finding.versions:
        rule, _ = _version(kb, vid)
        if rule is not None:
            return f"{rule.citation.instrument}, art. {rule.citation.article}"
    if finding.code in ("LX511", "LX512"):
        return "Invariants between provisions"
    return "Other findings"


def _cell(value: Any) -> str:
    text = "[" + ", ".join(str(p) for p in value) + "]" if isinstance(value, tuple) \
        else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _finding(kb: KnowledgeBase, finding: Finding) -> list[str]:
    state = ("accepted" if finding.accepted is not None else
             "note" if finding.code in NOTE_CODES else "finding")
    out = [f"### {state} {finding.code} ({finding.kind}): {finding.message}", "",
           f"Fingerprint `{finding.fingerprint}` — docs/diagnostics/{finding.code}.md", ""]
    if finding.output:
        out += [f"Output: `{finding.output}`", ""]
    quoted = False
    for vid in finding.versions:
        rule, version = _version(kb, vid)
        if rule is None or version is None:
            out.append(f"* `{vid}`")
            continue
        until = version.valid_until.isoformat() if version.valid_until else "today"
        out.append(f"* **{rule.citation}** ({rule.authority}), version in force "
                   f"{version.valid_from} to {until} — `{rule.file}`")
        for source in version.sources:
            out.append(f"  > «{source.excerpt.strip()}» — {source.file}, lines "
                       f"{source.first_line}–{source.last_line}")
            quoted = True
    if finding.versions:
        out.append("")
    out += [f"* {line}" for line in finding.details]
    if finding.details:
        out.append("")
    if finding.core:
        out += ["Unsat core (the provisions that together exclude it): "
                + ", ".join(f"`{c}`" for c in finding.core), ""]
    if finding.facts is not None:
        out += [f"Witness case (as of {finding.as_of}):", "", "| fact | value |",
                "|---|---|"]
        out += [f"| `{k}` | {_cell(v)} |" for k, v in finding.facts.items()] or \
            ["| (none) | |"]
        out.append("")
    if finding.replay:
        out += [f"Replayed by the evaluator: {finding.replay}", ""]
    if finding.accepted is not None:
        out += [f"**Accepted**: {' '.join(finding.accepted.split())}", ""]
    if not quoted and not finding.versions and finding.code not in NOTE_CODES:
        out += ["(no provision text: the finding is about parameters or the vocabulary)", ""]
    return out


def render_markdown(kb: KnowledgeBase, findings: Sequence[Finding],
                    invariants: Sequence[InvariantResult], *, scope: str,
                    queries: int, seconds: float) -> str:
    problems = [f for f in findings if f.is_problem]
    accepted = [f for f in findings if f.accepted is not None]
    notes = [f for f in findings if f.code in NOTE_CODES and f.accepted is None]
    out = ["# Audit of the rules", "",
           f"Scope: {scope}. {len(problems)} finding(s) to fix, {len(accepted)} accepted, "
           f"{len(notes)} note(s); {len(kb.invariants)} invariant(s) and assumption(s); "
           f"{queries} solver queries in {seconds:.1f} s. Every witness below was replayed "
           "through the evaluator.", ""]
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.code in NOTE_CODES and finding.accepted is None:
            continue
        groups.setdefault(_article(kb, finding), []).append(finding)
    out += ["## Findings by article", ""]
    if not groups:
        out += ["No finding.", ""]
    for article in sorted(groups):
        out += [f"## {article}", ""]
        ordered = sorted(groups[article], key=lambda f: (not f.is_problem, f.code,
                                                         f.fingerprint))
        for finding in ordered:
            out += _finding(kb, finding)
    out += ["## Invariants", ""]
    if not invariants:
        out += ["No invariant declared.", ""]
    else:
        out += ["| invariant | provisions | windows (as-of dates) |", "|---|---|---|"]
        for inv in invariants:
            windows = "; ".join(f"{a} to {b}: {s}" for a, b, s in inv.windows) or \
                (inv.note or "—")
            out.append(f"| `{inv.id}` — {_cell(inv.title)} | {_cell(inv.citation)} | "
                       f"{windows} |")
        out.append("")
    if notes:
        out += ["## Not verified", ""]
        out += [f"* `{n.output or n.key}`: {n.message} ({n.code})" for n in notes]
        out.append("")
    return "\n".join(out)
