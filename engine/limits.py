"""Input limits: how large an input lexlux reads before it refuses it (leaf module).

Every file lexlux reads (rules, cases, queries, reforms, CSV tables, ``audit/accepted.yaml``)
and every ``--set`` value goes through these limits, so that a broken or hostile input gives a
located diagnostic instead of exhausting memory or time:

==================== ========= ===============================================  =======
limit                default   what it bounds                                   code
==================== ========= ===============================================  =======
``max_file_bytes``   10000000  the size of one input file, in bytes              LX105
``max_number_digits`` 100      the digits of one number written in YAML or CSV   LX106
``max_depth``        50        how deeply mappings and lists nest in one file    LX107
``max_list_items``   100000    the items of one list (periods of a fact, events   LX108
                               of a case, rows of ``then:``, ...)
==================== ========= ===============================================  =======

They are configurable, in this order of precedence: the ``--limit NAME=VALUE`` option of
``lexlux`` (before the command: ``lexlux --limit max_list_items=500000 eval ...``), then the
environment variable ``LEXLUX_LIMITS`` (``max_list_items=500000,max_depth=80``), then the
defaults above.  See ``docs/limits.md``.

>>> parse_limits("max_depth=80, max_list_items=5")
Limits(max_file_bytes=10000000, max_number_digits=100, max_depth=80, max_list_items=5)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace

ENVIRONMENT_VARIABLE = "LEXLUX_LIMITS"


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 10_000_000
    max_number_digits: int = 100
    max_depth: int = 50
    max_list_items: int = 100_000


NAMES: tuple[str, ...] = tuple(f.name for f in fields(Limits))


class LimitSyntaxError(ValueError):
    """A ``NAME=VALUE`` setting that is not a known limit with a positive whole number."""


def parse_setting(text: str, base: Limits) -> Limits:
    """``base`` with one ``NAME=VALUE`` setting applied."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip().replace("_", "")
    if not sep or name not in NAMES:
        raise LimitSyntaxError(f"{text!r} is not NAME=VALUE with NAME one of: {', '.join(NAMES)}")
    if not value.isdigit() or len(value) > 18 or int(value) < 1:
        raise LimitSyntaxError(f"{name}: {value!r} is not a whole number of at least 1")
    return replace(base, **{name: int(value)})


def parse_limits(text: str, base: Limits | None = None) -> Limits:
    """Comma-separated ``NAME=VALUE`` settings applied to ``base`` (default: the defaults)."""
    limits = base or Limits()
    for part in text.split(","):
        if part.strip():
            limits = parse_setting(part, limits)
    return limits


def from_environment() -> Limits:
    """The defaults, with the settings of ``LEXLUX_LIMITS`` applied."""
    return parse_limits(os.environ.get(ENVIRONMENT_VARIABLE, ""))


_CURRENT: ContextVar[Limits | None] = ContextVar("lexlux_limits", default=None)


def current() -> Limits:
    """The limits in force: those set by :func:`using`, else the environment's."""
    limits = _CURRENT.get()
    return limits if limits is not None else from_environment()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Apply ``limits`` to everything read inside the ``with`` block."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)
