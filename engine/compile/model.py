"""The compiled knowledge base (IR) read by the evaluator and the verifier (leaf module).

Every node keeps its :class:`Span`, and every rule version its :class:`Citation`, so that
explanations, errors and solver findings cite the law with no extra work.  Runtime values
are plain Python: ``bool``, ``int``, :class:`fractions.Fraction` (decimals, percentages,
money in euros), :class:`datetime.date`, :class:`Duration`, :class:`Months`, ``str``
(enum values), ``tuple[Period, ...]``, :class:`Deontic` and :class:`Timeline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..calendar.periods import Period as Period  # re-exported: the IR's periods are the calendar's
from ..diagnostics import Span

if TYPE_CHECKING:
    from .events_model import Derivation, EventType

# --------------------------------------------------------------------------- types

SCALAR_KINDS = ("boolean", "integer", "decimal", "percentage", "money", "date", "duration",
                "months", "enum")
NUMERIC_KINDS = ("integer", "decimal", "percentage")
DEONTIC_KINDS = ("obligation", "prohibition", "right")


@dataclass(frozen=True, slots=True)
class Type:
    kind: str                       # one of SCALAR_KINDS, "periods", DEONTIC_KINDS, "timeline",
    values: tuple[str, ...] = ()    # enum values                    # or "string" (literals)
    of: Type | None = None          # timeline value type

    def __str__(self) -> str:
        if self.kind == "enum" and self.values:
            return "enum {" + ", ".join(self.values) + "}"
        if self.kind == "timeline" and self.of:
            return f"timeline of {self.of}"
        return self.kind


BOOLEAN = Type("boolean")
INTEGER = Type("integer")
DECIMAL = Type("decimal")
PERCENTAGE = Type("percentage")
MONEY = Type("money")
DATE = Type("date")
DURATION = Type("duration")
MONTHS = Type("months")
PERIODS = Type("periods")
STRING = Type("string")


# -------------------------------------------------------------------------- values

@dataclass(frozen=True, slots=True, order=True)
class Duration:
    """A number of calendar days."""

    days: int

    def __str__(self) -> str:
        return f"{self.days} days"


@dataclass(frozen=True, slots=True, order=True)
class Months:
    """A number of calendar months (not convertible to days without a policy)."""

    count: int

    def __str__(self) -> str:
        return f"{self.count} months"


@dataclass(frozen=True, slots=True)
class Deontic:
    """An obligation, prohibition or right, with its holder and dates."""

    kind: str
    holder: str
    deadline: date | None = None
    start: date | None = None
    end: date | None = None

    def __str__(self) -> str:
        if self.kind == "obligation":
            return f"obligation of the {self.holder}, at the latest on {self.deadline}"
        return f"{self.kind} of the {self.holder} from {self.start} until {self.end}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Dated intervals, each with a value: ((start, end, value), ...)."""

    entries: tuple[tuple[date, date, Any], ...]


Value = bool | int | Fraction | date | Duration | Months | str | tuple[Period, ...] | Deontic \
    | Timeline

# --------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Expr:
    span: Span


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    value: Any
    type: Type


@dataclass(frozen=True, slots=True)
class Name(Expr):
    """A name as written; the compiler turns it into a :class:`Ref`."""

    name: str


