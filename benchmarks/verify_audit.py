"""Benchmark: time of the full Z3 audit (every check) on the bundled rules and on
generated knowledge bases of 100, 1,000 and 5,000 rules.

    .venv/bin/python benchmarks/verify_audit.py --sizes 100,1000,5000

Generated rules come in groups of four concluding one output (pairwise checks only look
at rules sharing an output, through the dependency graph's output nodes), with date,
integer and enum conditions, calendar functions, a parameter that changes value, an
exception, a second version, and outputs that read other outputs.  Figures are printed,
never asserted.  ``--no-diff`` times the checks only; ``--json FILE`` writes every finding,
to compare two versions of the engine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

SOURCE = ('    source: {file: 000_0000000000000000.txt, lines: [1, 1], '
          'excerpt: "generated rule text"}')


def generate(root: Path, n_rules: int, seed: int = 5) -> Path:
    rng = random.Random(seed)
    lu = root / "rules" / "lu"
    (lu / "gen").mkdir(parents=True)
    (lu / "parameters").mkdir()
    groups = max(1, n_rules // 4)
    facts = ["  start: {type: date, description: {fr: d., en: d.}}",
             "  received: {type: date, description: {fr: r., en: r.}}",
             "  days_off: {type: integer, description: {fr: n., en: n.}}",
             "  contract: {type: enum, values: [cdi, cdd, other], description: {fr: c., en: c.}}"]
    outputs = []
    for g in range(groups):
        total = ", total: true" if g % 7 == 0 else ""
        outputs.append(f"  out{g}: {{type: integer{total}, description: {{fr: o., en: o.}}}}")
    (lu / "vocabulary.yaml").write_text("jurisdiction: lu\nfacts:\n" + "\n".join(facts)
                                        + "\noutputs:\n" + "\n".join(outputs) + "\n")
    (lu / "parameters" / "gen.yaml").write_text("""jurisdiction: lu
parameters:
  limit:
    title: {fr: Limite, en: Limit}
    type: integer
    unit: days
    citation: {instrument: Generated, article: "0"}
    values:
      - from: "1990-01-01"
        value: 3
        amended_by: {act: "Loi 1990", date: "1990-01-01"}
      - from: "2015-01-01"
        value: 2
        amended_by: {act: "Loi 2015", date: "2015-01-01"}
""")
    for i in range(n_rules):
        g, k = divmod(i, 4)
        if g >= groups:
            g, k = rng.randrange(groups), 4 + i
        lower = random.Random(seed * 100003 + g).randrange(0, 60)    # one per group
        overlap = 5 if rng.random() < 0.1 else 0          # about one group in ten conflicts
        conditions = [f"days_off >= {lower + 20 * k}",
                      f"days_off < {lower + 20 * k + 20 + overlap}",
                      "contract == 'cdi'" if k % 2 else "contract != 'cdi'",
                      "received <= nth_day(start, limit)",
                      "end_of_month(start) >= received"]
        when = " and ".join(conditions[:2] + rng.sample(conditions[2:], 1))
        value = (f"out{g - 1} + {k}" if g > 0 and rng.random() < 0.2 else str(k + 1))
        exception = (f"    exception_to: [{{rule: lu.gen.r{i - 1}}}]\n"
                     if k == 1 and rng.random() < 0.5 else "")
        second = ""
        if rng.random() < 0.2:
            second = f"""  - valid_from: "2018-01-01"
    amended_by: {{act: "Loi 2018", date: "2018-01-01"}}
{SOURCE}
    parameters: {{limit: lu.gen.limit}}
{exception}    then:
      - output: out{g}
        when: "{when}"
        value: "{k + 10}"
"""
        (lu / "gen" / f"r{i}.yaml").write_text(f"""id: lu.gen.r{i}
