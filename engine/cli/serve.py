"""``lexlux serve`` (the workbench over HTTP), ``lexlux site OUT`` (the explorer as static
pages) and ``lexlux mcp`` (its operations as MCP tools).  They need the optional extras ``web``
(``pip install 'lexlux[web]'``) and ``mcp``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from ..diagnostics import LexluxError, error
from .common import EXIT_FINDINGS, EXIT_OK, add_format, add_rules


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="the workbench: HTTP API, law explorer and case "
                                         "playground in the browser")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--lang", choices=("en", "fr"), default="en", help="labels of the pages")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="allow this origin to call the API from a browser (repeatable; "
                            "default: none)")
    serve.add_argument("--max-body", type=int, default=1_000_000, metavar="BYTES",
                       help="largest request body accepted (default 1000000)")
    serve.add_argument("--audit", action="store_true",
                       help="run the full audit (Z3) as a job at start: rule pages then show "
                            "its findings (it takes tens of seconds, once per knowledge base)")
    serve.add_argument("--max-jobs", type=int, default=4, metavar="N",
                       help="batch jobs queued or running at once (default 4; they run one "
                            "at a time; with --workers, per worker process)")
    serve.add_argument("--sources", type=Path, metavar="DIR",
                       help="folder of the legal sources: rule pages show the text around "
                            "each cited line (default: ../shared/sources of a checkout, if "
                            "present)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="server processes, each with the knowledge base loaded (default 1; "
                            "one per core for throughput)")
    serve.add_argument("--scenarios", type=Path, metavar="DIR",
                       help="scenario folder shown on rule pages (default: tests/law of a "
                            "checkout, if present)")
    serve.add_argument("--diff-cache", type=Path, metavar="DIR",
                       help="keep each output's diff of /api/v1/diff in DIR, as lexlux diff "
                            "--cache does: after an edit of the rules (a restart), only the "
                            "outputs reading what changed are worked out again")
    add_rules(serve)
    serve.set_defaults(handler=cmd_serve)
    site = sub.add_parser("site", help="write the law explorer as static HTML pages")
    site.add_argument("out", type=Path, help="folder to write (created; files replaced)")
    site.add_argument("--lang", choices=("en", "fr"), default="en")
    site.add_argument("--base-url", default=None,
                      help="prefix of every link, e.g. /law (default: relative links)")
    site.add_argument("--scenarios", type=Path, metavar="DIR")
    site.add_argument("--sources", type=Path, metavar="DIR",
                      help="folder of the legal sources, quoted around each cited line")
    site.add_argument("--audit", action="store_true",
                      help="run the full audit (Z3) first: rule pages show its findings")
    add_format(site)
    add_rules(site)
    site.set_defaults(handler=cmd_site)
    register_mcp(sub)


def _require(*modules: str) -> None:
    """The optional extra ``web`` is installed, or LX802 says how to install it."""
    import importlib
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            raise LexluxError([error("LX802", f"the workbench needs the extra 'web' ({name} "
                                     "is not installed)",
                                     hint="pip install 'lexlux[web]'")]) from None


def _workbench(args: argparse.Namespace) -> Any:
    from ..load.discover import bundled_root
    from ..serve.workbench import Workbench
    scenarios = args.scenarios
    if scenarios is None:
        candidate = bundled_root("rules").parent / "tests" / "law"
        scenarios = candidate if candidate.is_dir() else None
    sources = getattr(args, "sources", None)
    if sources is None:
        candidate = bundled_root("rules").parent.parent / "shared" / "sources"
        sources = candidate if candidate.is_dir() else None
    args.scenarios, args.sources = scenarios, sources   # as resolved, for worker processes
    workbench = Workbench.load(args.rules, scenarios, sources)
    if not workbench.loaded.ok:
        raise LexluxError(workbench.loaded.diagnostics)
    workbench.diff_cache = getattr(args, "diff_cache", None)
    return workbench


def cmd_serve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    _require("fastapi", "uvicorn", "jinja2")
    workbench = _workbench(args)
    import uvicorn

    from ..serve.app import create_app
    from ..serve.settings import Settings
    settings = Settings(host=args.host, port=args.port, lang=args.lang,
                        cors_origins=tuple(args.cors_origin), max_body_bytes=args.max_body,
                        max_jobs=args.max_jobs, audit=args.audit)
    _freeze_heap()
    stderr.write(f"lexlux serve: http://{args.host}:{args.port}/ (knowledge base "
                 f"{workbench.kb_hash[:12]}; Ctrl-C stops)\n")
    if args.workers > 1:   # each worker process loads the knowledge base itself
        import os
        os.environ[WORKER_SETTINGS] = json.dumps({
            "rules": [str(p) for p in args.rules or []],
            "scenarios": str(args.scenarios) if args.scenarios else None,
            "sources": str(args.sources) if args.sources else None,
            "diff_cache": str(args.diff_cache) if args.diff_cache else None,
            "settings": {"lang": args.lang, "cors_origins": list(args.cors_origin),
                         "max_body_bytes": args.max_body, "max_jobs": args.max_jobs,
                                      "audit": args.audit}})
        uvicorn.run("lexlux.cli.serve:worker_app", factory=True, host=args.host,
                    port=args.port, workers=args.workers, log_level="warning",
                    access_log=False)
    else:
        uvicorn.run(create_app(workbench, settings), host=args.host, port=args.port,
                    log_level="warning", access_log=False)
    return EXIT_OK


def _freeze_heap() -> None:
    """Move the loaded knowledge base (hundreds of thousands of objects that live as long as
    the server) out of the garbage collector's reach: its full collections then walk only
    what requests allocate, which keeps them from pausing a request for milliseconds."""
    import gc
    gc.collect()
    gc.freeze()


#: how `lexlux serve --workers N` hands its options to the worker processes
WORKER_SETTINGS = "LEXLUX_SERVE_WORKER_SETTINGS"


def worker_app() -> Any:
    """The application of one worker process of ``lexlux serve --workers N``."""
    import os

    from ..serve.app import create_app
    from ..serve.settings import Settings
    from ..serve.workbench import Workbench
    given = json.loads(os.environ[WORKER_SETTINGS])
    workbench = Workbench.load([Path(p) for p in given["rules"]] or None,
                               Path(given["scenarios"]) if given["scenarios"] else None,
                               Path(given["sources"]) if given["sources"] else None)
    if given.get("diff_cache"):
        workbench.diff_cache = Path(given["diff_cache"])
    options = given["settings"]
    _freeze_heap()
    return create_app(workbench, Settings(lang=options["lang"],
                                          cors_origins=tuple(options["cors_origins"]),
                                          max_body_bytes=options["max_body_bytes"],
                                          max_jobs=options["max_jobs"],
                                          audit=options["audit"]))


def cmd_site(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    _require("jinja2")
    workbench = _workbench(args)
    from ..serve.site import write_site
    if args.audit:
        from ..serve.analysis import verify_of
        from ..serve.operations import RequestError
        try:
            verify_of(workbench, {})
        except RequestError as exc:
            raise LexluxError(exc.diagnostics) from None
    try:
        written = write_site(workbench, args.out, lang=args.lang, base_url=args.base_url)
    except OSError as exc:
        raise LexluxError([error("LX803", f"cannot write the site to {args.out}: "
                                 f"{exc.strerror or exc}",
                                 hint="give a folder you can write to")]) from None
    if args.format == "json":
        stdout.write(json.dumps({"out": str(args.out), "pages": written}) + "\n")
    else:
        stdout.write(f"lexlux site: {written} pages written to {args.out}/ "
                     f"(open {args.out}/index.html)\n")
    return EXIT_OK if written else EXIT_FINDINGS


def register_mcp(sub: Any) -> None:
    mcp = sub.add_parser("mcp", help="the workbench's operations as tools of a Model Context "
                                     "Protocol server (stdio)")
    add_rules(mcp)
    mcp.set_defaults(handler=cmd_mcp)


def cmd_mcp(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        import mcp  # noqa: F401
    except ImportError:
        raise LexluxError([error("LX802", "lexlux mcp needs the extra 'mcp' (the mcp package "
                                 "is not installed)",
                                 hint="pip install 'lexlux[mcp]'")]) from None
    args.scenarios = None
    workbench = _workbench(args)
    from ..serve.mcp_server import create_mcp_server
    create_mcp_server(workbench).run("stdio")
    return EXIT_OK
