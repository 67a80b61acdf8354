"""``lexlux lsp``: the language server for editors, over standard input and output."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .common import EXIT_FINDINGS, EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("lsp", help="the language server for editors (Language Server "
                                        "Protocol over stdin/stdout; needs lexlux[lsp])")
    parser.add_argument("--rules", type=Path, action="append", metavar="DIR",
                        help="the rules that case, query and reform files are read against "
                             "(default: the bundled rules; repeatable)")
    parser.set_defaults(handler=cmd_lsp)


def cmd_lsp(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        from ..lsp.server import serve
    except ModuleNotFoundError as exc:
        if exc.name not in ("pygls", "lsprotocol") and not (exc.name or "").startswith(
                ("pygls.", "lsprotocol.")):
            raise
        stderr.write("lexlux lsp needs the language server library pygls: "
                     "pip install 'lexlux[lsp]'\n")
        return EXIT_FINDINGS
    serve(args.rules)
    return EXIT_OK
