"""What the command modules share: exit codes, common options, loading with errors raised."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..calendar.dates import DateFormatError, parse_date
from ..inputs import check_outputs, load_baseline, load_case_or_fail, load_reformed

__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "add_format", "add_rules",
           "check_outputs", "iso_date", "load_baseline", "load_case_or_fail", "load_reformed"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (default), json for programs")


def add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, action="append", metavar="DIR",
                        help="rules folder to use instead of the bundled rules (repeatable)")


def iso_date(text: str) -> date:
    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise argparse.ArgumentTypeError(f"{exc} ({exc.hint})") from None
