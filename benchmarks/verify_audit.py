"""Benchmark: time of the full Z3 audit (every check) on the bundled rules and on
generated knowledge bases of 100, 1,000 and 5,000 rules.

    .venv/bin/python benchmarks/verify_audit.py --sizes 100,1000,5000

Generated rules come in groups of four concluding one output (pairwise checks only look
at rules sharing an output, through the dependency graph's output nodes), with date,
integer and enum conditions, calendar functions, a parameter that changes value, an
exception, a second version, and outputs that read other outputs.  Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

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


def audit(rules: list[Path] | None, label: str) -> None:
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.checks.context import Audit
    from lexlux.verify.checks.rules import (
        check_conflicts,
        check_dead,
        check_encodable,
        check_gaps,
        check_hierarchy,
    )
    from lexlux.verify.checks.versions import check_versions, diff_versions

    started = time.perf_counter()
    loaded = load_knowledge_base(rules)
    assert loaded.ok, [d.message for d in loaded.diagnostics][:5]
    kb = loaded.kb
    load_s = time.perf_counter() - started
    figures = []
    queries = findings = 0
    for jurisdiction in sorted(kb.vocabularies):
        checker = Audit(kb, jurisdiction)
        for check in (check_encodable, check_conflicts, check_hierarchy, check_dead,
                      check_gaps, check_versions):
            t0 = time.perf_counter()
            found = list(check(checker))
            figures.append((f"{jurisdiction} {check.__name__}", time.perf_counter() - t0,
                            len(found), sum(f.code == "LX510" for f in found)))
            findings += len(found)
        t0 = time.perf_counter()
        diffs = list(diff_versions(Audit(kb, jurisdiction, max_regions=1),
                                   __import__("datetime").date(2016, 1, 1),
                                   __import__("datetime").date(2020, 1, 1), None))
        figures.append((f"{jurisdiction} diff 2016→2020", time.perf_counter() - t0,
                        sum(r.status == "differ" for r in diffs),
                        sum(r.status == "unknown" for r in diffs)))
        queries += checker.queries
    total = time.perf_counter() - started
    print(f"\n{label}: {len(kb.rules)} rules, {sum(len(r.versions) for r in kb.rules.values())}"
          f" versions; load {load_s:.2f} s; audit total {total:.2f} s; {queries} queries "
          f"(diff excluded); {findings} findings")
    for name, seconds, count, unknown in figures:
        print(f"  {name:<22} {seconds:8.2f} s  {count:5d} found ({unknown} UNKNOWN)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--no-bundled", action="store_true")
    args = parser.parse_args()
    if not args.no_bundled:
        audit(None, "bundled rules/")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        with tempfile.TemporaryDirectory() as tmp:
            audit([generate(Path(tmp), size)], f"generated ({size} rules)")


if __name__ == "__main__":
    main()