@dataclass(frozen=True, slots=True)
class Ref(Expr):
    """A resolved reference: kind is fact, output, parameter, local or month."""

    kind: str
    target: str          # fact/output name, parameter id, local name
    type: Type
    field: str | None = None   # deontic field: deadline, from, until


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class IfThenElse(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Typed:
    """A compiled expression with its type and the source text it came from."""

    expr: Expr
    type: Type
    text: str


# ------------------------------------------------------------------------ the law


@dataclass(frozen=True, slots=True)
class Citation:
    instrument: str
    article: str
    paragraph: str | None = None
    alinea: str | None = None
    point: str | None = None
    eli: str | None = None

    def __str__(self) -> str:
        out = f"{self.instrument}, art. {self.article}"
        if self.paragraph:
            out += f", paragraph {self.paragraph}"
        if self.alinea:
            out += f", alinéa {self.alinea}"
        if self.point:
            out += f", {self.point}"
        return out


@dataclass(frozen=True, slots=True)
class Act:
    name: str
    date: date
    eli: str | None = None

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class SourceRef:
    file: str
    first_line: int
    last_line: int
    excerpt: str
    excerpt_line: int
    summary: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Conclusion:
    output: str
    when: Typed | None
    value: Typed | None
    deadline: Typed | None
    start: Typed | None
    end: Typed | None
    each_month: tuple[Typed, Typed] | None
    span: Span


@dataclass(frozen=True, slots=True)
class ExceptionRef:
    rule: str
    outputs: tuple[str, ...]     # empty: every output both conclude
    span: Span


@dataclass(frozen=True, slots=True)
class Disapplication:
    """``disapplies:`` — while this version applies (its ``when`` and this ``when`` hold),
    the rule ``rule`` does not apply to the case: none of its conclusions is considered."""

    rule: str                 # a rule id, or the id of an article: every rule under it
    when: Typed | None
    span: Span

    def covers(self, rule_id: str) -> bool:
        """Whether the rule ``rule_id`` is disapplied: it is the rule named, or a rule of
        the article named (``lu.code_du_travail.L121-6.p3`` covers ``...L121-6.p3.a1``)."""
        return rule_id == self.rule or rule_id.startswith(self.rule + ".")


class InForce:
    """A version in time: its id (``RULE@DATE``) and the days it is in force (from
    ``valid_from`` to the day before ``valid_until``).  Shared by rule and derivation
    versions."""

    __slots__ = ()
    rule_id: str
    valid_from: date
    valid_until: date | None            # exclusive

    @property
    def id(self) -> str:
        return f"{self.rule_id}@{self.valid_from.isoformat()}"

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@dataclass(frozen=True, slots=True)
class RuleVersion(InForce):
    rule_id: str
    index: int
    valid_from: date
    valid_until: date | None          # exclusive: the next version's start or the repeal date
    amended_by: Act | None            # None only when valid_from_basis is "horizon"
    valid_from_basis: str             # stated | inferred | horizon
    published_on: date | None
    retroactive: bool
    repealed: tuple[date, Act] | None
    transitional: tuple[Typed, str] | None
    sources: tuple[SourceRef, ...]
    notes: str | None
    parameters: dict[str, str]        # short name -> parameter id
    lets: tuple[tuple[str, Typed], ...]
    exceptions: tuple[ExceptionRef, ...]
    when: Typed | None
    conclusions: tuple[Conclusion, ...]
    span: Span
    disapplications: tuple[Disapplication, ...] = ()
    inherited: tuple[str, ...] = ()    # keys taken from the previous version (lighter versions)



@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    jurisdiction: str
    citation: Citation
    title: dict[str, str]
    authority: str
    reading: str | None
    selected_by: str | None
    continuous: bool
    versions: tuple[RuleVersion, ...]
    file: str
    span: Span
    selected_if_missing: str = "missing"      # or "not_applicable"

    def version_on(self, day: date) -> RuleVersion | None:
        for version in self.versions:
            if version.in_force_on(day):
                return version
        return None

    @property
    def outputs(self) -> frozenset[str]:
        return frozenset(c.output for v in self.versions for c in v.conclusions)


#: Rank of authorities, highest first (lex superior).
AUTHORITY_RANK = ("constitution", "law", "regulation", "statuts", "official_guidance",
                  "commentary")


class UnknownValue:
    """A parameter value no source gives (e.g. the minimum wage): written ``value: unknown``.
    An output that needs it is reported as not answerable for lack of that value."""

    _instance: UnknownValue | None = None

    def __new__(cls) -> UnknownValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = UnknownValue()


@dataclass(frozen=True, slots=True)
class ParameterValue:
    start: date
    value: Any | None         # None: repealed from this date
    amended_by: Act | None    # None only when the date is the knowledge base's horizon
    span: Span


@dataclass(frozen=True, slots=True)
class Parameter:
    id: str
    jurisdiction: str
    title: dict[str, str]
    type: Type
    unit: str | None
    citation: Citation
    values: tuple[ParameterValue, ...]
    span: Span

    def value_on(self, day: date) -> ParameterValue | None:
        current = None
        for value in self.values:
            if value.start <= day:
                current = value
        return current


@dataclass(frozen=True, slots=True)
class VocabularyEntry:
    name: str
    role: str                       # "fact" or "output"
    type: Type
    description: dict[str, str]
    question: dict[str, str] | None
    holder: str | None
    total: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Vocabulary:
    jurisdiction: str
    facts: dict[str, VocabularyEntry]
    outputs: dict[str, VocabularyEntry]
    holidays: str
    file: str

    def lookup(self, name: str) -> VocabularyEntry | None:
        return self.facts.get(name) or self.outputs.get(name)


@dataclass(slots=True)
class KnowledgeBase:
    """The compiled law: rules, parameters and vocabularies (plus the dependency graph)."""

    rules: dict[str, Rule] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    graph: Any = None   # networkx.DiGraph, built by compile.graph
    invariants: dict[str, Any] = field(default_factory=dict)   # compile.invariants.Invariant
    total_when: dict[tuple[str, str], Any] = field(default_factory=dict)  # (jurisdiction, output)
    _concluding: dict[tuple[str, str], list[Rule]] | None = None
    #: event types by jurisdiction and name, and the rules deriving facts from events
    event_types: dict[str, dict[str, EventType]] = field(default_factory=dict)
    derivations: dict[str, Derivation] = field(default_factory=dict)

    def rules_concluding(self, jurisdiction: str, output: str) -> list[Rule]:
        """The rules that conclude ``output`` (indexed on first use; the IR is not mutated
        after compilation — a reform compiles a new knowledge base)."""
        if self._concluding is None:
            index: dict[tuple[str, str], list[Rule]] = {}
            for rule in self.rules.values():
                for name in sorted(rule.outputs):
                    index.setdefault((rule.jurisdiction, name), []).append(rule)
            self._concluding = index
        return list(self._concluding.get((jurisdiction, output), ()))
