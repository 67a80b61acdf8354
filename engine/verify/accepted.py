"""Stage 5 (verify): accepted findings — ``audit/accepted.yaml`` at the repository root.

A drafter who has checked a finding and decided that the law really is so lists its
fingerprint with a reason::

    accepted:
      - fingerprint: LX505-0123456789
        reason: "Art. X was repealed in 2010 and replaced only in 2012 (source 002 l. 12)"

``lexlux verify`` then lists the finding as accepted (not a problem), and reports an
acceptance whose finding no longer exists as stale (LX530).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..diagnostics import LexluxError, error
from .findings import Finding


@dataclass(frozen=True)
class Acceptance:
    fingerprint: str
    reason: str


def default_path(rules_dirs: list[Path] | None) -> Path:
    """``audit/accepted.yaml`` next to the rules folder (the repository root)."""
    if rules_dirs:
        return rules_dirs[0].resolve().parent / "audit" / "accepted.yaml"
    return Path.cwd() / "audit" / "accepted.yaml"


def load_accepted(path: Path) -> list[Acceptance]:
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LexluxError([error("LX101", f"{path}: not valid YAML: {exc}")]) from None
    items = data.get("accepted", []) if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("fingerprint"), str)
            and isinstance(i.get("reason"), str) and i["reason"].strip() for i in items):
        raise LexluxError([error(
            "LX203", f"{path}: expected 'accepted:' with a list of {{fingerprint, reason}}",
            hint="every acceptance needs a fingerprint (from lexlux verify) and a reason")])
    return [Acceptance(i["fingerprint"], i["reason"]) for i in items]


def apply_accepted(findings: list[Finding], accepted: list[Acceptance], *,
                   report_stale: bool, where: Path) -> list[Finding]:
    """Mark accepted findings; add one LX530 finding per stale acceptance."""
    reasons = {a.fingerprint: a.reason for a in accepted}
    for finding in findings:
        if finding.fingerprint in reasons:
            finding.accepted = reasons[finding.fingerprint]
    if not report_stale:
        return findings
    found = {f.fingerprint for f in findings}
    stale = [Finding("LX530", f"the accepted finding {a.fingerprint} is no longer found",
                     key=a.fingerprint, details=[f"in {where}: remove it (reason given: "
                                                 f"{a.reason})"])
             for a in accepted if a.fingerprint not in found]
    return findings + stale
