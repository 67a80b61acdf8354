"""The overlap of a conflict (LX501) as fact ranges: found by probing one incremental
solver (checks/conflict_ranges.py) instead of Z3's ``Optimize``; the lines must be the
ones ``Optimize`` gives (checks/regions.py ``fact_ranges``) whenever it answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks import conflict_ranges, regions
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import check_conflicts

SOURCE = ('    source: {file: 000_0000000000000000.txt, lines: [1, 1], '
          'excerpt: "a test excerpt"}')

VOCABULARY = """jurisdiction: lu
facts:
  start: {type: date, description: {fr: d., en: d.}}
  received: {type: date, description: {fr: r., en: r.}}
  days_off: {type: integer, description: {fr: n., en: n.}}
  contract: {type: enum, values: [cdi, cdd, other], description: {fr: c., en: c.}}
  salary: {type: money, description: {fr: s., en: s.}}
  urgent: {type: boolean, description: {fr: u., en: u.}}
outputs:
  bounded: {type: integer, description: {fr: o., en: o.}}
  open: {type: integer, description: {fr: o., en: o.}}
  dated: {type: integer, description: {fr: o., en: o.}}
  none: {type: integer, description: {fr: o., en: o.}}
"""

#: (output, condition) of each rule; two rules of one output conflict where both apply.
RULES = [
    ("bounded", "days_off >= 10 and days_off < 25 and contract == 'cdi'"),
    ("bounded", "days_off > 19 and urgent and salary * 3 > salary * 2"),
    ("open", "days_off >= 3"),
    ("open", "contract != 'other' and not urgent"),
    ("dated", "received <= nth_day(start, 3)"),
    ("dated", "end_of_month(start) >= received and days_off <= -7"),
    ("none", "days_off < 5"),
    ("none", "days_off > 7"),
]


def knowledge_base(tmp_path: Path) -> KnowledgeBase:
    lu = tmp_path / "rules" / "lu"
    (lu / "gen").mkdir(parents=True)
    (lu / "vocabulary.yaml").write_text(VOCABULARY, encoding="utf-8")
    for i, (output, when) in enumerate(RULES):
        (lu / "gen" / f"r{i}.yaml").write_text(f"""id: lu.gen.r{i}
jurisdiction: lu
citation: {{instrument: Test, article: "{i}"}}
title: {{fr: Règle {i}}}
authority: law
selected_by: start
versions:
  - valid_from: "2000-01-01"
    amended_by: {{act: "Loi 2000", date: "2000-01-01"}}
{SOURCE}
    then:
      - output: {output}
        when: "{when}"
        value: "{i + 1}"
""", encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def overlaps(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,
             logic: str | None = conflict_ranges.LOGIC, compare: bool = True
             ) -> dict[str, list[str]]:
    """Each conflicting output's overlap lines, checked against ``Optimize`` on the
    same constraints if ``compare``."""
    probe = conflict_ranges.probe_ranges
    seen: list[tuple[list[str], list[str]]] = []

    def both(constraints: Any, goals: Any, facts: Any, names: set[str]) -> list[str]:
        probed = probe(constraints, goals, facts, names)
        seen.append((probed, regions.fact_ranges(constraints, goals, facts, names)
                     if compare else probed))
        return probed

    monkeypatch.setattr(conflict_ranges, "probe_ranges", both)
    monkeypatch.setattr(conflict_ranges, "LOGIC", logic)
    found = {f.output: [d for d in f.details if d.startswith("overlap (")]
             for f in check_conflicts(Audit(kb, "lu")) if f.code == "LX501"}
    assert len(seen) == len(found)
    for probed, optimised in seen:
        assert optimised, "Optimize gave up: nothing to compare with"
        assert probed == optimised
    return {k: v[0].split(": ", 1)[1].split("; ") if v else [] for k, v in found.items()}


def test_the_overlap_lines_are_the_ones_optimize_gives(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    found = overlaps(knowledge_base(tmp_path), monkeypatch)
    assert set(found) == {"bounded", "open", "dated"}      # "none": no overlap
    assert "days_off: from 20 to 24" in found["bounded"]
    assert "contract: cdi only" in found["bounded"]
    assert "urgent: true only" in found["bounded"]
    assert "salary: 0.01 or more" in found["bounded"]      # a fraction fact
    assert "days_off: 3 or more" in found["open"]           # unbounded above
    assert "contract: cdi or cdd" in found["open"]
    assert "days_off: at most -7" in found["dated"]          # unbounded below
    assert "start: 2000-01-01 or later" in found["dated"]    # valid_from, selected_by


def test_the_default_solver_gives_the_same_lines(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    kb = knowledge_base(tmp_path)
    assert overlaps(kb, monkeypatch, None, False) == overlaps(kb, monkeypatch, compare=False)


def test_a_probe_that_gives_up_leaves_the_summary_out(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    kb = knowledge_base(tmp_path)
    monkeypatch.setattr(conflict_ranges, "RANGES_RLIMIT", 1)
    found = [f for f in check_conflicts(Audit(kb, "lu")) if f.code == "LX501"]
    assert found and all(not d.startswith("overlap (") for f in found for d in f.details)
    assert all(f.facts and f.replay for f in found)     # the witness still stands
