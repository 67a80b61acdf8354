"""Stage 3 (compile): an open question says which answers it bears on (LX325).

An open question of a coverage file names the rules whose encoding follows a reading chosen
meanwhile; ``outputs:`` narrows it to some of their outputs and ``rule_versions:`` to some of
their versions (``valid_from`` dates), so that an answer shows only the questions that bear on
it (``evaluate/caveats.py``).  An output none of the named rules concludes, or a date none of
their versions starts on, would silently hide the question from every answer: LX325.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..diagnostics import Diagnostic, error
from ..load.yaml_source import SourceDocument
from .model import KnowledgeBase


def check_open_question_targets(docs: list[SourceDocument],
                                kb: KnowledgeBase) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for doc in docs:
        data: Any = doc.data
        questions = data.get("open_questions", ()) if isinstance(data, dict) else ()
        for i, question in enumerate(questions or ()):
            if not isinstance(question, dict):
                continue
            rules = [kb.rules[r] for r in question.get("rules", ()) or ()
                     if isinstance(r, str) and r in kb.rules]     # unknown ids: LX318
            if not rules:
                continue
            concluded = sorted({o for rule in rules for o in rule.outputs})
            for j, name in enumerate(question.get("outputs", ()) or ()):
                if name in concluded:
                    continue
                close = difflib.get_close_matches(str(name), concluded, n=1, cutoff=0.6)
                out.append(error(
                    "LX325", f"the open question {question.get('id')} names the output "
                    f"{name!r}, which none of its rules concludes, so no answer would show it",
                    doc.span_at(("open_questions", i, "outputs", j)),
                    expected="an output of " + ", ".join(r.id for r in rules) + ": "
                    + ", ".join(concluded),
                    hint=f"did you mean {close[0]!r}?" if close else
                    "add the rule that concludes it to rules:, or remove the output"))
            starts = sorted({v.valid_from.isoformat() for rule in rules for v in rule.versions})
            for j, day in enumerate(question.get("rule_versions", ()) or ()):
                if str(day) in starts:
                    continue
                out.append(error(
                    "LX325", f"the open question {question.get('id')} names the rule version "
                    f"of {day}, but no version of its rules starts on that day, so no answer "
                    "would show it", doc.span_at(("open_questions", i, "rule_versions", j)),
                    expected="the valid_from of a version of its rules: " + ", ".join(starts),
                    hint="write the valid_from date of the version the question is about"))
    return out
