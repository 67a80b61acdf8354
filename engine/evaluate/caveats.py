"""Stage 4 (evaluate): what an answer rests on besides the law as written — the open legal
questions (``OQ-…`` ids of the coverage files) of the provisions behind it.

The coverage files list, for each open question, the rules whose encoding follows a reading
chosen meanwhile.  An answer that one of those rules gave, directly or through an output it
relied on, says so on the answer itself.  (An answer for which no provision is in force
because the date lies before the knowledge base's horizon says so in its message: see
``interpreter``.)
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


def index_open_questions(documents: Iterable[dict[str, Any]]) -> dict[str, list[OpenQuestion]]:
    """rule id → the open questions that name it, from coverage documents (plain data)."""
    index: dict[str, list[OpenQuestion]] = {}
    for doc in documents:
        for raw in doc.get("open_questions", []) or []:
            question = OpenQuestion(str(raw["id"]), str(raw["question"]).strip(),
                                    str(raw["reading_chosen"]).strip()
                                    if raw.get("reading_chosen") else None,
                                    tuple(raw.get("rules", []) or ()))
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
