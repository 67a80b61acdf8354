"""``lexlux site OUT``: the explorer as static pages, with links that work from disk."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from lexlux.cli import run


def site(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["site", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_site_has_a_page_per_rule_and_parameter_and_its_links_resolve(tmp_path: Path
                                                                          ) -> None:
    code, out, _ = site(str(tmp_path / "site"), "--format", "json")
    assert code == 0
    root = tmp_path / "site"
    pages = list(root.rglob("*.html"))
    assert json.loads(out)["pages"] == len(pages)
    assert (root / "rules" / "lu.code_du_travail.L121-6.p3.a1.html").is_file()
    assert (root / "static" / "style.css").is_file()
    for page in pages:
        for link in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            assert not link.startswith(("http:", "https:", "/")), (page, link)
            assert (page.parent / link).resolve().is_file(), (page, link)


def test_a_site_that_cannot_be_written_is_a_diagnostic(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, out, _ = site(str(blocker / "site"))
    assert code == 1
    assert "error[LX803]" in out and "Traceback" not in out


def test_without_the_web_extra_the_commands_say_how_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    monkeypatch.setitem(sys.modules, "jinja2", None)   # as if it were not installed
    for name in [m for m in sys.modules if m.startswith("lexlux.serve")]:
        monkeypatch.delitem(sys.modules, name)
    code, out, _ = site("/tmp/never-written")
    assert code == 1
    assert "error[LX802]" in out and "lexlux[web]" in out
