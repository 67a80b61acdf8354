"""The explorer and the playground as HTML: one function per page, over the workbench's data.

Every page is rendered from the same Jinja2 templates by the server and by ``lexlux site``;
links go through :func:`url` so a static site can be published under any prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from ..evaluate.case import case_to_yaml
from ..load.discover import bundled_root
from .charts import step_chart
from .labels import labels
from .workbench import Workbench, cite


@dataclass
class Renderer:
    workbench: Workbench
    lang: str = "en"
    base_url: str = ""
    static_site: bool = False

    def __post_init__(self) -> None:
        loader = jinja2.PackageLoader("lexlux.serve", "templates")
        self.env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(),
                                      undefined=jinja2.StrictUndefined, trim_blocks=True,
                                      lstrip_blocks=True)
        # the vocabulary's order (fields of an event as drafters list them), not sorted
        self.env.policies["json.dumps_kwargs"] = {"sort_keys": False}
        self.env.globals.update(url=self.url, L=labels(self.lang), lang=self.lang,
                                identity=self.workbench.identity(),
                                static_site=self.static_site)

    def url(self, kind: str, key: str = "") -> str:
        """The one URL builder: ``rule``, ``parameter``, ``page`` (index, search, …), ``static``."""
        suffix = ".html" if self.static_site else ""
        if kind == "rule":
            return f"{self.base_url}/rules/{key}{suffix}"
        if kind == "parameter":
            return f"{self.base_url}/parameters/{key}{suffix}"
        if kind == "static":
            return f"{self.base_url}/static/{key}"
        if kind == "page":
            if key in ("", "index"):
                return f"{self.base_url}/" + ("index.html" if self.static_site else "")
            return f"{self.base_url}/{key}{suffix}"
        raise ValueError(kind)

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def index(self) -> str:
        wb = self.workbench
        instruments = {name: {article: [wb.rule_summary(r) for r in rules]
                              for article, rules in articles.items()}
                       for name, articles in wb.instruments().items()}
        parameters = sorted(wb.kb.parameters)
        return self.render("index.html", instruments=instruments, parameters=parameters,
                           rule_count=len(wb.kb.rules))

    def rule(self, rule_id: str) -> str | None:
        wb = self.workbench
        rule = wb.kb.rules.get(rule_id)
        if rule is None:
            return None
        detail = wb.rule_detail(rule)
        from .analysis import findings_of_rule
        return self.render("rule.html", rule=detail, cite=cite(rule),
                           timeline=_version_timeline(detail["versions"]),
                           graph=Markup(self.graph(rule_id)),
                           audit=findings_of_rule(wb, rule_id))

    def graph(self, rule_id: str) -> str:
        """The clickable SVG of the rules around ``rule_id`` (cached per renderer)."""
        from .graph_view import graphs_svg
        cache = self.workbench.verify_cache.setdefault(f"\0svg|{self.base_url}|"
                                                       f"{self.static_site}", {})
        if rule_id not in cache:       # every rule's at once: one run of dot
            rules = self.workbench.kb.rules
            cache.update(graphs_svg(sorted({*rules, rule_id}), self.workbench.rule_graph(),
                                    lambda r: self.url("rule", r),
                                    lambda r: cite(rules[r]) if r in rules else r))
        svg: str = cache[rule_id]
        return svg

    def parameter(self, parameter_id: str) -> str | None:
        wb = self.workbench
        param = wb.kb.parameters.get(parameter_id)
        if param is None:
            return None
        detail = wb.parameter_detail(param)
        return self.render("parameter.html", parameter=detail,
                           chart=step_chart(detail["history"]))

    def search(self, query: str) -> str:
        return self.render("search.html", query=query, hits=self.workbench.search(query))

    def questions(self) -> str:
        return self.render("questions.html", questions=self.workbench.open_questions())

    def playground(self, examples: dict[str, str]) -> str:
        return self.render("playground.html", examples=examples,
                           event_types=event_types(self.workbench.kb, self.lang))


def _version_timeline(versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each version's share of the span from the first version to today, for the time bar."""
    from datetime import date
    if not versions:
        return []
    start = date.fromisoformat(versions[0]["valid_from"])
    end = max(date.today(), date.fromisoformat(versions[-1]["valid_from"]))
    span = max((end - start).days, 1)
    bars = []
    for v in versions:
        first = date.fromisoformat(v["valid_from"])
        last = date.fromisoformat(v["valid_until"]) if v["valid_until"] else end
        bars.append({"id": v["id"], "left": 100 * (first - start).days / span,
                     "width": max(100 * (last - first).days / span, 0.8),
                     "label": v["valid_from"], "basis": v["valid_from_basis"]})
    return bars


def event_types(kb: Any, lang: str) -> dict[str, dict[str, Any]]:
    """The event types of each jurisdiction's vocabulary, for the event form: each with its
    description and typed fields (enum values, required, the field that dates it)."""
    out: dict[str, dict[str, Any]] = {}
    for jurisdiction, types in sorted(kb.event_types.items()):
        out[jurisdiction] = {
            name: {"description": t.description.get(lang) or t.description.get("en", ""),
                   "date_field": t.date_field,
                   "fields": {f.name: {"type": f.type.kind, "values": list(f.type.values),
                                       "required": f.required,
                                       "description": f.description.get(lang)
                                       or f.description.get("en", "")}
                              for f in t.fields.values()}}
            for name, t in sorted(types.items())}
    return out


def bundled_examples() -> dict[str, str]:
    """The example cases shipped with lexlux (YAML text by file name), for the playground."""
    folder = bundled_root("examples")
    out: dict[str, str] = {}
    if folder.is_dir():
        for item in sorted(folder.glob("*.case.yaml")):
            out[item.name] = item.read_text(encoding="utf-8")
    return out


__all__ = ["Renderer", "bundled_examples", "case_to_yaml"]
