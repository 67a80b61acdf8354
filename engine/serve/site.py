"""``lexlux site OUT``: the explorer's pages as static HTML, from the same templates.

Each page is written atomically; links end in ``.html`` and are relative (or start with
``base_url`` when one is given), so the folder opens from disk or publishes as it is.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..output import write_atomically
from .pages import Renderer
from .workbench import Workbench


def write_site(workbench: Workbench, out: Path, *, lang: str = "en",
               base_url: str | None = None) -> int:
    """Write every page under ``out``; return how many pages were written.

    Without ``base_url`` the links are relative, so the folder can be opened from disk."""
    top = Renderer(workbench, lang=lang, base_url="." if base_url is None else base_url,
                   static_site=True)
    nested = Renderer(workbench, lang=lang, base_url=".." if base_url is None else base_url,
                      static_site=True)
    out.mkdir(parents=True, exist_ok=True)
    count = 0

    def put(relative: str, text: str) -> None:
        nonlocal count
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text)
        count += relative.endswith(".html")

    put("index.html", top.index())
    put("questions.html", top.questions())
    for rule_id in sorted(workbench.kb.rules):
        put(f"rules/{rule_id}.html", nested.rule(rule_id) or "")
    for parameter_id in sorted(workbench.kb.parameters):
        put(f"parameters/{parameter_id}.html", nested.parameter(parameter_id) or "")
    static = resources.files("lexlux.serve").joinpath("static")
    for item in static.iterdir():
        if item.name.endswith(".css"):
            put(f"static/{item.name}", item.read_text(encoding="utf-8"))
    return count
