"""``lexlux fmt``: rewrite a YAML file of lexlux in its canonical layout, comments kept.

The file is read with ruamel.yaml's round-trip loader (which keeps comments and the order of
keys) and written back with:

* the known keys of each mapping in the canonical order of :mod:`.layout`;
* block style for the body of a file (rule versions, conclusions, scenarios, coverage rows),
  flow style (``{from: "2019-01-01", to: "2019-01-09"}``) for a small mapping or list that fits
  on its line and holds no comment;
* indentation of 2 (lists indented under their key), lines of at most 100 characters;
* strings plain where YAML reads them back as the same text, else in double quotes — so dates
  (``"2019-01-01"``) and expressions that start with a quote (``"'abusive'"``) are quoted;
* a text too long for its line written as a folded block (``>-``), broken only at single
  spaces (expressions preferably before ``and``, ``or``, ``then``, ``else``), which YAML reads
  back letter for letter; a text with line breaks as a literal block (``|``).

The data a file holds is never changed (a test checks it on the bundled rules): formatting is
idempotent, and the compiled knowledge base is the same before and after.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from ..load.discover import file_kind
from .layout import BLOCK_ITEMS, FLOW_RECORDS, key_order

WIDTH = 100
INDENT = 2
_PYYAML_RESOLVER = pyyaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
#: keys whose texts are expressions: folded preferably before and, or, then, else, if
EXPRESSION_KEYS = frozenset({"when", "value", "reaches", "deadline", "from", "until", "where"})
_BREAK_WORDS = re.compile(r" (?=(?:and|or|then|else|if) )")


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps dates as their text (as lexlux's own loader does)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                             _Constructor.construct_yaml_str)


def _yaml() -> YAML:
    handler = YAML(typ="rt")
    handler.Constructor = _Constructor
    handler.width = 4096              # lexlux breaks long lines itself (folded blocks)
    handler.indent(mapping=INDENT, sequence=INDENT * 2, offset=INDENT)
    handler.preserve_quotes = False
    handler.allow_unicode = True
    return handler


@dataclass(frozen=True, slots=True)
class Formatted:
    text: str            # the canonical text
    changed: bool        # whether it differs from the input


class FormatError(Exception):
    """The file cannot be formatted (it is not valid YAML): line and column, 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def file_kind_of(path: Path, data: Any) -> str:
    """The kind of a file: scenario files (``tests/law``) are told by their content."""
    if isinstance(data, dict) and "scenarios" in data and "provision" in data:
        return "scenarios"
    return file_kind(path).value


def format_text(text: str, path: Path) -> Formatted:
    """The canonical layout of ``text`` (the content of ``path``)."""
    handler = _yaml()
    try:
        data = handler.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise FormatError(f"this is not valid YAML: {problem}",
                          mark.line + 1 if mark else 1, mark.column + 1 if mark else 1) from None
    if data is None:
        return Formatted(text, False)
    kind = file_kind_of(path, data)
    data = _Layout(kind).node(data, (), 0, "")
    out = io.StringIO()
    handler.dump(data, out)
    result = out.getvalue()
    return Formatted(result, result != text)


