"""Stage 4 (evaluate): what an answer rests on besides the law as written — the open legal
questions (``OQ-…`` ids of the coverage files) of the provisions behind it.

The coverage files list, for each open question, the rules whose encoding follows a reading
chosen meanwhile and, optionally, the outputs (``outputs:``) and the rule versions
(``rule_versions:``, their ``valid_from`` dates) it bears on.  An answer that one of those
rules gave — for one of those outputs, by one of those versions, when the question says
which —, directly or through an output it relied on, says so on the answer itself; a question
about another output of the same rule (a guide point beside the law's ban, say) is not shown
on it.  (An answer for which no provision is in force because the date lies before the
knowledge base's horizon says so in its message: see ``interpreter``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .interpreter import Outcome, OutputResult
from .trace import TraceNode


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    id: str
    question: str
    meanwhile: str | None
    rules: tuple[str, ...]
    outputs: tuple[str, ...] = ()     # empty: every output of its rules
    versions: tuple[str, ...] = ()    # valid_from dates (ISO); empty: every version

    def bears_on(self, node: TraceNode) -> bool:
        """Whether the question bears on the conclusion ``node`` (a rule it names is assumed)."""
        return ((not self.outputs or node.output in self.outputs)
                and (not self.versions
                     or node.version.valid_from.isoformat() in self.versions))


def index_open_questions(documents: Iterable[dict[str, Any]]) -> dict[str, list[OpenQuestion]]:
    """rule id → the open questions that name it, from coverage documents (plain data)."""
    index: dict[str, list[OpenQuestion]] = {}
    for doc in documents:
        for raw in doc.get("open_questions", []) or []:
            question = OpenQuestion(str(raw["id"]), str(raw["question"]).strip(),
                                    str(raw["reading_chosen"]).strip()
                                    if raw.get("reading_chosen") else None,
                                    tuple(raw.get("rules", []) or ()),
                                    tuple(str(o) for o in raw.get("outputs", []) or ()),
                                    tuple(str(v) for v in raw.get("rule_versions", []) or ()))
            for rule in question.rules:
                index.setdefault(rule, []).append(question)
    return index


def open_questions(outcome: Outcome, result: OutputResult,
                   index: dict[str, list[OpenQuestion]]) -> list[OpenQuestion]:
    """The open questions behind ``result``'s value, in the order the trace meets them."""
    found: dict[str, OpenQuestion] = {}
    seen: set[str] = set()

    def visit(node: TraceNode) -> None:
        for question in index.get(node.rule_id, ()):
            if question.bears_on(node):
                found.setdefault(question.id, question)
        for used in node.uses:
            if used in seen:
                continue
            seen.add(used)
            child = outcome.result(used)
            if child is not None and child.status == "value":
                for sub in child.trace:
                    visit(sub)

    for node in result.trace:
        visit(node)
    return list(found.values())
