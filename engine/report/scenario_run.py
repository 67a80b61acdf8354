"""Run scenario files (``tests/law/**.yaml``) without pytest: ``lexlux test``.

The same logic as the pytest items of the suite (:func:`scenario_failures` is what both
call): a scenario passes when every expectation holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..compile.model import KnowledgeBase
from ..diagnostics import Diagnostic, Span, error, render_text
from ..load.discover import display_path
from .scenarios import Scenario, check_scenario, load_scenarios, run_scenario, scenario_case


@dataclass
class ScenarioResult:
    file: str              # display path
    line: int
    name: str
    status: str            # passed | failed
    failures: list[str] = field(default_factory=list)


@dataclass
class TestRun:
    results: list[ScenarioResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    lines: dict[str, list[str]] = field(default_factory=dict)   # for the diagnostics' excerpts

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def scenario_failures(scenario: Scenario, kb: KnowledgeBase) -> list[str]:
    """What differs from the scenario's expectations (empty: it passes)."""
    data = scenario.data
    if "name" not in data or "cites" not in data:
        return ["a scenario needs name: and cites:"]
    if scenario.jurisdiction not in kb.vocabularies:
        return [f"the rules have no jurisdiction {scenario.jurisdiction!r}"]
    case, problems = scenario_case(scenario, kb)
    if case is None:
        return [render_text(p) for p in problems]
    outcome = run_scenario(scenario, kb, case)
    return check_scenario(scenario, kb, outcome)


def scenario_files(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    found: dict[Path, None] = {}
    problems: list[Diagnostic] = []
    for given in paths:
        if given.is_dir():
            found.update((p, None) for p in sorted(given.rglob("*.yaml")) if p.is_file())
        elif given.is_file():
            found[given] = None
        else:
            problems.append(error("LX104", f"no such file or directory: {given}",
                                  Span(str(given), 1, 1, 1, 1),
                                  hint="give scenario files or folders (e.g. tests/law)"))
    return list(found), problems


def _root(path: Path, jurisdictions: Sequence[str]) -> Path:
    """The folder whose child names the jurisdiction (``tests/law`` for ``tests/law/lu/x``)."""
    for parent in path.resolve().parents:
        if parent.name in jurisdictions:
            return parent.parent
    return path.resolve().parent


def matches(result_id: str, filters: Sequence[str]) -> bool:
    """``-k`` filters: a scenario runs if its file or name contains one of them (any case)."""
    low = result_id.lower()
    return not filters or any(f.lower() in low for f in filters)


def run_scenario_files(paths: Iterable[Path], kb: KnowledgeBase,
                       filters: Sequence[str] = ()) -> TestRun:
    run = TestRun()
    files, run.diagnostics = scenario_files(paths)
    jurisdictions = sorted(kb.vocabularies)
    for file in files:
        shown = display_path(file)
        scenarios, problem = load_scenarios(file.resolve(), _root(file, jurisdictions))
        if problem is None and scenarios and scenarios[0].doc.data.get("jurisdiction") is None \
                and scenarios[0].jurisdiction not in jurisdictions:
            problem = (f"cannot tell the jurisdiction ({scenarios[0].jurisdiction!r} is not one "
                       f"of {', '.join(jurisdictions)})")
        if problem is not None:
            run.diagnostics.append(error(
                "LX611", f"this scenario file cannot be read: {problem}",
                Span(shown, 1, 1, 1, 2),
                hint="a scenario file has provision: and scenarios: (see tests/law), and its "
                     "jurisdiction: or a folder named after it (tests/law/lu/...)"))
            continue
        run.files += 1
        for scenario in scenarios:
            if not matches(f"{shown}::{scenario.name}", filters):
                continue
            failures = scenario_failures(scenario, kb)
            result = ScenarioResult(shown, scenario.line, scenario.name,
                                    "failed" if failures else "passed", failures)
            run.results.append(result)
            if failures:
                run.lines[shown] = scenario.doc.lines
                span = scenario.doc.span_at(("scenarios", scenario.index, "name"))
                run.diagnostics.append(error(
                    "LX610", f"the scenario {scenario.name!r} fails: " + "; ".join(failures),
                    Span(shown, span.line, span.column, span.end_line, span.end_column,
                         span.yaml_path),
                    hint="correct the rule, or the scenario if the law was misread (cite the "
                         "source lines in cites:)"))
    return run
