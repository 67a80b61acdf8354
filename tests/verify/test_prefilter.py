"""Shortcuts before the solver (checks/simple_conditions.py): the conflict pre-filter
(checks/conflict_prefilter.py) skips only pairs that can never apply together, and the
dead-rule check's built witnesses (checks/simple_witness.py) change no finding."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lexlux.compile.model import KnowledgeBase
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks import rules as rules_module
from lexlux.verify.checks import simple_witness
from lexlux.verify.checks.conflict_prefilter import cannot_overlap
from lexlux.verify.checks.context import Audit
from lexlux.verify.checks.findings import to_json
from lexlux.verify.checks.rules import _pairs, check_conflicts, check_dead
from lexlux.verify.checks.simple_conditions import Restriction
from lexlux.verify.encoding.encode_expr import and_

SOURCE = ('    source: {file: 000_0000000000000000.txt, lines: [1, 1], '
          'excerpt: "a test excerpt"}')

VOCABULARY = """jurisdiction: lu
facts:
  start: {type: date, description: {fr: d., en: d.}}
  received: {type: date, description: {fr: r., en: r.}}
  days_off: {type: integer, description: {fr: n., en: n.}}
  contract: {type: enum, values: [cdi, cdd, other], description: {fr: c., en: c.}}
outputs:
"""


def _version(start: str, when: str, output: str, value: str) -> str:
    return f"""  - valid_from: "{start}"
    amended_by: {{act: "Loi {start[:4]}", date: "{start}"}}
{SOURCE}
    then:
      - output: {output}
        when: "{when}"
        value: "{value}"
"""


def knowledge_base(root: Path, rules: list[tuple[str, list[tuple[str, str]]]]) -> KnowledgeBase:
    """``rules``: (output, [(valid_from, when), ...]) each — one rule per entry, one
    version per (valid_from, when)."""
    lu = root / "rules" / "lu"
    (lu / "gen").mkdir(parents=True)
    outputs = sorted({o for o, _ in rules})
    (lu / "vocabulary.yaml").write_text(VOCABULARY + "".join(
        f"  {o}: {{type: integer, description: {{fr: o., en: o.}}}}\n" for o in outputs),
        encoding="utf-8")
    for i, (output, versions) in enumerate(rules):
        value = f"{output[:-1]}0 + 1" if output.endswith("1") and "0" in "".join(
            outputs) and output != "out0" and output.startswith("chain") else str(i + 1)
        body = "".join(_version(start, when, output, value) for start, when in versions)
        (lu / "gen" / f"r{i}.yaml").write_text(f"""id: lu.gen.r{i}
jurisdiction: lu
citation: {{instrument: Test, article: "{i}"}}
title: {{fr: Règle {i}}}
authority: law
selected_by: start
versions:
{body}""", encoding="utf-8")
    loaded = load_knowledge_base([root / "rules"])
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.kb


def _both_apply(audit: Audit, name: str) -> list[tuple[str, str, bool, str]]:
    """For each pair of conclusions of ``name``: (first, second, skipped by the
    pre-filter, Z3's answer to "both apply")."""
    enc = audit.encoding()
    out = enc.output(name)
    found = []
    for a, b in _pairs(out):
        skipped = cannot_overlap(audit, enc, a, b)
        result, _ = audit.query([enc], [{name}], [and_(a.applies, b.applies)])
        found.append((a.version.id, b.version.id, skipped, result.status))
    return found


PLANTED = [
    ("split", [("2000-01-01", "days_off < 20")]),
    ("split", [("2000-01-01", "days_off >= 20 and contract == 'cdi'")]),
    ("enum", [("2000-01-01", "contract == 'cdi'")]),
    ("enum", [("2000-01-01", "contract != 'cdi' and days_off > 3")]),
    ("window", [("2000-01-01", "days_off > 3"), ("2018-01-01", "days_off > 5")]),
    ("window", [("2018-01-01", "days_off > 4")]),
    # an overlap only through a disjunction and a negation, which restrict nothing here
    ("hidden", [("2000-01-01", "days_off < 20 and contract == 'cdi'")]),
    ("hidden", [("2000-01-01", "(days_off >= 20 or contract == 'cdi') and "
                 "not (days_off < 15)")]),
    # ... and only through a calendar function
    ("calendar", [("2000-01-01", "received <= nth_day(start, 3) and days_off < 9")]),
    ("calendar", [("2000-01-01", "end_of_month(start) >= received and days_off > 7")]),
]


def test_the_prefilter_skips_only_pairs_that_cannot_overlap(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path, PLANTED)
    audit = Audit(kb, "lu")
    split, enum, window, hidden, calendar = (
        _both_apply(audit, n) for n in ("split", "enum", "window", "hidden", "calendar"))
    assert [(s, z) for *_, s, z in split] == [(True, "unsat")]
    assert [(s, z) for *_, s, z in enum] == [(True, "unsat")]
    # the first version of r4 is in force before 2018 only: disjoint from r5 (from 2018)
    assert [(a.split("@")[1], s, z) for a, _, s, z in window] == [
        ("2000-01-01", True, "unsat"), ("2018-01-01", False, "sat")]
    assert [(s, z) for *_, s, z in hidden] == [(False, "sat")]
    assert [(s, z) for *_, s, z in calendar] == [(False, "sat")]


def test_conflicts_are_the_same_with_and_without_the_prefilter(
        tmp_path: Path, monkeypatch: object) -> None:
    kb = knowledge_base(tmp_path, PLANTED)
    with_filter = Audit(kb, "lu")
    found = [to_json(kb, f) for f in check_conflicts(with_filter)]
    assert with_filter.__dict__.get("prefiltered") == 3
    import pytest
    patch = pytest.MonkeyPatch()
    try:
        patch.setattr(rules_module, "cannot_overlap", lambda *_: False)
        without = Audit(kb, "lu")
        assert [to_json(kb, f) for f in check_conflicts(without)] == found
        assert without.queries == with_filter.queries      # a skip counts as a query
    finally:
        patch.undo()
    assert {f["output"] for f in found} == {"window", "hidden", "calendar"}


def test_restrictions_are_exact_on_integers() -> None:
    low = Restriction("ordered", None, 19)
    assert low.meet(Restriction("ordered", 20, None)).empty()
    assert not low.meet(Restriction("ordered", 19, None)).empty()
    assert Restriction("ordered", 3, 4, excluded={3, 4}).empty()
    assert not Restriction("ordered", 3, 5, excluded={3, 4}).empty()
    assert Restriction("enum", allowed=frozenset({"cdi"}), excluded={"cdi"}).empty()
    assert not Restriction("enum", excluded={"cdi"}).empty()


ATOMS = st.one_of(
    st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
              st.integers(-3, 3)).map(lambda t: f"days_off {t[0]} {t[1]}"),
    st.tuples(st.integers(-3, 3), st.sampled_from(["<", ">=", "=="])).map(
        lambda t: f"{t[0]} {t[1]} days_off"),
    st.tuples(st.sampled_from(["==", "!="]), st.sampled_from(["cdi", "cdd", "other"])).map(
        lambda t: f"contract {t[0]} '{t[1]}'"),
    st.just("received <= nth_day(start, 2)"),
)
PARTS = st.one_of(ATOMS, ATOMS.map(lambda a: f"not ({a})"),
                  st.tuples(ATOMS, ATOMS).map(lambda t: f"({t[0]} or {t[1]})"))
