"""Every rule of the bundled knowledge base is exercised: it gives a value in at least one
scenario of tests/law, and a scenario file names it under provision:."""

from __future__ import annotations

from lexlux.pipeline import LoadResult
from lexlux.report.scenarios import load_scenarios, run_scenario, scenario_case

from paths import REPO

LAW = REPO / "tests" / "law"


def test_every_rule_gives_a_value_in_some_scenario(bundled: LoadResult) -> None:
    kb = bundled.kb
    concluded: set[str] = set()
    named: set[str] = set()
    for path in sorted(LAW.rglob("*.yaml")):
        scenarios, problem = load_scenarios(path, LAW)
        assert problem is None, f"{path}: {problem}"
        provision = scenarios[0].doc.data["provision"] if scenarios else []
        named |= set(provision if isinstance(provision, list) else [provision])
        for scenario in scenarios:
            case, _ = scenario_case(scenario, kb)
            if case is None:
                continue
            for result in run_scenario(scenario, kb, case).computed.values():
                concluded |= {node.rule_id for node in result.trace}
    assert sorted(set(kb.rules) - concluded) == []
    assert sorted(set(kb.rules) - named) == []
