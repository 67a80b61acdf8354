"""An acceptance may list other fingerprints of the same question (``or:``): the solver may
witness a disagreement (LX503) on one run and stop at its refinement bound (LX510) on another."""

from __future__ import annotations

from pathlib import Path

import pytest
from lexlux.diagnostics import LexluxError
from lexlux.verify.checks.accepted import apply_accepted, load_accepted
from lexlux.verify.checks.findings import Finding


def _accepted(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accepted.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _finding(code: str, key: str) -> Finding:
    return Finding(code, "a finding", key=key)


def test_an_alternative_fingerprint_is_accepted_and_the_acceptance_is_not_stale(
        tmp_path: Path) -> None:
    undecided = _finding("LX510", "limit reached, undecided")
    path = _accepted(tmp_path, f"""accepted:
  - fingerprint: LX503-0123456789
    or: [{undecided.fingerprint}]
    reason: the same reading disagreement, witnessed or undecided
""")
    findings = apply_accepted([undecided], load_accepted(path), report_stale=True, where=path)
    assert [f.code for f in findings] == ["LX510"]
    assert findings[0].accepted == "the same reading disagreement, witnessed or undecided"


def test_an_acceptance_none_of_whose_fingerprints_is_found_is_stale(tmp_path: Path) -> None:
    path = _accepted(tmp_path, """accepted:
  - fingerprint: LX503-0123456789
    or: [LX510-9876543210]
    reason: the same reading disagreement, witnessed or undecided
""")
    other = _finding("LX510", "something else")
    findings = apply_accepted([other], load_accepted(path), report_stale=True, where=path)
    assert [f.code for f in findings] == ["LX510", "LX530"]
    assert findings[0].accepted is None


def test_or_must_be_a_list_of_fingerprints(tmp_path: Path) -> None:
    path = _accepted(tmp_path, """accepted:
  - fingerprint: LX503-0123456789
    or: LX510-9876543210
    reason: a text instead of a list
""")
    with pytest.raises(LexluxError) as caught:
        load_accepted(path)
    assert [d.code for d in caught.value.diagnostics] == ["LX203"]
