"""The vector backend's tests run on the bundled rules without the two L.125-4 payer rules.

Since knowledge base III, L.125-4 (the contract ends when the benefit is used up) is an
exception to the 77-day payer timeline: two rules conclude ``monthly_payer`` and the vector
backend, which compiles one rule per output, leaves that output to the interpreter (it says
so); the same holds for the two rules of the other ends of the benefit (CSS art. 9 to 16,
payer.yaml and payer-ccss.yaml). What these tests check is the compilation of the 77-day rule
itself, so they use a copy
of the rules without that exception; the fallback on the full rules is tested too
(tests/vector/test_differential.py::test_outputs_it_cannot_compile_say_why).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lexlux.pipeline import LoadResult, load_knowledge_base

REPO = Path(__file__).resolve().parents[2]
EXCEPTIONS = ("payer.yaml", "payer-ccss.yaml")


@pytest.fixture(scope="session")
def rules_without_l125_4_payer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(REPO / "rules", copy)
    for name in EXCEPTIONS:
        (copy / "lu" / "code_du_travail" / "L125-4" / name).unlink()
        # the other ends of the benefit (issue 13, 5) are exceptions to the same timeline
        (copy / "lu" / "code_securite_sociale" / "art-009" / name).unlink()
    for coverage in copy.glob("*/coverage"):   # its rows name the rules removed
        shutil.rmtree(coverage)
    return copy


@pytest.fixture(scope="session")
def bundled(rules_without_l125_4_payer: Path) -> LoadResult:
    loaded = load_knowledge_base([rules_without_l125_4_payer])
    assert loaded.ok, [d.message for d in loaded.diagnostics if d.severity.value == "error"]
    return loaded
