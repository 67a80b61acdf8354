"""Stage 3 (compile): a parameter value must be the number its cited excerpt states.

Each dated value of a parameter quotes its source (``source.excerpt``).  When the excerpt
states numbers — in digits ("80 %", "0,75") or in French words ("vingt-six semaines",
"quarante jours", "le troisième jour", "vingt-cinq salariés") — the value as written must be
one of them, up to the declared conversions between the excerpt's unit and the parameter's
``unit`` (a week is seven days, statuts CNS art. 169 al. 5; a year twelve months).  A value
that matches none is LX337 ("52 weeks written as 365 days").  An excerpt with no number, or
only numbers in units that cannot be converted to the parameter's, proves nothing and is
not reported.

French (and English) number words are read by a small grammar (units, tens, "quatre-vingt",
"cent", "mille", ordinals in "-ième"); the tests check it against the maintained library
``num2words`` on every number up to 1,000 (a dictionary built from num2words at run time
took 2 s per process, the grammar needs none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..diagnostics import Diagnostic, error
from ..load.yaml_source import SourceDocument
from .model import KnowledgeBase

#: The excerpt's unit words → unit names of parameter files.
UNIT_WORDS: tuple[tuple[str, str], ...] = (
    ("semaines", "weeks"), ("semaine", "weeks"), ("jours", "days"), ("jour", "days"),
    ("mois", "months"), ("années", "years"), ("année", "years"), ("ans", "years"),
    ("an", "years"), ("heures", "hours"), ("heure", "hours"), ("salariés", "persons"),
    ("salarié", "persons"), ("personnes", "persons"), ("travailleurs", "persons"),
    ("pour cent", "percent"), ("%", "percent"), ("euros", "euros"), ("€", "euros"),
    ("weeks", "weeks"), ("week", "weeks"), ("days", "days"), ("day", "days"),
    ("months", "months"), ("month", "months"), ("years", "years"), ("hours", "hours"),
    ("employees", "persons"), ("per cent", "percent"),
)

#: Declared conversions: a number in the excerpt's unit × factor = the value in the
#: parameter's unit.
CONVERSIONS: dict[tuple[str, str], Fraction] = {
    ("weeks", "days"): Fraction(7), ("days", "weeks"): Fraction(1, 7),
    ("years", "months"): Fraction(12), ("months", "years"): Fraction(1, 12),
}


#: Words that are articles unless a unit follows ("un mois" is a number, "d'un" is not).
ARTICLES = frozenset({"un", "une", "one"})


@dataclass(frozen=True)
class Stated:
    number: Fraction
    unit: str | None
    text: str


FR_UNITS = {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
            "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
            "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
FR_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
           "soixante": 60}
EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
            "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
            "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
EN_ORDINALS = {"first": "one", "second": "two", "third": "three", "fifth": "five",
               "eighth": "eight", "ninth": "nine", "twelfth": "twelve"}
#: Multiples written as words ("ne dépassant pas le triple", 002 line 5255).
MULTIPLES = {"double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
_STEMS = {"cinqu": "cinq", "neuv": "neuf"}


def _cardinal_word(word: str) -> str | None:
    """The cardinal word of a French or English ordinal (or the word itself)."""
    if word in FR_UNITS or word in FR_TENS or word in ("cent", "cents", "mille", "et"):
        return word
    if word in EN_UNITS or word in ("hundred", "thousand", "and"):
        return word
    if word in ("hundredth", "thousandth"):
        return word[:-2]
    if word in EN_ORDINALS:
        return EN_ORDINALS[word]
    for suffix in ("ièmes", "ième"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            for candidate in (base, base + "e", _STEMS.get(base, "")):
                if candidate in FR_UNITS or candidate in FR_TENS or \
                        candidate in ("cent", "cents", "mille"):
                    return candidate
    if word in ("premier", "première", "premiers", "premières"):
        return "un"
    if word.endswith("th") and (word[:-2] in EN_UNITS or word[:-2] + "e" in EN_UNITS):
        return word[:-2] if word[:-2] in EN_UNITS else word[:-2] + "e"
    if word.endswith("ieth") and word[:-4] + "y" in EN_UNITS:
        return word[:-4] + "y"
    return None


def _value_of(words: list[str]) -> int | None:
    """The number written by a run of number words (French or English)."""
    if len(words) == 1 and words[0] in MULTIPLES:
        return MULTIPLES[words[0]]
    total, current, previous = 0, 0, ""
    for raw in words:
        word = _cardinal_word(raw)
        if word is None:
            return None
        if word in ("et", "and"):
            continue
        if word in FR_UNITS:
            current += FR_UNITS[word]
        elif word in FR_TENS:
            if previous == "quatre" and word.startswith("vingt"):
                current += 80 - 4                     # quatre-vingt(s)
            else:
                current += FR_TENS[word]
        elif word in EN_UNITS:
            current += EN_UNITS[word]
        elif word in ("cent", "cents", "hundred"):
            current = max(current, 1) * 100
        elif word in ("mille", "thousand"):
            total += max(current, 1) * 1000
            current = 0
        previous = word
    return total + current


_TOKEN = re.compile(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?|[^\W\d_]+|%|€",
                    re.UNICODE)


def stated_numbers(excerpt: str) -> list[Stated]:
    """The numbers an excerpt states, each with the unit word that follows it (if any).

    >>> [(int(s.number), s.unit) for s in stated_numbers("vingt-six semaines au plus")]
    [(26, 'weeks')]
    >>> [(int(s.number), s.unit) for s in stated_numbers("(2) Le troisième jour de son absence")]
    [(3, 'days')]
    """
    text = excerpt.replace("\u00a0", " ").replace("\u202f", " ").lower()
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    units = dict(UNIT_WORDS)
    out: list[Stated] = []
    i = 0
    while i < len(tokens):
        word, begin, _ = tokens[i]
        if word[0].isdigit() and text[begin - 1:begin] == "(" and \
                text[tokens[i][2]:tokens[i][2] + 1] == ")":
            i += 1          # "(2)": a paragraph number, not a quantity
            continue
        if word[0].isdigit():
            raw = word
            if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", raw):
                raw = raw.replace(".", "").replace(" ", "")     # 25.000 euros
            number: Fraction | None = Fraction(raw.replace(",", "."))
            j = i + 1
        else:
            j = i
            while j < len(tokens) and _joined(text, tokens, i, j) and (
                    _cardinal_word(tokens[j][0]) is not None or
                    (j == i and tokens[j][0] in MULTIPLES)):
                j += 1
            while j > i and tokens[j - 1][0] in ("et", "and"):
                j -= 1
            if j > i + 1 and tokens[i][0] in ARTICLES:
                i += 1          # "un trentième": an article, then the number
                continue
            if j == i or (i > 0 and tokens[i - 1][0] in ("pour", "per")
                          and tokens[i][0] in ("cent", "cents")):
                i += 1
                continue
            value = _value_of([t[0] for t in tokens[i:j]])
            number = Fraction(value) if value is not None else None
        if number is None:
            i += 1
            continue
        unit, k = _unit_after(tokens, j, units)
        first = tokens[i][0]
        if not (unit is None and j == i + 1 and first in ARTICLES):
            out.append(Stated(number, unit, text[begin:tokens[max(k, j) - 1][2]]))
        i = max(k, j)
    return out


def _joined(text: str, tokens: list[tuple[str, int, int]], i: int, j: int) -> bool:
    """Whether token j continues the run started at i (separated by a space or hyphen)."""
    if j == i:
        return True
    gap = text[tokens[j - 1][2]:tokens[j][1]]
    return gap in (" ", "-")


def _unit_after(tokens: list[tuple[str, int, int]], j: int, units: dict[str, str]
                ) -> tuple[str | None, int]:
    k = j
    if k < len(tokens) and tokens[k][0] in ("de", "d"):
        k += 1
    for width in (2, 1):
        if k + width <= len(tokens):
            words = " ".join(t[0] for t in tokens[k:k + width])
            if words in units:
                return units[words], k + width
    return None, j


def _candidates(stated: list[Stated], unit: str | None) -> list[tuple[Stated, Fraction]]:
    """Each stated number converted to the parameter's unit, where it can be."""
    out = []
    for s in stated:
        if s.unit is None or unit is None or s.unit == unit:
            out.append((s, s.number))
        elif (s.unit, unit) in CONVERSIONS:
            out.append((s, s.number * CONVERSIONS[(s.unit, unit)]))
    return out


