"""What-if: ``--set NAME=VALUE`` changes to a case's facts, checked against the vocabulary.

VALUE is read as YAML, so dates, numbers, booleans and lists of periods are written as in a
case file: ``--set certificate_received_on=2019-03-08``,
``--set incapacity=[{from: 2019-03-01, to: 2019-03-20}]``.
"""

from __future__ import annotations

import difflib

from ..calendar.periods import check_periods
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
        if "\n" in written or "\r" in written:
            problems.append(error("LX314", f"--set {name}: the value has a line break",
                                  expected="a value on one line",
                                  hint="write lists inline, e.g. "
                                       "--set incapacity=[{from: 2019-03-01, to: 2019-03-20}]"))
            continue
        doc, yaml_problems = load_text(f"v: {written}\n", "--set")
        if doc is None or yaml_problems:
            limit = [p for p in yaml_problems if p.code in ("LX106", "LX107", "LX108")]
            problems.append(limit[0] if limit else error(
                "LX314", f"--set {name}: {_shown(written)} cannot be read",
                hint="write the value as in a case file"))
            continue
        if not isinstance(doc.data, dict) or set(doc.data) != {"v"}:
            problems.append(error("LX314", f"--set {name}: {_shown(written)} is not one value",
                                  hint="quote a value that contains ': ' or '#'"))
            continue
        try:
            value = from_written(doc.data["v"], entry.type)
        except ValueProblemError as exc:
            problems.append(error("LX314", f"--set {name}: {exc.message}",
                                  expected=f"a {entry.type}", hint=exc.hint))
            continue
        if entry.type.kind == "periods":
            periods_problems = check_periods(value)
            if periods_problems:
                problems.append(error("LX405", f"--set {name}: {periods_problems[0]}",
                                      hint="each period runs from its first to its last day "
                                           "(both included); periods must not overlap"))
                continue
        changes[name] = value
    return changes, problems


def _shown(written: str) -> str:
    return repr(written if len(written) <= 80 else written[:77] + "...")
