"""What-if: synthetic populations drawn from a declared distribution file.

A distribution file (``*.population.yaml``, schema ``lexlux schema population``; the default
is ``default.population.yaml`` beside this module) says how each person is drawn: the
incapacity spells (the current one starts on an *anchor day*, drawn uniformly between the
window's first and last day; earlier spells go back from it) and, per fact, how its value is
drawn.  A generated population gives every fact the asked outputs can read
(:func:`lexlux.whatif.needs.facts_needed`): a fact the file does not name is drawn by the
file's default for its type, so that no output goes unanswered only because the generator
never gives a fact.  Draws are reproducible from the seed, whatever the number of persons
(person ``i`` has its own random stream).

Problems with the file are LX700 (it does not fit the schema) and LX701 (it names a fact
the vocabulary does not declare, or a value that does not fit the fact's type).
"""

from __future__ import annotations

import contextlib
import difflib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..compile.model import Months, Period, Type, Value, Vocabulary, VocabularyEntry
from ..diagnostics import Diagnostic, LexluxError, error
from ..evaluate.case import Case
from ..evaluate.values import ValueProblemError, from_written
from ..load.discover import display_path
from ..load.yaml_source import PathKey, SourceDocument, load_file

DEFAULT_FILE = Path(__file__).with_name("default.population.yaml")


@dataclass(frozen=True)
class Population:
    """A validated distribution file."""

    description: str
    data: dict[str, Any]
    file: str

    @property
    def window(self) -> tuple[date, date]:
        window = self.data.get("window") or {}
        return (date.fromisoformat(window.get("from", "2015-01-01")),
                date.fromisoformat(window.get("to", "2025-12-31")))


def load_population(path: Path | None, vocabulary: Vocabulary) -> Population:
    """Read and check a distribution file (default: the bundled one); raise LX700/LX701."""
    file = path or DEFAULT_FILE
    if not file.is_file():
        raise LexluxError([error("LX104", f"no such population file: {file}",
                                 hint="give the path of a *.population.yaml file")])
    doc, problems = load_file(file, display_path(file))
    if doc is None or problems:
        raise LexluxError(problems)
    problems = list(_schema_problems(doc))
    if not problems:
        problems = list(_vocabulary_problems(doc, vocabulary))
    if problems:
        raise LexluxError(problems)
    return Population(str(doc.data["population"]).strip(), doc.data, doc.path)


def _schema_problems(doc: SourceDocument) -> Iterator[Diagnostic]:
    from jsonschema import Draft202012Validator

    from ..validate.schemas import FORMAT_CHECKER, all_schemas
    if not isinstance(doc.data, dict):
        yield error("LX700", "a population file must be a mapping of keys", doc.span_at(()),
                    hint="see engine/whatif/default.population.yaml for a complete file")
        return
    validator = Draft202012Validator(all_schemas()["population.schema.json"],
                                     format_checker=FORMAT_CHECKER)
    for err in sorted(validator.iter_errors(doc.data), key=lambda e: list(e.absolute_path)):
        path: PathKey = tuple(err.absolute_path)
        yield error("LX700", f"the population file does not fit its schema: {err.message}",
                    doc.span_at(path),
                    hint="see `lexlux schema population` and docs/whatif.md (populations)")


def _vocabulary_problems(doc: SourceDocument, vocabulary: Vocabulary) -> Iterator[Diagnostic]:
    facts = doc.data.get("facts") or {}
    for name, draw in facts.items():
        entry = vocabulary.facts.get(name)
        if entry is None:
            close = difflib.get_close_matches(name, list(vocabulary.facts), n=1, cutoff=0.6)
            yield error("LX701", f"the population file draws {name!r}, which is not a fact of "
                        "the vocabulary", doc.span_at(("facts", name), key=True),
                        hint=f"did you mean {close[0]!r}?" if close else
                        f"the facts are declared in {vocabulary.file}")
            continue
        yield from _draw_problems(doc, ("facts", name), draw, entry, vocabulary)
    for kind, draw in (doc.data.get("defaults") or {}).items():
        if ("value" in draw or "choices" in draw) and kind not in ("boolean", "integer"):
            yield error("LX701", f"the default for {kind} facts cannot be a fixed value or "
                        "choices", doc.span_at(("defaults", kind)),
                        hint="use range (numbers), relative_to/days (dates), same_as (periods)")
        elif kind in ("boolean", "integer"):
            entry = VocabularyEntry(f"(default for {kind})", "fact", Type(kind), {}, None, None,
                                    False, doc.span_at(("defaults", kind)))
            yield from _draw_problems(doc, ("defaults", kind), draw, entry, vocabulary)


