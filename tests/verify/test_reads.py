"""The facts and outputs an output's encoding reads, told from the rules
(verify/encoding/reads.py), are those the encoding records: the premise of
timeline_diff._known_in_pool, which cuts the pool's cases down to them without encoding."""

from __future__ import annotations

from datetime import date

import pytest
from lexlux.calendar.dates import month_index
from lexlux.compile.model import Call, Literal, Ref, Type
from lexlux.diagnostics import Span
from lexlux.pipeline import LoadResult
from lexlux.verify.checks.run import audits
from lexlux.verify.checks.timeline_diff import diff_encodings
from lexlux.verify.encoding.reads import _expr_reads, cone_reads
from lexlux.verify.encoding.timelines import Frame

BEFORE = date(2008, 12, 31)


@pytest.mark.parametrize("law", [date(2009, 1, 1), date(2016, 1, 1), date(2019, 1, 1)])
@pytest.mark.parametrize("reading", [None, "ccss_worked_example", "statuts_daily_window"])
def test_the_reads_are_those_the_encoding_records(bundled: LoadResult, law: date,
                                                  reading: str | None) -> None:
    """Every output of the bundled rules that can be encoded, in a timeline frame of one
    month under the law of two dates: the same facts and outputs read (and so the same
    cone and the same facts of the cone)."""
    audit = next(a for a in audits(bundled.kb) if a.jurisdiction == "lu")
    one, two = diff_encodings(audit, BEFORE, law, reading, Frame(1, month_index(law)))
    compared = 0
    for enc in (one, two):
        for name in sorted(enc.vocabulary.outputs):
            out = enc.output(name)
            if out.not_encodable:
                continue
            facts, cone = cone_reads(bundled.kb, enc.candidates, {name}, True)
            assert cone == enc.cone({name}), name
            assert facts == set().union(*(enc.output(n).facts for n in cone)), name
            compared += 1
    assert compared > 100


def test_the_argument_of_given_is_a_name_not_a_value() -> None:
    """``given(x)`` reads the fact x (whether it is given), and no output or let of that
    name; the other arguments and parts are read as usual."""
    boolean, at = Type("bool"), Span("<test>", 1, 1, 1, 1)
    expr = Call(at, "all", (Call(at, "given", (Ref(at, "output", "x", boolean),)),
                            Ref(at, "local", "l", boolean), Ref(at, "local", "l", boolean)))
    facts: set[str] = set()
    outputs: set[str] = set()
    lets = {"l": Call(at, "any", (Ref(at, "output", "o", boolean), Literal(at, True, boolean)))}
    _expr_reads(expr, lets, facts, outputs, set())
    assert (facts, outputs) == ({"x"}, {"o"})
