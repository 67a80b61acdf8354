"""``lexlux batch``: a population under the law (a table), or the impact of a reform on it
(honest counts per output); a progress bar only on a terminal."""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Diagnostic, LexluxError, error

if TYPE_CHECKING:       # the stages are imported by the handler: a fast --help
    from ..evaluate.case import Case
    from ..whatif.batch import BatchReport


def register(sub: Any) -> None:
    from .common import add_format, add_rules, iso_date
    parser = sub.add_parser(
        "batch", help="evaluate a population (a table of outputs), or compare it under the law "
                      "and a reform (how many persons change, and how)")
    parser.add_argument("sources", nargs="*", type=Path,
                        help="folders of *.case.yaml files, or CSV / Parquet tables (one row "
                             "per case)")
    parser.add_argument("--reform", type=Path, metavar="REFORM.yaml",
                        help="compare the law as it is with the law after this reform "
                             "(without it: evaluate the population under the law)")
    parser.add_argument("--generate", type=_count, metavar="N",
                        help="also evaluate N synthetic persons drawn from --population")
    parser.add_argument("--population", type=Path, metavar="FILE.population.yaml",
                        help="the distribution of the generated persons (default: the bundled "
                             "one; `lexlux schema population`)")
    parser.add_argument("--from", dest="window_from", type=iso_date, metavar="DATE",
                        help="generated persons fall ill from this day (default: a year "
                             "before the reform's first date, or the population's window)")
    parser.add_argument("--to", dest="window_to", type=iso_date, metavar="DATE",
                        help="... until this day (default: two years after the reform's last "
                             "date, or the population's window)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of --generate")
    parser.add_argument("--output", action="append", metavar="NAME")
    parser.add_argument("--law-as-of", type=iso_date, metavar="DATE",
                        help="evaluate every case under the law in force on this date")
    parser.add_argument("--reading", help="follow this reading where sources disagree")
    parser.add_argument("--table", type=Path, metavar="PATH",
                        help="without --reform: write the outputs of every person here "
                             "(default: CSV on stdout)")
    parser.add_argument("--table-format", choices=("csv", "jsonl", "parquet"),
                        help="format of --table (default: from its suffix, else csv)")
    parser.add_argument("--backend", choices=("interpreter", "vector"), default="interpreter",
                        help="vector: compute the outputs it can compile column-wise with "
                             "numpy (lexlux[vector]), the others with the interpreter; it "
                             "says which")
    parser.add_argument("--dask", action="store_true",
                        help="spread the persons over a local Dask cluster (one worker process "
                             "per CPU; needs lexlux[dask])")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="spread the persons over the Dask cluster of this scheduler "
                             "(e.g. tcp://10.0.0.5:8786)")
    parser.add_argument("--partition", type=int, default=500, metavar="N",
                        help="persons per Dask task (default 500)")
    parser.add_argument("--report", type=Path, metavar="REPORT.md",
                        help="also write the report as Markdown, with tables (atomically)")
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
    from ..whatif.batch import read_case_folder, read_case_table, run_batch
    from .common import check_outputs, load_baseline, load_reformed
    baseline = load_baseline(args.rules)
    reformed = load_reformed(baseline, args.reform) if args.reform else None
    check_outputs(args.output, baseline, "lu")
    problems: list[Diagnostic] = []
    streams: list[Iterator[Case | Diagnostic]] = []
    for source in args.sources:
        if source.is_dir():
            streams.append(read_case_folder(source, baseline.kb))
        elif source.is_file() and source.suffix in (".csv", ".parquet"):
            streams.append(read_case_table(source, baseline.kb))
        else:
            raise LexluxError([error("LX104", f"{source}: not a folder of case files or a .csv "
                                     "or .parquet table")])
    total = args.generate
    generator = None
    distributed = args.dask or args.scheduler is not None
    if args.generate:
        generator = population_generator(args, baseline, reformed is not None)
        if not distributed:
            streams.append(generator.cases(args.generate))

    def cases() -> Iterator[Case]:
        for item in itertools.chain(*streams):
            if isinstance(item, Diagnostic):
                problems.append(item)
            else:
                yield item

    progress = Progress(total if not args.sources else None, stderr,
                        (total or 0) >= 100 and _is_terminal(stderr))
    if distributed:
        return _distributed_run(args, baseline, reformed, generator, cases(), progress,
                                problems, stdout)
    if args.backend == "vector":
        return _vector_run(args, baseline, reformed, generator, cases(), progress, problems,
                           stdout, stderr)
    if reformed is None:
        return _plain_run(args, baseline, cases(), progress, problems, stdout)
    report = run_batch(cases(), baseline.kb, reformed.kb, args.output, progress,
                       args.law_as_of)
    return _show_report(args, report, generator, progress, problems, stdout)