def _draw_problems(doc: SourceDocument, path: PathKey, draw: dict[str, Any],
                   entry: VocabularyEntry, vocabulary: Vocabulary) -> Iterator[Diagnostic]:
    kind = entry.type.kind
    where = doc.span_at(path)
    if "value" in draw:
        try:
            from_written(draw["value"], entry.type)
        except ValueProblemError as exc:
            yield error("LX701", f"{entry.name}: {exc.message}", doc.span_at((*path, "value")),
                        expected=f"a {entry.type}")
    for value in draw.get("choices") or {}:
        if _choice(value, entry) is None:
            yield error("LX701", f"{entry.name}: the choice {value!r} is not a {entry.type}",
                        doc.span_at((*path, "choices", value), key=True),
                        expected=f"a {entry.type}")
    anchor = draw.get("relative_to")
    if anchor is not None and anchor not in ("anchor", "spell_end") and (
            anchor not in vocabulary.facts or vocabulary.facts[anchor].type.kind != "date"):
        yield error("LX701", f"{entry.name}: relative_to {anchor!r} is neither anchor, "
                    "spell_end nor a date fact", doc.span_at((*path, "relative_to")))
    if draw.get("given_if") is not None and draw["given_if"] not in vocabulary.facts:
        yield error("LX701", f"{entry.name}: given_if {draw['given_if']!r} is not a fact",
                    doc.span_at((*path, "given_if")))
    usable = {"date": {"relative_to"}, "periods": {"same_as", "within_current_spell"}}
    if kind in usable and not (usable[kind] | {"value"}) & set(draw) and set(draw) - {
            "given", "given_if"}:
        yield error("LX701", f"{entry.name} is a {kind}: draw it with "
                    + " or ".join(sorted(usable[kind])), where)
    if kind not in ("date",) and "relative_to" in draw:
        yield error("LX701", f"{entry.name} is a {entry.type}, not a date: relative_to does "
                    "not apply", doc.span_at((*path, "relative_to")))


def _choice(written: str, entry: VocabularyEntry) -> Value | None:
    kind = entry.type.kind
    if kind == "boolean":
        return {"true": True, "false": False}.get(str(written).lower())
    if kind == "enum":
        return written if written in entry.type.values else None
    if kind in ("integer", "months"):
        try:
            number = int(written)
        except ValueError:
            return None
        return Months(number) if kind == "months" else number
    return None


# ---------------------------------------------------------------------------- drawing

def _days(rng: random.Random, spec: Any) -> int:
    if isinstance(spec, list):
        band = rng.choices(spec, weights=[b["weight"] for b in spec])[0]
        return rng.randint(int(band["min"]), int(band["max"]))
    return rng.randint(int(spec["min"]), int(spec["max"]))