def check_excerpt_numbers(doc: SourceDocument, kb: KnowledgeBase) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for name, raw in doc.data["parameters"].items():
        if raw["type"] not in ("integer", "duration", "months", "decimal", "percentage",
                               "money"):
            continue
        unit = raw.get("unit")
        for i, entry in enumerate(raw["values"]):
            value = entry.get("value")
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            sources = entry.get("source")
            items: list[Any] = sources if isinstance(sources, list) else \
                [sources] if sources else []
            if any(isinstance(item, dict) and item.get("summary") for item in items):
                continue   # the drafter says how the value follows from the text
            stated = [s for item in items for s in stated_numbers(str(item.get("excerpt", "")))]
            candidates = _candidates(stated, unit)
            if not candidates:
                continue
            if any(number == Fraction(str(value)) for _, number in candidates):
                continue
            shown = "; ".join(
                f"«{s.text}»" + (f" = {_fmt(n)} {unit}" if s.unit and s.unit != unit else "")
                for s, n in candidates)
            diagnostics.append(error(
                "LX337", f"the value {value} {unit or ''} of {name!r} is not the number its "
                f"cited excerpt states ({shown})".replace("  ", " "),
                doc.span_at(("parameters", name, "values", i, "value")),
                expected="one of " + ", ".join(sorted({_fmt(n) for _, n in candidates},
                                                      key=_sort_key)) + f" {unit or ''}".rstrip(),
                hint="correct the value, or quote the excerpt that states it (a week is 7 "
                     "days, a year 12 months; other conversions are not assumed)"))
    return diagnostics


def _fmt(n: Fraction) -> str:
    return str(n.numerator) if n.denominator == 1 else str(float(n))


def _sort_key(text: str) -> float:
    return float(text)
