"""The knowledge base as the workbench serves it: loaded once, with its identity and indexes.

Input: a :class:`~lexlux.pipeline.LoadResult`.  Output: plain data for the API and the pages —
rules by instrument and article, parameter histories, scenarios naming each rule, coverage rows
and open questions per rule.  Nothing here depends on HTTP.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from .. import __version__
from ..compile.model import Duration, Months, Parameter, Rule, UnknownValue
from ..evaluate.values import exact_decimal, to_json
from ..pipeline import LoadResult, load_knowledge_base
from ..report.coverage import coverage_documents


def content_hash(loaded: LoadResult) -> str:
    """The SHA-256 of the rule files' bytes, in path order (the knowledge base's identity)."""
    digest = hashlib.sha256()
    for file in sorted(loaded.files, key=lambda f: f.display):
        digest.update(file.display.encode("utf-8") + b"\0")
        try:
            digest.update(Path(file.path).read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


@dataclass
class Workbench:
    """A loaded knowledge base and what the pages ask of it."""

    loaded: LoadResult
    kb_hash: str = ""
    engine_version: str = __version__
    scenarios_dir: Path | None = None
    #: folder of the legal sources (their text is shown around the cited lines), if given
    sources_dir: Path | None = None
    verify_cache: dict[str, Any] = field(default_factory=dict)
    #: the accepted findings of the audit (``audit/accepted.yaml`` beside the rules)
    accepted_path: Path | None = None
    #: the largest Z3 resource limit a request may ask for (default: verify's own)
    max_rlimit: int | None = None
    #: the most persons one batch job evaluates
    max_batch: int = 100_000
    #: ``lexlux serve --diff-cache DIR``: the folder keeping each output's diff
    #: (checks/diff_cache.py), shared by the server's processes; None: none
    diff_cache: Path | None = None
    _scenarios: dict[str, list[dict[str, Any]]] | None = None

    def __post_init__(self) -> None:
        if not self.kb_hash:
            self.kb_hash = content_hash(self.loaded)

    @classmethod
    def load(cls, rules: list[Path] | None = None, scenarios_dir: Path | None = None,
             sources_dir: Path | None = None) -> Workbench:
        """Load the rules (default: the bundled ones) and, when given, the scenario folder
        and the folder of the legal sources."""
        from ..verify.checks.accepted import default_path
        return cls(load_knowledge_base(rules), scenarios_dir=scenarios_dir,
                   sources_dir=sources_dir, accepted_path=default_path(rules))

    @property
    def kb(self) -> Any:
        return self.loaded.kb

    def identity(self) -> dict[str, str]:
        return {"engine_version": self.engine_version, "kb_hash": self.kb_hash}

    # -- rules and instruments -------------------------------------------------------------

    def instruments(self) -> dict[str, dict[str, list[Rule]]]:
        """``{instrument: {article: [rules]}}`` in a stable order."""
        out: dict[str, dict[str, list[Rule]]] = defaultdict(lambda: defaultdict(list))
        for rule in sorted(self.kb.rules.values(), key=lambda r: r.id):
            key = f"{rule.citation.instrument} ({rule.jurisdiction})"
            out[key][rule.citation.article].append(rule)
        return {k: dict(sorted(v.items(), key=lambda kv: _article_key(kv[0])))
                for k, v in sorted(out.items())}

    def rule_summary(self, rule: Rule) -> dict[str, Any]:
        return {"id": rule.id, "jurisdiction": rule.jurisdiction,
                "citation": cite(rule), "title": rule.title, "authority": rule.authority,
                "reading": rule.reading, "outputs": sorted(rule.outputs)}

    def rule_detail(self, rule: Rule) -> dict[str, Any]:
        versions = []
        for v in rule.versions:
            versions.append({
                "id": f"{rule.id}@{v.valid_from.isoformat()}",
                "valid_from": v.valid_from.isoformat(),
                "valid_until": v.valid_until.isoformat() if v.valid_until else None,
                "valid_from_basis": v.valid_from_basis,
                "amended_by": ({"name": v.amended_by.name, "date": v.amended_by.date.isoformat()}
                               if v.amended_by else None),
                "repealed": v.repealed[0].isoformat() if v.repealed else None,
                "notes": v.notes,
                "sources": [{"file": s.file, "lines": [s.first_line, s.last_line],
                             "excerpt": s.excerpt, "summary": s.summary,
                             "text": self.source_text(s.file, s.first_line, s.last_line)}
                            for s in v.sources],
                "parameters": dict(v.parameters),
                "when": v.when.text if v.when else None,
                "lets": [{"name": n, "expression": t.text} for n, t in v.lets],
                "conclusions": [_conclusion(c) for c in v.conclusions],
                "exceptions": [{"rule": e.rule, "outputs": list(e.outputs)}
                               for e in v.exceptions],
            })
        return {**self.rule_summary(rule), "file": rule.file, "selected_by": rule.selected_by,
                "versions": versions, "depends_on": self.neighbours(rule.id, "in"),
                "used_by": self.neighbours(rule.id, "out"),
                "scenarios": self.scenarios_naming(rule.id),
                "coverage": self.coverage_rows(rule.id),
                "open_questions": self.open_questions_of(rule.id)}

    def source_text(self, file: str, first: int, last: int, around: int = 2
                    ) -> list[dict[str, Any]]:
        """The lines ``first``-``last`` of a source file (and ``around`` lines either side),
        each marked ``cited`` or not; empty when no sources folder is configured."""
        if self.sources_dir is None:
            return []
        lines = self._source_lines(file)
        start, end = max(1, first - around), min(len(lines), last + around)
        return [{"line": n, "text": lines[n - 1], "cited": first <= n <= last}
                for n in range(start, end + 1)]

    def _source_lines(self, file: str) -> list[str]:
        cache = self.verify_cache.setdefault("\0sources", {})
        if file not in cache:
            path = (self.sources_dir or Path()) / Path(file).name   # no path from the rules
            try:
                cache[file] = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                cache[file] = []
        lines: list[str] = cache[file]
        return lines

    def neighbours(self, rule_id: str, direction: str) -> list[str]:
        """Rules this rule relies on (``in``: it reads an output they conclude, is an
        exception to them, or is disapplied by them) or that rely on it (``out``)."""
        graph = self.rule_graph()
        found = graph.depends_on(rule_id) if direction == "in" else graph.used_by(rule_id)
        return sorted(found)

    def rule_graph(self) -> Any:
        from .graph_view import rule_graph
        if "\0rule-graph" not in self.verify_cache:
            self.verify_cache["\0rule-graph"] = rule_graph(self.kb)
        return self.verify_cache["\0rule-graph"]

    # -- parameters --------------------------------------------------------------------------

    def parameter_detail(self, param: Parameter) -> dict[str, Any]:
        history = []
        for value in param.values:
            history.append({
                "from": value.start.isoformat(),
                "value": None if value.value is None else _param_value(value.value, param),
                "shown": shown_parameter_value(value.value, param),
                "amended_by": ({"name": value.amended_by.name,
                                "date": value.amended_by.date.isoformat()}
                               if value.amended_by else None),
            })
        users = sorted(rule.id for rule in self.kb.rules.values()
                       if any(param.id in v.parameters.values() for v in rule.versions))
        return {"id": param.id, "jurisdiction": param.jurisdiction, "title": param.title,
                "unit": param.unit, "type": param.type.kind,
                "citation": _citation_text(param.citation), "history": history,
                "used_by": users}

    # -- scenarios, coverage, open questions --------------------------------------------------

    def scenarios_naming(self, rule_id: str) -> list[dict[str, Any]]:
        """The scenarios (tests/law files) whose ``provision`` names this rule."""
        if self._scenarios is None:
            self._scenarios = _scenario_index(self.scenarios_dir)
        return self._scenarios.get(rule_id, [])

    def coverage_rows(self, rule_id: str) -> list[dict[str, Any]]:
        rows = []
        for doc in coverage_documents(self.loaded):
            for article in doc["articles"]:
                if rule_id in article.get("rules", []):
                    rows.append({"instrument": doc["instrument"], "article": article["article"],
                                 "status": article["status"],
                                 "missing": article.get("missing") or article.get("reason")})
        return rows

    def open_questions(self) -> list[dict[str, Any]]:
        out = []
        for doc in coverage_documents(self.loaded):
            for q in doc.get("open_questions", []):
                out.append({"instrument": doc["instrument"], **q})
        return out

    def open_questions_of(self, rule_id: str) -> list[dict[str, Any]]:
        return [q for q in self.open_questions() if rule_id in q.get("rules", [])]

    # -- search ------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[dict[str, str]]:
        """Rules, parameters, facts and outputs whose id, article, title or excerpt match."""
        words = [w for w in query.lower().split() if w]
        if not words:
            return []
        hits: list[dict[str, str]] = []
        for rule in sorted(self.kb.rules.values(), key=lambda r: r.id):
            text = " ".join([rule.id, rule.citation.article, *rule.title.values(),
                             *rule.outputs,
                             *(s.excerpt for v in rule.versions for s in v.sources)]).lower()
            if all(w in text for w in words):
                hits.append({"kind": "rule", "id": rule.id, "label": cite(rule)})
        for param in sorted(self.kb.parameters.values(), key=lambda p: p.id):
            text = " ".join([param.id, *param.title.values()]).lower()
            if all(w in text for w in words):
                hits.append({"kind": "parameter", "id": param.id,
                             "label": param.title.get("en") or param.id})
        for jurisdiction, vocabulary in sorted(self.kb.vocabularies.items()):
            for role, table in (("fact", vocabulary.facts), ("output", vocabulary.outputs)):
                for name, entry in sorted(table.items()):
                    text = " ".join([name, *entry.description.values()]).lower()
                    if all(w in text for w in words):
                        hits.append({"kind": role, "id": name,
                                     "label": f"{jurisdiction}: " + (entry.description.get("en")
                                                                     or name)})
        return hits[:limit]


def cite(rule: Rule) -> str:
    return _citation_text(rule.citation)


def _citation_text(c: Any) -> str:
    parts = [f"{c.instrument}, art. {c.article}"]
    if c.paragraph:
        parts.append(f"paragraph {c.paragraph}")
    if c.alinea:
        parts.append(f"alinéa {c.alinea}")
    if c.point:
        parts.append(f"point {c.point}")
    return ", ".join(parts)


def _conclusion(c: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"output": c.output}
    for key in ("when", "value", "deadline", "start", "end"):
        typed = getattr(c, key)
        if typed is not None:
            out[key] = typed.text
    if c.each_month is not None:
        out["each_month"] = [c.each_month[0].text, c.each_month[1].text]
    return out


def shown_parameter_value(value: Any, param: Parameter) -> str:
    """A parameter's value as a drafter reads it: "182 days (26 weeks)", "2 %", "251 euros".

    >>> class P:
    ...     unit = "weeks"
    >>> shown_parameter_value(Duration(546), P())  # type: ignore[arg-type]
    '546 days (78 weeks)'
    """
    if value is None:
        return "repealed"
    if isinstance(value, UnknownValue):
        return "unknown (the sources do not give it)"
    if isinstance(value, Duration):
        weeks = f" ({value.days // 7} weeks)" if param.unit == "weeks" and value.days % 7 == 0 \
            else ""
        return f"{value.days} days{weeks}"
    if isinstance(value, Months):
        return f"{value.count} months"
    if isinstance(value, Fraction):
        if param.unit == "percent":
            return f"{exact_decimal(value * 100)} %"
        return exact_decimal(value) + (f" {param.unit}" if param.unit else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value}" + (f" {param.unit}" if param.unit else "")


def _param_value(value: Any, param: Parameter) -> Any:
    try:
        return to_json(value, param.type)
    except (TypeError, ValueError, AttributeError):
        return str(value)


def _article_key(article: str) -> tuple[Any, ...]:
    import re
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", article))


def _scenario_index(folder: Path | None) -> dict[str, list[dict[str, Any]]]:
    """``{rule id: [{file, name}]}`` from scenario files (``provision:`` + ``scenarios:``)."""
    index: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if folder is None or not folder.is_dir():
        return {}
    import yaml
    for path in sorted(folder.rglob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        provision = data.get("provision")
        rules = provision if isinstance(provision, list) else [provision]
        names = [s.get("name", "") for s in data.get("scenarios") or [] if isinstance(s, dict)]
        for rule_id in rules:
            if isinstance(rule_id, str):
                index[rule_id].append({"file": path.relative_to(folder).as_posix(),
                                       "scenarios": names})
    return dict(index)
