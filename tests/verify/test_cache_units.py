"""verify --cache: each check's answer about one subject (a unit) is kept under a key computed
before encoding, from the content of the slice of the knowledge base it reads.

The keys do not depend on the process or on where the rules are; an edit to a rule file
changes the keys of exactly the units whose slice holds the rule; a warm run gives the same
findings (open and accepted, witnesses replayed) as a cold one; a damaged or old cache file
is ignored with a warning.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lexlux.cli import run
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.slices import Slices
from test_planted import CASES, PLANTED, assemble, load_case

EDITED = "lu/code_du_travail/L551-2/p1.yaml"


def verify(rules: Path, cache: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    import io
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", "--rules", str(rules), "--cache", str(cache), "--format", "json",
                *extra], out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def unit_keys(cache: Path) -> set[str]:
    data = json.loads((cache / "verify-unsat.json").read_text(encoding="utf-8"))
    return set(data["units"])


def copy_base(into: Path) -> Path:
    rules = into / "rules"
    shutil.copytree(PLANTED / "base" / "rules", rules)
    return rules


def test_keys_are_the_same_in_another_process_and_another_folder(tmp_path: Path) -> None:
    first = copy_base(tmp_path / "a")
    second = copy_base(tmp_path / "elsewhere" / "b")
    for rules, cache in ((first, tmp_path / "c1"), (second, tmp_path / "c2")):
        done = subprocess.run([sys.executable, "-m", "lexlux", "verify", "--rules",
                               str(rules), "--cache", str(cache)], capture_output=True,
                              text=True, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    keys = unit_keys(tmp_path / "c1")
    assert len(keys) > 20 and keys == unit_keys(tmp_path / "c2")
    # and the other folder's run reads the first one's cache: nothing runs again
    code, data, _ = verify(second, tmp_path / "c1")
    assert code == 0 and data["summary"]["units"]["run"] == 0
    assert data["summary"]["cached_queries"] == data["summary"]["queries"] > 0


def _digests(rules: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Per output and invariant: the slice digest and the rules of the slice."""
    loaded = load_knowledge_base([rules])
    assert loaded.ok and loaded.kb is not None
    kb = loaded.kb
    slices = Slices(kb)
    digests, members = {}, {}
    for name in sorted(kb.vocabularies["lu"].outputs):
        digests[name] = slices.digest("lu", [name])
        members[name] = {r.id for r in slices.rules("lu", [name])[0]}
    for inv_id, inv in sorted(kb.invariants.items()):
        if inv.assumption:
            continue
        digests[inv_id] = slices.digest("lu", [], invariants=[inv_id])
        reads = {r.target for t in (inv.when, inv.holds) if t is not None
                 for r in _refs(t.expr) if r.kind == "output"}
        members[inv_id] = {r.id for r in slices.rules("lu", sorted(reads))[0]}
    return digests, members


def _refs(expr: Any) -> Any:
    from lexlux.compile.refs import iter_refs
    return iter_refs(expr)


def test_an_edit_changes_exactly_the_slices_holding_the_rule(tmp_path: Path) -> None:
    rules = copy_base(tmp_path)
    before, members = _digests(rules)
    rule = rules / EDITED
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "headcount >= threshold", "headcount > threshold"), encoding="utf-8")
    after, _ = _digests(rules)
    edited = "lu.code_du_travail.L551-2.p1"
    holding = {k for k, rules_of in members.items() if edited in rules_of}
    changed = {k for k in before if before[k] != after[k]}
    assert holding and changed == holding
    assert len(changed) < len(before)           # the others keep their keys
    # a comment-free copy in another folder has the same digests
    again, _ = _digests(shutil.copytree(rules, tmp_path / "copy" / "rules"))
    assert again == after


