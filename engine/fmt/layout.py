"""The canonical key order of each kind of mapping in lexlux files.

A mapping is recognised by the file's kind and the key it stands under; its known keys are
written in the order below, unknown keys after them in their written order.  Mappings whose
order means something (``let``: a name may use the names above it) or is the drafter's choice
(the facts of a vocabulary, the aliases of ``parameters``) are never reordered.
"""

from __future__ import annotations

TEXT = ("fr", "de", "en", "nl")
ACT = ("act", "date", "eli")
CITATION = ("instrument", "article", "paragraph", "alinea", "point", "eli")
SOURCE = ("file", "lines", "excerpt", "excerpt_line", "summary")
PERIOD = ("from", "to", "note")

RULE = ("$schema", "id", "jurisdiction", "citation", "title", "authority", "reading",
        "selected_by", "continuous", "versions")
VERSION = ("valid_from", "valid_from_basis", "published_on", "amended_by", "retroactive",
           "repealed", "transitional", "source", "notes", "parameters", "let", "exception_to",
           "disapplies", "when", "then")
CONCLUSION = ("output", "when", "value", "deadline", "from", "until", "each_month")
PARAMETER = ("title", "type", "unit", "citation", "notes", "values")
PARAMETER_VALUE = ("from", "value", "valid_from_basis", "amended_by", "source", "notes")
VOCABULARY_ENTRY = ("type", "values", "of", "holder", "unit", "total", "description",
                    "question")
SCENARIO_FILE = ("provision", "checked_against", "jurisdiction", "scenarios")
SCENARIO = ("name", "cites", "as_of", "law_as_of", "reading", "facts", "derived", "expect",
            "expect_missing", "expect_conflict", "expect_version", "notes")

#: top-level order per file kind
TOP = {
    "rule": RULE,
    "parameters": ("$schema", "jurisdiction", "parameters"),
    "vocabulary": ("$schema", "jurisdiction", "holidays", "facts", "outputs"),
    "case": ("$schema", "case", "jurisdiction", "as_of", "facts", "derived"),
    "query": ("$schema", "case", "as_of", "law_as_of", "outputs", "reading", "overrides",
              "solve"),
    "reform": ("$schema", "reform", "jurisdiction", "parameters", "versions", "repeal",
               "rules"),
    "coverage": ("$schema", "jurisdiction", "instrument", "source", "articles",
                 "open_questions"),
    "scenarios": SCENARIO_FILE,
}

#: order by the key a mapping stands under (or the key of the list it is an item of)
BY_PARENT = {
    "citation": CITATION, "title": TEXT, "description": TEXT, "question": TEXT,
    "amended_by": ACT, "by": ACT, "source": SOURCE, "repealed": ("on", "by"),
    "transitional": ("reaches", "text"), "exception_to": ("rule", "outputs"),
    "disapplies": ("rule", "when"), "each_month": ("from", "until"),
    "selected_by": ("fact", "if_missing"), "versions": VERSION, "then": CONCLUSION,
    "articles": ("article", "paragraph", "lines", "status", "rules", "missing", "reason"),
    "open_questions": ("id", "question", "lines", "rules", "outputs", "rule_versions",
                       "reading_chosen"),
    "scenarios": SCENARIO, "solve": ("mode", "where", "fact", "vary", "from", "until"),
}

#: keys whose mapping is never reordered (its order is meaningful or the drafter's)
KEEP_ORDER = frozenset({"let", "facts", "outputs", "parameters", "derived", "expect",
                        "expect_version", "overrides"})

#: collections whose items are always written as blocks (the body of a file)
BLOCK_ITEMS = frozenset({"versions", "then", "scenarios", "articles", "open_questions"})

#: top-level records written on one line when they fit (``citation: {instrument: ...}``)
FLOW_RECORDS = frozenset({"citation", "title", "source", "selected_by"})


def key_order(kind: str, path: tuple[str | int, ...], keys: list[str]) -> tuple[str, ...] | None:
    """The canonical order for a mapping with ``keys`` at ``path`` in a file of ``kind``."""
    if not path:
        return TOP.get(kind)
    names = [p for p in path if isinstance(p, str)]
    parent = names[-1] if names else ""
    if kind == "parameters" and len(path) == 2 and path[0] == "parameters":
        return PARAMETER
    if kind == "parameters" and parent == "values":
        return PARAMETER_VALUE
    if kind == "vocabulary" and len(path) == 2 and path[0] in ("facts", "outputs"):
        return VOCABULARY_ENTRY
    if kind == "vocabulary" and parent == "of":
        return VOCABULARY_ENTRY
    if parent in KEEP_ORDER and isinstance(path[-1], str):
        if set(keys) <= set(PERIOD):
            return PERIOD
        return None
    if parent in BY_PARENT:
        return BY_PARENT[parent]
    if set(keys) <= set(PERIOD):
        return PERIOD
    return None
