"""Stage 5 (verify): what a check reports — a :class:`Finding` — and how it is rendered.

A finding names the rule versions involved (with their citations and source lines), the
output, the witness case (replayed by the evaluator) or the unsat core, and a stable
fingerprint (code + output + versions + dates) that ``audit/accepted.yaml`` refers to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...compile.model import KnowledgeBase
from ...diagnostics import Span

KINDS = {
    "LX501": "conflict", "LX502": "hierarchy", "LX503": "reading", "LX504": "dead",
    "LX505": "version hole", "LX506": "gap", "LX507": "version diff",
    "LX508": "version metadata", "LX510": "unknown", "LX520": "not verifiable",
    "LX521": "not verifiable", "LX530": "stale acceptance",
    "LX511": "invariant", "LX512": "not verifiable", "LX522": "bounded",
}


#: Codes that are notes (a declared abstraction), not problems.
NOTE_CODES = frozenset({"LX521", "LX512", "LX522"})


@dataclass
class Finding:
    code: str
    message: str
    output: str | None = None
    versions: tuple[str, ...] = ()
    details: list[str] = field(default_factory=list)     # one line each
    facts: dict[str, Any] | None = None                  # the witness case's facts
    as_of: str | None = None
    witness_path: Path | None = None
    witness_yaml: str | None = None
    replay: str | None = None
    core: tuple[str, ...] = ()
    key: str = ""                                        # extra fingerprint input
    accepted: str | None = None                          # the reason, when accepted
    span: Span | None = None
    related: list[tuple[str, Span]] = field(default_factory=list)
    identity: tuple[str, ...] | None = None              # fingerprint input, if not versions

    @property
    def kind(self) -> str:
        return KINDS.get(self.code, "finding")

    @property
    def fingerprint(self) -> str:
        ids = self.identity if self.identity is not None else self.versions
        text = "|".join([self.code, self.output or "", *sorted(ids), self.key])
        return self.code + "-" + hashlib.sha256(text.encode()).hexdigest()[:10]

    @property
    def is_problem(self) -> bool:
        return self.accepted is None and self.code not in NOTE_CODES


def version_line(kb: KnowledgeBase, version_id: str) -> tuple[str, Span | None]:
    """``Code du travail, art. L.121-6 (version 2009-01-01)`` and where it is written."""
    rule_id, _, start = version_id.partition("@")
    rule = kb.rules.get(rule_id)
    if rule is None:
        return version_id, None
    for version in rule.versions:
        if version.valid_from.isoformat() == start:
            lines = "; ".join(f"{s.file} lines {s.first_line}-{s.last_line}"
                              for s in version.sources)
            return (f"{rule.citation} (version {start}, {rule.authority}) [{version_id}]"
                    + (f" — source {lines}" if lines else "")), version.span
    return version_id, rule.span


def render_text(kb: KnowledgeBase, finding: Finding) -> str:
    head = f"finding[{finding.code} {finding.kind}]: {finding.message}"
    if finding.code in NOTE_CODES:
        head = f"note[{finding.code} {finding.kind}]: {finding.message}"
    if finding.accepted is not None:
        head = f"accepted[{finding.code} {finding.kind}]: {finding.message}"
    out = [head]
    for vid in finding.versions:
        text, span = version_line(kb, vid)
        out.append(f"  {span}  {text}" if span else f"  {text}")
    out += [f"  {line}" for line in finding.details]
    if finding.core:
        out.append("  unsat core: " + ", ".join(finding.core))
    if finding.facts is not None:
        facts = ", ".join(f"{k} = {_show(v)}" for k, v in finding.facts.items()) or "(none)"
        out.append(f"  witness (as of {finding.as_of}): {facts}")
    if finding.witness_path is not None:
        out.append(f"  witness file: {finding.witness_path}")
    if finding.replay:
        out.append(f"  replayed by the evaluator: {finding.replay}")
    if finding.accepted is not None:
        out.append(f"  accepted: {finding.accepted}")
    out.append(f"  fingerprint: {finding.fingerprint}")
    out.append(f"  docs: docs/diagnostics/{finding.code}.md")
    return "\n".join(out)


def to_json(kb: KnowledgeBase, finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code, "kind": finding.kind, "message": finding.message,
        "fingerprint": finding.fingerprint, "output": finding.output,
        "versions": [{"id": v, "citation": version_line(kb, v)[0],
                      "file": (s.file if (s := version_line(kb, v)[1]) else None),
                      "line": s.line if s else None} for v in finding.versions],
        "details": finding.details, "core": list(finding.core),
        "witness": None if finding.facts is None else {
            "as_of": finding.as_of, "facts": {k: _show(v) for k, v in finding.facts.items()},
            "file": str(finding.witness_path) if finding.witness_path else None,
            "yaml": finding.witness_yaml},
        "replay": finding.replay, "accepted": finding.accepted, "problem": finding.is_problem,
        "docs": f"docs/diagnostics/{finding.code}.md",
    }


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(p) for p in value) + "]"
    return str(value)
