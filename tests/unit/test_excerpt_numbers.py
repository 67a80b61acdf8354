"""The numbers an excerpt states (French and English words, digits), checked against the
maintained library num2words on every number up to 1,000."""

from __future__ import annotations

from fractions import Fraction

import pytest
from lexlux.compile.excerpt_numbers import stated_numbers
from num2words import num2words


def numbers(text: str) -> list[tuple[Fraction, str | None]]:
    return [(s.number, s.unit) for s in stated_numbers(text)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_cardinal_and_ordinal_up_to_1000(lang: str) -> None:
    unit = "jours" if lang == "fr" else "days"
    for n in range(2, 1001):
        for to in ("cardinal", "ordinal"):
            words = num2words(n, lang=lang, to=to)
            assert numbers(f"le délai de {words} {unit}") == [(Fraction(n), "days")], words


@pytest.mark.parametrize(("text", "expected"), [
    ("vingt-six semaines au plus à partir du jour", [(26, "weeks")]),
    ("l’expiration du délai de recours de quarante jours courant", [(40, "days")]),
    ("(2) Le troisième jour de son absence au plus tard", [(3, "days")]),
    ("au moins vingt-cinq salariés", [(25, "persons")]),
    ("quatre-vingt pour cent du revenu", [(80, "percent")]),
    ("le maximum de 25.000 euros", [(25000, "euros")]),
    ("0,75 % de la masse", [(Fraction(3, 4), "percent")]),
    ("ne dépassant pas le triple", [(3, None)]),
    ("jusqu’à concurrence d’un", []),
    ("un trentième", [(30, None)]),
    ("at least one month in the three months", [(1, "months"), (3, "months")]),
    ("vingt et un jours", [(21, "days")]),
])
def test_excerpts_of_the_sources(text: str, expected: list[tuple[int, str | None]]) -> None:
    assert numbers(text) == [(Fraction(n), u) for n, u in expected]