def test_a_parameter_edit_changes_the_slices_reading_it(tmp_path: Path) -> None:
    rules = copy_base(tmp_path)

    def outputs(rules: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
        loaded = load_knowledge_base([rules])
        assert loaded.ok and loaded.kb is not None
        slices = Slices(loaded.kb)
        names = sorted(loaded.kb.vocabularies["lu"].outputs)
        return ({n: slices.digest("lu", [n]) for n in names},
                {n: slices.rules("lu", [n])[2] for n in names})
    before, params = outputs(rules)
    target = rules / "lu" / "parameters" / "incapacity.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("en: Certificate day}", "en: Day of the certificate}"),
                      encoding="utf-8")
    after, _ = outputs(rules)
    reading = {n for n, ids in params.items() if any(i.endswith("certificate_day")
                                                     for i in ids)}
    assert reading and {n for n in before if before[n] != after[n]} == reading


@pytest.mark.parametrize("name", ["e11-opposition-drifts-from-appeal",
                                  "e24-guide-more-than-25", "e27-two-copies-of-a-limit",
                                  "e28-impossible-condition", "e23-lawful-branch-dropped"])
def test_a_warm_run_gives_the_same_findings(tmp_path: Path, name: str) -> None:
    """Open findings and, with the first accepted, accepted ones: the same JSON, every
    witness replayed again by the evaluator (its file written again)."""
    [path] = [p for p in CASES if p.stem == name]
    rules = assemble(load_case(path), tmp_path)
    cache = tmp_path / "cache"
    code, cold, _ = verify(rules, cache)
    assert code == 1 and cold["findings"]
    code, warm, _ = verify(rules, cache, "--witness-dir", str(tmp_path / "w"))
    assert warm["summary"]["units"]["run"] == 0
    strip = [{**f, "witness": f["witness"] and {**f["witness"], "file": None}}
             for f in warm["findings"]]
    assert strip == cold["findings"]
    assert all((tmp_path / "w" / f"{f['fingerprint']}.case.yaml").is_file()
               for f in warm["findings"] if f["witness"])
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(f"accepted:\n  - fingerprint: {cold['findings'][0]['fingerprint']}\n"
                        "    reason: a test\n", encoding="utf-8")
    cold_json = verify(rules, tmp_path / "other", "--accepted", str(accepted))[1]
    warm_json = verify(rules, tmp_path / "other", "--accepted", str(accepted))[1]
    assert cold_json["findings"] == warm_json["findings"]
    assert cold_json["summary"]["accepted"] == warm_json["summary"]["accepted"] >= 1


def test_an_entry_that_no_longer_replays_is_dropped_and_run(tmp_path: Path) -> None:
    """A stored witness whose replay differs (here: tampered with) is not reported: the
    unit runs again and its own witness is kept."""
    [path] = [p for p in CASES if p.stem == "e24-guide-more-than-25"]
    rules = assemble(load_case(path), tmp_path)
    cache = tmp_path / "cache"
    _, cold, _ = verify(rules, cache)
    file = cache / "verify-unsat.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    tampered = 0
    for entry in data["units"].values():
        for finding in entry["findings"]:
            if finding.get("witness"):
                finding["witness"]["replay"] = "something else — confirmed"
                tampered += 1
    assert tampered
    file.write_text(json.dumps(data), encoding="utf-8")
    _, warm, _ = verify(rules, cache)
    assert warm["findings"] == cold["findings"] and warm["summary"]["units"]["run"] >= 1


@pytest.mark.parametrize("content", ["{ not json", '{"salt": "3|4.13|x", "answers": {}}',
                                     '{"format": 4, "salt": "x", "answers": {}, "units": {}}',
                                     '{"format": 4, "salt": null, "answers": []}', "\x00\xff"])
def test_a_damaged_or_old_cache_is_ignored_with_a_warning(tmp_path: Path,
                                                          content: str) -> None:
    rules = copy_base(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "verify-unsat.json").write_text(content, encoding="utf-8")
    code, data, err = verify(rules, cache)
    assert code == 0 and "Traceback" not in err
    assert "warning: the verify cache" in err and "ignored" in err
    assert data["summary"]["units"]["from_cache"] == 0
    code, data, err = verify(rules, cache)          # rewritten: read without warning
    assert err == "" and data["summary"]["units"]["run"] == 0


