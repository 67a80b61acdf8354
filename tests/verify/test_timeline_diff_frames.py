"""The encodings of ``lexlux diff`` of a timeline output (checks/timeline_diff.py): every
query of the diff is solved in a frame of the month of the later date, so the output's cone
is encoded in those frames only, never in the audit's own frame (of the as-of date, else
January 2017), which no query of the diff reads; the answer is the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lexlux.calendar.dates import month_index
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.checks.run import audits
from lexlux.verify.checks.timeline_search import main_frame
from lexlux.verify.checks.versions import diff_versions
from lexlux.verify.encoding.timelines import TIMELINE_MONTHS, Frame
from test_seeds import PARAMETER
from test_timeline_checks import clean_with_payer
from test_timeline_diff_seeds import RULE

FIRST, SECOND = date(2005, 1, 1), date(2015, 1, 1)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = clean_with_payer(tmp_path_factory.mktemp("diffframes") / "rules")
    (folder / "lu" / "code_du_travail" / "P1.yaml").write_text(RULE, encoding="utf-8")
    (folder / "lu" / "parameters" / "reference.yaml").write_text(PARAMETER, encoding="utf-8")
    return folder


def test_the_diff_of_a_timeline_output_encodes_it_in_the_frame_of_the_later_date(
        root: Path) -> None:
    loaded = load_knowledge_base([root])
    assert loaded.ok and loaded.kb is not None
    [audit] = [a for a in audits(loaded.kb) if a.jurisdiction == "lu"]
    audit.max_regions = 1
    [result] = diff_versions(audit, FIRST, SECOND, ["monthly_payer"])
    assert result.status == "differ"
    assert audit.as_of is None
    own = main_frame(audit)
    later = Frame(TIMELINE_MONTHS, month_index(SECOND))
    assert own != later
    timeline_encodings = [e for e in audit._encodings.values() if e.timelines]
    assert timeline_encodings                  # the audit's own, made for their twins
    for enc in timeline_encodings:             # none of them encodes the payer
        assert enc.frame == own
        assert "monthly_payer" not in enc.outputs, enc.tag
    twins = [t for t in audit.__dict__["_frames"].values() if hasattr(t, "outputs")]
    encoded = {(t.tag, t.frame) for t in twins if "monthly_payer" in t.outputs}
    assert ("L1|", later) in encoded and ("L2|", later) in encoded
    assert all(frame.first_month == later.first_month for _, frame in encoded)


def test_the_seeded_passes_of_one_diff_ask_the_evaluator_once_per_candidate(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded pass runs again after each region it finds and reads the same candidates:
    the evaluator's answer on a case is kept for the diff (only the regions seen change)."""
    from lexlux.verify.checks import versions
    asked: list[str] = []
    real = versions.laws_differ

    def counted(kb: object, case: object, *args: object, **kwargs: object) -> object:
        asked.append(repr((case.as_of, sorted(case.facts.items()))))  # type: ignore[attr-defined]
        return real(kb, case, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(versions, "laws_differ", counted)
    loaded = load_knowledge_base([root])
    assert loaded.kb is not None
    [audit] = [a for a in audits(loaded.kb) if a.jurisdiction == "lu"]
    audit.max_regions = 2
    [result] = diff_versions(audit, FIRST, SECOND, ["monthly_payer"])
    assert result.status == "differ"
    assert asked and len(asked) == len(set(asked))
