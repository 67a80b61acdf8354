"""Benchmark: what the audit of issue 14 adds — invariants, totality with a condition,
plausibility assumptions, the compile-time number and unit checks — and the full audit.

    .venv/bin/python benchmarks/audit_invariants.py

Prints, never asserts: `lexlux check` on the bundled rules (with LX337/LX338), the
invariants check alone, the full `lexlux audit` (every check, every date), the same with
`--cache` cold, warm, and after editing one rule file (the edit re-solves the queries that
read it), and the planted-error corpus (tests/verify/planted, every case loaded and
checked in one process).
CPU time is printed next to wall-clock time: the development machine is shared.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lexlux.cli import run

REPO = Path(__file__).resolve().parent.parent


def timed(label: str, action: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    print(f"{label:<48} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f}"
          " s cpu")


def command(*argv: str) -> int:
    return run(list(argv), io.StringIO(), io.StringIO())


def planted_corpus() -> None:
    sys.path[:0] = [str(REPO / "tests" / "verify"), str(REPO / "tests")]
    import yaml
    from lexlux.pipeline import load_knowledge_base
    from test_planted import CASES, assemble, verify_findings  # type: ignore[import-not-found]
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            rules = assemble(case, Path(tmp))
            if load_knowledge_base([rules]).ok:
                verify_findings(rules)


def main() -> None:
    rules = str(REPO / "rules")
    timed("lexlux check (bundled, with LX337/LX338)", lambda: command("check"))
    timed("lexlux verify --check invariants", lambda: command("verify", "--check",
                                                               "invariants"))
    timed("lexlux audit (every check, every date)", lambda: command("audit", "--rules", rules))
    with tempfile.TemporaryDirectory() as tmp:
        copy, cache = Path(tmp) / "rules", str(Path(tmp) / "cache")
        shutil.copytree(rules, copy)
        shutil.copytree(REPO / "audit", Path(tmp) / "audit")
        timed("lexlux audit --cache (cold)", lambda: command(
            "audit", "--rules", str(copy), "--cache", cache))
        timed("lexlux audit --cache (warm, nothing changed)", lambda: command(
            "audit", "--rules", str(copy), "--cache", cache))
        target = copy / "lu" / "code_securite_sociale" / "art-047" / "p2.yaml"
        target.write_text(target.read_text(encoding="utf-8").replace(
            "value: \"true\"", "value: \"false\""), encoding="utf-8")
        timed("lexlux audit --cache after editing one rule", lambda: command(
            "audit", "--rules", str(copy), "--cache", cache))
    timed("planted-error corpus (46 cases)", planted_corpus)


if __name__ == "__main__":
    main()
