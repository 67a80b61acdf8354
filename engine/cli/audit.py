"""``lexlux audit``: the full verification as one Markdown or HTML report a drafter can
file (stage 5 checks, stage 6 rendering; no logic here).

Exit codes: 0 no finding to fix, 1 findings, 2 usage, 3 internal error.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, TextIO


def register(sub: Any) -> None:
    from .common import add_rules
    audit = sub.add_parser("audit", help="every verify check over every date, written as one "
                           "Markdown (or HTML) report grouped by article (quoted texts, "
                           "witness tables)")
    audit.add_argument("--output", "-o", type=Path, metavar="FILE",
                       help="write the report to FILE (atomically); default: stdout")
    audit.add_argument("--html", type=Path, metavar="FILE",
                       help="also write the report as one self-contained HTML page to FILE "
                            "(atomically)")
    audit.add_argument("--witness-dir", type=Path, metavar="DIR",
                       help="also write each witness case as DIR/<fingerprint>.case.yaml")
    audit.add_argument("--accepted", type=Path, metavar="FILE",
                       help="accepted findings (default: audit/accepted.yaml next to the "
                            "--rules folder; without --rules, the bundled rules' own)")
    audit.add_argument("--cache", type=Path, metavar="DIR",
                       help="reuse proofs (UNSAT answers) of earlier runs, keyed by the "
                            "content of each query; written to DIR/verify-unsat.json")
    audit.add_argument("--format", choices=("text", "json", "html"), default="text",
                       help="text: the Markdown report (default); json for programs; html: "
                            "one self-contained page")
    add_rules(audit)
    audit.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..verify.collector import collector_paused
    with collector_paused():     # Z3 term ids independent of the collector (verify/collector.py)
        return _audit(args, stdout, stderr)


def _audit(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..output import write_atomically
    from ..report.audit_report import InvariantResult, render_markdown
    from ..verify.checks.accepted import apply_accepted, default_path, load_accepted
    from ..verify.checks.findings import Finding, to_json
    from ..verify.checks.invariants import prove
    from ..verify.checks.rules import check_encodable
    from ..verify.checks.run import CHECKS
    from ..verify.checks.timeline_notes import timeline_notes
    from .verify import _audits, _load
    started = time.perf_counter()
    args.as_of, args.rule = None, None
    kb = _load(args, stdout)
    if kb is None:
        return 1
    findings: list[Finding] = []
    invariants: list[InvariantResult] = []
    queries = 0
    audits = _audits(kb, args, stderr)
    for audit in audits:
        findings += check_encodable(audit)
        for name, check in CHECKS.items():
            if name != "invariants":
                findings += check(audit)
        for inv_id in sorted(kb.invariants):
            inv = kb.invariants[inv_id]
            if inv.jurisdiction != audit.jurisdiction or inv.assumption:
                continue
            results, note = prove(audit, inv)
            if note is not None:
                findings.append(note)
            findings += [w.finding for w in results if w.finding is not None]
            invariants.append(InvariantResult(
                inv.id, inv.title.get("en") or inv.title["fr"],
                "; ".join(f"{s.file} lines {s.first_line}–{s.last_line}"
                          for s in inv.sources),
                [(w.start.isoformat(), w.end.isoformat(), w.status) for w in results],
                note.message if note else None))
        findings += timeline_notes(audit)         # after the invariants, which ask too
        queries += audit.queries
    if audits and audits[0].cache is not None:
        audits[0].cache.save()
        from ..verify.checks.run import cache_warnings
        for warning in cache_warnings(audits[0].cache):
            stderr.write(f"lexlux audit: {warning}\n")
    path = args.accepted or default_path(args.rules)
    findings = apply_accepted(findings, load_accepted(path), report_stale=True, where=path)
    problems = [f for f in findings if f.is_problem]
    elapsed = time.perf_counter() - started
    if args.format == "json":
        stdout.write(json.dumps({
            "findings": [to_json(kb, f) for f in findings],
            "invariants": [{"id": i.id, "windows": [{"from": a, "to": b, "status": s}
                                                    for a, b, s in i.windows],
                            "note": i.note} for i in invariants],
            "summary": {"problems": len(problems), "queries": queries,
                        "seconds": round(elapsed, 3)}}, indent=2, ensure_ascii=False) + "\n")
        return 1 if problems else 0
    scope = "every check, every as-of date of the horizon (1990–2060)"
    if args.html is not None:
        from ..report.audit_html import render_html
        write_atomically(args.html, render_html(kb, findings, invariants, scope=scope,
                                                queries=queries, seconds=elapsed))
        stderr.write(f"lexlux audit: HTML report written to {args.html}\n")
    if args.format == "html":
        from ..report.audit_html import render_html
        text = render_html(kb, findings, invariants, scope=scope, queries=queries,
                           seconds=elapsed)
    else:
        text = render_markdown(kb, findings, invariants, scope=scope, queries=queries,
                               seconds=elapsed)
    if args.output is not None:
        write_atomically(args.output, text)
        stdout.write(f"lexlux audit: {len(problems)} finding(s) to fix; report written to "
                     f"{args.output}\n")
    else:
        stdout.write(text)
    return 1 if problems else 0
