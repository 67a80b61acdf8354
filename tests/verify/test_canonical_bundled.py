"""The encoding of the bundled knowledge base is canonical: two processes with different
hash seeds, one reading the bundled rules and one a copy of them in another folder
(compiled afresh, without the knowledge-base cache), build every query slice with the
same terms in the same order (:mod:`lexlux.verify.encoding.canonical`).  An install
(editable checkout or wheel) changes nothing else the encoding reads: the folder, the
order of discovery, the hash seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from lexlux.load.discover import bundled_root

COMMAND = [sys.executable, "-m", "lexlux.verify.encoding.canonical"]


def _start(seed: str, cwd: Path, *rules: Path, no_cache: bool = False
           ) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    if no_cache:
        env["LEXLUX_NO_CACHE"] = "1"
    return subprocess.Popen([*COMMAND, *map(str, rules)], env=env, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _lines(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out.splitlines()


def test_every_query_slice_is_the_same_across_seeds_and_folders(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "rules"
    shutil.copytree(bundled_root("rules"), copy)
    # both at once: each compiles the knowledge base and encodes every output
    first = _start("1", Path.cwd())
    second = _start("4242", tmp_path, copy, no_cache=True)
    a, b = _lines(first), _lines(second)
    assert len(a) > 300                    # every output of the bundled rules, and readings
    assert any(" - " in line for line in a) and any(" - " not in line for line in a)
    assert a == b, [x for x, y in zip(a, b, strict=True) if x != y][:5]


def test_the_digest_sees_a_change_of_order(tmp_path: Path) -> None:
    """The comparison can fail: two conditions of one rule swapped (the same law, other
    terms in another order) change the digest of the output the rule concludes, and of no
    output that does not read it."""
    from lexlux.pipeline import load_knowledge_base
    from lexlux.verify.encoding.canonical import slice_digests

    root = Path(__file__).resolve().parent / "planted" / "base" / "rules"
    copy = tmp_path / "rules"
    shutil.copytree(root, copy)
    before = {row[:3]: row[3] for row in slice_digests(load_knowledge_base([copy]).kb)}
    rule = copy / "lu" / "code_du_travail" / "L121-6" / "p3a2.yaml"
    text = rule.read_text()
    swapped = text.replace("when: not refusal_appealed and certificate_in_time and",
                           "when: certificate_in_time and not refusal_appealed and")
    assert swapped != text
    rule.write_text(swapped)
    after = {row[:3]: row[3] for row in slice_digests(load_knowledge_base([copy]).kb)}
    assert before.keys() == after.keys()
    changed = {key for key in before if before[key] != after[key]}
    assert changed and len(changed) < len(before)
