"""`lexlux needs`: every fact that could still change an answer, grouped, with the article
that asks for it; statically, every fact an output can depend on."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexlux.cli import run
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case, load_case
from lexlux.evaluate.interpreter import evaluate
from lexlux.evaluate.needs import needs
from lexlux.pipeline import LoadResult, load_knowledge_base

from paths import REPO

EXAMPLE = REPO / "examples" / "dismissal-during-sickness.case.yaml"
_KB: list[KnowledgeBase] = []


def kb() -> KnowledgeBase:
    if not _KB:
        loaded = load_knowledge_base()
        assert loaded.ok
        _KB.append(loaded.kb)
    return _KB[0]


def example(name: str = "dismissal-during-sickness") -> Case:
    case, problems = load_case(REPO / "examples" / f"{name}.case.yaml", kb())
    assert case is not None, problems
    return case


def without(case: Case, names: set[str]) -> Case:
    return Case(case.name, case.jurisdiction, case.as_of,
                {k: v for k, v in case.facts.items() if k not in names}, dict(case.derived),
                case.file, case.spans)


def test_a_decided_answer_needs_nothing() -> None:
    report = needs(kb(), ["dismissal_sanction"], case=example())
    assert report.outputs[0].status == "value" and report.outputs[0].value == "abusive"
    assert report.facts == {}


def test_every_missing_fact_at_once_grouped_with_its_article() -> None:
    case = without(example(), {"certificate_received_on", "act_notified_on"})
    report = needs(kb(), ["dismissal_sanction"], case=case)
    assert report.outputs[0].status == "missing"
    facts = report.facts
    assert {"certificate_received_on", "act_notified_on"} <= set(facts)
    assert facts["certificate_received_on"].first          # the evaluator stopped on it
    assert not facts["act_notified_on"].first               # found only by needs
    assert facts["act_notified_on"].topic == "employment"
    assert any("L.121-6" in a.citation for a in facts["act_notified_on"].asked_by)
    assert not set(facts) & set(case.facts)                 # never a fact the case gives
    assert facts["cns_refusal_notified_on"].optional        # only if it happened


def test_static_needs_follow_the_dependency_graph() -> None:
    report = needs(kb(), ["dismissal_sanction"])
    names = set(report.facts)
    assert {"incapacity_start", "employer_act", "act_notified_on",
            "certificate_received_on"} <= names
    # the 2015 refusal sentences are followed too: what they read is a possible dependency
    assert "refusal_appealed" in names
    assert report.outputs[0].status == "static"


def _non_monotone(kb: KnowledgeBase) -> set[str]:
    names = {r.selected_by for r in kb.rules.values()
             if r.selected_by and r.selected_if_missing == "not_applicable"}
    for path in (REPO / "rules").rglob("*.yaml"):
        names.update(re.findall(r"given\((\w+)\)", path.read_text(encoding="utf-8")))
    return {n for n in names if n}


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(["dismissal-during-sickness", "late-certificate",
                             "long-illness-2027"]), data=st.data())
def test_a_fact_needs_does_not_list_never_changes_the_answer(name: str,
                                                             data: st.DataObject) -> None:
    """Remove some facts; give back those `needs` does not list: nothing changes."""
    full = example(name)
    removable = sorted(set(full.facts) - _non_monotone(kb()))
    removed = data.draw(st.sets(st.sampled_from(removable), min_size=1))
    partial = without(full, removed)
    outputs = [o for o in kb().vocabularies["lu"].outputs if kb().rules_concluding("lu", o)]
    asked = data.draw(st.lists(st.sampled_from(outputs), min_size=1, max_size=3, unique=True))
    as_of = full.as_of or date(2020, 1, 1)
    report = needs(kb(), asked, case=partial, as_of=as_of)
    unlisted = removed - set(report.facts)
    refilled = without(full, removed - unlisted)
    before = evaluate(kb(), partial, as_of, outputs=asked).results
    after = evaluate(kb(), refilled, as_of, outputs=asked).results
    for output in asked:
        assert (before[output].status, before[output].value) == \
            (after[output].status, after[output].value), (output, unlisted)


def test_cli_text_and_json(tmp_path: pytest.TempPathFactory, bundled: LoadResult,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '  act_notified_on: "2019-04-15"\n', "")
    path = tmp_path / "x.case.yaml"     # type: ignore[operator]
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run(["needs", str(path), "--output", "dismissal_sanction"], out, err) == 0
    assert "act_notified_on (date)" in out.getvalue()
    assert "employment:" in out.getvalue()
    out = io.StringIO()
    assert run(["needs", str(path), "--output", "dismissal_sanction", "--format", "json"],
               out, err) == 0
    data = json.loads(out.getvalue())
    assert data["outputs"]["dismissal_sanction"]["status"] == "no_value"   # given(act_notified_on)
    assert "act_notified_on" in data["groups"]["employment"]
    out = io.StringIO()
    assert run(["needs", "--output", "dismissal_sanction"], out, err) == 0
    assert "dismissal_sanction can depend on" in out.getvalue()
    out = io.StringIO()
    assert run(["needs", "--output", "dismisal_sanction"], out, err) == 1
    assert "did you mean 'dismissal_sanction'" in out.getvalue() + err.getvalue()
