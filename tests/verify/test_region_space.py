"""lexlux diff knows every region an output can have when both dates have a provision
concluding it, by the structure of the rules (checks/region_space.py): the versions that
give it under one law are never a version and one of its exceptions, and a provision that
applies whenever it is not in error leaves no case without one.  On 2015-12-31 →
2016-01-01 that settles the payer timeline: its closing query, undecided before (LX510),
is not asked, and the diff is exact."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from lexlux.calendar.dates import month_index
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import region_space as space_module
from lexlux.verify.checks import timeline_diff
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.region_space import (
    _acyclic,
    _sides,
    covered,
    excepts,
    region_space,
    total,
)
from lexlux.verify.checks.run import audits, run_diff
from lexlux.verify.checks.timeline_search import _frame_query
from lexlux.verify.checks.versions import _versions_won, differ_goals
from lexlux.verify.encoding.solve import Budget
from lexlux.verify.encoding.timelines import TIMELINE_MONTHS, Frame

BEFORE, START = date(2015, 12, 31), date(2016, 1, 1)    # the payer rules of 2016 start
S1 = "lu.code_du_travail.L121-6.p3.a2.s1@2009-01-01"
ART_9 = "lu.code_securite_sociale.art-009.payer@2016-01-01"
L125_4 = "lu.code_du_travail.L125-4.payer@2016-01-01"
CCSS = {S1: "lu.code_du_travail.L121-6.p3.a2.ccss@2009-01-01",
        ART_9: "lu.code_securite_sociale.art-009.payer-ccss@2016-01-01",
        L125_4: "lu.code_du_travail.L125-4.payer-ccss@2016-01-01"}


@pytest.fixture(scope="module")
def kb(bundled: LoadResult) -> KnowledgeBase:
    assert bundled.kb is not None
    return bundled.kb


def _rules(kb: KnowledgeBase, name: str, reading: str = "statute") -> list[Any]:
    """The rules taking part for ``name`` under ``reading``."""
    return [r for r in kb.rules_concluding("lu", name) if r.reading in (None, reading)]


def _version(kb: KnowledgeBase, vid: str) -> Any:
    rule_id = vid.split("@")[0]
    return next(v for v in kb.rules[rule_id].versions if v.id == vid)


def _pairs(space: Any) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    return {(tuple(sorted(a)), tuple(sorted(b))) for a, b in space}


@pytest.mark.parametrize("reading", ["statute", "ccss_worked_example"])
def test_the_payer_regions_of_2016(kb: KnowledgeBase, reading: str) -> None:
    """Only the 77-day rule is in force on 2015-12-31, and it always applies (no
    condition, no output read): one set there.  On 2016-01-01 art. 9 is an exception to
    it and L.125-4 to both: one of the three gives the payer, never two, never none."""
    name = {"statute": lambda v: v, "ccss_worked_example": lambda v: CCSS[v]}[reading]
    space = region_space(kb, _rules(kb, "monthly_payer", reading), "monthly_payer",
                         BEFORE, START)
    assert space is not None
    assert _pairs(space) == {((name(S1),), (name(S1),)), ((name(S1),), (name(ART_9),)),
                             ((name(S1),), (name(L125_4),))}


def test_the_payer_regions_of_2019(kb: KnowledgeBase) -> None:
    """The three rules in force on both dates: each alone under each law (nine pairs)."""
    space = region_space(kb, _rules(kb, "monthly_payer"), "monthly_payer",
                         date(2018, 12, 31), date(2019, 1, 1))
    assert space is not None and len(space) == 9
    assert all(len(a) == 1 and len(b) == 1 for a, b in space)


def test_no_provision_on_one_date_is_one_sided(kb: KnowledgeBase) -> None:
    """That case is checks/one_sided.py's: not enumerated here."""
    assert region_space(kb, _rules(kb, "monthly_payer"), "monthly_payer",
                        date(2008, 12, 31), date(2009, 1, 1)) is None


def test_exceptions_as_the_encoding_reads_them(kb: KnowledgeBase) -> None:
    s1, art9, l125 = (_version(kb, v) for v in (S1, ART_9, L125_4))
    assert excepts(art9, s1, "monthly_payer") and excepts(l125, s1, "monthly_payer")
    assert excepts(l125, art9, "monthly_payer")
    assert not excepts(s1, art9, "monthly_payer") and not excepts(art9, l125, "monthly_payer")
    assert not excepts(s1, s1, "monthly_payer")


