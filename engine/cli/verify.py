"""``lexlux verify``, ``lexlux diff`` and ``lexlux graph`` (stage 5 commands; no logic).

Exit codes: 0 no finding, 1 findings (UNKNOWN included), 2 usage, 3 internal error
(including an encoding the evaluator contradicts: :class:`EncodingUnsound`).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..output import emit_diagnostics
from ..pipeline import load_knowledge_base

if TYPE_CHECKING:       # the verifier (and z3) is imported by the handlers: a fast --help
    from ..compile.model import KnowledgeBase
    from ..verify.checks.context import Audit

#: the checks of `lexlux verify --check`, in order (those of verify.run.CHECKS; a test says so)
CHECKS = ("conflicts", "hierarchy", "dead", "gaps", "versions", "invariants")


def _check_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown check {', '.join(unknown) or '(none)'}; choose from "
            + ",".join(CHECKS))
    return names


def _jobs(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes (0: one per "
                                         f"CPU), not {text!r}")
    if number == 0:
        from ..verify.checks.parallel import cpu_count
        return cpu_count()
    return number


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
                        help="accepted findings (default: audit/accepted.yaml next to the "
                             "--rules folder; without --rules, the bundled rules' own)")
    verify.add_argument("--rlimit", type=int, default=None, metavar="N",
                        help="Z3 resource limit per query (deterministic)")
    verify.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="audit the law after this reform (applied to a copy)")
    verify.add_argument("--cache", type=Path, metavar="DIR",
                        help="reuse proofs (UNSAT answers) of earlier runs, keyed by the "
                             "content of each query; written to DIR/verify-unsat.json")
    verify.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                        help="processes running the checks' units (default 1; 0: one "
                             "per CPU); the same JSON as --jobs 1 on the bundled rules "
                             "(benchmarks/verify_jobs.py), see docs/verification.md for "
                             "what can still differ")
    add_format(verify)
    add_rules(verify)
    verify.set_defaults(handler=cmd_verify)

    diff = sub.add_parser("diff", help="where the law of two dates gives different results",
                          description="Where the law of two dates gives different results, "
                          "output by output, each region with a witness replayed by the "
                          "evaluator. Outputs with readings (two sources reading one "
                          "provision differently) are compared under the default reading "
                          "and then under each other reading R (both dates read under R, as "
                          "--reading R does; 'reading' in the JSON).")
    diff.add_argument("--from", dest="first", type=iso_date, required=True, metavar="DATE")
    diff.add_argument("--to", dest="second", type=iso_date, required=True, metavar="DATE")
    diff.add_argument("--output", action="append", metavar="NAME",
                      help="only this output (repeatable)")
    diff.add_argument("--max-regions", type=int, default=3, metavar="N",
                      help="witnesses per output, one per region of disagreement")
    diff.add_argument("--witness-dir", type=Path, metavar="DIR")
    diff.add_argument("--show-horizon", action="store_true",
                      help="also show differences that are only the knowledge base's "
                           "starting point (valid_from_basis: horizon), hidden by default")
    diff.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="audit the law after this reform (applied to a copy)")
    diff.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                      help="processes working out the outputs (0: one per CPU); each "
                           "result rests on the witnesses of a one-process run, but a "
                           "witness of a timeline output may differ, see "
                           "docs/verification.md.  Default: one process for the outputs "
                           "and, where two CPUs may be used, a second one for the regions' "
                           "fact ranges (the same report); --jobs 1: strictly one process")
    diff.add_argument("--cache", type=Path, metavar="DIR",
                      help="keep each output's diff in DIR/verify-unsat.json (the file of "
                           "verify --cache), keyed by the content of the rules it reads: "
                           "after an edit only the outputs reading the edited rules run "
                           "again; a result is reused only when its witnesses replay")
    add_format(diff)
    add_rules(diff)
    diff.set_defaults(handler=cmd_diff)

    graph = sub.add_parser("graph", help="the dependency graph of facts, parameters, rule "
                           "versions and outputs")
    graph.add_argument("--format", choices=("dot", "graphml", "json"), default="dot")
    graph.add_argument("--focus", metavar="ID", help="only what ID uses and what uses it")
    direction = graph.add_mutually_exclusive_group()
    direction.add_argument("--dependents-of", metavar="ID", dest="dependents_of",
                           help="only ID and what depends on it (what it feeds, directly or not)")
    direction.add_argument("--dependencies-of", metavar="ID", dest="dependencies_of",
                           help="only ID and what it depends on (what it reads, directly or not)")
    # the former names, which said the opposite of what they return to some readers
    direction.add_argument("--depends-on", metavar="ID", dest="old_depends_on",
                           help="deprecated: use --dependents-of")
    direction.add_argument("--used-by", metavar="ID", dest="old_used_by",
                           help="deprecated: use --dependencies-of")
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
    """The audits of ``lexlux audit`` (the same settings as ``lexlux verify``)."""
    from ..verify.checks.run import audits
    return audits(kb, as_of=getattr(args, "as_of", None), rule=getattr(args, "rule", None),
                  witness_dir=args.witness_dir, rlimit=getattr(args, "rlimit", None),
                  progress=_progress(args, stderr), cache=getattr(args, "cache", None))


def cmd_verify(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..load.discover import display_path
    from ..verify.checks.accepted import default_path
    from ..verify.checks.findings import render_text
    from ..verify.checks.run import run_audit, unknown_rule
    started = time.perf_counter()
    kb = _load(args, stdout)
    if kb is None:
        return 1
    if args.rule is not None and (problem := unknown_rule(kb, args.rule)) is not None:
        stderr.write(f"lexlux verify: {problem}\n")
        return 2
    path = args.accepted or default_path(args.rules)
    shown = Path(display_path(path))     # the bundled file as audit/accepted.yaml
    report = run_audit(kb, checks=args.check, as_of=args.as_of, rule=args.rule,
                       witness_dir=args.witness_dir, accepted=path, rlimit=args.rlimit,
                       where=shown, progress=_progress(args, stderr),
                       cache=args.cache, accepted_required=args.accepted is not None,
                       jobs=args.jobs)
    elapsed = time.perf_counter() - started
    for warning in report.warnings:
        stderr.write(f"lexlux verify: {warning}\n")
    if args.format == "json":
        stdout.write(json.dumps(report.to_json(kb, elapsed), indent=2, ensure_ascii=False)
                     + "\n")
    else:
        for finding in report.findings:
            stdout.write(render_text(kb, finding) + "\n\n")
        accepted = sum(f.accepted is not None for f in report.findings)
        cached = "" if report.cached_queries is None else \
            f", {report.cached_queries} from the cache"
        stdout.write(f"lexlux verify: {len(report.problems)} finding(s), {accepted} accepted, "
                     f"{report.queries} solver queries{cached} ({elapsed:.2f} s)\n")
    return 1 if report.problems else 0


def cmd_diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..verify.checks.findings import render_text
    from ..verify.checks.horizon import not_compared
    from ..verify.checks.run import run_diff
    kb = _load(args, stdout)
    if kb is None:
        return 1
    report = run_diff(kb, args.first, args.second, outputs=args.output,
                      max_regions=args.max_regions, witness_dir=args.witness_dir,
                      progress=_progress(args, stderr),
                      cache=args.cache, show_horizon=args.show_horizon,
                      jobs=args.jobs or 1,
                      # no --jobs: the regions' summaries in a second process (the same
                      # report: verify/checks/summary_worker.py); --jobs 1: one process
                      summaries="here" if args.jobs is not None else "background")
    for warning in report.warnings:
        stderr.write(f"lexlux diff: {warning}\n")
    if args.format == "json":
        stdout.write(json.dumps(report.to_json(kb), indent=2, ensure_ascii=False) + "\n")
    else:
        for r in report.results:
            # an output under a reading that is not the default: "name, reading R"
            label = r.output + (f", reading {r.reading}" if r.reading else "")
            if r.status == "same" and r.bound:       # abstraction timeline_bounded_proof
                stdout.write(f"same[{label}]: only within bounded timeline frames, not "
                             f"proved beyond — the law of {args.first} and of {args.second} "
                             f"give the same result for {r.bound}\n")
            elif r.status == "same":
                stdout.write(f"same[{label}]: proved — the law of {args.first} and of "
                             f"{args.second} give the same result for every case"
                             + (f" ({r.reason})" if r.reason else "") + "\n")
            elif r.status == "not verified":
                stdout.write(f"not verified[{label}]: {r.reason}\n")
            elif not_compared(r.status, r.reason):
                stdout.write(f"horizon[{label}]: {r.reason}\n")
            elif r.status == "horizon":
                stdout.write(f"horizon[{label}]: differs only where the knowledge base "
                             "starts a provision (valid_from_basis: horizon); --show-horizon "
                             "shows it\n")
            for finding in r.findings:
                stdout.write(render_text(kb, finding) + "\n")
        skipped = sum(not_compared(r.status, r.reason) for r in report.results)
        stdout.write(f"lexlux diff: {len(report.differ)} of {len(report.results)} output(s) "
                     "differ or are undecided"
                     + (f"; {report.hidden} region(s) that are only the knowledge base's "
                        "horizon hidden (--show-horizon)" if report.hidden else "")
                     + (f"; {skipped} output(s) not compared, any difference being only "
                        "the knowledge base's horizon (--show-horizon)" if skipped else "")
                     + (f"; {report.cache['from_cache']} from the cache, "
                        f"{report.cache['run']} worked out" if report.cache else "") + "\n")
    return 1 if report.differ else 0


def cmd_graph(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..verify.checks.graph_export import select, to_dot, to_graphml
    from ..verify.checks.graph_export import to_json as graph_json
    args_format = args.format
    args.format = "text"
    kb = _load(args, stdout)
    if kb is None:
        return 1
    dependents_of, dependencies_of = args.dependents_of, args.dependencies_of
    if args.old_depends_on is not None:
        stderr.write("lexlux graph: --depends-on is deprecated, use --dependents-of "
                     "(what depends on ID)\n")
        dependents_of = args.old_depends_on
    if args.old_used_by is not None:
        stderr.write("lexlux graph: --used-by is deprecated, use --dependencies-of "
                     "(what ID depends on)\n")
        dependencies_of = args.old_used_by
    graph, missing = select(kb, focus=args.focus, depends_on=dependents_of,
                            used_by=dependencies_of)
    if missing:
        stderr.write(f"lexlux graph: no node named {', '.join(missing)}\n")
        return 2
    render = {"dot": to_dot, "graphml": to_graphml, "json": graph_json}[args_format]
    stdout.write(render(graph))
    return 0


