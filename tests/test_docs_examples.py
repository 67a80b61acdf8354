"""The command examples of docs/writing-rules.md and docs/time.md print what the docs show.

A ```sh block with one lexlux command, followed by the marker comment and a ```text block,
is run and its output compared with the block."""

from __future__ import annotations

import io
import re
import shlex

import pytest
from lexlux.cli import run

from paths import REPO

MARKER = "<!-- output of the command above; tests/test_docs_examples.py checks it -->"
EXAMPLE = re.compile(r"```sh\n(lexlux [^\n]*)\n```\n\n" + re.escape(MARKER)
                     + r"\n```text\n(.*?)```", re.S)


def examples() -> list[tuple[str, str, str]]:
    found = []
    for name in ("writing-rules.md", "time.md"):
        text = (REPO / "docs" / name).read_text(encoding="utf-8")
        found += [(name, command, shown) for command, shown in EXAMPLE.findall(text)]
    return found


def test_the_docs_have_examples() -> None:
    names = {name for name, _, _ in examples()}
    assert names == {"writing-rules.md", "time.md"}
    commands = " ".join(command for _, command, _ in examples())
    assert "lexlux needs" in commands and "--law-as-of" in commands


@pytest.mark.parametrize(("doc", "command", "shown"), examples())
def test_a_docs_example_prints_what_the_docs_show(doc: str, command: str, shown: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out, err = io.StringIO(), io.StringIO()
    run(shlex.split(command)[1:], out, err)
    assert out.getvalue() == shown, f"{doc}: {command}"
