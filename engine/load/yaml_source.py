"""Stage 1 (load): YAML text → :class:`SourceDocument` (plain data + a source map).

Only safe YAML is accepted.  Every value keeps its file, line, column and YAML path.
Conventions that protect drafters from silent wrong values:

* a key that appears twice in a mapping is an error (LX102), never "last one wins";
* dates stay strings (``2019-13-01`` is reported by the schema stage with its position,
  not as a bare ``ValueError``);
* only ``true``/``false`` are booleans: ``yes``, ``no``, ``on``, ``off`` stay strings, so
  the schema reports "expected a boolean" instead of reading ``no`` as ``False``;
* tags (``!!python/object`` …), anchors/aliases and merge keys are refused (LX103), a
  lone anchor without an alias too;
* the input limits of :mod:`lexlux.limits` apply: file size (LX105), digits of a number
  (LX106), nesting depth (LX107) and items of a list (LX108).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Span, error
from ..limits import Limits, current

if TYPE_CHECKING:
    # pyyaml is imported where a text is read (:func:`load_text`), not with this module:
    # a command on a cached knowledge base (`lexlux diff`) reads no YAML (20-40 ms)
    import yaml

PathKey = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}
_DECIMAL_INT = re.compile(r"^[-+]?[0-9]+$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def format_path(path: PathKey) -> str:
    """Render a path tuple as a JSONPath, like jsonschema's ``json_path``.

    >>> format_path(("versions", 1, "valid_from"))
    '$.versions[1].valid_from'
    >>> format_path(())
    '$'
    """
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}"
        else:
            out += "['" + part.replace("'", "\\'") + "']"
    return out


@dataclass
class SourceDocument:
    """A loaded YAML file: its data and where each value stands."""

    path: str                      # display path (repo-relative where possible)
    lines: list[str]
    data: Any
    spans: dict[PathKey, Span] = field(default_factory=dict)       # value spans
    key_spans: dict[PathKey, Span] = field(default_factory=dict)   # span of the key of an entry
    content_offset: dict[PathKey, int] = field(default_factory=dict)  # single-line scalars only

    def span_at(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while True:
            table = self.key_spans if key else self.spans
            if probe in table:
                return table[probe].with_path(format_path(tuple(path)))
            if key and probe in self.spans:
                return self.spans[probe].with_path(format_path(tuple(path)))
            if not probe:
                return Span(self.path, 1, 1, 1, 1, format_path(tuple(path)))
            probe = probe[:-1]

    def expression_span(self, path: PathKey, offset: int, length: int) -> Span:
        """Span of characters ``offset..offset+length`` inside the string scalar at ``path``."""
        base = self.span_at(path)
        inner = self.content_offset.get(tuple(path))
        if inner is None:
            return base
        return base.shifted(inner + offset, length)


class _Builder:
    def __init__(self, path: str, limits: Limits | None = None) -> None:
        self.doc_path = path
        self.limits = limits or current()
        self.diagnostics: list[Diagnostic] = []
        self.spans: dict[PathKey, Span] = {}
        self.key_spans: dict[PathKey, Span] = {}
        self.content_offset: dict[PathKey, int] = {}
        self._seen: set[int] = set()

    def span(self, node: yaml.Node, path: PathKey | None = None) -> Span:
        """The node's span; its YAML path only when ``path`` is given (the source map stores
        spans without it: :meth:`SourceDocument.span_at` adds it when asked)."""
        start, end = node.start_mark, node.end_mark
        return Span(self.doc_path, start.line + 1, start.column + 1, end.line + 1,
                    end.column + 1, "$" if path is None else format_path(path))

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        import yaml  # (imported by load_text already: a look-up in sys.modules)
        if id(node) in self._seen:
            self.diagnostics.append(error(
                "LX103", "anchors and aliases (&name / *name) are not accepted",
                self.span(node, path),
                hint="write the value out in full; each rule should be readable on its own"))
            return None
        self._seen.add(id(node))
        self.spans[path] = self.span(node)
        if len(path) > self.limits.max_depth:
            self.diagnostics.append(error(
                "LX107", f"the values nest more than {self.limits.max_depth} levels deep",
                self.span(node, path), expected=f"at most {self.limits.max_depth} levels of "
                "mappings and lists", hint="lexlux files nest a few levels only: check the "
                "indentation (limit max_depth, see docs/limits.md)"))
            return None
        if node.tag not in _STANDARD_TAGS:
            self.diagnostics.append(error(
                "LX103", f"the YAML tag {node.tag!r} is not accepted", self.span(node, path),
                hint="remove the tag: lexlux reads plain YAML only (no !!python/..., no !custom)"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > self.limits.max_list_items:
                self.diagnostics.append(error(
                    "LX108", f"the list has {len(node.value)} items, more than the limit of "
                    f"{self.limits.max_list_items}", self.span(node, path),
                    expected=f"at most {self.limits.max_list_items} items in one list",
                    hint="split the input, or raise the limit max_list_items (see "
                         "docs/limits.md)"))
                return None
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_path = (*path, key)
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(error(
                    "LX103", "merge keys (<<) are not accepted", self.span(key_node, key_path),
                    hint="write the keys out in full"))
                continue
            if key in first_seen:
                self.diagnostics.append(error(
                    "LX102", f"the key {key!r} appears twice in this mapping",
                    self.span(key_node, key_path), expected="each key at most once per mapping",
                    hint="YAML would silently keep only the last value; delete or merge one",
                    related=[("first written here", self.span(first_seen[key], key_path))]))
                continue
            first_seen[key] = key_node
            self.key_spans[key_path] = self.span(key_node)
            out[key] = self.build(value_node, key_path)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        text: str = node.value
        if node.style in (None, "", "'", '"') and node.start_mark.line == node.end_mark.line:
            self.content_offset[path] = 1 if node.style in ("'", '"') else 0
        if node.style not in (None, ""):
            return text  # quoted or block scalar: always a string
        tag = node.tag
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            low = text.lower()
            return {"true": True, "false": False}.get(low, text)
        if tag == "tag:yaml.org,2002:int":
            # decimal digits only: YAML 1.1 reads 010 as octal 8, a drafter means ten
            if not _DECIMAL_INT.match(text):
                return text
            if len(text.lstrip("+-")) > self.limits.max_number_digits:
                self.diagnostics.append(too_many_digits(text, self.span(node, path),
                                                        self.limits))
                return None
            return int(text, 10)
        if tag == "tag:yaml.org,2002:float":
            if len(text) > self.limits.max_number_digits:
                self.diagnostics.append(too_many_digits(text, self.span(node, path),
                                                        self.limits))
                return None
            try:
                return float(text.replace("_", ""))
            except ValueError:
                return text
        return text  # str and timestamp: dates stay strings


def too_many_digits(text: str, span: Span, limits: Limits) -> Diagnostic:
    """LX106: a number written with more digits than ``max_number_digits``."""
    return error("LX106", f"a number of {len(text)} characters, more than the limit of "
                 f"{limits.max_number_digits}", span,
                 expected=f"a number of at most {limits.max_number_digits} digits",
                 hint="check the value; no amount, count or rate of the law needs more digits "
                      "(limit max_number_digits, see docs/limits.md)")


def _loader() -> Any:
    """libyaml's safe loader when pyyaml has it (ten times faster; the same nodes and
    marks)."""
    import yaml
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _anchors(text: str, path: str) -> list[Diagnostic]:
    """LX103 for anchors (``&name``) that no alias uses: the builder only sees aliases."""
    if "&" not in text:
        return []
    import yaml
    found = []
    for event in yaml.parse(text, Loader=_loader()):
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            if mark is None:
                continue
            found.append(error(
                "LX103", f"anchors (&{anchor}) are not accepted",
                Span(path, mark.line + 1, mark.column + 1, mark.line + 1,
                     mark.column + 2 + len(anchor)),
                hint="remove the anchor; each rule should be readable on its own"))
    return found


def load_text(text: str, path: str) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Compose YAML ``text`` into a :class:`SourceDocument` with a source map."""
    import yaml
    lines = text.splitlines()
    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        span = Span(path, line, col, line, col + 1, "$")
        return None, [error("LX101", f"this is not valid YAML: {problem}{context}", span,
                            hint=_yaml_hint(problem))]
    except yaml.YAMLError as exc:
        return None, [error("LX101", f"this is not valid YAML: {exc}", Span(path, 1, 1, 1, 1))]
    if root is None:
        return SourceDocument(path, lines, None), []
    builder = _Builder(path)
    data = builder.build(root, ())
    doc = SourceDocument(path, lines, data, builder.spans, builder.key_spans,
                         builder.content_offset)
    if any(d.code == "LX103" for d in builder.diagnostics):
        return doc, builder.diagnostics      # (an alias is reported where it is used)
    return doc, builder.diagnostics + _anchors(text, path)


