"""disapplies: a provision that sets another aside ("X does not apply when ...") — compiled,
checked, honoured by the evaluator, encoded for the solver, shown in explanations."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.explain import render_text
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import LoadResult, load_knowledge_base
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.rules import check_conflicts

HERE = Path(__file__).parent
EVALUATE_KB = HERE.parent / "evaluate" / "kb" / "rules"


def _kb(tmp: Path, *, with_disapplication: bool, drop_crime_exception: bool = True
        ) -> LoadResult:
    rules = tmp / "rules"
    shutil.copytree(EVALUATE_KB, rules)
    if drop_crime_exception:     # art. 2's crime exception, which the disapplication replaces
        (rules / "lu" / "test_code" / "art-2" / "crime.yaml").unlink()
    if with_disapplication:
        shutil.copytree(HERE / "rules", rules, dirs_exist_ok=True)
    return load_knowledge_base([rules])


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    loaded = _kb(tmp_path_factory.mktemp("kb"), with_disapplication=True)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def case(**facts: object) -> Case:
    base = {"onset": date(2019, 3, 1), "letter_received": date(2019, 3, 5),
            "incapacity": ()}
    from lexlux.compile.model import Period
    base["incapacity"] = (Period(date(2019, 3, 1), date(2019, 3, 9)),)
    return Case("test", "lu", None, {**base, **facts})


def test_the_disapplied_rule_gives_nothing_when_the_condition_holds(kb: KnowledgeBase) -> None:
    crime = evaluate(kb, case(crime=True), date(2019, 4, 1), outputs=["sanction", "ban"])
    assert crime.results["sanction"].status == "no_value"
    assert crime.results["ban"].status == "no_value"
    assert [r for r, _ in crime.results["ban"].disapplied] == ["lu.test_code.art-1.ban"]
    plain = evaluate(kb, case(crime=False), date(2019, 4, 1), outputs=["sanction"])
    assert plain.value("sanction") == "abusive"


def test_a_missing_fact_of_the_condition_is_reported_missing(kb: KnowledgeBase) -> None:
    outcome = evaluate(kb, case(), date(2019, 4, 1), outputs=["sanction"])
    assert outcome.results["sanction"].status == "missing"
    assert outcome.results["sanction"].missing == ("crime",)


def test_the_explanation_names_the_provision_that_disapplies(kb: KnowledgeBase) -> None:
    text = render_text(evaluate(kb, case(crime=True), date(2019, 4, 1),
                                outputs=["sanction"]), explain=True)
    assert "not applied: lu.test_code.art-1.ban — disapplied by Code test, art. 3" in text
    assert "holds: crime" in text and "fact crime = true" in text


def test_the_solver_sees_the_disapplication(tmp_path: Path) -> None:
    """Art. 1 (sanction 'abusive') and a rule concluding 'lawful' for a crime conflict, unless
    art. 3 disapplies art. 1 for a crime."""
    lawful = tmp_path / "lawful.yaml"
    lawful.write_text(
        (HERE.parent / "evaluate" / "kb" / "rules" / "lu" / "test_code" / "art-2" / "crime.yaml")
        .read_text(encoding="utf-8").replace("    exception_to: [{rule: lu.test_code.art-1.ban, "
                                             "outputs: [sanction]}]\n", ""), encoding="utf-8")
    findings = {}
    for with_disapplication in (False, True):
        folder = tmp_path / str(with_disapplication)
        loaded = _kb(folder, with_disapplication=with_disapplication)
        shutil.copy(lawful, folder / "rules" / "lu" / "test_code" / "art-2" / "crime.yaml")
        loaded = load_knowledge_base([folder / "rules"])
        assert loaded.ok, [d.message for d in loaded.diagnostics]
        audit = Audit(loaded.kb, "lu")
        findings[with_disapplication] = [f for f in check_conflicts(audit)
                                         if "sanction" in f.message]
    assert findings[False] and not findings[True]


def test_a_disapplication_of_an_unknown_rule_is_reported(tmp_path: Path) -> None:
    loaded = _kb(tmp_path, with_disapplication=True)
    target = tmp_path / "rules" / "lu" / "test_code" / "art-3" / "crime.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("art-1.ban", "art-1.bann"),
                      encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert [d.code for d in loaded.diagnostics if d.code == "LX323"] == ["LX323"]
    assert "did you mean 'lu.test_code.art-1.ban'" in str(
        next(d.hint for d in loaded.diagnostics if d.code == "LX323"))


def test_the_json_explanation_lists_what_did_not_apply_and_why(kb: KnowledgeBase) -> None:
    from jsonschema import Draft202012Validator
    from lexlux.evaluate.explain import render_json
    from lexlux.validate.schemas import _registry_and_schemas

    payload = render_json(evaluate(kb, case(crime=True), date(2019, 4, 1),
                                   outputs=["ban", "sanction"]))
    not_applied = payload["outputs"]["ban"]["not_applied"]
    assert [(n["rule"], n["disapplied_by"]["rule"]) for n in not_applied] == [
        ("lu.test_code.art-1.ban", "lu.test_code.art-3.crime")]
    registry, schemas = _registry_and_schemas()
    validator = Draft202012Validator(schemas["eval-output.schema.json"], registry=registry)
    assert [e.message for e in validator.iter_errors(payload)] == []


def test_the_dependency_graph_shows_what_a_disapplication_decides(kb: KnowledgeBase) -> None:
    from lexlux.verify.checks.graph_export import select

    graph, missing = select(kb, depends_on="crime")
    assert not missing
    assert "version:lu.test_code.art-3.crime@2009-01-01" in graph
    assert "output:lu.ban" in graph       # the ban depends on crime through the disapplication


def test_an_article_is_disapplied_with_every_rule_under_it(tmp_path: Path) -> None:
    loaded = _kb(tmp_path, with_disapplication=True)
    target = tmp_path / "rules" / "lu" / "test_code" / "art-3" / "crime.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "rule: lu.test_code.art-1.ban", "rule: lu.test_code.art-1"), encoding="utf-8")
    loaded = load_knowledge_base([tmp_path / "rules"])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    outcome = evaluate(loaded.kb, case(crime=True), date(2019, 4, 1),
                       outputs=["ban", "limit_weeks"])
    assert outcome.results["ban"].status == outcome.results["limit_weeks"].status == "no_value"
    assert evaluate(loaded.kb, case(crime=False), date(2019, 4, 1),
                    outputs=["limit_weeks"]).value("limit_weeks") == 78