class Generator:
    """Draws persons from a :class:`Population` for the facts ``needed``."""

    def __init__(self, population: Population, vocabulary: Vocabulary, needed: Sequence[str],
                 first: date, last: date, seed: int) -> None:
        if last < first:
            raise LexluxError([error("LX700", f"the window ends ({last}) before it starts "
                                     f"({first})", hint="--to must not be before --from")])
        self.population, self.vocabulary = population, vocabulary
        self.first, self.last, self.seed = first, last, seed
        named = population.data.get("facts") or {}
        defaults = population.data.get("defaults") or {}
        order = [n for n in named if n in needed] + [n for n in needed if n not in named]
        self.plan: list[tuple[VocabularyEntry, dict[str, Any]]] = []
        for name in _dependency_order(order, named):
            entry = vocabulary.facts[name]
            draw = named.get(name)
            if draw is None:
                draw = defaults.get(entry.type.kind)
            if draw is None:
                continue     # a type the file gives no default for: left out (documented)
            self.plan.append((entry, draw))

    def spells(self, rng: random.Random, anchor: date) -> list[Period]:
        spec = self.population.data["incapacity"]
        current = Period(anchor, anchor + timedelta(days=_days(rng, spec["length_days"]) - 1))
        spells = [current]
        earlier = spec.get("earlier_spells") or {"min": 0, "max": 0}
        gaps = spec.get("gap_days") or {"min": 1, "max": 365}
        start = anchor
        for _ in range(rng.randint(int(earlier["min"]), int(earlier["max"]))):
            end = start - timedelta(days=max(1, _days(rng, gaps)) + 1)
            length = _days(rng, spec["length_days"])
            spells.insert(0, Period(end - timedelta(days=length - 1), end))
            start = spells[0].start
        return spells

    def person(self, index: int) -> Case:
        rng = random.Random(f"{self.seed}:{index}")
        span = (self.last - self.first).days
        anchor = self.first + timedelta(days=rng.randint(0, span))
        spells = self.spells(rng, anchor)
        current = spells[-1]
        facts: dict[str, Value] = {}
        dates: list[date] = [current.end]
        for entry, draw in self.plan:
            condition = draw.get("given_if")
            if condition is not None and facts.get(condition) in (None, False):
                continue
            value = self.draw(rng, entry, draw, anchor, current, spells, facts)
            if value is None:
                continue
            facts[entry.name] = value
            if isinstance(value, date):
                dates.append(value)
            elif isinstance(value, tuple) and value:
                dates.append(value[-1].end)
        as_of = max(dates) + timedelta(days=int(self.population.data.get("as_of_days_after",
                                                                          30)))
        return Case(f"synthetic person {index + 1} (seed {self.seed})",
                    self.vocabulary.jurisdiction, as_of, facts)

    def draw(self, rng: random.Random, entry: VocabularyEntry, draw: dict[str, Any],
             anchor: date, current: Period, spells: list[Period],
             facts: dict[str, Value]) -> Value | None:
        if rng.random() >= float(draw.get("given", 1)):
            return None
        kind = entry.type.kind
        if "value" in draw:
            value: Value = from_written(draw["value"], entry.type)
            return value
        if "choices" in draw:
            written = rng.choices(list(draw["choices"]), weights=list(draw["choices"].values()))
            return _choice(written[0], entry)
        if kind == "enum":
            return rng.choice(entry.type.values)
        if kind == "date":
            base_name = draw.get("relative_to", "anchor")
            base = anchor if base_name == "anchor" else current.end \
                if base_name == "spell_end" else facts.get(base_name)
            if not isinstance(base, date):
                return None
            return base + timedelta(days=_days(rng, draw.get("days", {"min": 0, "max": 0})))
        if kind == "periods":
            if "within_current_spell" in draw:
                offset = int(current.day_count * float(draw["within_current_spell"]))
                return (Period(current.start + timedelta(days=min(offset,
                                                                 current.day_count - 1)),
                               current.end),)
            which = draw.get("same_as", "incapacity")
            if which == "career":
                return (Period(anchor - timedelta(days=20 * 365), anchor + timedelta(days=3652)),)
            return tuple(spells) if which == "incapacity" else (current,) \
                if which == "current_spell" else ()
        if "range" in draw:
            low, high = draw["range"]["min"], draw["range"]["max"]
            if kind == "integer":
                return rng.randint(int(low), int(high))
            if kind == "months":
                return Months(rng.randint(int(low), int(high)))
            if kind == "money":
                return Fraction(rng.randint(int(low * 100), int(high * 100)), 100)
            if kind == "percentage":
                return Fraction(rng.randint(int(low), int(high)), 100)
            if kind == "decimal":
                return Fraction(rng.randint(int(low * 100), int(high * 100)), 100)
        if kind == "boolean":
            return rng.random() < 0.5
        return None

    def cases(self, n: int, start: int = 0) -> Iterator[Case]:
        for index in range(start, start + n):
            yield self.person(index)


def _dependency_order(names: list[str], named: dict[str, Any]) -> list[str]:
    """Facts drawn relative to (or given if) another fact come after it."""
    done: list[str] = []
    placed: set[str] = set()

    def place(name: str, depth: int = 0) -> None:
        if name in placed or depth > 50:
            return
        draw = named.get(name) or {}
        for other in (draw.get("relative_to"), draw.get("given_if")):
            if other in names and other != name:
                place(other, depth + 1)
        placed.add(name)
        done.append(name)

    for name in names:
        place(name)
    return done


def reform_window(reform_data: Any) -> tuple[date, date] | None:
    """Around the dates a reform changes the law: a year before the first, two after the last."""
    found: list[date] = []

    def walk(node: Any, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("amended_by", "by"):
                    continue
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key in ("from", "valid_from", "on") and isinstance(node, str | date):
            with contextlib.suppress(ValueError):
                found.append(node if isinstance(node, date) else date.fromisoformat(node))

    walk(reform_data)
    if not found:
        return None
    return min(found) - timedelta(days=365), max(found) + timedelta(days=2 * 365)
