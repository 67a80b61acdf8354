"""The vector backend's cheaply made results read, compare, copy and pickle as the
interpreter's ``OutputResult``."""

from __future__ import annotations

import copy
import pickle
from datetime import date
from fractions import Fraction

import pytest
from lexlux.compile.model import Deontic, Type
from lexlux.evaluate.interpreter import OutputResult
from lexlux.vector.results import ColumnResult

VALUES = [None, True, 3, Fraction(7, 2), date(2020, 2, 29),
          Deontic("obligation", "employer", deadline=date(2021, 1, 4))]


@pytest.mark.parametrize("value", VALUES)
def test_reads_and_compares_as_the_interpreters(value: object) -> None:
    status = "no_value" if value is None else "value"
    made = ColumnResult("x", status, value, Type("string"))
    reference = OutputResult("x", status, value, Type("string"))
    for name in ("name", "status", "value", "type", "trace", "missing", "message",
                 "considered", "not_applicable", "disapplied", "reading", "other_readings"):
        assert getattr(made, name) == getattr(reference, name), name
    assert made == reference and reference == made
    assert (made != reference) is False and (reference != made) is False
    assert made != ColumnResult("y", status, value, Type("string"))
    assert made != OutputResult("x", status, value, Type("string"), message="other")
    for again in (pickle.loads(pickle.dumps(made)), copy.copy(made), copy.deepcopy(made)):
        assert again == reference
    assert made.version_ids == () and made.citations == ()


def test_each_result_has_its_own_lists() -> None:
    a = ColumnResult("x", "value", 1, Type("integer"))
    b = ColumnResult("x", "value", 1, Type("integer"))
    a.trace.append("t")
    a.considered.append("c")
    assert a.trace == ["t"] and a.considered == ["c"]
    assert b.trace == [] and b.considered == [] and a.trace is a.trace
    a.disapplied = [("r", "n")]                 # set as the interpreter's own results are
    assert a.disapplied == [("r", "n")] and b.disapplied == []
    with pytest.raises(TypeError):
        hash(a)


def test_any_other_field_is_the_interpreters_init() -> None:
    made = ColumnResult("x", "missing", None, Type("date"), missing=("f",), message="m",
                        considered=["v"])
    assert made == OutputResult("x", "missing", None, Type("date"), missing=("f",),
                                message="m", considered=["v"])
