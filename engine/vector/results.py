"""The interpreter's results as the vector backend gives them, cheaply made.

A block of persons has about fifty results with a value of their own per person (dates,
obligations, timelines, amounts), and an ``OutputResult`` made by its ``__init__`` costs
twelve attribute stores and four empty lists.  :class:`ColumnResult` is an ``OutputResult``
made with its first four fields only: the others read as the interpreter's defaults (the
class's own for ``missing``, ``message``, ``reading``, ``other_readings``; a new empty list,
the result's own, on first reading for ``trace``, ``considered``, ``not_applicable`` and
``disapplied``).  It compares equal to an ``OutputResult`` with the same fields, and is
pickled, copied and printed as one (its class named).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..evaluate.interpreter import OutputResult


class _NewList:
    """A field whose default is a new empty list, made on first reading and then kept
    in the instance (a non-data descriptor: the instance's own value prevails)."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        made: list[Any] = []
        instance.__dict__[self.name] = made
        return made


_FIELDS = tuple(f.name for f in fields(OutputResult))


class ColumnResult(OutputResult):
    """An ``OutputResult`` with a status and value and nothing else (no trace: the
    vector backend keeps none), made by four attribute stores."""

    trace = _NewList()
    considered = _NewList()
    not_applicable = _NewList()
    disapplied = _NewList()

    def __init__(self, name: str, status: str, value: Any, type: Any,
                 *more: Any, **named: Any) -> None:
        if more or named:                   # any other field: the interpreter's __init__
            OutputResult.__init__(self, name, status, value, type, *more, **named)
            return
        self.name = name
        self.status = status
        self.value = value
        self.type = type

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OutputResult):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    __hash__ = None  # type: ignore[assignment]   # as the dataclass's (mutable, eq)
