"""What-if: the facts an output can read, from the compiled rules (the dependency graph).

Every version of every rule that concludes the output is followed (whatever the dates), and
through the outputs those versions rely on, down to facts: the facts a population needs so
that no output is left "cannot be answered" only because the generator never gives a fact.
A rule's ``selected_by`` fact counts (its version is chosen by it).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..compile.model import KnowledgeBase
from ..compile.refs import version_refs


def facts_needed(kb: KnowledgeBase, jurisdiction: str, outputs: Iterable[str]) -> list[str]:
    """The facts ``outputs`` can read (directly or through other outputs), in vocabulary order."""
    vocabulary = kb.vocabularies[jurisdiction]
    facts: set[str] = set()
    seen: set[str] = set()
    todo = list(outputs)
    while todo:
        output = todo.pop()
        if output in seen:
            continue
        seen.add(output)
        for rule in kb.rules_concluding(jurisdiction, output):
            if rule.selected_by:
                facts.add(rule.selected_by)
            for version in rule.versions:
                for ref in version_refs(version):
                    if ref.kind == "fact":
                        facts.add(ref.target)
                    elif ref.kind == "output" and ref.target not in seen:
                        todo.append(ref.target)
    return [name for name in vocabulary.facts if name in facts]
