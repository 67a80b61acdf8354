"""Print the workbench's OpenAPI description (committed as docs/openapi.json; a test checks it).

    python -m lexlux.serve.openapi > docs/openapi.json
"""

from __future__ import annotations

import json
import sys

from .app import create_app
from .workbench import Workbench


def openapi_text() -> str:
    """The OpenAPI description of the API over the bundled rules (stable key order)."""
    app = create_app(Workbench.load())
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(openapi_text())
