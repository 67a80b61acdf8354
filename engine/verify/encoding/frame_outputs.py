"""Stage 5 (verify): the outputs no frame reads, encoded once for the frames of one month
(abstraction ``timeline_horizon``, :mod:`.timelines`).

The witness search of a timeline query (:mod:`lexlux.verify.checks.timeline_search`)
encodes the query's cone in several frames of the same first month (36 and 18 months from
the later date of a diff; 6, 18 and 36 for the readings check), each a
:class:`~.encode.LawEncoding` with a set of facts (:class:`~.shared.Shared`) of its own.
The timelines differ from frame to frame, but the outputs of the cone that are no
timeline and read none (the payer reads when the benefit is exhausted, whether it goes
on after disaffiliation, …) are the same terms in every frame: nothing in their
encoding depends on the frame's length.  So a :class:`FrameTwin` takes them from the
first twin of the same law, tag, as-of term and first month (its *donor*) instead of
encoding them again, under any reading whose rules for them are the same (the diff asks
the payer under each reading: the outputs it reads have no reading of their own).

What an output's encoding depends on besides its rules, and how a taken output is known
to be the one an encoding would build:

* the frame's length: an output is taken only when no output first encoded with it is a
  timeline, no function of it read the frame (:data:`~.month_values.FRAME_READS`) and
  every output it reads outside them was taken or could be;
* the law, tag, as-of term and first month: the donor's are the same; the reading: the
  rules of each output taken (:meth:`~.encode.LawEncoding.candidates`) are the same
  under the donor's; the codes of enum values: the donor's interner, or one with the
  same codes (every interner codes the knowledge base's values alike, in sorted order,
  and a value met later gets the next code: :class:`~.facts.Interner`);
* the calendar of the set of facts: most of its tables are memos of pure functions, but
  three give answers that depend on what was encoded before (``_month_of``, ``_starts``,
  ``_shifted``: a date known to be a month's first day, its month, a shifted date), and
  the assumptions it records are kept per output.  While a donor encodes an output, its
  calendar journals every read and write of those three tables
  (:attr:`~.calendar_terms.Calendar.journal`); the output is taken only when every read,
  made again in the taker's calendar (with the writes made before it), finds the same
  entry, so its encoding there would take the same path; then the writes are made in the
  taker's calendar and the assumptions recorded for those outputs are copied, so that
  what is encoded after finds the calendar as it would have been.

Every other effect of encoding an output is on the output itself (its facts, outputs read,
unknown parameters, abstract calls, conditions beyond the horizon), or a memo of a pure
function (parameters on a day, lets, period aggregates), and the facts of the taker's set
are made when its query reads them, in a fixed order.
``tests/verify/test_frame_outputs.py`` compares the payer's cone in the frame of 18 months
with and without this, constraint for constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .calendar_terms import Calendar, Entry
from .encode import LawEncoding, OutputEnc
from .month_values import FRAME_READS

#: Whether outputs are taken from a donor (switched off to compare, in the tests).
ENABLED = [True]


@dataclass(frozen=True, slots=True)
class _Unit:
    """The outputs first encoded while a donor encoded ``root`` (``root`` and those it read
    for the first time), whether no frame is read in them, and the journal of their
    encoding."""

    names: tuple[str, ...]
    free: bool
    journal: tuple[Entry, ...]


class FrameTwin(LawEncoding):
    """A :class:`~.encode.LawEncoding` in a pinned frame that takes the outputs no frame
    reads from its donor (the first twin made for its ``donors`` key, see the module)."""

    def __init__(self, *args: Any, donors: dict[Any, FrameTwin], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.frame.first_month is not None
        self.donors = donors
        donors.setdefault(self.donor_key(), self)
        self._units: dict[str, _Unit] = {}
        self._free: set[str] = set()     # outputs in which no frame is read
        self.taken = 0                   # outputs taken from the donor

    def donor_key(self) -> tuple[Any, ...]:
        """What the outputs of a twin depend on but the frame's length, the reading and the
        interner (checked output by output: :meth:`_take`); the as-of term is kept alive
        by the donor, so its id stays its own."""
        return (self.law_as_of, self.tag, self.as_of.get_id(), self.frame.first_month)

    def output(self, name: str) -> OutputEnc:
        if name in self.outputs:
            return self.outputs[name]
        donor = self.donors.get(self.donor_key())
        if ENABLED[0] and donor is not None and donor is not self and self._take(donor, name):
            return self.outputs[name]
        return self._encode(name)

    def _encode(self, name: str) -> OutputEnc:
        """``name`` encoded here, its unit and journal kept for the other twins."""
        calendar = self.shared.calendar
        outermost = calendar.journal is None
        if outermost:
            calendar.journal = []
        assert calendar.journal is not None
        journal, start = calendar.journal, len(calendar.journal)
        before, reads = set(self.outputs), FRAME_READS[0]
        try:
            out = LawEncoding.output(self, name)
        finally:
            if outermost:
                calendar.journal = None
        names = tuple(n for n in self.outputs if n not in before)
        read_outside = {d for n in names for d in self.outputs[n].deps} - set(names)
        free = FRAME_READS[0] == reads and read_outside <= self._free and all(
            self.outputs[n].type.kind != "timeline" and not self.outputs[n].not_encodable
            for n in names)
        if free:
            self._free.update(names)
        self._units[name] = _Unit(names, free, tuple(journal[start:]))
        return out

    def _take(self, donor: FrameTwin, name: str) -> bool:
        """Take ``name``'s unit from ``donor`` when no frame is read in it, none of its
        outputs is encoded here and every read of its journal finds here what it found
        there; then make its writes here and copy its assumptions."""
        unit = donor._units.get(name)
        if unit is None or not unit.free or any(n in self.outputs for n in unit.names):
            return False
        if self.reading != donor.reading and any(      # another reading: the same rules
                [r.id for r in self.candidates(n)] != [r.id for r in donor.candidates(n)]
                for n in unit.names):
            return False
        if self.shared.interner is not donor.shared.interner and \
                self.shared.interner.codes != donor.shared.interner.codes:
            return False                 # another code for an enum value met later
        calendar = self.shared.calendar
        if not _replayable(calendar, unit.journal):
            return False
        journal, calendar.journal = calendar.journal, None
        try:
            for kind, table, key, value, alive in unit.journal:
                if kind == "set":
                    calendar._write(table, key, value, alive)
                    calendar._alive.append(alive)     # its id stays its own here too
        finally:
            calendar.journal = journal
        if journal is not None:           # taken within an output encoded here: its reads
            journal.extend(unit.journal)  # and writes are that output's too
        source = donor.shared.calendar
        for n in unit.names:
            out = donor.outputs[n]
            self.outputs[n] = out
            if out.owner in source.by_owner:
                calendar.by_owner[out.owner] = list(source.by_owner[out.owner])
        self._free.update(unit.names)
        self.taken += len(unit.names)
        return True


def _replayable(calendar: Calendar, journal: tuple[Entry, ...]) -> bool:
    """Every read of ``journal`` finds in ``calendar`` (with the journal's writes before it)
    the entry it found when it was made."""
    written: dict[tuple[str, int], Any] = {}
    for kind, table, key, value, _ in journal:
        if kind == "set":
            written[(table, key)] = value
            continue
        now = written[(table, key)] if (table, key) in written else _entry(calendar, table,
                                                                           key)
        if not _same(now, value):
            return False
    return True


def _entry(calendar: Calendar, table: str, key: int) -> Any:
    """The entry of ``key`` in ``table``, as :meth:`.Calendar._read` finds it (unjournaled)."""
    if table == "starts":
        return key in calendar._starts or None
    if table == "month_of":
        return calendar._month_of.get(key)
    return calendar._shifted.get(key)


def _same(a: Any, b: Any) -> bool:
    """The same entry: None, True, a term (the same node) or a (term, months) pair."""
    if a is None or b is None or a is True or b is True:
        return a is b
    if isinstance(a, tuple):
        return isinstance(b, tuple) and a[1] == b[1] and _same(a[0], b[0])
    return bool(a.ctx is b.ctx and a.get_id() == b.get_id())
