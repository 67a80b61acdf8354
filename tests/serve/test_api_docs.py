"""docs/api.md: every curl example runs against a live `lexlux serve`, and the JSON shown
after it is part of the real answer."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = re.findall(r"```sh\n(curl .*?)```\n\n```json\n(.*?)```",
                      (REPO / "docs" / "api.md").read_text(encoding="utf-8"), flags=re.S)


def contains(actual: Any, shown: Any) -> bool:
    """``shown`` is part of ``actual``: keys of objects, items of lists (in order)."""
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v)
                                                for k, v in shown.items())
    if isinstance(shown, list):
        if not isinstance(actual, list):
            return False
        rest = iter(actual)
        return all(any(contains(a, s) for a in rest) for s in shown)
    return bool(actual == shown)


def test_the_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c.split()[2][:60] for c, _ in
                                                              EXAMPLES])
def test_a_curl_example_gives_what_the_docs_show(live_server: str, command: str,
                                                 shown: str) -> None:
    command = command.replace("http://127.0.0.1:8000", live_server)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    actual = json.loads(done.stdout)
    assert contains(actual, json.loads(shown)), json.dumps(actual, indent=1)[:3000]