def _vector_run(args: argparse.Namespace, baseline: Any, reformed: Any, generator: Any,
                cases: Iterator[Case], progress: Progress, problems: list[Diagnostic],
                stdout: TextIO, stderr: TextIO) -> int:
    try:
        from ..vector.outcomes import VectorRun, run_batch_vector
    except ImportError:
        raise LexluxError([error("LX704", "--backend vector needs numpy, which is not "
                                 "installed", hint="pip install 'lexlux[vector]'")]) from None
    from ..whatif.tables import chunked_rows, table_format
    first = VectorRun(baseline.kb, args.output, args.law_as_of, args.reading)
    try:
        if reformed is not None:
            second = VectorRun(reformed.kb, args.output, args.law_as_of, args.reading)
            report = run_batch_vector(cases, first, second, progress)
            return _show_report(args, report, generator, progress, problems, stdout)
        fmt = table_format(args.table, args.table_format) if args.table is not None \
            else args.table_format or "csv"
        return _plain_run(args, baseline, iter(()), progress, problems, stdout,
                          chunked_rows(first.outcomes(cases), fmt))
    finally:
        stderr.write(first.note())


def _distributed_run(args: argparse.Namespace, baseline: Any, reformed: Any, generator: Any,
                     cases: Iterator[Case], progress: Progress, problems: list[Diagnostic],
                     stdout: TextIO) -> int:
    from ..whatif.distributed import (
        connect,
        partitions,
        run_batch_distributed,
        table_distributed,
    )
    from ..whatif.tables import table_format
    parts = partitions(cases, args.generate or 0, max(1, args.partition))
    with connect(args.scheduler) as client:
        if reformed is not None:
            report = run_batch_distributed(client, parts, baseline.kb, reformed.kb, generator,
                                           args.output, args.law_as_of, progress)
            return _show_report(args, report, generator, progress, problems, stdout)
        fmt = table_format(args.table, args.table_format) if args.table is not None \
            else args.table_format or "csv"
        slices = table_distributed(client, parts, baseline.kb, generator, args.output,
                                   args.law_as_of, args.reading, fmt, progress)
        return _plain_run(args, baseline, iter(()), progress, problems, stdout, slices)


def _show_report(args: argparse.Namespace, report: BatchReport, generator: Any,
                 progress: Progress, problems: list[Diagnostic], stdout: TextIO) -> int:
    progress.close()
    report.problems = [f"{p.span}: {p.message}" if p.span else p.message for p in problems]
    window = f" (persons falling ill {generator.first} to {generator.last})" \
        if generator is not None else ""
    if args.report:
        from ..output import write_atomically
        from ..whatif.markdown import batch_markdown
        write_atomically(args.report, batch_markdown(report, str(args.reform), window))
    if args.format == "json":
        stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(render_report(report, str(args.reform), window))
    return 1 if problems else 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def population_generator(args: argparse.Namespace, baseline: Any, reform: bool) -> Any:
    from ..evaluate.interpreter import outputs_in_force
    from ..whatif.needs import facts_needed
    from ..whatif.population import Generator, load_population, reform_window
    vocabulary = baseline.kb.vocabularies["lu"]
    population = load_population(args.population, vocabulary)
    first, last = population.window
    if reform and not (args.window_from and args.window_to):
        import yaml
        around = reform_window(yaml.safe_load(args.reform.read_text(encoding="utf-8")))
        if around is not None:
            first, last = around
    first, last = args.window_from or first, args.window_to or last
    outputs = args.output or outputs_in_force(baseline.kb, "lu")
    return Generator(population, vocabulary, facts_needed(baseline.kb, "lu", outputs), first,
                     last, args.seed)


