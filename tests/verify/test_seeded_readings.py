"""The seeded pass of the readings check on the audit's own encodings of each reading
(checks/seeded_readings.py): the tagged twins of the pair are not built when it answers,
and the finding is the one the twins' query gave."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import z3
from lexlux.calendar.periods import Period
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks import seeded_readings, seeds
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import to_json
from lexlux.verify.checks.rules import _check_readings
from lexlux.verify.checks.witness import merged_case
from lexlux.verify.encoding.solve import SolveResult
from test_seeds import QUARTER, YEAR, asked_queries, kb_with


@pytest.fixture(scope="module")
def payer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KnowledgeBase]:
    """The knowledge bases of test_seeds: readings of monthly_payer that disagree on a
    history of periods, and that agree."""
    return {"disagree": kb_with(tmp_path_factory.mktemp("pairs"), QUARTER),
            "agree": kb_with(tmp_path_factory.mktemp("pairs"), YEAR)}


def built(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, str, bool]]:
    """(reading, tag, timelines) of every encoding the audits build from now on."""
    seen: list[tuple[str | None, str, bool]] = []
    encoding = Audit.encoding

    def spy(self: Audit, **kwargs: Any) -> Any:
        key = (kwargs.get("reading"), kwargs.get("tag", ""), kwargs.get("timelines", False))
        if key not in seen:
            seen.append(key)
        return encoding(self, **kwargs)
    monkeypatch.setattr(Audit, "encoding", spy)
    return seen


def findings(kb: KnowledgeBase, outputs: list[str] | None = None) -> list[dict[str, Any]]:
    audit = Audit(kb, "lu")
    if outputs is not None:
        audit.outputs = lambda: outputs
    return [to_json(kb, f) for f in _check_readings(audit)]


def test_the_pass_answers_without_the_twins_and_gives_their_finding(
        payer: dict[str, KnowledgeBase], monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        encodings = built(patched)
        asked = asked_queries(patched)
        found = findings(payer["disagree"], ["monthly_payer"])
    assert [f["code"] for f in found] == ["LX503"]
    assert seeds.SEEDED in found[0]["details"]
    assert asked == []
    assert not [e for e in encodings if e[1]], encodings       # no tagged twin built
    # "year" is the default's reading (the first of the rules of equal authority): the
    # pass reads it from the audit's default encoding; "quarter" from its own
    assert (None, "", True) in encodings and ("quarter", "", True) in encodings
    assert ("year", "", True) not in encodings
    # the twins' query with the candidate fixed (the pass of before) gives the same
    # finding: the same versions, facts, as-of date, replay and witness file
    with monkeypatch.context() as patched:
        patched.setattr(seeded_readings, "own_encodings", lambda *_: None)
        encodings = built(patched)
        before = findings(payer["disagree"], ["monthly_payer"])
    assert ("quarter", "R1|", True) in encodings             # the twins, as before
    assert found == before


def test_no_candidate_confirmed_asks_the_twins_query_once(
        payer: dict[str, KnowledgeBase], monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[int] = []
    pool = seeds._pool

    def counted(*args: Any) -> Any:
        tried.append(1)
        return pool(*args)
    monkeypatch.setattr(seeds, "_pool", counted)
    encodings = built(monkeypatch)
    asked = asked_queries(monkeypatch)
    assert findings(payer["agree"], ["monthly_payer"]) == []
    assert asked == ["readings: quarter and year"]
    assert ("quarter", "R1|", True) in encodings and ("year", "R2|", True) in encodings
    assert len(tried) == 1          # the candidates are not tried again on the twins


def test_the_bundled_77_day_outputs_get_the_twins_findings() -> None:
    loaded = load_knowledge_base()
    assert loaded.ok
    outputs = ["seventy_seventh_day"]
    found = findings(loaded.kb, outputs)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(seeded_readings, "own_encodings", lambda *_: None)
        before = findings(loaded.kb, outputs)
    assert [f["fingerprint"] for f in found] == ["LX503-9b31801315"]
    assert found == before


def test_own_encoding_is_the_default_when_the_reading_chooses_the_same_rules(
        payer: dict[str, KnowledgeBase]) -> None:
    audit = Audit(payer["disagree"], "lu")
    assert seeded_readings.own_encoding(audit, "year") is audit.encoding()
    assert seeded_readings.own_encoding(audit, "quarter") is audit.encoding(
        reading="quarter")


def _model(audit: Audit, facts: dict[str, Any]) -> z3.ModelRef:
    solver = z3.Solver()
    pins = audit.encoding().shared.facts
    for name, value in facts.items():
        solver.add(*[var == const for var, const in pins.pin(name, value)])
    assert solver.check() == z3.sat
    return solver.model()


def test_the_merged_case_reads_each_fact_from_the_first_query_reading_it(
        payer: dict[str, KnowledgeBase]) -> None:
    audit = Audit(payer["disagree"], "lu")
    enc = audit.encoding()
    history = (Period(date(2017, 1, 3), date(2017, 2, 10)),)
    other = (Period(date(2018, 5, 1), date(2018, 5, 9)),)
    first = _model(audit, {"incapacity": history})
    second = _model(audit, {"incapacity": other, "contract_type": "cdd"})
    case = merged_case(enc, [(first, {"incapacity"}),
                             (second, {"incapacity", "contract_type"})],
                       date(2019, 1, 1), "merged")
    assert case.facts == {"contract_type": "cdd", "incapacity": history}
    assert list(case.facts) == ["contract_type", "incapacity"]
    assert case.as_of == date(2019, 1, 1)


def test_a_fact_not_given_in_its_first_model_stays_not_given(
        payer: dict[str, KnowledgeBase]) -> None:
    audit = Audit(payer["disagree"], "lu")
    first = _model(audit, {"contract_type": None})
    second = _model(audit, {"contract_type": "cdd"})
    case = merged_case(audit.encoding(), [(first, {"contract_type"}),
                                          (second, {"contract_type"})],
                       date(2019, 1, 1), "merged")
    assert case.facts == {}


def test_the_halves_values_are_read_from_their_own_models(
        payer: dict[str, KnowledgeBase]) -> None:
    # the two readings' encodings name the output's value alike: each half is read in
    # its own model, never in the other's
    audit = Audit(payer["disagree"], "lu")
    enc = audit.encoding()
    out = enc.output("certificate_in_time")
    [value] = out.value

    def half(holds: bool) -> seeded_readings.Half:
        solver = z3.Solver()
        solver.add(value == holds)
        assert solver.check() == z3.sat
        return seeded_readings.Half(enc, out, SolveResult("sat", model=solver.model()),
                                    set())
    assert seeded_readings._differ(half(True), half(False))
    assert not seeded_readings._differ(half(True), half(True))


def test_a_pair_reading_no_timeline_encodes_nothing_for_the_pass(
        planted: KnowledgeBase) -> None:
    # the planted readings of waiting_days read no timeline: the rules tell so before
    # anything is encoded under the readings, and the twins' query answers as before
    audit = Audit(planted, "lu")
    [finding] = list(_check_readings(audit))
    assert finding.code == "LX503" and seeds.SEEDED not in finding.details
    own = [enc for (reading, _, tag, _, _), enc in audit._encodings.items()
           if reading is not None and not tag]
    assert own and all(not enc.outputs for enc in own)
    assert all(not seeded_readings._reads_timeline(audit, enc, "waiting_days")
               for enc in own)


def test_the_rules_tell_a_timeline_in_what_an_output_reads(
        payer: dict[str, KnowledgeBase]) -> None:
    audit = Audit(payer["disagree"], "lu")
    enc = audit.encoding(reading="quarter")
    assert seeded_readings._reads_timeline(audit, enc, "monthly_payer")
    assert not seeded_readings._reads_timeline(audit, enc, "certificate_in_time")


def test_the_pool_is_generated_as_far_as_it_is_read(
        payer: dict[str, KnowledgeBase]) -> None:
    # the kept pool gives every reader the cases of seed_cases.pool in order, and makes
    # only those read (the pass stops at its first confirmed candidate)
    from lexlux.calendar.dates import month_index
    from lexlux.verify.checks.seed_cases import POOL_SIZE, pool, pool_cases
    kb = payer["disagree"]
    rules = sorted(kb.rules_concluding("lu", "monthly_payer"), key=lambda r: r.id)
    args = (kb, "lu", ["contract_type", "incapacity"], ["incapacity"], rules,
            month_index(date(2017, 1, 1)), 36, None)
    made: list[int] = []

    def source() -> Any:
        for case in pool_cases(*args):
            made.append(1)
            yield case
    kept = seeds._Generated(source())
    first = [c for c, _ in zip(kept, range(5), strict=False)]
    assert len(made) <= 6
    again = list(kept)
    assert again[:5] == first and again == pool(*args) and len(again) == POOL_SIZE
    assert list(kept) == again and len(made) == POOL_SIZE
