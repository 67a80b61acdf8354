"""`lexlux --version` (with the knowledge base's content hash) and the graph options named for
what they return (the former names kept as deprecated aliases)."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

from lexlux import __version__
from lexlux.cli import run
from lexlux.load.content_hash import content_hash

from paths import REPO

PLANTED = REPO / "tests" / "verify" / "kb" / "planted" / "rules"


def cli(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_version_names_lexlux_and_the_hash_of_the_bundled_rules() -> None:
    code, out, _ = cli("--version")
    assert code == 0
    assert out.startswith(f"lexlux {__version__}\n")
    digest = re.search(r"sha256 ([0-9a-f]{64})", out)
    assert digest and digest.group(1) == content_hash([REPO / "rules"])


def test_the_content_hash_follows_the_bytes_not_the_place_or_the_order(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "rules", tmp_path / "b" / "rules"
    shutil.copytree(REPO / "rules", first)
    shutil.copytree(REPO / "rules", second)
    assert content_hash([first]) == content_hash([second]) == content_hash([REPO / "rules"])
    vocabulary = second / "lu" / "vocabulary" / "employment.yaml"
    vocabulary.write_bytes(vocabulary.read_bytes() + b"\n")
    assert content_hash([second]) != content_hash([first])
    vocabulary.rename(vocabulary.with_name("renamed.yaml"))
    assert content_hash([second]) != content_hash([first])


def test_graph_options_say_what_they_return() -> None:
    code, out, err = cli("graph", "--rules", PLANTED, "--format", "json", "--dependencies-of",
                         "payer")
    inputs = {n["id"] for n in json.loads(out)["nodes"]}
    assert code == 0 and err == "" and "fact:lu.worked_days" in inputs
    code, out, _ = cli("graph", "--rules", PLANTED, "--format", "json", "--dependents-of",
                       "worked_days")
    dependents = {n["id"] for n in json.loads(out)["nodes"]}
    assert code == 0 and "output:lu.payer" in dependents
    assert "output:lu.payer" not in {n for n in inputs if n.startswith("fact")}


def test_the_former_graph_options_still_work_with_a_warning() -> None:
    new = cli("graph", "--rules", PLANTED, "--format", "json", "--dependencies-of", "payer")
    old = cli("graph", "--rules", PLANTED, "--format", "json", "--used-by", "payer")
    assert old[0] == 0 and old[1] == new[1]
    assert "--used-by is deprecated, use --dependencies-of" in old[2]
    new = cli("graph", "--rules", PLANTED, "--format", "json", "--dependents-of", "worked_days")
    old = cli("graph", "--rules", PLANTED, "--format", "json", "--depends-on", "worked_days")
    assert old[0] == 0 and old[1] == new[1]
    assert "--depends-on is deprecated, use --dependents-of" in old[2]