def _plain_run(args: argparse.Namespace, baseline: Any, cases: Iterator[Case],
               progress: Progress, problems: list[Diagnostic], stdout: TextIO,
               slices: Iterator[Any] | None = None) -> int:
    from ..whatif.tables import chunked_rows, evaluate_population, table_format, write_rows
    fmt = table_format(args.table, args.table_format) if args.table is not None \
        else args.table_format or "csv"
    if slices is None:
        outcomes = evaluate_population(cases, baseline.kb, args.output, args.law_as_of,
                                       args.reading, progress)
        slices = chunked_rows(outcomes, fmt)
    summary = write_rows(slices, args.table, fmt, stream=stdout)
    progress.close()
    if args.report:
        from ..output import write_atomically
        from ..whatif.markdown import population_markdown
        write_atomically(args.report, population_markdown(summary))
    if args.table is not None:
        if args.format == "json":
            stdout.write(json.dumps(summary.to_json(), indent=2, ensure_ascii=False) + "\n")
        else:
            stdout.write(render_summary(summary, args.table))
    if args.table is not None:
        for problem in problems[:10]:
            stdout.write(f"problem: {problem.message}\n")
    return 1 if problems else 0


def render_summary(summary: Any, table: Path) -> str:
    from ..whatif.wording import STATUS_WORDS
    lines = [f"{summary.cases} cases evaluated; the outputs of each are in {table}", ""]
    width = max((len(n) for n in summary.statuses), default=10)
    lines.append(f"{'output':<{width}}  answered  " + "  ".join(
        STATUS_WORDS[s] for s in ("no_value", "missing", "conflict", "error")))
    for name, counts in sorted(summary.statuses.items()):
        lines.append(f"{name:<{width}}  {counts['value']:>8}  {counts['no_value']:>20}  "
                     f"{counts['missing']:>18}  {counts['conflict']:>23}  {counts['error']:>18}")
    return "\n".join(lines) + "\n"


def render_report(report: BatchReport, reform: str, window: str = "") -> str:
    lines = [f"{report.cases} cases{window}; {report.cases_changed} affected under {reform} "
             "(an answer changes, or is given under one law only)", ""]
    quiet = [name for name, o in report.outputs.items() if not o.affected]
    if quiet:
        unanswered = sum(1 for name in quiet if report.outputs[name].counts["unanswered"])
        lines.append(f"({len(quiet)} outputs are not affected in any case; {unanswered} of them "
                     "are unanswered under both laws in some cases)")
    for name, impact in sorted(report.outputs.items(), key=lambda kv: (-kv[1].affected, kv[0])):
        if not impact.affected:
            continue
        c = impact.counts
        line = (f"{name}: {impact.affected} affected — {c['changed']} changed, "
                f"{c['unchanged']} unchanged, {c['only_before']} answered only before, "
                f"{c['only_after']} answered only after, {c['unanswered']} unanswered in both")
        lines.append(line)
        if impact.summed:
            lines.append(f"    total {float(impact.total_before):g} → "
                         f"{float(impact.total_after):g}")
        for kind, entry in impact.ordered_kinds()[:6]:
            text = f"    {entry.cases:>6} × {kind}"
            shifts = entry.shift_summary()
            if shifts:
                text += (f": {shifts['mean']:+.0f} days on average (median "
                         f"{shifts['median']:+d}, from {shifts['min']:+d} to {shifts['max']:+d})")
            lines.append(text)
        for status, n in sorted(impact.lost.items(), key=lambda kv: (-kv[1], kv[0]))[:3]:
            lines.append(f"    {n:>6} × answered before, after: {status}")
        for status, n in sorted(impact.gained.items(), key=lambda kv: (-kv[1], kv[0]))[:3]:
            lines.append(f"    {n:>6} × answered after, before: {status}")
    for problem in report.problems[:10]:
        lines.append(f"problem: {problem}")
    return "\n".join(lines) + "\n"