jurisdiction: lu
citation: {{instrument: Generated, article: "{i}"}}
title: {{fr: Règle {i}}}
authority: {"statuts" if k == 3 and rng.random() < 0.3 else "law"}
selected_by: start
versions:
  - valid_from: "2000-01-01"
    amended_by: {{act: "Loi 2000", date: "2000-01-01"}}
{SOURCE}
    parameters: {{limit: lu.gen.limit}}
{exception}    then:
      - output: out{g}
        when: "{when}"
        value: "{value}"
{second}""")
    return root / "rules"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def audit(rules: list[Path] | None, label: str, *, diff: bool = True,
          record: dict[str, Any] | None = None) -> None:
    """Time every check (wall and CPU seconds), then the diff apart; ``record`` receives
    the findings as JSON (to compare two versions of the engine)."""
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks.context import Audit
    from lexlux.verify.checks.findings import to_json
    from lexlux.verify.checks.rules import (
        check_conflicts,
        check_dead,
        check_encodable,
        check_gaps,
        check_hierarchy,
    )
    from lexlux.verify.checks.versions import check_versions, diff_versions

    started, started_cpu = time.perf_counter(), _cpu()
    loaded = load_knowledge_base(rules)
    assert loaded.ok, [d.message for d in loaded.diagnostics][:5]
    kb = loaded.kb
    load_s = time.perf_counter() - started
    figures = []
    queries = 0
    found_all = []
    checks_wall = checks_cpu = diff_wall = diff_cpu = 0.0
    for jurisdiction in sorted(kb.vocabularies):
        checker = Audit(kb, jurisdiction)
        for check in (check_encodable, check_conflicts, check_hierarchy, check_dead,
                      check_gaps, check_versions):
            t0, c0 = time.perf_counter(), _cpu()
            found = list(check(checker))
            wall, cpu = time.perf_counter() - t0, _cpu() - c0
            checks_wall, checks_cpu = checks_wall + wall, checks_cpu + cpu
            figures.append((f"{jurisdiction} {check.__name__}", wall, cpu, len(found),
                            sum(f.code == "LX510" for f in found)))
            found_all += found
        queries += checker.queries
        if not diff:
            continue
        t0, c0 = time.perf_counter(), _cpu()
        diffs = list(diff_versions(Audit(kb, jurisdiction, max_regions=1),
                                   datetime.date(2016, 1, 1), datetime.date(2020, 1, 1), None))
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        diff_wall, diff_cpu = diff_wall + wall, diff_cpu + cpu
        figures.append((f"{jurisdiction} diff 2016→2020", wall, cpu,
                        sum(r.status == "differ" for r in diffs),
                        sum(r.status == "unknown" for r in diffs)))
    total, total_cpu = time.perf_counter() - started, _cpu() - started_cpu
    print(f"\n{label}: {len(kb.rules)} rules, {sum(len(r.versions) for r in kb.rules.values())}"
          f" versions; load {load_s:.2f} s; {queries} queries (diff excluded); "
          f"{len(found_all)} findings\n  checks {checks_wall:.1f} s wall, {checks_cpu:.1f} s "
          f"CPU" + (f"; diff {diff_wall:.1f} s wall, {diff_cpu:.1f} s CPU" if diff else "")
          + f"; whole run {total:.1f} s wall, {total_cpu:.1f} s CPU")
    for name, seconds, cpu, count, unknown in figures:
        print(f"  {name:<26} {seconds:8.2f} s wall {cpu:8.2f} s CPU  {count:5d} found "
              f"({unknown} UNKNOWN)")
    if record is not None:
        record[label] = [_portable(to_json(kb, f)) for f in found_all]


def _portable(found: dict[str, Any]) -> dict[str, Any]:
    """A finding's JSON without the temporary folder of a generated knowledge base."""
    return json.loads(re.sub(r'"[^"]*?/rules/', '"rules/', json.dumps(found)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--no-bundled", action="store_true")
    parser.add_argument("--no-diff", action="store_true", help="time the checks only")
    parser.add_argument("--json", type=Path, help="write every finding here (JSON)")
    args = parser.parse_args()
    record: dict[str, Any] = {}
    if not args.no_bundled:
        audit(None, "bundled rules/", diff=not args.no_diff, record=record)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        with tempfile.TemporaryDirectory() as tmp:
            audit([generate(Path(tmp), size)], f"generated ({size} rules)",
                  diff=not args.no_diff, record=record)
    if args.json is not None:
        args.json.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
