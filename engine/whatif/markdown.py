"""What-if: batch reports in Markdown (tables, and text bar charts that render anywhere):
affected persons per output, the five counts, change kinds, and the date-shift histogram."""

from __future__ import annotations

from typing import Any

from .batch import OUTCOME_WORDS, OUTCOMES, BatchReport, histogram
from .wording import STATUS_WORDS

BAR = 30


def _bar(n: int, top: int) -> str:
    return "█" * (round(n * BAR / top) if top else 0) or ("▏" if n else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def batch_markdown(report: BatchReport, reform: str, window: str = "") -> str:
    affected = [(name, o) for name, o in report.outputs.items() if o.affected]
    affected.sort(key=lambda kv: (-kv[1].affected, kv[0]))
    lines = [f"# Impact of {reform}", "",
             f"{report.cases} persons{window}; **{report.cases_changed} affected** (for at "
             "least one output, the answer changes or is given under one law only).", "",
             "## Affected persons per output", ""]
    if not affected:
        lines += ["No output is affected in any case.", ""]
    else:
        top = max(o.affected for _, o in affected)
        lines += ["| output | affected | |", "|---|---:|---|"]
        lines += [f"| `{name}` | {o.affected} | {_bar(o.affected, top)} |" for name, o in affected]
        lines.append("")
    lines += ["## Counts per output", "",
              "Each person is in exactly one column for each output.", "",
              "| output | " + " | ".join(OUTCOME_WORDS[k] for k in OUTCOMES) + " |",
              "|---|" + "---:|" * len(OUTCOMES)]
    for name, o in sorted(report.outputs.items()):
        lines.append(f"| `{name}` | " + " | ".join(str(o.counts[k]) for k in OUTCOMES) + " |")
    lines.append("")
    for name, o in affected:
        lines += [f"## `{name}`", ""]
        if o.kinds:
            lines += ["| change | persons | shift in days (mean, median, min, max) |",
                      "|---|---:|---|"]
            for kind, entry in o.ordered_kinds():
                s = entry.shift_summary()
                shift = (f"{s['mean']:+.1f}, {s['median']:+d}, {s['min']:+d}, {s['max']:+d}"
                         if s else "")
                lines.append(f"| {_cell(kind)} | {entry.cases} | {shift} |")
            lines.append("")
        for title, counter in (("answered only before; after:", o.lost),
                               ("answered only after; before:", o.gained)):
            if counter:
                lines.append(f"{o.counts['only_before' if counter is o.lost else 'only_after']}"
                             f" {title} " + ", ".join(f"{status} ({n})" for status, n
                                                        in sorted(counter.items())))
                lines.append("")
        shifts = o.shifts
        if shifts:
            bands = histogram(shifts)
            top = max(c for _, _, c in bands)
            lines += ["Date shift (days, after − before):", "", "| days | persons | |",
                      "|---|---:|---|"]
            lines += [f"| {a:+d} to {b:+d} | {c} | {_bar(c, top)} |" for a, b, c in bands]
            lines.append("")
        if o.summed:
            lines += [f"Total over the persons: {float(o.total_before):g} before, "
                      f"{float(o.total_after):g} after.", ""]
    if report.problems:
        lines += ["## Problems", ""] + [f"* {_cell(p)}" for p in report.problems[:20]] + [""]
    return "\n".join(lines)


def population_markdown(summary: Any) -> str:
    lines = [f"# Population: {summary.cases} persons", "",
             "| output | answered | " + " | ".join(STATUS_WORDS[s] for s in
                                                   ("no_value", "missing", "conflict", "error"))
             + " |", "|---|---:|---:|---:|---:|---:|"]
    for name, counts in sorted(summary.statuses.items()):
        lines.append(f"| `{name}` | {counts['value']} | {counts['no_value']} | "
                     f"{counts['missing']} | {counts['conflict']} | {counts['error']} |")
    return "\n".join(lines) + "\n"
