"""The command line ``lexlux``: one module per command, no logic (see :mod:`.main`)."""

from .main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
