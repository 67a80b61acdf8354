"""lexlux diff knows every region an output can have when one date has no provision
concluding it (checks/one_sided.py), and stops once each has been found: the closing query
it skips is one the solver answers "none left" anyway."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from lexlux.calendar.dates import month_index
from lexlux.pipeline import LoadResult
from lexlux.verify.checks import one_sided
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.one_sided import all_found, possible_regions
from lexlux.verify.checks.run import audits, run_diff
from lexlux.verify.checks.timeline_diff import diff_encodings
from lexlux.verify.encoding.timelines import TIMELINE_MONTHS, Frame

BEFORE, START = date(2008, 12, 31), date(2009, 1, 1)    # the single status comes in force
STATUTE = "lu.code_du_travail.L121-6.p3.a2.s1@2009-01-01"


def _statute_rules(bundled: LoadResult, name: str) -> list:   # type: ignore[type-arg]
    """The rules taking part for ``name`` under the default reading (the statute's)."""
    return [r for r in bundled.kb.rules_concluding("lu", name)
            if r.reading in (None, "statute")]


def test_the_regions_are_known_when_one_date_has_no_provision(bundled: LoadResult) -> None:
    rules = _statute_rules(bundled, "monthly_payer")
    # L.121-6 (3) alone is in force on 2009-01-01, nothing on 2008-12-31: one region
    assert possible_regions(rules, "monthly_payer", BEFORE, START) == [frozenset({STATUTE})]
    # the same with the later date first (a law repealed, read backwards)
    assert possible_regions(rules, "monthly_payer", START, BEFORE) == [frozenset({STATUTE})]
    # two rules of the statuts of the Mutualité: each alone, and both
    both = possible_regions(bundled.kb.rules_concluding("lu", "mutualite_reimbursement_rate"),
                            "mutualite_reimbursement_rate", BEFORE, START)
    assert both is not None and sorted(map(sorted, both)) == [
        ["lu.statuts_mutualite.art-014.a1@2009-01-01"],
        ["lu.statuts_mutualite.art-014.a1@2009-01-01",
         "lu.statuts_mutualite.art-014.a2@2009-01-01"],
        ["lu.statuts_mutualite.art-014.a2@2009-01-01"]]


@pytest.mark.parametrize(("first", "second"), [
    (date(2015, 12, 31), date(2016, 1, 1)),     # provisions on both dates (L.125-4 comes)
    (date(2008, 1, 1), date(2008, 12, 31)),     # no provision on either date
])
def test_the_regions_are_not_known_otherwise(bundled: LoadResult, first: date,
                                             second: date) -> None:
    assert possible_regions(_statute_rules(bundled, "monthly_payer"), "monthly_payer",
                            first, second) is None


def test_all_found_needs_every_region(bundled: LoadResult, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    a1, a2 = ("lu.statuts_mutualite.art-014.a1@2009-01-01",
              "lu.statuts_mutualite.art-014.a2@2009-01-01")
    possible = possible_regions(bundled.kb.rules_concluding("lu", "mutualite_reimbursement_rate"),
                                "mutualite_reimbursement_rate", BEFORE, START)
    assert not all_found(possible, {((), (a1,)), ((), (a2,))})
    assert all_found(possible, {((), (a1,)), ((), (a2,)), ((), (a2, a1))})   # any order
    assert not all_found(None, {((), (a1,))})
    # more versions in force than are enumerated: not known
    monkeypatch.setattr(one_sided, "MAX_VERSIONS", 1)
    assert possible_regions(bundled.kb.rules_concluding("lu", "mutualite_reimbursement_rate"),
                            "mutualite_reimbursement_rate", BEFORE, START) is None


#: timeline outputs of L.121-6 (3) and plain outputs of L.327-2 and the statuts, all with
#: no provision on 2008-12-31
OUTPUTS = ["seventy_seventh_day", "new_right_opens_on", "max_fine", "mutualite_class"]


def test_the_search_it_skips_finds_nothing(bundled: LoadResult,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The premise, checked by searching anyway: with the regions not enumerated, the
    solver's closing query finds no other region (for the timeline outputs: no case within
    the frames), and the diff gives the same statuses and findings."""
    asked: dict[str, int] = {}
    original = Audit.query

    def counted(self: Audit, *args: Any, **kwargs: Any) -> Any:
        asked[run] = asked.get(run, 0) + 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Audit, "query", counted)
    run = "known"
    known = run_diff(bundled.kb, BEFORE, START, outputs=OUTPUTS)
    monkeypatch.setattr(one_sided, "MAX_VERSIONS", 0)
    run = "searched"
    searched = run_diff(bundled.kb, BEFORE, START, outputs=OUTPUTS)
    # the closing queries (one per output and reading at least) are not asked
    assert asked.get("known", 0) + len(known.results) <= asked["searched"], asked
    assert [(r.output, r.reading, r.status) for r in known.results] == \
        [(r.output, r.reading, r.status) for r in searched.results]
    assert all(r.status == "differ" for r in known.results)
    for a, b in zip(known.results, searched.results, strict=True):
        assert [f.fingerprint for f in a.findings] == [f.fingerprint for f in b.findings]
        for x, y in zip(a.findings, b.findings, strict=True):
            if x.code == "LX507":
                assert (x.details, x.facts) == (y.details, y.facts), a.output
    exact = {r.output: r for r in known.results if r.output in OUTPUTS[:2] and
             r.reading is None}
    for name, result in exact.items():
        note = result.findings[-1]
        assert note.code == "LX522" and "is exact, not bounded" in note.message, name
        assert note.details[-1].endswith("(exact, no search needed)"), note.details
        assert "none left: no provision concluding it is in force on 2008-12-31" in \
            note.details[-1]
        other = next(r for r in searched.results if r.output == name and r.reading is None)
        assert other.findings[-1].details[-2].endswith("no case within the frames"), \
            other.findings[-1].details


#: the timeline outputs of the bundled rules and the outputs that read one
TIMELINE_DIFFS = ("days_counted_in_month", "monthly_payer", "twelve_month_count",
                  "continuation_limit_reached", "self_employed_benefit_suspended",
                  "seventy_seventh_day", "salary_continuation_end", "new_right_opens_on")


@pytest.mark.parametrize("law", [START, date(2016, 1, 1), date(2019, 1, 1)])
@pytest.mark.parametrize("reading", [None, "ccss_worked_example"])
def test_the_facts_a_cone_reads_do_not_depend_on_the_frame(bundled: LoadResult, law: date,
                                                           reading: str | None) -> None:
    """The premise of timeline_diff._known_in_pool: the facts read by the cone of a
    timeline output, to which the pool's cases are cut, are the same in a frame of one
    month as in the widest frame (each month encodes the same expressions)."""
    audit = next(a for a in audits(bundled.kb) if a.jurisdiction == "lu")
    month = month_index(law)
    by_frame = []
    for months in (1, TIMELINE_MONTHS):
        one, two = diff_encodings(audit, BEFORE, law, reading, Frame(months, month))
        by_frame.append({(enc.tag, name): set().union(*(enc.output(n).facts
                                                        for n in enc.cone({name})))
                         for enc in (one, two) for name in TIMELINE_DIFFS})
    assert by_frame[0] == by_frame[1]
    assert any(by_frame[0].values())


def test_a_timeline_output_whose_regions_the_pool_shows_is_not_encoded_in_frames(
        bundled: LoadResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """monthly_payer comes after twelve_month_count, whose witness shows its one region:
    it is answered from the pool (no query, no encoding in the widest frame), with the
    findings the full path gives."""
    from lexlux.verify.checks import timeline_diff
    answered: list[str] = []
    original = timeline_diff._known_in_pool

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        if found is not None:
            answered.append(found.output)
        return found

    monkeypatch.setattr(timeline_diff, "_known_in_pool", spy)
    names = ["twelve_month_count", "monthly_payer"]
    known = run_diff(bundled.kb, BEFORE, START, outputs=names)
    assert "monthly_payer" in answered
    # the same findings when it is searched for (the one-month frame not used)
    monkeypatch.setattr(timeline_diff, "_known_in_pool", lambda *a, **k: None)
    full = run_diff(bundled.kb, BEFORE, START, outputs=names)
    assert [(r.output, r.reading, r.status, [(f.fingerprint, f.message, f.details, f.facts)
                                             for f in r.findings]) for r in known.results] == \
        [(r.output, r.reading, r.status, [(f.fingerprint, f.message, f.details, f.facts)
                                          for f in r.findings]) for r in full.results]