def _yaml_hint(problem: str) -> str:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:  # (pyyaml and libyaml wordings)
        return "a value containing ': ' must be quoted, e.g. title: \"Art. 9: ...\""
    if "could not find expected ':'" in problem:
        return "each line of a mapping needs 'key: value'; check the indentation of this line"
    return "check the indentation and quoting on this line and the one before it"


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based; the column counts bytes) of ``offset`` in ``raw``.

    >>> byte_position(b"ab\\ncd", 4)
    (2, 2)
    """
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def file_too_large(display: str, limits: Limits) -> Diagnostic:
    """LX105: an input file larger than ``max_file_bytes``."""
    return error("LX105", f"the file is larger than the limit of {limits.max_file_bytes} bytes",
                 Span(display, 1, 1, 1, 1),
                 expected=f"a file of at most {limits.max_file_bytes} bytes",
                 hint="split the file, or raise the limit max_file_bytes (see docs/limits.md)")


def load_file(file: Path, display: str) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Read and compose one file; unreadable files become LX104 diagnostics, files larger
    than the limit ``max_file_bytes`` LX105."""
    limits = current()
    try:
        with file.open("rb") as handle:     # never more than the limit (also /dev/zero)
            raw = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        return None, [error("LX104", f"the file cannot be read: {exc.strerror}",
                            Span(display, 1, 1, 1, 1))]
    return load_bytes(raw, display)


def load_bytes(raw: bytes, display: str) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Decode (UTF-8, LX104 at the first bad byte) and compose the bytes of a file."""
    limits = current()
    if len(raw) > limits.max_file_bytes:
        return None, [file_too_large(display, limits)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(raw, exc.start)
        return None, [error("LX104", f"the file is not UTF-8 text ({exc.reason})",
                            Span(display, line, column, line, column + 1),
                            hint="save the file as UTF-8")]
    return load_text(text, display)