def test_which_provision_always_applies(kb: KnowledgeBase) -> None:
    """A condition, an output read (directly or through a let), or a rule left out when
    its selecting fact is missing: not total."""
    rule = kb.rules["lu.code_du_travail.L121-6.p3.a2.s1"]
    s1 = _version(kb, S1)
    assert total(kb, rule, s1, "monthly_payer")
    assert total(kb, rule, s1, "twelve_month_count")
    assert not total(kb, rule, s1, "seventy_seventh_day")        # reads an output
    assert not total(kb, rule, s1, "salary_continuation_end")    # a condition
    for vid in (ART_9, L125_4):
        assert not total(kb, kb.rules[vid.split("@")[0]], _version(kb, vid), "monthly_payer")


def _fake(rule_id: str, excepted: tuple[str, ...] = ()) -> Any:
    """A version of ``rule_id`` (in force on every date) concluding ``out`` with no
    condition, an exception to each rule of ``excepted``."""
    conclusion = SimpleNamespace(output="out", when=None, value=None, deadline=None,
                                 start=None, end=None, each_month=None)
    version = SimpleNamespace(
        id=f"{rule_id}@v", rule_id=rule_id, when=None, lets=(), conclusions=[conclusion],
        exceptions=[SimpleNamespace(rule=r, outputs=()) for r in excepted],
        disapplications=(), in_force_on=lambda day: True)
    return SimpleNamespace(id=rule_id, jurisdiction="lu", versions=[version],
                           selected_by=None, selected_if_missing="missing")


def test_a_cycle_of_exceptions_may_leave_no_winner() -> None:
    """Each an exception to the other: both may apply and beat each other, so "none" is
    a region; without the cycle it is not."""
    a, b = _fake("a", ("b",)), _fake("b", ("a",))
    fake_kb: Any = SimpleNamespace(rules={"a": a, "b": b})
    assert not _acyclic([a.versions[0], b.versions[0]], "out")
    assert _sides(fake_kb, [a, b], "out", BEFORE) == [frozenset(), frozenset({"a@v"}),
                                                     frozenset({"b@v"})]
    c = _fake("c", ("a",))
    assert _sides(fake_kb, [_fake("a"), c], "out", BEFORE) == [
        frozenset({"a@v"}), frozenset({"c@v"})]
    # without any total provision, "none" stays
    d = _fake("d")
    d.versions[0].when = object()
    assert frozenset() in (_sides(fake_kb, [d], "out", BEFORE) or [])


def test_covered_needs_every_region() -> None:
    space = [(frozenset({"s"}), frozenset({"s"})), (frozenset({"s"}), frozenset({"x"}))]
    assert not covered(space, set(), ["s"])
    assert not covered(space, {(("s",), ("x",))}, [])
    assert covered(space, {(("s",), ("x",))}, ["s"])
    assert not covered(None, {(("s",), ("x",))}, ["s"])


def test_the_regions_left_are_empty_in_the_frame(kb: KnowledgeBase) -> None:
    """The premise, checked by the solver in the widest frame of 2016-01: every pair of
    sets of versions in force that the structure rules out has no case of the diff."""
    [audit] = [a for a in audits(kb) if a.jurisdiction == "lu"]
    frame = Frame(TIMELINE_MONTHS, month_index(START))
    one, two = timeline_diff.diff_encodings(audit, BEFORE, START, None, frame)
    a, b = one.output("monthly_payer"), two.output("monthly_payer")
    space = region_space(kb, _rules(kb, "monthly_payer"), "monthly_payer", BEFORE, START)
    assert space is not None
    ruled_out = [((), (v,)) for v in (S1, ART_9, L125_4)] + [((S1,), ()), ((S1,), (S1, ART_9))]
    for won_a, won_b in ruled_out:
        assert (frozenset(won_a), frozenset(won_b)) not in space
        goals = [*differ_goals(a, b), _versions_won(a, list(won_a)),
                 _versions_won(b, list(won_b))]
        answer = _frame_query(audit, [one, two], [{"monthly_payer"}, {"monthly_payer"}],
                              goals, frame, None, True, Budget(2_000_000), 2_000_000)
        assert answer is not None and answer[0].status == "unsat", (won_a, won_b)


