"""Lighter versions: a version writes only what its amendment changed and inherits the rest
(let, when, then, parameters, exception_to, disapplies) from the version before it; the
compiled version, the explanation and diff hold the whole rule in force."""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from lexlux.cli import run
from lexlux.compile.model import KnowledgeBase
from lexlux.evaluate.case import Case
from lexlux.evaluate.explain import render_text
from lexlux.evaluate.interpreter import evaluate
from lexlux.pipeline import load_knowledge_base

EVALUATE_KB = Path(__file__).parent.parent / "evaluate" / "kb" / "rules"
BAN = Path("lu") / "test_code" / "art-1" / "ban.yaml"

LIGHTER = (Path(__file__).parent / "rules" / BAN).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    rules = tmp_path_factory.mktemp("kb") / "rules"
    shutil.copytree(EVALUATE_KB, rules)
    (rules / "lu" / "test_code" / "art-2" / "crime.yaml").unlink()   # its target changes
    (rules / BAN).write_text(LIGHTER, encoding="utf-8")
    loaded = load_knowledge_base([rules])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def test_a_later_version_inherits_what_it_does_not_write(kb: KnowledgeBase) -> None:
    first, second, third = kb.rules["lu.test_code.art-1.ban"].versions
    assert first.inherited == ()
    assert second.inherited == ("parameters", "then", "when")
    assert [n for n, _ in second.lets] == ["last_day"]
    assert second.lets[0][1].text == "onset + 52 weeks - 1 day"          # its own let
    assert second.when is not None and second.when.text == "not crime"    # inherited
    assert [c.output for c in second.conclusions] == ["ban", "sanction"]
    assert second.parameters == {"weeks": "lu.limits.weeks"}
    assert third.when is not None and third.when.text == "true"           # written: replaced
    assert third.lets[0][1].text == "onset + 52 weeks - 1 day"            # from the second
    # an inherited expression points at the text where it is written
    assert second.conclusions[0].span.line == first.conclusions[0].span.line


def test_evaluation_and_explanation_use_the_whole_rule_in_force(kb: KnowledgeBase) -> None:
    onset = date(2019, 3, 1)
    facts = {"onset": onset, "crime": False, "letter_received": date(2019, 3, 5),
             "incapacity": ()}
    outcome = evaluate(kb, Case("t", "lu", None, facts), date(2019, 4, 1), outputs=["ban"])
    assert outcome.value("ban").end == date(2020, 2, 27)      # 52 weeks from the 2019 version
    text = render_text(outcome, explain=True)
    assert "version of 2019-01-01" in text and "fact crime = false" in text
    crime = evaluate(kb, Case("t", "lu", None, {**facts, "crime": True}), date(2019, 4, 1),
                     outputs=["ban"])
    assert crime.results["ban"].status == "no_value"
    explained = render_text(crime, explain=True)
    assert "false: not crime" in explained                    # the inherited when, and why


def test_diff_compares_the_whole_rules_of_two_dates(kb: KnowledgeBase, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(EVALUATE_KB, rules)
    (rules / "lu" / "test_code" / "art-2" / "crime.yaml").unlink()
    (rules / BAN).write_text(LIGHTER, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run(["diff", "--rules", str(rules), "--from", "2018-06-01", "--to", "2019-06-01",
                "--output", "ban", "--format", "json"], out, err)
    assert code == 1, out.getvalue() + err.getvalue()        # 26 → 52 weeks: they differ
    assert '"ban"' in out.getvalue()
