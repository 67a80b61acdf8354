"""Stage 4 (evaluate): the explanation tree — why each output has its value.

A :class:`TraceNode` is one conclusion: the rule version and citation that gave it, how
that version was chosen, the facts and parameters it read (with their values) and the
outputs it relied on (each with its own node).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..compile.model import Citation, RuleVersion


@dataclass
class ParameterUse:
    id: str
    value: Any
    value_from: str          # date from which this value holds
    amended_by: str


@dataclass(init=False)
class TraceNode:
    output: str
    value: Any
    rule_id: str
    version: RuleVersion
    citation: Citation
    selection: str            # how the version was chosen, in words
    facts: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, ParameterUse] = field(default_factory=dict)
    uses: list[str] = field(default_factory=list)      # outputs relied on
    prevails_over: list[str] = field(default_factory=list)   # rules this one is an exception to
    held: list[str] = field(default_factory=list)      # conditions that held (disapplication)
    why_false: Any = None     # (condition, env) of a "no", kept to explain it when asked

    def __init__(self, output: str, value: Any, rule_id: str, version: RuleVersion,
                 citation: Citation, selection: str, facts: dict[str, Any] | None = None,
                 parameters: dict[str, ParameterUse] | None = None,
                 uses: list[str] | None = None, prevails_over: list[str] | None = None,
                 held: list[str] | None = None, why_false: Any = None,
                 decided_without: list[str] | None = None) -> None:
        # the dataclass's own __init__, written out: a node is made for every conclusion
        # considered, and the generated one calls a factory per default
        self.output = output
        self.value = value
        self.rule_id = rule_id
        self.version = version
        self.citation = citation
        self.selection = selection
        self.facts = {} if facts is None else facts
        self.parameters = {} if parameters is None else parameters
        self.uses = [] if uses is None else uses
        self.prevails_over = [] if prevails_over is None else prevails_over
        self.held = [] if held is None else held
        self.why_false = why_false
        self.decided_without = [] if decided_without is None else decided_without

    @property
    def false(self) -> list[str]:
        """The parts of the condition that were false (worked out only for an explanation)."""
        if self.why_false is None:
            return []
        from .conditions import false_parts
        condition, env = self.why_false
        # a scratch node: what the explanation reads is not added to this node's trace
        env.node = TraceNode(self.output, None, self.rule_id, self.version, self.citation,
                             self.selection)
        try:
            parts: list[str] = false_parts(condition, env)
        except ReferenceError:      # the evaluation is gone (only its results were kept)
            return [condition.text]
        return parts
    decided_without: list[str] = field(default_factory=list)  # missing, but not needed (Kleene)

    @property
    def version_id(self) -> str:
        return self.version.id
