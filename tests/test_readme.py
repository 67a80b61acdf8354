"""The README's commands work as written, and its example output is what lexlux prints."""

from __future__ import annotations

import io
import re
import shlex

import pytest
from lexlux.cli import run

from paths import REPO


def test_readme_starts_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    assert blocks[0].strip().endswith("lexlux check")
    assert "pip install" in blocks[0]
    assert blocks[1].strip() == ".venv/bin/python -m pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in ci


def test_readme_example_output_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"## Evaluate a case\n\n```sh\n(.*?)\n```", text, flags=re.S)
    shown = re.search(r"tests/test_readme.py checks it -->\n```text\n(.*?)```", text, flags=re.S)
    assert command and shown
    argv = shlex.split(command.group(1))[1:]
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.chdir(REPO)
    assert run(argv, out, err) == 0, err.getvalue()
    assert out.getvalue() == shown.group(1)