def test_the_slice_is_the_outputs_ancestors_in_the_dependency_graph() -> None:
    """On the bundled knowledge base: the rules, facts, parameters and outputs of each
    output's slice are its ancestors in compile.graph's graph (each rule whole)."""
    import networkx as nx
    from lexlux.compile.graph import build_graph
    loaded = load_knowledge_base(None)
    assert loaded.kb is not None
    kb = loaded.kb
    graph = build_graph(kb)
    slices = Slices(kb)
    for jurisdiction, vocabulary in sorted(kb.vocabularies.items()):
        for name in sorted(vocabulary.outputs):
            node = f"output:{jurisdiction}.{name}"
            if node not in graph:
                continue
            todo, seen = {node}, set()
            while todo:                 # ancestors, each rule reached taken whole
                seen |= todo
                found = set().union(*(nx.ancestors(graph, n) for n in todo)) | todo
                rules = {graph.nodes[n]["rule"] for n in found if n.startswith("version:")}
                todo = {f"version:{v.id}" for r in rules for v in kb.rules[r].versions}
                todo |= found
                todo -= seen
            rules = {graph.nodes[n]["rule"] for n in seen if n.startswith("version:")}
            rules_of, facts, params, outs = slices.rules(jurisdiction, [name])
            prefix = f"{jurisdiction}."
            assert {r.id for r in rules_of} == rules, name
            assert {f"fact:{prefix}{f}" for f in facts} == {
                n for n in seen if n.startswith("fact:")}, name
            assert {f"output:{prefix}{o}" for o in outs} == {
                n for n in seen if n.startswith("output:")}, name
            assert {f"parameter:{p}" for p in params} >= {
                n for n in seen if n.startswith("parameter:")}, name


def test_an_edit_of_the_bundled_rules_re_solves_only_its_own_invariants(
        tmp_path: Path) -> None:
    """The bundled rules, the invariant check: after editing L552-2/p5.yaml (40 → 41 days,
    which breaks the L.551 ↔ L.552 invariant), only the invariants whose slice holds that
    rule run again (and the test of which outputs can be encoded, which every run makes,
    for the outputs whose slice holds it); the run's statistics count them."""
    from lexlux.load.discover import bundled_root
    rules = tmp_path / "rules"
    shutil.copytree(bundled_root("rules"), rules)
    cache = tmp_path / "cache"
    check = ("--all-dates", "--check", "invariants")
    code, cold, _ = verify(rules, cache, *check)
    assert code == 0 and cold["summary"]["units"]["from_cache"] == 0
    ran = cold["summary"]["units"]["run"]
    target = rules / "lu" / "code_du_travail" / "L552-2" / "p5.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.count("cm_referral_date + 40 days") == 1
    target.write_text(text.replace("cm_referral_date + 40 days", "cm_referral_date + 41 days"),
                      encoding="utf-8")
    loaded = load_knowledge_base([rules])
    assert loaded.kb is not None
    slices = Slices(loaded.kb)
    holding = set()
    for inv_id, inv in loaded.kb.invariants.items():
        if inv.assumption or inv.jurisdiction != "lu":
            continue
        reads = sorted({r.target for t in (inv.when, inv.holds) if t is not None
                        for r in _refs(t.expr) if r.kind == "output"})
        if "lu.code_du_travail.L552-2.p5" in {r.id for r in slices.rules("lu", reads)[0]}:
            holding.add(inv_id)
    edited = "lu.code_du_travail.L552-2.p5"
    outputs = {n for n in loaded.kb.vocabularies["lu"].outputs
               if edited in {r.id for r in slices.rules("lu", [n])[0]}}
    assert holding and outputs and len(holding) + len(outputs) < ran
    code, warm, _ = verify(rules, cache, *check)
    assert code == 1 and [f["code"] for f in warm["findings"] if f["problem"]] == ["LX511"]
    run_again = len(holding) + len(outputs)
    assert warm["summary"]["units"] == {**warm["summary"]["units"], "run": run_again,
                                        "from_cache": ran - run_again}
    resolved = warm["summary"]["queries"] - warm["summary"]["cached_queries"]
    assert 0 < resolved < warm["summary"]["queries"]
