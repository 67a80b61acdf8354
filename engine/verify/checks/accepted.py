"""Stage 5 (verify): accepted findings — ``audit/accepted.yaml`` next to the rules folder.

The bundled rules' own file is ``audit/accepted.yaml`` of the repository, shipped in the
package as ``lexlux/_audit/accepted.yaml`` (the same file: ``pyproject.toml`` maps the
folder, there is no second copy), so the bundled audit finds its acceptances whatever the
working directory (:func:`default_path`).

A drafter who has checked a finding and decided that the law really is so lists its
fingerprint with a reason::

    accepted:
      - fingerprint: LX505-0123456789
        reason: "Art. X was repealed in 2010 and replaced only in 2012 (source 002 l. 12)"

``lexlux verify`` then lists the finding as accepted (not a problem), and reports an
acceptance whose finding no longer exists as stale (LX530).

Where the solver reaches the same question through an abstraction refined by models (the
52/78-week dates, ``counted_days``), it may witness a disagreement on one run and stop at its
refinement bound on another after an unrelated change of the knowledge base: the same finding
then comes as LX503 (witnessed) or LX510 (undecided).  An acceptance may list such other
fingerprints of the same question under ``or:``; it covers each of them, and is stale only
when none is found::

      - fingerprint: LX503-0123456789
        or: [LX510-9876543210]
        reason: "..."
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import Diagnostic, LexluxError, Span, error
from ...load.discover import bundled_root, display_path
from ...load.yaml_source import load_file
from .findings import Finding


@dataclass(frozen=True)
class Acceptance:
    fingerprint: str
    reason: str
    alternatives: tuple[str, ...] = ()    # other fingerprints of the same question (or:)

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return (self.fingerprint, *self.alternatives)


def default_path(rules_dirs: list[Path] | None) -> Path:
    """The accepted findings used without ``--accepted``: with ``--rules DIR``,
    ``audit/accepted.yaml`` next to DIR (in DIR's parent folder); without, the bundled
    rules' own (``audit/accepted.yaml`` of the checkout, or the copy in the installed
    package), whatever the working directory."""
    if rules_dirs:
        return rules_dirs[0].resolve().parent / "audit" / "accepted.yaml"
    return bundled_root("audit") / "accepted.yaml"


def load_accepted(path: Path, *, required: bool = False) -> list[Acceptance]:
    """The acceptances of ``path`` (none if it does not exist, unless ``required``: a path
    given with ``--accepted`` must exist).  Problems are located diagnostics (LX1xx, LX203)."""
    if not path.is_file():
        if required:
            raise LexluxError([error("LX104", f"--accepted {path}: no such file",
                                     hint="give the path of an accepted-findings file, e.g. "
                                          "audit/accepted.yaml")])
        return []
    doc, problems = load_file(path, display_path(path))
    if doc is None or problems:
        raise LexluxError(problems)
    data = doc.data if doc.data is not None else {}
    items = data.get("accepted", []) if isinstance(data, dict) else None
    where = doc.span_at(("accepted",) if isinstance(data, dict) and "accepted" in data else ())
    if not isinstance(items, list):
        raise LexluxError([_shape_error(where)])
    out = []
    for i, item in enumerate(items):
        others = item.get("or", []) if isinstance(item, dict) else None
        if not (isinstance(item, dict) and isinstance(item.get("fingerprint"), str)
                and isinstance(item.get("reason"), str) and item["reason"].strip()
                and isinstance(others, list) and all(isinstance(o, str) for o in others)):
            raise LexluxError([_shape_error(doc.span_at(("accepted", i)))])
        out.append(Acceptance(item["fingerprint"], item["reason"], tuple(others)))
    return out


def _shape_error(span: Span) -> Diagnostic:
    return error("LX203", "expected 'accepted:' with a list of {fingerprint, reason}", span,
                 expected="accepted: a list of mappings with fingerprint: and reason: (texts), "
                 "and optionally or: (a list of other fingerprints)",
                 hint="every acceptance needs a fingerprint (from lexlux verify) and a reason")


def apply_accepted(findings: list[Finding], accepted: list[Acceptance], *,
                   report_stale: bool, where: Path) -> list[Finding]:
    """Mark accepted findings; add one LX530 finding per stale acceptance."""
    reasons = {fingerprint: a.reason for a in accepted for fingerprint in a.fingerprints}
    for finding in findings:
        if finding.fingerprint in reasons:
            finding.accepted = reasons[finding.fingerprint]
    if not report_stale:
        return findings
    found = {f.fingerprint for f in findings}
    stale = [Finding("LX530", f"the accepted finding {a.fingerprint} is no longer found",
                     key=a.fingerprint, details=[f"in {where}: remove it (reason given: "
                                                 f"{a.reason})"])
             for a in accepted if not found.intersection(a.fingerprints)]
    return findings + stale