class _Layout:
    """Rewrites a loaded document in place.  Positions: ``col`` is the column where the key
    (or the dash of a list item) of a node stands, ``lead`` the text before the node's value
    on that line ("key:" or "-"); the root has neither."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def node(self, value: Any, path: tuple[str | int, ...], col: int, lead: str) -> Any:
        if isinstance(value, CommentedMap):
            return self.mapping(value, path, col, lead)
        if isinstance(value, CommentedSeq):
            return self.sequence(value, path, col, lead)
        if isinstance(value, str):
            names = [p for p in path if isinstance(p, str)]
            expression = bool(names) and (names[-1] in EXPRESSION_KEYS
                                          or (len(names) > 1 and names[-2] == "let"))
            return scalar(str(value), col + len(lead) + 1, col + INDENT, expression)
        return value

    def mapping(self, value: CommentedMap, path: tuple[str | int, ...], col: int,
                lead: str) -> CommentedMap:
        order = key_order(self.kind, path, [str(k) for k in value])
        if order is not None:
            rank = {name: i for i, name in enumerate(order)}
            keys = list(value)
            wanted = sorted(keys, key=lambda k: (rank.get(str(k), len(order)), keys.index(k)))
            if wanted != keys:
                for k in wanted:
                    value.move_to_end(k)
        inner = col + INDENT if path else 0
        for k in list(value):
            value[k] = self.node(value[k], (*path, str(k)), inner, f"{k}:")
        self.choose_style(value, path, col, lead)
        return value

    def sequence(self, value: CommentedSeq, path: tuple[str | int, ...], col: int,
                 lead: str) -> CommentedSeq:
        inner = col + INDENT if path else 0
        for i in range(len(value)):
            value[i] = self.node(value[i], (*path, i), inner, "-")
        self.choose_style(value, path, col, lead)
        return value

    def choose_style(self, value: CommentedMap | CommentedSeq, path: tuple[str | int, ...],
                     col: int, lead: str) -> None:
        names = [p for p in path if isinstance(p, str)]
        item_of = names[-1] if names and isinstance(path[-1], int) else None
        deep = len(path) >= 2 or (len(path) == 1 and (isinstance(value, CommentedSeq)
                                                      or path[0] in FLOW_RECORDS))
        flow = (deep and item_of not in BLOCK_ITEMS and len(value) > 0
                and not _has_comments(value)
                and not (isinstance(value, CommentedSeq)
                         and any(isinstance(v, CommentedMap) for v in value)))
        if flow:
            text = flow_text(value)
            flow = text is not None and col + len(lead) + 1 + len(text) <= WIDTH
        if flow:
            value.fa.set_flow_style()
            _quote_for_flow(value)
        else:
            value.fa.set_block_style()


def _quote_for_flow(value: CommentedMap | CommentedSeq) -> None:
    keys = list(value) if isinstance(value, CommentedMap) else range(len(value))
    for k in keys:
        child = value[k]
        if isinstance(child, CommentedMap | CommentedSeq):
            _quote_for_flow(child)
        elif isinstance(child, str) and not isinstance(child, DoubleQuotedScalarString) \
                and not plain_ok(str(child), flow=True):
            value[k] = DoubleQuotedScalarString(child)


def _has_comments(value: Any) -> bool:
    if isinstance(value, CommentedMap | CommentedSeq):
        ca = value.ca
        if ca.comment or any(any(t is not None for t in (item or ())) for item in
                             ca.items.values()) or getattr(ca, "end", None):
            return True
        children = value.values() if isinstance(value, CommentedMap) else value
        return any(_has_comments(child) for child in children)
    return False


def flow_text(value: Any) -> str | None:
    """The one-line flow form of ``value`` (None: it cannot be written on one line)."""
    if isinstance(value, CommentedMap | dict):
        parts = []
        for k, v in value.items():
            inner = flow_text(v)
            if inner is None:
                return None
            parts.append(f"{k}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, CommentedSeq | list):
        items = [flow_text(v) for v in value]
        if any(i is None for i in items):
            return None
        return "[" + ", ".join(str(i) for i in items) + "]"
    if isinstance(value, FoldedScalarString | LiteralScalarString):
        return None
    if isinstance(value, DoubleQuotedScalarString):
        return _double_quoted(str(value))
    if isinstance(value, str):
        return value if plain_ok(value, flow=True) else _double_quoted(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _double_quoted(text: str) -> str:
    import json
    return json.dumps(text, ensure_ascii=False)


def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` can be written without quotes and read back as the same text, by
    YAML 1.1 (lexlux, PyYAML) and 1.2 readers alike, in block (or ``flow``) context."""
    if not text or text != text.strip():
        return False
    analysis = pyyaml.emitter.Emitter(io.StringIO(), allow_unicode=True).analyze_scalar(text)
    if analysis.multiline or not (analysis.allow_flow_plain if flow
                                  else analysis.allow_block_plain):
        return False
    if flow and any(c in text for c in "{}[],"):
        return False
    tag: str = _PYYAML_RESOLVER.resolve(pyyaml.ScalarNode, text,  # type: ignore[no-untyped-call]
                                        (True, False))
    return tag == _STR


def scalar(text: str, column: int, indent: int, expression: bool = False) -> Any:
    """The canonical form of the string ``text`` whose value starts at ``column`` (0-based);
    a block scalar's lines would start at ``indent``."""
    if "\n" in text.removesuffix("\n"):
        if _literal_ok(text):
            return LiteralScalarString(text)
        return DoubleQuotedScalarString(text)
    written = text if plain_ok(text) else _double_quoted(text)
    if text.endswith("\n"):
        written += " " * WIDTH      # never on one line: a folded or literal block
    if column + len(written) <= WIDTH:
        return text if plain_ok(text) else DoubleQuotedScalarString(text)
    folds = fold_positions(text.removesuffix("\n"), WIDTH - indent, expression)
    if folds is None and text.endswith("\n") and _literal_ok(text):
        return LiteralScalarString(text)
    if folds is None:
        return text if plain_ok(text) else DoubleQuotedScalarString(text)
    folded = FoldedScalarString(text)
    folded.fold_pos = folds
    return folded


def _literal_ok(text: str) -> bool:
    lines = text.split("\n")
    return (not text.startswith((" ", "\n")) and all(line == line.rstrip() for line in lines)
            and all(_printable(line) for line in lines)
            and not text.endswith("\n\n"))


def _printable(text: str) -> bool:
    """No control character, tab or special line break (what a block scalar cannot hold)."""
    return not any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029\ufeff"
                   for c in text)


def fold_positions(text: str, width: int, expression: bool = False) -> list[int] | None:
    """Where to break ``text`` (indices of single spaces) so that no line is longer than
    ``width`` where it can (a word longer than the line stays whole); None when it cannot be
    folded without changing what YAML reads back."""
    if (text != text.strip() or not _printable(text) or "  " in text or width < 20):
        return None
    spaces = [m.start() for m in re.finditer(" ", text)]
    preferred = {m.start() for m in _BREAK_WORDS.finditer(text)} if expression else set()
    folds: list[int] = []
    start = 0
    while len(text) - start > width:
        fitting = [s for s in spaces if start < s <= start + width]
        if not fitting:
            later = [s for s in spaces if s > start]
            if not later:
                break
            fitting = [later[0]]
        nice = [s for s in fitting if s in preferred and s - start >= width * 2 // 3]
        cut = nice[-1] if nice else fitting[-1]
        folds.append(cut)
        start = cut + 1
    return folds


def format_file(path: Path) -> Formatted:
    """The canonical layout of the file at ``path``."""
    return format_text(path.read_text(encoding="utf-8"), path)
