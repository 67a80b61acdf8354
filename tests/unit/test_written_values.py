"""Values are written as drafters write them: decimals (rounded, and said to be, when they
have no finite form), booleans true/false, ISO dates, durations in days."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from lexlux.compile.model import Duration, Type
from lexlux.evaluate.values import from_written, rounding, to_json

PERCENT, DECIMAL, MONEY = Type("percentage"), Type("decimal"), Type("money")


def test_a_third_is_a_rounded_decimal_never_a_fraction() -> None:
    assert to_json(Fraction(1, 3), PERCENT) == "33.33%"
    assert to_json(Fraction(2, 3), PERCENT) == "66.67%"
    assert to_json(Fraction(1, 3), DECIMAL) == "0.3333"
    assert to_json(Fraction(1000, 3), MONEY) == "333.33"
    assert rounding(Fraction(1, 3), PERCENT) == "rounded half to even to 0.01 %"
    assert rounding(Fraction(1000, 3), MONEY) == "rounded half to even to 0.01"


def test_finite_decimals_are_exact_and_read_back() -> None:
    for value, vtype in ((Fraction(4, 5), PERCENT), (Fraction(1, 8), DECIMAL),
                         (Fraction(123456, 100), MONEY)):
        assert rounding(value, vtype) is None
        assert from_written(to_json(value, vtype), vtype) == value


def test_booleans_dates_and_durations() -> None:
    assert to_json(True, Type("boolean")) is True
    assert to_json(date(2019, 1, 1), Type("date")) == "2019-01-01"
    assert to_json(Duration(182), Type("duration")) == {"days": 182}


def test_eval_text_writes_true_and_false() -> None:
    import io

    from lexlux.cli import run

    from paths import REPO
    out, err = io.StringIO(), io.StringIO()
    run(["eval", str(REPO / "examples" / "late-certificate.case.yaml"), "--output",
         "certificate_in_time"], out, err)
    assert "certificate_in_time = false" in out.getvalue()