def test_the_2016_payer_diff_is_decided_and_exact(kb: KnowledgeBase,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The two regions found and the one left out are all the rules allow: no closing
    query, no LX510, a note that says exact; without the enumeration the diff is the
    undecided search it was (the same regions, LX510)."""
    asked: list[str] = []
    original = Audit.query

    def counted(self: Audit, *args: Any, **kwargs: Any) -> Any:
        asked.append(str(kwargs.get("what", "")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Audit, "query", counted)
    known = run_diff(kb, BEFORE, START, outputs=["monthly_payer"])
    assert not any("outside the" in what for what in asked), asked
    payer = [r for r in known.results if r.output == "monthly_payer"]
    assert [(r.reading, r.status) for r in payer] == [(None, "differ"),
                                                      ("ccss_worked_example", "differ")]
    for result in payer:
        codes = [f.code for f in result.findings]
        assert codes == ["LX507", "LX507", "LX522"], codes
        note = result.findings[-1]
        assert "is exact, not bounded" in note.message
        assert "or is one where nothing can differ" in note.message
        assert note.details[-1].endswith("(exact, no search needed)"), note.details
        assert "it can differ in 3 region(s) at most; 2 found" in note.details[-1]
    monkeypatch.setattr(space_module, "MAX_REGIONS", 0)
    searched = run_diff(kb, BEFORE, START, outputs=["monthly_payer"])
    for a, b in zip(payer, [r for r in searched.results if r.output == "monthly_payer"],
                    strict=True):
        assert b.status == "unknown"
        assert [f.fingerprint for f in a.findings if f.code == "LX507"] == \
            [f.fingerprint for f in b.findings if f.code == "LX507"]
        assert "LX510" in [f.code for f in b.findings]


@pytest.mark.parametrize(("first", "second"), [(BEFORE, START),
                                               (date(2018, 12, 31), date(2019, 1, 1))])
def test_the_other_reading_is_answered_from_the_pool(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, first: date, second: date
        ) -> None:
    """Under the CCSS reading the default reading's witnesses show every region the rules
    allow (2016) or ``--max-regions`` regions (2019): answered without the widest frame,
    with the findings the full path gives."""
    answered: list[tuple[str, str | None]] = []
    original = timeline_diff._known_in_pool

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        if found is not None:
            answered.append((found.output, found.reading))
        return found

    monkeypatch.setattr(timeline_diff, "_known_in_pool", spy)
    known = run_diff(kb, first, second, outputs=["monthly_payer"])
    assert ("monthly_payer", "ccss_worked_example") in answered
    monkeypatch.setattr(timeline_diff, "_known_in_pool", lambda *a, **k: None)
    full = run_diff(kb, first, second, outputs=["monthly_payer"])

    def shown(report: Any) -> list[Any]:
        return [(r.output, r.reading, r.status, [(f.fingerprint, f.message, f.details,
                                                  f.facts) for f in r.findings])
                for r in report.results]
    assert shown(known) == shown(full)
    assert [r.status for r in known.results if r.output == "monthly_payer"] == \
        ["differ", "differ"]


def test_no_frame_is_encoded_for_an_output_the_pool_answers(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the default reading the pool shows no region of the payer on 2019: the
    evaluator tells so on the whole cases, and the search goes on in the widest frame;
    under the CCSS reading the default reading's three witnesses show three regions, and
    it is answered with no output encoded in any frame (the facts its cone reads are told
    from the rules: verify/encoding/reads.py)."""
    from lexlux.verify.checks.diff_pool import Pool
    from lexlux.verify.encoding.encode import LawEncoding
    [audit] = [a for a in audits(kb) if a.jurisdiction == "lu"]
    first, second = date(2018, 12, 31), date(2019, 1, 1)
    space = region_space(kb, _rules(kb, "monthly_payer"), "monthly_payer", first, second)
    assert not timeline_diff._may_show(audit, "monthly_payer", first, second,
                                       Pool(kb, "lu", first, second), space)
    encoded: list[tuple[str | None, int]] = []
    original = LawEncoding.output

    def spy(self: LawEncoding, name: str) -> Any:
        if name == "monthly_payer" and self.timelines and name not in self.outputs:
            encoded.append((self.reading, self.frame.months))
        return original(self, name)

    monkeypatch.setattr(LawEncoding, "output", spy)
    run_diff(kb, first, second, outputs=["monthly_payer"])
    assert encoded == [(None, 36), (None, 36)]       # the two laws, default reading