CONDITIONS = st.lists(PARTS, min_size=1, max_size=3).map(" and ".join)
VERSIONS = st.one_of(
    CONDITIONS.map(lambda c: [("2000-01-01", c)]),
    CONDITIONS.map(lambda c: [("2018-01-01", c)]),
    st.tuples(CONDITIONS, CONDITIONS).map(lambda t: [("2000-01-01", t[0]),
                                                     ("2018-01-01", t[1])]))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(st.lists(st.tuples(VERSIONS, VERSIONS), min_size=6, max_size=6))
def test_the_prefilter_never_skips_a_pair_z3_finds_overlapping(
        tmp_path_factory: object, pairs: list[tuple[list[tuple[str, str]],
                                                     list[tuple[str, str]]]]) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        rules = [(f"p{i}", versions) for i, pair in enumerate(pairs) for versions in pair]
        kb = knowledge_base(Path(tmp), rules)
        audit = Audit(kb, "lu")
        for i in range(len(pairs)):
            for first, second, skipped, answer in _both_apply(audit, f"p{i}"):
                event(f"skipped: {skipped}, Z3: {answer}")
                if skipped:
                    assert answer == "unsat", (first, second, pairs[i])


def test_dead_rules_are_found_as_before_and_live_ones_without_the_solver(
        tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path, [
        ("dead", [("2000-01-01", "days_off < 5 and days_off > 7")]),
        ("dead", [("2000-01-01", "contract == 'cdi' and contract == 'cdd'")]),
        ("live", [("2000-01-01", "days_off >= 20 and contract != 'cdi'"),
                  ("2018-01-01", "days_off < -4")]),
        ("live", [("2000-01-01", "received <= nth_day(start, 3) and days_off == 2")]),
        ("live", [("2000-01-01", "end_of_month(start) >= received")]),
    ])
    import pytest
    patch = pytest.MonkeyPatch()
    try:
        # the cases built from the conditions alone (the evaluator-first pass, which
        # runs before them, is tested in test_evaluator_first.py)
        patch.setattr(rules_module, "evaluator_first", lambda *_: None)
        built = Audit(kb, "lu")
        found = [to_json(kb, f) for f in check_dead(built)]
        patch.setattr(rules_module, "applies_somewhere", lambda *_: False)
        solver = Audit(kb, "lu")
        assert [to_json(kb, f) for f in check_dead(solver)] == found
        assert solver.queries == built.queries
    finally:
        patch.undo()
    assert [[v["id"] for v in f["versions"]] for f in found] == [["lu.gen.r0@2000-01-01"],
                                              ["lu.gen.r1@2000-01-01"]]
    assert all("can never apply" in f["message"] for f in found)
    # the four live versions were each shown by a built case, replayed by the evaluator
    assert built.__dict__.get("simple_witnesses") == 4


def test_a_built_case_counts_only_when_the_evaluator_applies_it(tmp_path: Path) -> None:
    kb = knowledge_base(tmp_path, [
        ("live", [("2000-01-01", "days_off >= 20")]),
    ])
    audit = Audit(kb, "lu")
    enc = audit.encoding()
    rule = kb.rules["lu.gen.r0"]
    version = rule.versions[0]
    assert simple_witness.applies_somewhere(audit, enc, "live", rule.id, version,
                                            version.conclusions[0])
    # with an evaluator that never applies it, nothing is shown
    original = simple_witness.conclusion_applies
    simple_witness.conclusion_applies = lambda *a, **k: False  # type: ignore[assignment]
    try:
        assert not simple_witness.applies_somewhere(audit, enc, "live", rule.id, version,
                                                    version.conclusions[0])
    finally:
        simple_witness.conclusion_applies = original
