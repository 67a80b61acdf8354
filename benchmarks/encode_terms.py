"""CPU of building the Z3 terms of every output of the bundled rules (on demand, not a test).

Each round encodes every output afresh (a new ``Shared`` and ``LawEncoding``) as of a
fixed date and as of a free one (``--all-dates``), with timeline outputs not encoded (the
plain outputs, as the diff's queries about them build them) and encoded (``timelines``);
then gathers each output's query constraints.  No check is run: this is the Python and
term-building cost alone, steadier than a diff's CPU (which is half Z3's search).

    python benchmarks/encode_terms.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

import z3
from lexlux.calendar.dates import to_day_number
from lexlux.pipeline import load_knowledge_base
from lexlux.verify.encoding.encode import LawEncoding, query_constraints
from lexlux.verify.encoding.shared import Shared


def one_round(kb: object, jurisdictions: list[str], timelines: bool) -> float:
    start = time.process_time()
    for jurisdiction, as_of in ((j, a) for j in jurisdictions for a in _dates()):
        for law in (date(2018, 12, 31), None):
            shared = Shared(kb, jurisdiction)  # type: ignore[arg-type]
            enc = LawEncoding(shared, as_of, law_as_of=law, timelines=timelines)
            for name in sorted(enc.vocabulary.outputs):
                query_constraints([enc], {0: {name}})
    return time.process_time() - start


def _dates() -> tuple[z3.ArithRef, z3.ArithRef]:
    return z3.IntVal(to_day_number(date(2019, 1, 1))), z3.Int("as_of")


def main(argv: list[str]) -> None:
    rounds = int(argv[0]) if argv else 5
    kb = load_knowledge_base(None).kb
    jurisdictions = sorted({r.jurisdiction for r in kb.rules.values()})
    for timelines in (False, True):
        times = [one_round(kb, jurisdictions, timelines) for _ in range(rounds)]
        print(f"timelines={timelines}: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, {rounds} rounds)")


if __name__ == "__main__":
    main(sys.argv[1:])
