"""What-if: ``--set NAME=VALUE`` changes to a case's facts, checked against the vocabulary.

VALUE is read as YAML, so dates, numbers, booleans and lists of periods are written as in a
case file: ``--set certificate_received_on=2019-03-08``,
``--set incapacity=[{from: 2019-03-01, to: 2019-03-20}]``.
"""

from __future__ import annotations

import difflib

from ..compile.model import KnowledgeBase, Value
from ..diagnostics import Diagnostic, error
from ..evaluate.case import Case
from ..evaluate.values import ValueProblemError, from_written
from ..load.yaml_source import load_text


def parse_overrides(settings: list[str], case: Case, kb: KnowledgeBase
                    ) -> tuple[dict[str, Value], list[Diagnostic]]:
    vocabulary = kb.vocabularies[case.jurisdiction]
    changes: dict[str, Value] = {}
    problems: list[Diagnostic] = []
    for setting in settings:
        name, sep, written = setting.partition("=")
        name = name.strip().removeprefix("facts.")
        if not sep:
            problems.append(error("LX314", f"--set {setting!r} is not NAME=VALUE",
                                  hint="e.g. --set certificate_received_on=2019-03-08"))
            continue
        entry = vocabulary.facts.get(name)
        if entry is None:
            close = difflib.get_close_matches(name, list(vocabulary.facts), n=1, cutoff=0.6)
            problems.append(error(
                "LX314", f"--set {name}: there is no fact {name!r} in the vocabulary",
                hint=f"did you mean {close[0]!r}?" if close else
                f"the facts are declared in {vocabulary.file}"))
            continue
        doc, yaml_problems = load_text(f"v: {written}\n", "--set")
        if doc is None or yaml_problems:
            problems.append(error("LX314", f"--set {name}: {written!r} cannot be read",
                                  hint="write the value as in a case file"))
            continue
        try:
            changes[name] = from_written(doc.data["v"], entry.type)
        except ValueProblemError as exc:
            problems.append(error("LX314", f"--set {name}: {exc.message}",
                                  expected=f"a {entry.type}", hint=exc.hint))
    return changes, problems
