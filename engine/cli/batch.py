"""``lexlux batch``: population impact of a reform over many cases, with a progress bar."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import Diagnostic, LexluxError, error
from ..evaluate.case import Case
from ..whatif.batch import BatchReport, read_case_folder, read_case_table, run_batch
from ..whatif.generate import generate_cases


def register(sub: Any) -> None:
    from .common import add_format, add_rules
    parser = sub.add_parser("batch", help="evaluate many cases under the law and a reform; "
                                          "count what changes")
    parser.add_argument("sources", nargs="*", type=Path,
                        help="folders of *.case.yaml files, or CSV tables (one row per case)")
    parser.add_argument("--reform", type=Path, required=True, metavar="REFORM.yaml")
    parser.add_argument("--generate", type=_count, metavar="N",
                        help="also evaluate N synthetic incapacity histories (2015-2025)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of --generate")
    parser.add_argument("--output", action="append", metavar="NAME")
    from .common import iso_date
    parser.add_argument("--law-as-of", type=iso_date, metavar="DATE",
                        help="evaluate every case under the law in force on this date")
    add_format(parser)
    add_rules(parser)
    parser.set_defaults(handler=cmd_batch)


def _count(text: str) -> int:
    """A number of cases for --generate: a whole number of at least 1."""
    try:
        value = int(text) if len(text) <= 12 else -1
    except ValueError:
        value = -1
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


class Progress:
    """A progress bar on stderr, redrawn at most a hundred times."""

    def __init__(self, total: int | None, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.step = max(1, (total or 1000) // 100)

    def __call__(self, done: int) -> None:
        if not self.enabled or done % self.step:
            return
        if self.total:
            filled = done * 30 // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total}")
        else:
            self.stream.write(f"\r{done} cases")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def cmd_batch(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .common import check_outputs, load_baseline, load_reformed
    baseline = load_baseline(args.rules)
    reformed = load_reformed(baseline, args.reform)
    check_outputs(args.output, baseline, "lu")
    problems: list[Diagnostic] = []
    streams: list[Iterator[Case | Diagnostic]] = []
    for source in args.sources:
        if source.is_dir():
            streams.append(read_case_folder(source, baseline.kb))
        elif source.is_file() and source.suffix == ".csv":
            streams.append(read_case_table(source, baseline.kb))
        else:
            raise LexluxError([error("LX104", f"{source}: not a folder of case files or a .csv "
                                     "table", hint="Parquet tables: convert to CSV first")])
    total = args.generate
    if args.generate:
        streams.append(iter(generate_cases(args.generate, baseline.kb.vocabularies["lu"],
                                           args.seed)))

    def cases() -> Iterator[Case]:
        for item in itertools.chain(*streams):
            if isinstance(item, Diagnostic):
                problems.append(item)
            else:
                yield item

    progress = Progress(total if not args.sources else None, stderr,
                        args.format == "text" and (total or 0) >= 100 and stderr is sys.stderr)
    report = run_batch(cases(), baseline.kb, reformed.kb, args.output, progress,
                       args.law_as_of)
    progress.close()
    report.problems = [f"{p.span}: {p.message}" if p.span else p.message for p in problems]
    if args.format == "json":
        stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(render_report(report, str(args.reform)))
    return 1 if problems else 0


def render_report(report: BatchReport, reform: str) -> str:
    lines = [f"{report.cases} cases; {report.cases_changed} change under {reform}", ""]
    unchanged = sum(1 for o in report.outputs.values() if not o.changed)
    if unchanged:
        lines.append(f"({unchanged} outputs give the same answer in every case)")
    for name, impact in sorted(report.outputs.items()):
        if not impact.changed:
            continue
        line = f"{name}: {impact.changed} cases change"
        if impact.summed:
            line += f"; total {float(impact.total_before):g} → {float(impact.total_after):g}"
        lines.append(line)
        if impact.shifts:
            mean = sum(impact.shifts) / len(impact.shifts)
            lines.append(f"    {len(impact.shifts):>6} × the date moves by {mean:+.0f} days on "
                         f"average (from {min(impact.shifts):+d} to {max(impact.shifts):+d})")
        for (before, after), n in impact.transitions.most_common(5):
            lines.append(f"    {n:>6} × {before} → {after}")
    for problem in report.problems[:10]:
        lines.append(f"problem: {problem}")
    return "\n".join(lines) + "\n"
