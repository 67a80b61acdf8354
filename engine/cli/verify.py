"""``lexlux verify``, ``lexlux diff`` and ``lexlux graph`` (stage 5 commands; no logic).

Exit codes: 0 no finding, 1 findings (UNKNOWN included), 2 usage, 3 internal error
(including an encoding the evaluator contradicts: :class:`EncodingUnsound`).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..compile.model import KnowledgeBase
from ..output import emit_diagnostics
from ..pipeline import load_knowledge_base
from ..verify.accepted import apply_accepted, default_path, load_accepted
from ..verify.checks import (
    check_conflicts,
    check_dead,
    check_encodable,
    check_gaps,
    check_hierarchy,
)
from ..verify.context import Audit
from ..verify.findings import Finding, render_text, to_json
from ..verify.versions import check_versions, diff_versions

CHECKS: dict[str, Callable[[Audit], Iterator[Finding]]] = {
    "conflicts": check_conflicts, "hierarchy": check_hierarchy, "dead": check_dead,
    "gaps": check_gaps, "versions": check_versions,
}


def _check_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown check {', '.join(unknown) or '(none)'}; choose from "
            + ",".join(CHECKS))
    return names


def register(sub: Any) -> None:
    from .common import add_format, add_rules, iso_date
    verify = sub.add_parser("verify", help="audit the rules with Z3: conflicts, hierarchy, "
                            "dead rules, gaps, versions (each finding with a replayed witness)")
    verify.add_argument("--check", type=_check_list, default=list(CHECKS),
                        metavar="LIST", help="comma-separated: " + ",".join(CHECKS))
    when = verify.add_mutually_exclusive_group()
    when.add_argument("--as-of", type=iso_date, metavar="DATE",
                      help="audit the law as the evaluator applies it on this date")
    when.add_argument("--all-dates", action="store_true",
                      help="audit every as-of date of the horizon (the default)")
    verify.add_argument("--rule", metavar="ID", help="only findings involving this rule")
    verify.add_argument("--witness-dir", type=Path, metavar="DIR",
                        help="write each witness case as DIR/<fingerprint>.case.yaml")
    verify.add_argument("--accepted", type=Path, metavar="FILE",
                        help="accepted findings (default: audit/accepted.yaml by the rules)")
    verify.add_argument("--rlimit", type=int, default=None, metavar="N",
                        help="Z3 resource limit per query (deterministic)")
    verify.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="audit the law after this reform (applied to a copy)")
    add_format(verify)
    add_rules(verify)
    verify.set_defaults(handler=cmd_verify)

    diff = sub.add_parser("diff", help="where the law of two dates gives different results")
    diff.add_argument("--from", dest="first", type=iso_date, required=True, metavar="DATE")
    diff.add_argument("--to", dest="second", type=iso_date, required=True, metavar="DATE")
    diff.add_argument("--output", action="append", metavar="NAME",
                      help="only this output (repeatable)")
    diff.add_argument("--max-regions", type=int, default=3, metavar="N",
                      help="witnesses per output, one per region of disagreement")
    diff.add_argument("--witness-dir", type=Path, metavar="DIR")
    diff.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="audit the law after this reform (applied to a copy)")
    add_format(diff)
    add_rules(diff)
    diff.set_defaults(handler=cmd_diff)

    graph = sub.add_parser("graph", help="the dependency graph of facts, parameters, rule "
                           "versions and outputs")
    graph.add_argument("--format", choices=("dot", "graphml", "json"), default="dot")
    graph.add_argument("--focus", metavar="ID", help="only what ID uses and what uses it")
    direction = graph.add_mutually_exclusive_group()
    direction.add_argument("--depends-on", metavar="ID", help="only what depends on ID")
    direction.add_argument("--used-by", metavar="ID", help="only what ID uses")
    add_rules(graph)
    graph.set_defaults(handler=cmd_graph)


def _load(args: argparse.Namespace, stdout: TextIO) -> KnowledgeBase | None:
    witness_dir = getattr(args, "witness_dir", None)
    if witness_dir is not None and witness_dir.exists() and not witness_dir.is_dir():
        from ..diagnostics import LexluxError
        from ..output import cannot_write
        raise LexluxError([cannot_write(witness_dir, "it is a file, not a folder",
                                        "--witness-dir")])
    loaded = load_knowledge_base(args.rules)
    if loaded.ok and getattr(args, "reform", None) is not None:
        from .common import load_reformed
        loaded = load_reformed(loaded, args.reform)   # a copy: the bundled rules stay as they are
    if not loaded.ok:
        fmt = args.format if args.format in ("text", "json") else "text"
        emit_diagnostics(loaded.diagnostics, fmt, stdout, loaded.source_lines(), {})
        return None
    return loaded.kb


def _progress(args: argparse.Namespace, stderr: TextIO) -> Callable[[str], None]:
    started = time.perf_counter()
    last = [started]
    interactive = args.format == "text"

    def report(message: str) -> None:
        now = time.perf_counter()
        if interactive and now - last[0] > 1.0:
            stderr.write(f"lexlux verify: {message} ({now - started:.0f} s)\n")
            last[0] = now
    return report


def _audits(kb: KnowledgeBase, args: argparse.Namespace, stderr: TextIO) -> list[Audit]:
    progress = _progress(args, stderr)
    out = []
    for jurisdiction in sorted(kb.vocabularies):
        audit = Audit(kb, jurisdiction, as_of=getattr(args, "as_of", None),
                      rule=getattr(args, "rule", None), witness_dir=args.witness_dir,
                      progress=progress)
        if getattr(args, "rlimit", None):
            audit.rlimit = args.rlimit
        out.append(audit)
    return out


def cmd_verify(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    kb = _load(args, stdout)
    if kb is None:
        return 1
    if args.rule is not None and args.rule not in kb.rules:
        import difflib
        close = difflib.get_close_matches(args.rule, list(kb.rules), n=1)
        stderr.write(f"lexlux verify: no rule {args.rule!r}"
                     + (f"; did you mean {close[0]!r}?" if close else "") + "\n")
        return 2
    path = args.accepted or default_path(args.rules)
    acceptances = load_accepted(path, required=args.accepted is not None)   # before the solver
    findings: list[Finding] = []
    queries = 0
    for audit in _audits(kb, args, stderr):
        findings += check_encodable(audit)
        for name in args.check:
            findings += CHECKS[name](audit)
        queries += audit.queries
    full = set(args.check) == set(CHECKS) and args.rule is None and args.as_of is None
    shown = path.resolve()
    if shown.is_relative_to(Path.cwd().resolve()):
        shown = shown.relative_to(Path.cwd().resolve())
    findings = apply_accepted(findings, acceptances, report_stale=full, where=shown)
    problems = [f for f in findings if f.is_problem]
    elapsed = time.perf_counter() - started
    if args.format == "json":
        stdout.write(json.dumps({"findings": [to_json(kb, f) for f in findings],
                                 "summary": {"problems": len(problems),
                                             "accepted": sum(f.accepted is not None
                                                             for f in findings),
                                             "queries": queries,
                                             "seconds": round(elapsed, 3)}},
                                indent=2, ensure_ascii=False) + "\n")
    else:
        for finding in findings:
            stdout.write(render_text(kb, finding) + "\n\n")
        accepted = sum(f.accepted is not None for f in findings)
        stdout.write(f"lexlux verify: {len(problems)} finding(s), {accepted} accepted, "
                     f"{queries} solver queries ({elapsed:.2f} s)\n")
    return 1 if problems else 0


def cmd_diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    kb = _load(args, stdout)
    if kb is None:
        return 1
    results = []
    audits = _audits(kb, args, stderr)
    everywhere = {n for audit in audits for n in audit.outputs()}
    unknown = [n for n in (args.output or []) if n not in everywhere]
    if unknown:
        import difflib

        from ..diagnostics import LexluxError, error
        close = difflib.get_close_matches(unknown[0], sorted(everywhere), n=1)
        raise LexluxError([error("LX404", f"no rule concludes {unknown[0]!r}",
                                 hint=f"did you mean {close[0]!r}?" if close else
                                 "lexlux diff without --output compares every output")])
    for audit in audits:
        audit.max_regions = args.max_regions
        names = [n for n in (args.output or audit.outputs()) if n in audit.outputs()]
        if names:
            results += list(diff_versions(audit, args.first, args.second, names))
    differ = [r for r in results if r.status in ("differ", "unknown")]
    if args.format == "json":
        stdout.write(json.dumps({"from": args.first.isoformat(), "to": args.second.isoformat(),
                                 "outputs": [{"output": r.output, "status": r.status,
                                              "reason": r.reason,
                                              "findings": [to_json(kb, f) for f in r.findings]}
                                             for r in results]},
                                indent=2, ensure_ascii=False) + "\n")
    else:
        for r in results:
            if r.status == "same":
                stdout.write(f"same[{r.output}]: proved — the law of {args.first} and of "
                             f"{args.second} give the same result for every case\n")
            elif r.status == "not verified":
                stdout.write(f"not verified[{r.output}]: {r.reason}\n")
            for finding in r.findings:
                stdout.write(render_text(kb, finding) + "\n")
        stdout.write(f"lexlux diff: {len(differ)} of {len(results)} output(s) differ "
                     "or are undecided\n")
    return 1 if differ else 0


def cmd_graph(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..verify.graph_export import select, to_dot, to_graphml
    from ..verify.graph_export import to_json as graph_json
    args_format = args.format
    args.format = "text"
    kb = _load(args, stdout)
    if kb is None:
        return 1
    graph, missing = select(kb, focus=args.focus, depends_on=args.depends_on,
                            used_by=args.used_by)
    if missing:
        stderr.write(f"lexlux graph: no node named {', '.join(missing)}\n")
        return 2
    render = {"dot": to_dot, "graphml": to_graphml, "json": graph_json}[args_format]
    stdout.write(render(graph))
    return 0


