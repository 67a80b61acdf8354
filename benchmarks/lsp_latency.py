"""Benchmark: how long the language server takes to check a document as you type (run on
demand).

    .venv/bin/python benchmarks/lsp_latency.py --edits 20

Measures, on the bundled knowledge base, in process (no protocol): the first check of a
rule file (every file read and validated), then each check after an edit (only the edited
text is read again; the knowledge base is recompiled), and a hover and a completion.
"""

from __future__ import annotations

import argparse
import statistics
import time

from lexlux.load.discover import bundled_root
from lexlux.lsp.analysis import Workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    rule = (bundled_root("rules") / "lu" / "code_du_travail" / "L121-6" / "p2.yaml").resolve()
    text = rule.read_text(encoding="utf-8")
    workspace = Workspace()
    started = time.perf_counter()
    workspace.diagnostics(rule, {rule: text})
    first = time.perf_counter() - started
    edits = []
    for i in range(args.edits):
        edited = text.replace("last_day: nth_day(absence_start, day)",
                              f"last_day: nth_day(absence_start, day)  # {i}")
        started = time.perf_counter()
        workspace.diagnostics(rule, {rule: edited})
        edits.append(time.perf_counter() - started)
    line = next(i for i, row in enumerate(text.splitlines()) if "nth_day(" in row)
    column = text.splitlines()[line].index("day)") + 1
    started = time.perf_counter()
    for _ in range(100):
        workspace.hover(rule, text, line, column, {rule: text})
        workspace.completions(rule, text, line, column, {rule: text})
    pair = (time.perf_counter() - started) / 100
    print(f"first check (every file read):  {first * 1000:7.0f} ms")
    print(f"check after an edit, median:    {statistics.median(edits) * 1000:7.0f} ms "
          f"(max {max(edits) * 1000:.0f} ms, {args.edits} edits)")
    print(f"hover + completion:             {pair * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
