"""Legal scenarios as YAML (OpenFisca style): every scenario in tests/law/<jur>/**/*.yaml is a
pytest item named by its sentence (the logic is lexlux.report.scenarios)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lexlux.pipeline import LoadResult, load_knowledge_base
from lexlux.report.scenario_run import scenario_failures
from lexlux.report.scenarios import Scenario, load_scenarios

LAW = Path(__file__).parent / "law"
_KB: LoadResult | None = None


def bundled_kb() -> LoadResult:
    global _KB
    if _KB is None:
        _KB = load_knowledge_base()
    return _KB


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        scenarios, problem = load_scenarios(self.path, LAW)
        if problem:
            raise pytest.UsageError(f"{self.path}: {problem}")
        for scenario in scenarios:
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        loaded = bundled_kb()
        assert loaded.ok, "the bundled rules have errors: run lexlux check"
        failures = scenario_failures(self.scenario, loaded.kb)   # the same as `lexlux test`
        assert not failures, "\n".join(failures)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.line - 1, f"scenario: {self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        return f"{self.path}:{self.scenario.line}: scenario {self.name!r}\n{excinfo.value}"
