"""The verifier and derived facts (declared abstraction ``derived_facts``)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from lexlux.cli import run
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding.abstractions import ABSTRACTIONS

REPO = Path(__file__).resolve().parents[2]


def _solve(query: Path) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    assert run(["solve", str(query), "--format", "json"], out, err) == 0, err.getvalue()
    data: dict[str, object] = json.loads(out.getvalue())
    return data


def test_solve_pins_the_facts_derived_from_events() -> None:
    facts = _solve(REPO / "examples" / "earliest-lawful-dismissal.query.yaml")
    events = _solve(REPO / "examples" / "timeline" / "earliest-lawful-dismissal.query.yaml")
    assert facts["status"] == events["status"] == "witness"
    assert facts["optimum"] == events["optimum"] == "2019-05-01"


def test_every_derived_fact_is_a_fact_the_encoding_has_a_term_for() -> None:
    kb = load_knowledge_base().kb
    assert "derived_facts" in ABSTRACTIONS
    for derivation in kb.derivations.values():
        vocabulary = kb.vocabularies[derivation.jurisdiction]
        assert derivation.facts <= set(vocabulary.facts), derivation.id
