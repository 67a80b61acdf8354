"""docs/api-python.md: its examples run (doctest), need nothing outside ``lexlux.api``, and
every result is plain data."""

from __future__ import annotations

import ast
import doctest
import json
import sys
from pathlib import Path

import lexlux.api as api
import pytest
from jsonschema import Draft202012Validator
from lexlux.validate.bundle import bundled_schema

from paths import REPO

DOC = REPO / "docs" / "api-python.md"


@pytest.fixture(scope="module")
def law() -> api.Law:
    return api.load()


def examples() -> list[doctest.Example]:
    test = doctest.DocTestParser().get_doctest(DOC.read_text(encoding="utf-8"), {}, "api",
                                               str(DOC), 0)
    return test.examples


def test_the_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    failures, tried = doctest.testfile(
        str(DOC), module_relative=False, globs={}, report=True,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 20
    assert failures == 0


def test_the_examples_import_nothing_but_lexlux_api() -> None:
    imported: set[str] = set()
    for example in examples():
        for node in ast.walk(ast.parse(example.source)):
            if isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
                if node.module == "lexlux.api":
                    assert {a.name for a in node.names} <= set(api.__all__)
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
    outside = {m for m in imported
               if m != "lexlux.api" and m.split(".")[0] not in sys.stdlib_module_names}
    assert outside == set()
    assert "lexlux.api" in imported


def test_every_documented_function_is_exported() -> None:
    for name in ("load", "check", "evaluate", "whatif", "batch", "diff", "verify", "solve",
                 "InvalidInput", "Law"):
        assert name in api.__all__
        assert f"`{name}" in DOC.read_text(encoding="utf-8") or name == "Law"


def test_evaluate_follows_the_eval_output_schema(monkeypatch: pytest.MonkeyPatch,
                                                 law: api.Law) -> None:
    monkeypatch.chdir(REPO)
    answer = api.evaluate(law, Path("examples/late-certificate.case.yaml"))
    Draft202012Validator(bundled_schema("eval-output.schema.json")).validate(answer)
    assert json.loads(json.dumps(answer)) == answer


def test_bad_arguments_are_invalid_input(monkeypatch: pytest.MonkeyPatch, law: api.Law
                                         ) -> None:
    monkeypatch.chdir(REPO)
    case = "examples/dismissal-during-sickness.case.yaml"
    cases = [
        (lambda: api.evaluate(law, case, as_of="1 May 2019"), "LX204"),
        (lambda: api.evaluate(law, case, outputs=["dismisal_sanction"]), "LX404"),
        (lambda: api.evaluate(law, "no/such.case.yaml"), "LX104"),
        (lambda: api.whatif(law, case), "LX314"),
        (lambda: api.whatif(law, case, changes={"no_such_fact": 1}), "LX314"),
        (lambda: api.verify(law, checks=["everything"]), "LX314"),
        (lambda: api.diff(law, "2018-01-01", "2019-01-01", outputs=["nope"]), "LX404"),
        (lambda: api.load("no/such/rules"), "LX104"),
        (lambda: api.load(reform="no/such.reform.yaml"), "LX104"),
        (lambda: api.evaluate(law, {"case": "A case without a date", "jurisdiction": "lu",
                                    "facts": {}}), "LX314"),
        (lambda: api.solve(law, "no/such.query.yaml"), "LX104"),
    ]
    for call, code in cases:
        with pytest.raises(api.InvalidInput) as raised:
            call()
        assert raised.value.diagnostics[0]["code"] == code
        assert code in str(raised.value)
        json.dumps(raised.value.diagnostics)


def test_a_law_loaded_with_a_reform_is_the_reformed_law(monkeypatch: pytest.MonkeyPatch,
                                                         law: api.Law) -> None:
    monkeypatch.chdir(REPO)
    reform = "examples/limit-52-weeks-from-2027.reform.yaml"
    reformed = api.load(reform=reform)
    case = "examples/long-illness-2027.case.yaml"
    by_file = api.whatif(law, case, reform=reform)
    by_law = api.whatif(law, case, reform=reformed)
    assert by_file["changes"] == by_law["changes"] != []
    before = api.evaluate(law, case)["outputs"]["sickness_benefit_exhausted_from"]["value"]
    after = api.evaluate(reformed, case)["outputs"]["sickness_benefit_exhausted_from"]["value"]
    assert before != after
